/* iSCSI names (RFC 3720 section 3.2.6): can a string be one?  Pure.
 *
 *   iqn.yyyy-mm.reversed.domain[:anything]    iqn.2026-11.org.example:disk1
 *   eui.<16 hex digits>                       eui.02004567A425678D
 *   naa.<16 or 32 hex digits> (RFC 3980)      naa.52004567BA64678D
 *
 * The RFC's characters are a-z, 0-9, '-', '.' and ':' (RFC 3722's
 * stringprep maps upper case to lower case before a name is sent; its
 * own examples write the hex digits of eui. and naa. in upper case).
 * What targets do with names that break the RFC decided the middle
 * verdict: LIO lower-cases the initiator name at login and keeps its
 * target names as created (its configfs takes any byte but '/'); tgt
 * compares names byte for byte as they were configured; FreeBSD's ctld
 * warns about an iqn. name with other characters and accepts it.  So
 * upper case letters, '_' and the other printable ASCII characters, and
 * an iqn. name without a proper date or domain, are warnings: refusing
 * them would break setups that log in today.  What no target takes, or
 * what cannot have been meant, is an error. */
#ifndef ISCSI_INIT_ISCSI_NAME_H
#define ISCSI_INIT_ISCSI_NAME_H 1

#include <stddef.h>

enum { ISCSI_NAME_MAX = 223 };	/* bytes, RFC 3720 section 3.2.6.1 */

/* Check name (NUL-terminated).  Returns
 *    0  a name as the RFC wants it (why gets "");
 *    1  it breaks the RFC, but targets are known to accept it: an upper
 *       case letter (also in the prefix), '_' or another printable ASCII
 *       character outside the RFC's set; after "iqn." no yyyy-mm date
 *       (month 01-12) followed by '.', or no reversed domain name (two or
 *       more labels of a-z, 0-9 and '-') up to the ':' or the end;
 *   -1  it cannot be a name: empty; longer than 223 bytes; a space, a
 *       control byte or a byte that is not ASCII (iscsi-init takes ASCII
 *       names only); '/' (open-iscsi and LIO keep names as directory
 *       names); "${" (an iPXE setting left unexpanded); no "iqn.",
 *       "eui." or "naa." prefix (in any case) or nothing after it;
 *       "eui." not followed by exactly 16 hex digits, "naa." not by 16
 *       or 32.
 * why (whylen bytes; may be NULL when whylen is 0) gets the first
 * finding as one line of plain text that does not repeat the name, e.g.
 * "upper case 'Q' at byte 5 (RFC 3720 names are lower case)"; bytes
 * are counted from 1. */
int iscsi_name_check(const char *name, char *why, size_t whylen);

#endif
