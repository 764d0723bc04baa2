/* CHAP for iSCSI login (RFC 7143 section 12.1.3, RFC 1994).  Pure: see
 * chap.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "chap.h"
#include "login_pdu.h"

int chap_a_offer(const struct chap_hash *hashes, unsigned n, char *out,
		size_t size)
{
	size_t len = 0;
	unsigned i;

	for (i = 0; i < n && len < size; i++)
		len += snprintf(out + len, size - len, i ? ",%u" : "%u",
			hashes[i].alg);
	if (n && len < size)
		return 0;
	if (size)
		out[0] = '\0';
	return -1;
}

const struct chap_hash *chap_a_select(const char *value, size_t len,
		const struct chap_hash *hashes, unsigned n,
		char *err, size_t errlen)
{
	char offer[64], shown[40];
	const char *s = value, *end = value + len, *comma;
	uint32_t alg;
	unsigned h;

	chap_a_offer(hashes, n, offer, sizeof(offer));	/* "" if it fails */
	/* a list: its first value that was offered */
	for (;; s = comma + 1) {
		comma = memchr(s, ',', end - s);
		if (!comma)
			comma = end;
		if (text_number(s, comma - s, &alg) == 0)
			for (h = 0; h < n; h++)
				if (hashes[h].alg == alg)
					return &hashes[h];
		if (comma == end)
			break;
	}
	/* Reject, too: the target takes none of them */
	login_fail(err, errlen, LF_TGT "CHAP_A=%s: none of ours (%s)",
		text_plain(shown, sizeof(shown), value, len), offer);
	return NULL;
}

int chap_parse_id(const char *value, size_t len, uint8_t *id)
{
	uint32_t v;

	if (text_number(value, len, &v) != 0 || v > 255)
		return -1;
	*id = (uint8_t)v;
	return 0;
}

static int b64_digit(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

long chap_decode(const char *value, size_t len, uint8_t *out, size_t size)
{
	const char *end = value + len;
	size_t o = 0;
	unsigned width = 4, bits = len % 2 * 4, acc = 0;
	int d;

	/* hex: 4 bits a digit, an odd count's first digit a byte alone;
	 * base64: 6 bits a digit, padded with '=' to 4 digits */
	if (len < 3 || *value++ != '0')
		return -1;
	d = *value++ | 0x20;
	if (d == 'b') {
		width = 6;
		bits = 0;
		if (len % 4 != 2)
			return -1;
		if (end[-1] == '=')
			end -= end[-2] == '=' ? 2 : 1;
	} else if (d != 'x') {
		return -1;
	}
	for (; value < end; value++) {
		d = width == 4 ? text_hex_digit(*value) : b64_digit(*value);
		if (d < 0)
			return -1;
		acc = acc << width | d;
		bits += width;
		if (bits >= 8) {
			bits -= 8;
			if (o == size)
				return -1;
			out[o++] = acc >> bits;
			acc &= (1u << bits) - 1;
		}
	}
	/* base64: no bits left over */
	return acc ? -1 : (long)o;
}

int chap_encode_hex(const uint8_t *in, size_t n, char *out, size_t size)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (size < 3 || (size - 3) / 2 < n)
		return -1;
	out[0] = '0';
	out[1] = 'x';
	for (i = 0; i < n; i++) {
		out[2 + 2 * i] = digits[in[i] >> 4];
		out[3 + 2 * i] = digits[in[i] & 15];
	}
	out[2 + 2 * n] = '\0';
	return 0;
}

void chap_response(const struct chap_hash *h, uint8_t id,
		const char *secret, size_t secretlen,
		const uint8_t *challenge, size_t challengelen, uint8_t *out)
{
	const void *parts[3] = { &id, secret, challenge };
	size_t lens[3] = { 1, secretlen, challengelen };

	h->digest(parts, lens, 3, out);
}

int chap_verify(const struct chap_hash *h, uint8_t id,
		const char *secret, size_t secretlen,
		const uint8_t *challenge, size_t challengelen,
		const char *value, size_t len, char *err, size_t errlen)
{
	uint8_t got[CHAP_DIGEST_MAX + 1], want[CHAP_DIGEST_MAX];
	long n = chap_decode(value, len, got, sizeof(got));
	unsigned diff = 0, i;

	if (n < 0 || (unsigned long)n != h->len)
		return login_fail(err, errlen, LF_TGT "CHAP_R is not %s's %u bytes"
			" in hex (0x) or base64 (0b)", h->name, h->len);
	chap_response(h, id, secret, secretlen, challenge, challengelen, want);
	for (i = 0; i < h->len; i++)
		diff |= got[i] ^ want[i];
	memset(want, 0, sizeof(want));
	if (diff)
		return login_fail(err, errlen, LF_TGT "CHAP_R does not match: it does"
			" not know the mutual CHAP secret");
	return 0;
}

int chap_make_challenge(const uint8_t *rnd, size_t n,
		const uint8_t *target_challenge, size_t tclen,
		uint8_t *id, char *out, size_t size)
{
	if (n < 2 || n - 1 > CHAP_CHALLENGE_MAX)
		return -1;
	if (target_challenge && tclen == n - 1
	 && memcmp(target_challenge, rnd + 1, tclen) == 0)
		return -1;
	if (chap_encode_hex(rnd + 1, n - 1, out, size) != 0)
		return -1;
	*id = rnd[0];
	return 0;
}
