/* iSCSI login PDUs and text keys (RFC 7143): build a Login Request, parse
 * a Login Response, read and write key=value text, negotiate the
 * operational keys the kernel's iscsi_tcp needs, and say what a login
 * status means.  Pure: buffers in, buffers or an error line out; no I/O,
 * no allocation.  Error lines name the key and the value, never a secret
 * (no CHAP key's value is ever quoted). */
#ifndef ISCSI_INIT_LOGIN_PDU_H
#define ISCSI_INIT_LOGIN_PDU_H 1

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum {
	ISCSI_BHS_LEN = 48,		/* Basic Header Segment */
	ISCSI_OP_IMMEDIATE = 0x40,	/* the I bit of byte 0 */
	ISCSI_OP_LOGIN_REQ = 0x03,
	ISCSI_OP_LOGIN_RSP = 0x23,
	ISCSI_LOGIN_TRANSIT = 0x80,	/* T bit of byte 1 */
	ISCSI_LOGIN_CONTINUE = 0x40,	/* C bit of byte 1 */
	ISCSI_STAGE_SECURITY = 0,	/* CSG / NSG values */
	ISCSI_STAGE_OPERATIONAL = 1,
	ISCSI_STAGE_FULL_FEATURE = 3,
	ISCSI_VERSION = 0,		/* Version-max and -min */
	ISCSI_TEXT_MAX = 8192,		/* a login data segment, RFC 7143 6.1 */
	ISCSI_KEY_MAX = 63,		/* key name bytes */
	ISCSI_VALUE_MAX = 255,		/* value bytes, except CHAP_C/CHAP_R */
	/* a whole Login Request or Response, padded */
	ISCSI_LOGIN_PDU_MAX = ISCSI_BHS_LEN + ISCSI_TEXT_MAX,
};

/* Login Request fields (RFC 7143 section 11.12) */
struct login_req {
	unsigned transit, cont;		/* T and C bits: 0 or 1 */
	unsigned csg, nsg;		/* ISCSI_STAGE_* */
	uint8_t isid[6];
	uint16_t tsih;
	uint32_t itt;
	uint16_t cid;
	uint32_t cmdsn, expstatsn;
};

/* Write the 48-byte BHS and datalen bytes of text (padded with zeros to
 * a multiple of 4) into out.  Returns the PDU's length, or 0 when it
 * does not fit into outsize, datalen exceeds ISCSI_TEXT_MAX, both T and
 * C are set, or a stage is not 0, 1 or 3. */
size_t login_req_build(uint8_t *out, size_t outsize,
		const struct login_req *r, const char *data, size_t datalen);

/* Login Response fields (RFC 7143 section 11.13) */
struct login_rsp {
	unsigned transit, cont, csg, nsg;
	unsigned version_max, version_active;
	uint8_t isid[6];
	uint16_t tsih;
	uint32_t itt, statsn, expcmdsn, maxcmdsn;
	unsigned status_class, status_detail;
	const char *data;		/* into the buffer parsed */
	size_t datalen;
};

/* Parse a Login Response from len bytes of buf into r (set only when
 * it returns more than 0).  Returns the bytes the PDU takes (BHS, AHS
 * and padded data; at most len), or 0 when buf holds too little for it
 * yet (need gets the total length, when the BHS is there, else
 * ISCSI_BHS_LEN), or -1 with err set (one line naming the field, e.g.
 * "login response: opcode 0x21"): a wrong opcode, T and C both set, a
 * reserved stage (NSG only counts with T set), a data segment longer
 * than ISCSI_TEXT_MAX.  The caller checks the rest against its request:
 * version_active 0, the ITT, the ISID, the stages.  With cont set the
 * text goes on in the next response: join the data segments before
 * reading pairs. */
long login_rsp_parse(const uint8_t *buf, size_t len, struct login_rsp *r,
		size_t *need, char *err, size_t errlen);

/* ---- text keys ---- */

/* Append "key=value\0" to buf (size bytes, *len used).  Returns 0, or -1
 * (buf left as it was) when it does not fit, the key is empty, longer
 * than ISCSI_KEY_MAX or holds a byte other than A-Z a-z 0-9 . - + @ _,
 * or the value holds a NUL. */
int text_add(char *buf, size_t size, size_t *len, const char *key,
		const char *value);

struct text_kv {
	const char *key, *value;	/* not NUL-terminated: use the lengths */
	size_t keylen, valuelen;
};

/* The next key=value pair in len bytes of data from *pos on; empty
 * entries (several NULs) are skipped.  Returns 1 with kv set and *pos
 * moved past it, 0 at the end, or -1 with err set: no '=', an empty or
 * too long key name, a value longer than ISCSI_VALUE_MAX (CHAP_C and
 * CHAP_R may be as long as the data), a pair not ended by a NUL. */
int text_next(const char *data, size_t len, size_t *pos, struct text_kv *kv,
		char *err, size_t errlen);

/* The value of key in data, or NULL (also for malformed text); *valuelen
 * gets its length.  Keys are case-sensitive. */
const char *text_find(const char *data, size_t len, const char *key,
		size_t *valuelen);

/* len bytes at v (NULL: none) are the string s. */
int text_is(const char *v, size_t len, const char *s);

/* The index of len bytes at v in list ("a\0b\0", the strings one after
 * another, an empty one last), or -1. */
int text_pick(const char *v, size_t len, const char *list);

