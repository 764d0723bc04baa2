/* Minimal DNS A query and reply parsing (RFC 1035), bounds-checked
 * everywhere: the reply comes from the network.  Pure (see dns.h). */
#include <string.h>
#include "dns.h"

enum { HDR = 12, TYPE_A = 1, CLASS_IN = 1, RCODE_NXDOMAIN = 3 };

int dns_query(uint8_t *buf, size_t size, uint16_t id, const char *name)
{
	size_t n = strlen(name), pos = HDR;
	const char *label = name;

	if (n == 0 || n > 253 || size < HDR + n + 2 + 4)
		return -1;
	memset(buf, 0, HDR);
	buf[0] = id >> 8;
	buf[1] = id;
	buf[2] = 0x01;		/* RD: recursion desired */
	buf[5] = 1;		/* one question */
	while (*label) {
		size_t l = strcspn(label, ".");

		if (l == 0 || l > 63)
			return -1;
		buf[pos++] = l;
		memcpy(buf + pos, label, l);
		pos += l;
		label += l;
		if (*label == '.' && *++label == '\0')
			break;	/* trailing dot: fully qualified */
	}
	buf[pos++] = 0;
	buf[pos++] = 0; buf[pos++] = TYPE_A;
	buf[pos++] = 0; buf[pos++] = CLASS_IN;
	return pos;
}

/* Step over a (possibly compressed) name; returns the offset after it or
 * 0 when it runs past the end. */
static size_t skip_name(const uint8_t *buf, size_t len, size_t pos)
{
	unsigned labels = 0;

	while (pos < len) {
		uint8_t l = buf[pos];

		if ((l & 0xc0) == 0xc0)
			return pos + 2 <= len ? pos + 2 : 0;
		if (l & 0xc0 || ++labels > 127)
			return 0;
		pos += 1 + l;
		if (l == 0)
			return pos <= len ? pos : 0;
	}
	return 0;
}

int dns_answer(const uint8_t *buf, size_t len, uint16_t id, struct ibft_addr *addr)
{
	unsigned qd, an, i;
	size_t pos = HDR;

	memset(addr, 0, sizeof(*addr));
	if (len < HDR || ((buf[0] << 8) | buf[1]) != id || !(buf[2] & 0x80))
		return -1;	/* not a reply to us */
	if ((buf[3] & 0x0f) == RCODE_NXDOMAIN)
		return 1;
	if (buf[3] & 0x0f)
		return -1;
	qd = (buf[4] << 8) | buf[5];
	an = (buf[6] << 8) | buf[7];
	for (i = 0; i < qd; i++) {
		pos = skip_name(buf, len, pos);
		if (!pos || pos + 4 > len)
			return -1;
		pos += 4;
	}
	for (i = 0; i < an; i++) {
		unsigned type, class, rdlen;

		pos = skip_name(buf, len, pos);
		if (!pos || pos + 10 > len)
			return -1;
		type = (buf[pos] << 8) | buf[pos + 1];
		class = (buf[pos + 2] << 8) | buf[pos + 3];
		rdlen = (buf[pos + 8] << 8) | buf[pos + 9];
		pos += 10;
		if (pos + rdlen > len)
			return -1;
		if (type == TYPE_A && class == CLASS_IN && rdlen == 4) {
			addr->family = IBFT_AF_INET;
			memcpy(addr->a, buf + pos, 4);
			return 0;
		}
		pos += rdlen;	/* CNAME and friends: the A record follows */
	}
	return 1;
}
