/* Test-side iBFT table builder: one helper per field kind, in the manner of
 * an iBFT producer (iPXE's ibft.c), writing into a caller's buffer. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "ibft_builder.h"

static void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	put_u16(p, v);
	put_u16(p + 2, v >> 16);
}

static int fits(const struct ibft_b *b, size_t off, size_t n)
{
	return off <= b->cap && n <= b->cap - off;
}

/* Claim n bytes at the next boundary of align; 0 when they do not fit. */
static size_t alloc(struct ibft_b *b, size_t n, unsigned align)
{
	size_t at = b->used;

	if (align > 1)
		at = (at + align - 1) / align * align;
	if (!fits(b, at, n)) {
		b->overflow = 1;
		return 0;
	}
	memset(b->buf + b->used, 0, at + n - b->used);
	b->used = at + n;
	return at;
}

int ibft_b_init(struct ibft_b *b, void *buf, size_t cap, unsigned nr_pairs)
{
	size_t ctl_len;

	memset(b, 0, sizeof(*b));
	b->buf = buf;
	b->cap = cap;
	b->align = 16;
	if (nr_pairs < 2)
		nr_pairs = 2;
	if (nr_pairs > IBFT_B_MAX_PAIRS)
		return -1;
	b->nr_pairs = nr_pairs;
	ctl_len = IBFT_CONTROL_LEN + 4 * (nr_pairs - 2);
	if (cap < IBFT_HEADER_LEN + ctl_len) {
		b->overflow = 1;
		return -1;
	}
	memset(buf, 0, cap);

	alloc(b, IBFT_HEADER_LEN, 1);
	ibft_b_set_text(b, IBFT_B_SIGNATURE, "iBFT", 4);
	ibft_b_set_u8(b, IBFT_B_REVISION, 1);
	ibft_b_set_text(b, IBFT_B_OEM_ID, "ISCSII", 6);
	ibft_b_set_text(b, IBFT_B_OEM_TABLE_ID, "IBFTTEST", 8);

	alloc(b, ctl_len, 1);
	ibft_b_set_u8(b, IBFT_HEADER_LEN + IBFT_B_HDR_ID, IBFT_ID_CONTROL);
	ibft_b_set_u8(b, IBFT_HEADER_LEN + IBFT_B_HDR_VERSION, 1);
	ibft_b_set_u16(b, IBFT_HEADER_LEN + IBFT_B_HDR_LENGTH, ctl_len);
	return 0;
}

static size_t structure(struct ibft_b *b, uint8_t id, size_t len,
		uint8_t index, size_t link)
{
	size_t at = alloc(b, len, b->align);

	if (!at)
		return 0;
	ibft_b_set_u8(b, at + IBFT_B_HDR_ID, id);
	ibft_b_set_u8(b, at + IBFT_B_HDR_VERSION, 1);
	ibft_b_set_u16(b, at + IBFT_B_HDR_LENGTH, len);
	ibft_b_set_u8(b, at + IBFT_B_HDR_INDEX, index);
	ibft_b_set_u8(b, at + IBFT_B_HDR_FLAGS, IBFT_FL_VALID | IBFT_FL_BOOT);
	ibft_b_set_u16(b, link, at);
	return at;
}

size_t ibft_b_initiator(struct ibft_b *b)
{
	b->initiator = structure(b, IBFT_ID_INITIATOR, IBFT_INITIATOR_LEN, 0,
			IBFT_HEADER_LEN + IBFT_B_CTL_INITIATOR);
	return b->initiator;
}

size_t ibft_b_nic(struct ibft_b *b, unsigned slot)
{
	if (slot >= b->nr_pairs)
		return 0;
	b->nic[slot] = structure(b, IBFT_ID_NIC, IBFT_NIC_LEN, slot,
			ibft_b_ctl_nic_field(slot));
	return b->nic[slot];
}

size_t ibft_b_target(struct ibft_b *b, unsigned slot)
{
	if (slot >= b->nr_pairs)
		return 0;
	b->target[slot] = structure(b, IBFT_ID_TARGET, IBFT_TARGET_LEN, slot,
			ibft_b_ctl_target_field(slot));
	return b->target[slot];
}

size_t ibft_b_initiator_at(const struct ibft_b *b)
{
	return b->initiator;
}

size_t ibft_b_nic_at(const struct ibft_b *b, unsigned slot)
{
	return slot < IBFT_B_MAX_PAIRS ? b->nic[slot] : 0;
}

size_t ibft_b_target_at(const struct ibft_b *b, unsigned slot)
{
	return slot < IBFT_B_MAX_PAIRS ? b->target[slot] : 0;
}

size_t ibft_b_control_at(const struct ibft_b *b)
{
	(void)b;
	return IBFT_HEADER_LEN;
}

size_t ibft_b_ctl_nic_field(unsigned slot)
{
	return IBFT_HEADER_LEN + IBFT_B_CTL_NIC0 + 4 * slot;
}

size_t ibft_b_ctl_target_field(unsigned slot)
{
	return IBFT_HEADER_LEN + IBFT_B_CTL_TGT0 + 4 * slot;
}

void ibft_b_set_u8(struct ibft_b *b, size_t off, uint8_t v)
{
	ibft_b_poke_u8(b, off, v);
}

void ibft_b_set_u16(struct ibft_b *b, size_t off, uint16_t v)
{
	ibft_b_poke_u16(b, off, v);
}

void ibft_b_set_u32(struct ibft_b *b, size_t off, uint32_t v)
{
	ibft_b_poke_u32(b, off, v);
}

