/* DHCP option 17 "root-path" for iSCSI (RFC 4173), plus dracut's extended
 * form, parsed into a structure.  Pure: buffer in, structure or error out.
 *
 *   iscsi:<server>:<protocol>:<port>:<LUN>:<targetname>          RFC 4173
 *   iscsi:[user:pass[:in_user:in_pass]@]<server>:<protocol>:<port>
 *        [:[iface:]netdev]:<LUN>:<targetname>                    dracut
 *
 * <server> is an IPv4 address, a DNS name or an IPv6 address in brackets;
 * empty protocol means 6 (TCP, the only one; "tcp" is taken too), empty
 * port 3260, empty LUN 0.  The LUN is hexadecimal: 1 to 4 groups of 1 to
 * 4 digits joined by '-', each group two bytes of the 8-byte SAM LUN
 * ("100" is LUN 256).
 * A field holding "${" is an error (an iPXE setting left unexpanded: iPXE
 * expands them, iscsi-init does not); so is a target name that cannot be
 * an iSCSI name (iscsi_name_check() < 0; one that merely breaks RFC 3720
 * is taken as it is). */
#ifndef ISCSI_INIT_ROOTPATH_H
#define ISCSI_INIT_ROOTPATH_H 1

#include <stddef.h>
#include <stdint.h>
#include "ibft.h"

enum {
	ROOTPATH_HOST_MAX = 253,	/* DNS name, RFC 1035 */
	ROOTPATH_IFNAME_MAX = 15,
};

struct rootpath {
	char server[ROOTPATH_HOST_MAX + 1];	/* as written, without brackets */
	struct ibft_addr addr;		/* when server is an address literal */
	uint16_t port;
	uint8_t lun[8];
	char target[IBFT_NAME_MAX + 1];
	char iface[IBFT_NAME_MAX + 1];	/* dracut: open-iscsi iface name */
	char netdev[ROOTPATH_IFNAME_MAX + 1];
	char user[IBFT_CHAP_MAX + 1], pass[IBFT_CHAP_MAX + 1];
	char in_user[IBFT_CHAP_MAX + 1], in_pass[IBFT_CHAP_MAX + 1];
};

/* Parse len bytes of s (need not be NUL-terminated).  Returns 0, or -1
 * with a one-line reason in err naming the part that is wrong (never a
 * password). */
int rootpath_parse(const char *s, size_t len, struct rootpath *out,
		char *err, size_t errlen);

#endif
