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

	if (n == 0 || size == 0)
		return -1;
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		int k = snprintf(out + len, size - len, "%s%u", i ? "," : "",
				hashes[i].alg);

		if (k < 0 || (size_t)k >= size - len) {
			out[0] = '\0';
			return -1;
		}
		len += k;
	}
	return 0;
}

/* A number, decimal or 0x hex, up to 255 (CHAP_A values, CHAP_I). */
static int parse_small(const char *s, size_t n, unsigned *out)
{
	uint32_t v;

	if (text_number(s, n, &v) != 0 || v > 255)
		return -1;
	*out = v;
	return 0;
}

const struct chap_hash *chap_a_select(const char *value, size_t len,
		const struct chap_hash *hashes, unsigned n,
		char *err, size_t errlen)
{
	char offer[64], shown[40];
	size_t i = 0, j;
	unsigned h, alg;

	if (chap_a_offer(hashes, n, offer, sizeof(offer)) != 0)
		strcpy(offer, "?");
	if (len == 6 && memcmp(value, "Reject", 6) == 0) {
		login_fail(err, errlen, "target accepts none of the CHAP algorithms"
			" offered (%s)", offer);
		return NULL;
	}
	for (;;) {
		for (j = i; j < len && value[j] != ','; j++)
			;
		if (parse_small(value + i, j - i, &alg) == 0)
			for (h = 0; h < n; h++)
				if (hashes[h].alg == alg)
					return &hashes[h];
		if (j >= len)
			break;
		i = j + 1;
	}
	login_fail(err, errlen, "target chose CHAP_A=%s, which was not offered"
		" (%s)", text_plain(shown, sizeof(shown), value, len), offer);
	return NULL;
}

int chap_parse_id(const char *value, size_t len, uint8_t *id)
{
	unsigned v;

	if (parse_small(value, len, &v) != 0)
		return -1;
	*id = (uint8_t)v;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int b64_digit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static long decode_hex(const char *s, size_t n, uint8_t *out, size_t size)
{
	size_t i = 0, o = 0;
	int hi, lo;

	if (n == 0 || (n + 1) / 2 > size)
		return -1;
	if (n % 2) {	/* an odd count: the first digit is a byte alone */
		if ((lo = hex_digit(s[0])) < 0)
			return -1;
		out[o++] = lo;
		i = 1;
	}
	for (; i < n; i += 2) {
		if ((hi = hex_digit(s[i])) < 0 || (lo = hex_digit(s[i + 1])) < 0)
			return -1;
		out[o++] = hi << 4 | lo;
	}
	return (long)o;
}

static long decode_b64(const char *s, size_t n, uint8_t *out, size_t size)
{
	size_t i, o = 0, pad = 0;

	if (n == 0 || n % 4)
		return -1;
	if (s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	if (n / 4 * 3 - pad > size)
		return -1;
	for (i = 0; i < n; i += 4) {
		int d[4], k, last = i + 4 == n;
		uint32_t v;

		for (k = 0; k < 4; k++) {
			if (last && s[i + k] == '=' && k >= 4 - (int)pad)
				d[k] = 0;
			else if ((d[k] = b64_digit(s[i + k])) < 0)
				return -1;
		}
		v = (uint32_t)d[0] << 18 | (uint32_t)d[1] << 12 | (uint32_t)d[2] << 6 | d[3];
		if (last && pad == 2 && (v & 0xffff))
			return -1;	/* bits left over */
		if (last && pad == 1 && (v & 0xff))
			return -1;
		out[o++] = v >> 16;
		if (!last || pad < 2)
			out[o++] = v >> 8;
		if (!last || pad < 1)
			out[o++] = v;
	}
	return (long)o;
}

long chap_decode(const char *value, size_t len, uint8_t *out, size_t size)
{
	if (len < 3 || value[0] != '0')
		return -1;
	if (value[1] == 'x' || value[1] == 'X')
		return decode_hex(value + 2, len - 2, out, size);
	if (value[1] == 'b' || value[1] == 'B')
		return decode_b64(value + 2, len - 2, out, size);
	return -1;
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

	if (n < 0)
		return login_fail(err, errlen, "target's CHAP_R is not a hex (0x) or"
			" base64 (0b) value of at most %d bytes", CHAP_DIGEST_MAX);
	if ((unsigned long)n != h->len)
		return login_fail(err, errlen, "target's CHAP_R is %ld bytes, %s gives %u",
			n, h->name, h->len);
	chap_response(h, id, secret, secretlen, challenge, challengelen, want);
	for (i = 0; i < h->len; i++)
		diff |= got[i] ^ want[i];
	memset(want, 0, sizeof(want));
	if (diff)
		return login_fail(err, errlen, "target's CHAP_R does not match: it does"
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
