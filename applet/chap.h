/* CHAP as iSCSI uses it (RFC 7143 section 12.1.3, RFC 1994): choose the
 * algorithm (CHAP_A), read CHAP_I and CHAP_C, compute our CHAP_R, make
 * our own challenge for mutual CHAP and check the target's answer.
 * Pure (with login_pdu.c's text helpers): the hashes come from the
 * caller (libbb's in the applet, OpenSSL's in the tests).  No error line ever holds a secret or a response. */
#ifndef ISCSI_INIT_CHAP_H
#define ISCSI_INIT_CHAP_H 1

#include <stddef.h>
#include <stdint.h>

enum {
	CHAP_MD5 = 5,			/* CHAP_A values (IANA PPP CHAP) */
	CHAP_SHA1 = 6,
	CHAP_SHA256 = 7,
	CHAP_SHA3_256 = 8,
	CHAP_DIGEST_MAX = 32,		/* bytes, the longest digest */
	CHAP_CHALLENGE_MAX = 1024,	/* bytes of a CHAP_C we take */
	CHAP_SECRET_MAX = 255,
	/* "0x" and two digits a byte, NUL */
	CHAP_HEX_MAX = 2 + 2 * CHAP_CHALLENGE_MAX + 1,
};

/* One hash: digest() writes len bytes of H(parts[0] || ... || parts[n-1]) */
struct chap_hash {
	const char *name;		/* "MD5" */
	unsigned alg;			/* CHAP_MD5 ... */
	unsigned len;			/* digest bytes, <= CHAP_DIGEST_MAX */
	void (*digest)(const void *parts[], const size_t lens[], unsigned n,
			uint8_t *out);
};

/* The CHAP_A value to offer: the alg numbers of hashes[0..n-1] in that
 * order, comma-separated ("5" or "7,5").  Returns 0, or -1 when it does
 * not fit into size bytes or n is 0. */
int chap_a_offer(const struct chap_hash *hashes, unsigned n, char *out,
		size_t size);

/* The target's CHAP_A answer (len bytes of value): the hash it picked
 * from those offered, or NULL with err set ("target's CHAP_A=7: none of
 * ours (5)", "target's CHAP_A=Reject: none of ours (5)").  A list takes
 * its first value that was offered. */
const struct chap_hash *chap_a_select(const char *value, size_t len,
		const struct chap_hash *hashes, unsigned n,
		char *err, size_t errlen);

/* CHAP_I: a number 0-255 (decimal or 0x hex).  0 or -1. */
int chap_parse_id(const char *value, size_t len, uint8_t *id);

/* A binary value (RFC 7143 section 6.1): "0x"/"0X" and hex digits (an
 * odd count: the first digit stands alone), or "0b"/"0B" and base64
 * (RFC 4648, padded, no bits left over).  Returns the bytes written to
 * out, or -1 when malformed, empty or longer than size. */
long chap_decode(const char *value, size_t len, uint8_t *out, size_t size);

/* "0x" and two lower-case hex digits a byte.  Returns 0, or -1 when it
 * does not fit into size bytes. */
int chap_encode_hex(const uint8_t *in, size_t n, char *out, size_t size);

/* out (h->len bytes) = H(id || secret || challenge), RFC 1994 4.1 */
void chap_response(const struct chap_hash *h, uint8_t id,
		const char *secret, size_t secretlen,
		const uint8_t *challenge, size_t challengelen, uint8_t *out);

/* The target's CHAP_N and CHAP_R (value, len bytes) answering our
 * challenge id / challenge, checked against H(id || secret ||
 * challenge) in constant time.  Returns 0, or -1 with err set
 * ("target's CHAP_R is not SHA-256's 32 bytes in hex (0x) or base64
 * (0b)", "target's CHAP_R does not match: it does not know the mutual
 * CHAP secret"). */
int chap_verify(const struct chap_hash *h, uint8_t id,
		const char *secret, size_t secretlen,
		const uint8_t *challenge, size_t challengelen,
		const char *value, size_t len, char *err, size_t errlen);

/* Our challenge for mutual CHAP from n >= 2 random bytes from the
 * caller: *id = rnd[0], the challenge is rnd[1..n-1] written as CHAP_C's
 * value into out.  RFC 7143 12.1.3 forbids taking back the challenge the
 * target sent: when target_challenge (tclen bytes, may be NULL) is the
 * same, returns -1; also when out is too small or n < 2 or n - 1 >
 * CHAP_CHALLENGE_MAX.  Returns 0. */
int chap_make_challenge(const uint8_t *rnd, size_t n,
		const uint8_t *target_challenge, size_t tclen,
		uint8_t *id, char *out, size_t size);

#endif