void ibft_b_set_bytes(struct ibft_b *b, size_t off, const void *p, size_t n)
{
	if (!fits(b, off, n)) {
		b->overflow = 1;
		return;
	}
	memcpy(b->buf + off, p, n);
}

void ibft_b_set_text(struct ibft_b *b, size_t off, const char *s, size_t n)
{
	size_t l = strlen(s);

	if (!fits(b, off, n)) {
		b->overflow = 1;
		return;
	}
	memset(b->buf + off, 0, n);
	memcpy(b->buf + off, s, l < n ? l : n);
}

int ibft_b_parse_addr(const char *text, uint8_t a[16])
{
	struct in_addr in4;

	memset(a, 0, 16);
	if (!text || !*text)
		return 0;
	if (inet_pton(AF_INET, text, &in4) == 1) {
		a[10] = a[11] = 0xff;
		memcpy(a + 12, &in4, 4);
		return 0;
	}
	return inet_pton(AF_INET6, text, a) == 1 ? 0 : -1;
}

int ibft_b_set_addr(struct ibft_b *b, size_t off, const char *text)
{
	uint8_t a[16];

	if (ibft_b_parse_addr(text, a))
		return -1;
	ibft_b_set_bytes(b, off, a, 16);
	return 0;
}

void ibft_b_set_addr_raw(struct ibft_b *b, size_t off, const uint8_t a[16])
{
	ibft_b_set_bytes(b, off, a, 16);
}

int ibft_b_set_mac(struct ibft_b *b, size_t off, const char *text)
{
	unsigned m[6];
	uint8_t mac[6];
	char end;
	int i;

	if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2],
			&m[3], &m[4], &m[5], &end) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = m[i];
	ibft_b_set_bytes(b, off, mac, 6);
	return 0;
}

void ibft_b_int_to_lun(uint64_t lun, uint8_t out[8])
{
	int i;

	/* two bytes per level, first level first, as Linux int_to_scsilun */
	for (i = 0; i < 8; i += 2) {
		out[i] = lun >> 8;
		out[i + 1] = lun;
		lun >>= 16;
	}
}

void ibft_b_set_lun(struct ibft_b *b, size_t off, uint64_t lun)
{
	uint8_t l[8];

	ibft_b_int_to_lun(lun, l);
	ibft_b_set_bytes(b, off, l, 8);
}

size_t ibft_b_set_string_raw(struct ibft_b *b, size_t off, const void *s,
		size_t len, int nul)
{
	size_t at;

	if (!s) {
		ibft_b_set_u16(b, off + IBFT_B_STR_LEN, 0);
		ibft_b_set_u16(b, off + IBFT_B_STR_OFF, 0);
		return 0;
	}
	at = alloc(b, len + (nul ? 1 : 0), 1);
	if (!at)
		return 0;
	memcpy(b->buf + at, s, len);
	ibft_b_set_u16(b, off + IBFT_B_STR_LEN, len);
	ibft_b_set_u16(b, off + IBFT_B_STR_OFF, at);
	return at;
}

size_t ibft_b_set_string(struct ibft_b *b, size_t off, const char *s)
{
	return ibft_b_set_string_raw(b, off, s, s ? strlen(s) : 0, IBFT_B_NUL);
}

size_t ibft_b_reserve(struct ibft_b *b, size_t n, unsigned align)
{
	return alloc(b, n, align);
}

size_t ibft_b_len(const struct ibft_b *b)
{
	return ibft_b_peek_u32(b, IBFT_B_LENGTH);
}

void ibft_b_fix_checksum(struct ibft_b *b)
{
	size_t len = ibft_b_len(b), i;
	uint8_t sum = 0;

	if (len > b->cap)
		len = b->cap;
	b->buf[IBFT_B_CHECKSUM] = 0;
	for (i = 0; i < len; i++)
		sum += b->buf[i];
	b->buf[IBFT_B_CHECKSUM] = -sum;
}

size_t ibft_b_finish(struct ibft_b *b)
{
	if (b->overflow)
		return 0;
	ibft_b_set_u32(b, IBFT_B_LENGTH, b->used);
	ibft_b_fix_checksum(b);
	return b->used;
}

void ibft_b_poke_u8(struct ibft_b *b, size_t off, uint8_t v)
{
	if (!fits(b, off, 1)) {
		b->overflow = 1;
		return;
	}
	b->buf[off] = v;
}

void ibft_b_poke_u16(struct ibft_b *b, size_t off, uint16_t v)
{
	if (!fits(b, off, 2)) {
		b->overflow = 1;
		return;
	}
	put_u16(b->buf + off, v);
}

void ibft_b_poke_u32(struct ibft_b *b, size_t off, uint32_t v)
{
	if (!fits(b, off, 4)) {
		b->overflow = 1;
		return;
	}
	put_u32(b->buf + off, v);
}

uint8_t ibft_b_peek_u8(const struct ibft_b *b, size_t off)
{
	return fits(b, off, 1) ? b->buf[off] : 0;
}

uint16_t ibft_b_peek_u16(const struct ibft_b *b, size_t off)
{
	if (!fits(b, off, 2))
		return 0;
	return b->buf[off] | b->buf[off + 1] << 8;
}

uint32_t ibft_b_peek_u32(const struct ibft_b *b, size_t off)
{
	return ibft_b_peek_u16(b, off) | (uint32_t)ibft_b_peek_u16(b, off + 2) << 16;
}