/* The i-th string of such a list (it must have i + 1 of them). */
const char *text_nth(const char *list, unsigned i);

/* A format for login_fail() may start with one of these: the words it
 * stands for come first in the line. */
#define LF_RSP "\001"		/* "login response: " */
#define LF_REQ "\002"		/* "login request: " */
#define LF_TGT "\003"		/* "target's " */
#define LF_MUTUAL "\004"	/* "mutual CHAP: " */
#define LF_REFUSED "\005"	/* "target refused the login: " */

/* err (errlen bytes; 0: none) gets the formatted line.  Returns -1. */
int login_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* login_fail() with a va_list.  Returns -1. */
int login_vfail(char *err, size_t errlen, const char *fmt, va_list ap);

/* n bytes of a value from the wire fit for an error line into out
 * (outsize bytes): at most 64 printable bytes, anything else as '?'.
 * Returns out. */
const char *text_plain(char *out, size_t outsize, const char *s, size_t n);

/* A numerical value (RFC 7143 section 6.1): decimal or 0x hex, no sign,
 * n bytes of s.  0 with *out set, or -1 when malformed or over 32 bits. */
int text_number(const char *s, size_t n, uint32_t *out);

/* A hex digit's value, or -1. */
int text_hex_digit(int c);

/* ---- operational keys (RFC 7143 section 13) ---- */

/* Digests we offer: _NONE "None", _CRC32C "CRC32C,None" (CRC32C when
 * the target takes it), _CRC32C_ONLY "CRC32C".  As a result: the digest
 * in force, _NONE or _CRC32C. */
enum { LOGIN_DIGEST_NONE, LOGIN_DIGEST_CRC32C, LOGIN_DIGEST_CRC32C_ONLY };

/* Every field a uint32_t, in the order of our offer: the negotiation
 * reaches them by number.  Booleans are 0 (No) or 1 (Yes). */
struct login_params {
	uint32_t header_digest, data_digest;	/* LOGIN_DIGEST_* */
	uint32_t max_recv_dsl;		/* MaxRecvDataSegmentLength, ours */
	uint32_t max_burst, first_burst;
	uint32_t initial_r2t, immediate_data;
	uint32_t max_connections;
	uint32_t data_pdu_in_order, data_seq_in_order;
	uint32_t default_time2wait, default_time2retain;
	uint32_t max_outstanding_r2t;
	uint32_t error_recovery_level;
	int32_t tpgt;			/* TargetPortalGroupTag, -1 none */
	uint32_t max_xmit_dsl;		/* the target's MaxRecvDataSegmentLength */
};

/* RFC 7143's defaults: what holds for a key nobody negotiated. */
void login_params_default(struct login_params *p);

struct login_nego {
	struct login_params ours;	/* what we offer */
	struct login_params result;	/* negotiated so far */
	unsigned offered;		/* keys we sent, one bit each */
	unsigned answered;		/* keys settled */
	char redirect[ISCSI_VALUE_MAX + 1];	/* TargetAddress, if sent */
};

/* Start a negotiation offering ours (max_xmit_dsl and tpgt unused);
 * result starts as the defaults. */
void login_nego_init(struct login_nego *n, const struct login_params *ours);

/* Append our offer of every operational key to buf.  0 or -1 (full). */
int login_nego_offer(struct login_nego *n, char *buf, size_t size,
		size_t *len);

/* Take the target's keys from one Login Response's text.  An answer to
 * a key we offered must lie within what we offered (a "min" key no
 * larger, a list key one of ours, a Yes we need kept); Reject,
 * NotUnderstood or Irrelevant leaves the RFC default where we accept it.
 * A key the target offers itself gets our answer appended to reply
 * (size bytes, *replylen used); an unknown key gets "NotUnderstood".
 * Returns 0, or -1 with err set to one line naming the key, the value,
 * why, and our offer, e.g. "target's MaxBurstLength=1048576: not what
 * was offered, ours 262144". */
int login_nego_response(struct login_nego *n, const char *data, size_t len,
		char *reply, size_t size, size_t *replylen,
		char *err, size_t errlen);

/* login_nego_response() for one key=value pair (from text_next()). */
int login_nego_pair(struct login_nego *n, const struct text_kv *kv,
		char *reply, size_t size, size_t *replylen,
		char *err, size_t errlen);

/* After the last response: keys offered and never answered keep their
 * RFC default; FirstBurstLength is cut to MaxBurstLength.  Returns 0, or
 * -1 with err set when a default is not acceptable (a CRC32C digest we
 * require). */
int login_nego_finish(struct login_nego *n, char *err, size_t errlen);

/* ---- login status (RFC 7143 section 11.13.5) ---- */

enum { LOGIN_STATUS_OK, LOGIN_STATUS_REDIRECT, LOGIN_STATUS_RETRY,
	LOGIN_STATUS_FINAL };

/* What a Status-Class / Status-Detail pair means: LOGIN_STATUS_OK for
 * class 0; _REDIRECT for class 1 (the TargetAddress key says where);
 * _FINAL for class 2 (initiator error: authentication, authorization,
 * version, ...) except "not found", which a target still being set up
 * answers, and "too many connections", which are _RETRY; _RETRY for
 * class 3 (target error); _FINAL for an unknown class.  msg gets one
 * line, e.g. "authentication failed (status 0x0201)". */
int login_status(unsigned cls, unsigned detail, char *msg, size_t msglen);

#endif
