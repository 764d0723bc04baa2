/* iSCSI Boot Firmware Table parser: checks every header, offset and string
 * against the table's own length before following it, then every value
 * with the checks the sysfs reader shares.  Pure (see ibft.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "ibft.h"

/* Field offsets, iBFT 1.03.  The table is read byte-wise, little endian,
 * so no packed structs and no alignment assumptions. */
enum {
	/* common structure header */
	H_ID = 0, H_VERSION = 1, H_LENGTH = 2, H_INDEX = 4, H_FLAGS = 5,
	HDR_LEN = 6,
	/* table header */
	T_SIG = 0, T_LENGTH = 4, T_REVISION = 8, T_OEM_ID = 10, T_OEM_TABLE_ID = 16,
	/* control */
	C_EXTENSIONS = 6, C_INITIATOR = 8, C_FIRST_PAIR = 10,
	/* initiator */
	I_ISNS = 6, I_SLP = 22, I_RADIUS1 = 38, I_RADIUS2 = 54, I_NAME = 70,
	/* NIC */
	N_IP = 6, N_PREFIX = 22, N_ORIGIN = 23, N_GATEWAY = 24, N_DNS1 = 40,
	N_DNS2 = 56, N_DHCP = 72, N_VLAN = 88, N_MAC = 90, N_BDF = 96,
	N_HOSTNAME = 98,
	/* target */
	G_IP = 6, G_PORT = 22, G_LUN = 24, G_CHAP_TYPE = 32, G_NIC_ASSOC = 33,
	G_NAME = 34, G_CHAP_NAME = 38, G_CHAP_SECRET = 42, G_RCHAP_NAME = 46,
	G_RCHAP_SECRET = 50,
};

struct ctx {
	const uint8_t *buf;
	size_t len;		/* the table's own length, <= buffer length */
	size_t data_start;	/* first byte after the control structure */
	struct ibft_report r;
};

static unsigned get16(const uint8_t *p)
{
	return p[0] | (p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | (p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/*** Reports and the checks both sources share (see ibft.h) ***/

void ibft_problem(struct ibft_report *r, const char *field, const char *fmt, ...)
{
	char msg[160];
	int n;
	va_list ap;

	if (!r->fn || r->lines > IBFT_MAX_REPORTS)
		return;
	n = snprintf(msg, sizeof(msg), "%s: %s: ", r->what, field);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	if (++r->lines > IBFT_MAX_REPORTS)
		strcpy(msg, "more problems, not shown");
	r->fn(r->ctx, msg);
}

int ibft_take_string(struct ibft_report *r, const char *field, const char *s,
		size_t len, char *dst, size_t max, unsigned flags)
{
	const char *then = flags & IBFT_STR_OPTIONAL ? "; not used" : "";
	int rc = flags & IBFT_STR_OPTIONAL ? 0 : -1;
	size_t i;

	dst[0] = '\0';
	if (len > max) {
		ibft_problem(r, field, "%zu bytes long, at most %zu allowed%s", len,
			max, then);
		return rc;
	}
	for (i = 0; i < len; i++) {
		uint8_t ch = s[i];
		if (ch < 0x20 || ch >= 0x7f) {
			if (flags & IBFT_STR_SECRET)
				ibft_problem(r, field, "byte %zu is not a printable "
					"ASCII character%s", i, then);
			else
				ibft_problem(r, field, "byte %zu is 0x%02x, not a "
					"printable ASCII character%s", i, ch, then);
			return rc;
		}
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

static int nic_index_used(const struct ibft_table *t, unsigned index)
{
	unsigned i;

	for (i = 0; i < t->nr_nics; i++)
		if (t->nic[i].index == index)
			return 1;
	return 0;
}

struct ibft_nic *ibft_next_nic(struct ibft_report *r, struct ibft_table *t,
		unsigned slot)
{
	struct ibft_nic *n = &t->nic[t->nr_nics];

	snprintf(r->what, sizeof(r->what), "ethernet%u", slot);
	if (t->nr_nics == IBFT_MAX_NICS) {
		ibft_problem(r, "offset", "more than %u NICs, ignored", IBFT_MAX_NICS);
		t->nr_problems++;
		return NULL;
	}
	memset(n, 0, sizeof(*n));
	n->slot = slot;
	return n;
}

struct ibft_target *ibft_next_target(struct ibft_report *r,
		struct ibft_table *t, unsigned slot)
{
	struct ibft_target *g = &t->target[t->nr_targets];

	snprintf(r->what, sizeof(r->what), "target%u", slot);
	if (t->nr_targets == IBFT_MAX_TARGETS) {
		ibft_problem(r, "offset", "more than %u targets, ignored",
			IBFT_MAX_TARGETS);
		t->nr_problems++;
		return NULL;
	}
	memset(g, 0, sizeof(*g));
	g->slot = slot;
	return g;
}

int ibft_check_nic(struct ibft_report *r, const struct ibft_nic *n)
{
	unsigned max = n->ip.family == IBFT_AF_INET6 ? 128 : 32;

	if (n->prefix > max) {
		ibft_problem(r, "prefix-len", "is %u, at most %u for this address",
			n->prefix, max);
		return -1;
	}
	if (n->mac[0] & 1) {
		ibft_problem(r, "mac", "%02x:%02x:%02x:%02x:%02x:%02x is a "
			"multicast address", n->mac[0], n->mac[1], n->mac[2],
			n->mac[3], n->mac[4], n->mac[5]);
		return -1;
	}
	return 0;
}

int ibft_keep_nic(struct ibft_report *r, struct ibft_table *t, int usable)
{
	struct ibft_nic *n = &t->nic[t->nr_nics];

	if (usable == 0) {
		if (!(n->flags & IBFT_FL_IN_USE)) {
			t->unused_nics |= 1u << (n->slot & 31);
			memset(n, 0, sizeof(*n));
			return 0;
		}
		if (!nic_index_used(t, n->index)) {
			t->nr_nics++;
			return 0;
		}
		ibft_problem(r, "index", "%u is used by another NIC", n->index);
	}
	memset(n, 0, sizeof(*n));
	t->nr_problems++;
	return -1;
}

int ibft_check_target(struct ibft_report *r, const struct ibft_target *t)
{
	/* Only a target the firmware marked valid (or boot-selected) must
	 * be complete: an unused slot may legitimately be half-filled. */
	if (!(t->flags & IBFT_FL_IN_USE))
		return 0;
	if (t->ip.family == IBFT_AF_NONE) {
		ibft_problem(r, "ip-addr", "is not set");
		return -1;
	}
	if (!t->name[0]) {
		ibft_problem(r, "target-name", "is empty");
		return -1;
	}
	if (t->chap_type > IBFT_CHAP_MUTUAL) {
		ibft_problem(r, "chap-type", "is %u, expected 0 (none), 1 (CHAP) "
			"or 2 (mutual CHAP)", t->chap_type);
		return -1;
	}
	if (t->chap_type >= IBFT_CHAP_ONEWAY
	 && (!t->chap_name[0] || !t->chap_secret[0])) {
		ibft_problem(r, t->chap_name[0] ? "chap-secret" : "chap-name",
			"is empty but chap-type is %u", t->chap_type);
		return -1;
	}
	if (t->chap_type == IBFT_CHAP_MUTUAL
	 && (!t->rchap_name[0] || !t->rchap_secret[0])) {
		ibft_problem(r, t->rchap_name[0] ? "rev-chap-name-secret"
			: "rev-chap-name", "is empty but chap-type is 2 (mutual)");
		return -1;
	}
	return 0;
}

int ibft_keep_target(struct ibft_table *t, int usable)
{
	struct ibft_target *g = &t->target[t->nr_targets];

	if (usable == 0 && (g->flags & IBFT_FL_IN_USE)) {
		t->nr_targets++;
		return 0;
	}
	if (usable == 0)
		t->unused_targets |= 1u << (g->slot & 31);
	memset(g, 0, sizeof(*g));
	t->nr_problems += usable != 0;
	return usable;
}

void ibft_check_table(struct ibft_report *r, struct ibft_table *t)
{
	struct ibft_target *g;
	unsigned i;

	/* Every kept target must name a NIC we kept. */
	for (i = 0; i < t->nr_targets; ) {
		g = &t->target[i];
		if (nic_index_used(t, g->nic_assoc)) {
			i++;
			continue;
		}
		snprintf(r->what, sizeof(r->what), "target%u", g->slot);
		ibft_problem(r, "nic-assoc", "is %u, but there is no valid NIC "
			"with that index", g->nic_assoc);
		t->nr_problems++;
		t->nr_targets--;
		memmove(g, g + 1, (t->nr_targets - i) * sizeof(*g));
		memset(&t->target[t->nr_targets], 0, sizeof(*g));
	}
}

/*** The raw table: bytes to structures ***/

void ibft_addr_from_raw(struct ibft_addr *a, const uint8_t *p)
{
	static const uint8_t mapped[12] = { 0,0,0,0, 0,0,0,0, 0,0,0xff,0xff };
	unsigned i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < 16; i++)
		if (p[i])
			break;
	if (i == 16)
		return;
	if (memcmp(p, mapped, 12) == 0) {
		/* firmware writes ::ffff:0.0.0.0 for "unset" too (the kernel
		 * treats it so) */
		if (!(p[12] | p[13] | p[14] | p[15]))
			return;
		a->family = IBFT_AF_INET;
		memcpy(a->a, p + 12, 4);
	} else {
		a->family = IBFT_AF_INET6;
		memcpy(a->a, p, 16);
	}
}

/* Copy the string whose (length, offset) pair sits at s[at].  An empty
 * string is "not set".  flags: ibft_take_string()'s. */
static int get_string(struct ctx *c, const uint8_t *s, unsigned at,
		const char *field, char *dst, size_t max, unsigned flags)
{
	size_t slen = get16(s + at);
	size_t off = get16(s + at + 2);

	dst[0] = '\0';
	if (slen == 0)
		return 0;
	if (off < c->data_start || off >= c->len || slen > c->len - off) {
		ibft_problem(&c->r, field, "string at offset 0x%zx length %zu is outside "
			"the table's data area 0x%zx-0x%zx%s", off, slen,
			c->data_start, c->len,
			flags & IBFT_STR_OPTIONAL ? "; not used" : "");
		return flags & IBFT_STR_OPTIONAL ? 0 : -1;
	}
	/* Some firmware counts the terminating NUL in the length, or more
	 * of the buffer it wrote the string to: the string ends at the
	 * first NUL, as the kernel (iscsi_ibft's "%s") and so open-iscsi
	 * read it. */
	slen = strnlen((const char *)c->buf + off, slen);
	return ibft_take_string(&c->r, field, (const char *)c->buf + off, slen,
			dst, max, flags);
}

/* Locate the structure at off and check its header.  Returns a pointer to
 * it, or NULL after reporting why not. */
static const uint8_t *get_struct(struct ctx *c, size_t off, unsigned id,
		unsigned want_len)
{
	const uint8_t *s;
	unsigned len;

	if (off < c->data_start || off > c->len || c->len - off < HDR_LEN) {
		ibft_problem(&c->r, "offset", "0x%zx is outside the table's data area "
			"0x%zx-0x%zx", off, c->data_start, c->len);
		return NULL;
	}
	s = c->buf + off;
	len = get16(s + H_LENGTH);
	if (s[H_ID] != id) {
		ibft_problem(&c->r, "id", "is %u, expected %u", s[H_ID], id);
		return NULL;
	}
	if (s[H_VERSION] != 1) {
		ibft_problem(&c->r, "version", "is %u, expected 1", s[H_VERSION]);
		return NULL;
	}
	if (len != want_len) {
		ibft_problem(&c->r, "length", "is %u, expected %u", len, want_len);
		return NULL;
	}
	if (c->len - off < len) {
		ibft_problem(&c->r, "length", "%u bytes at offset 0x%zx run past the "
			"table end 0x%zx", len, off, c->len);
		return NULL;
	}
	return s;
}

static int parse_initiator(struct ctx *c, size_t off, struct ibft_initiator *ini)
{
	const uint8_t *s;

	strcpy(c->r.what, "initiator");
	s = get_struct(c, off, IBFT_ID_INITIATOR, IBFT_INITIATOR_LEN);
	if (!s)
		return -1;
	ini->flags = s[H_FLAGS];
	ini->index = s[H_INDEX];
	ibft_addr_from_raw(&ini->isns, s + I_ISNS);
	ibft_addr_from_raw(&ini->slp, s + I_SLP);
	ibft_addr_from_raw(&ini->radius1, s + I_RADIUS1);
	ibft_addr_from_raw(&ini->radius2, s + I_RADIUS2);
	if (get_string(c, s, I_NAME, "initiator-name", ini->name,
			IBFT_NAME_MAX, 0))
		return -1;
	ini->present = 1;
	return 0;
}

static int parse_nic(struct ctx *c, size_t off, struct ibft_nic *n)
{
	const uint8_t *s = get_struct(c, off, IBFT_ID_NIC, IBFT_NIC_LEN);

	if (!s)
		return -1;
	n->flags = s[H_FLAGS];
	n->index = s[H_INDEX];
	ibft_addr_from_raw(&n->ip, s + N_IP);
	n->prefix = s[N_PREFIX];
	n->origin = s[N_ORIGIN];
	ibft_addr_from_raw(&n->gateway, s + N_GATEWAY);
	ibft_addr_from_raw(&n->dns1, s + N_DNS1);
	ibft_addr_from_raw(&n->dns2, s + N_DNS2);
	ibft_addr_from_raw(&n->dhcp, s + N_DHCP);
	n->vlan = get16(s + N_VLAN);
	memcpy(n->mac, s + N_MAC, 6);
	n->pci_bdf = get16(s + N_BDF);
	/* checked before the hostname is decoded, as it always was here */
	if (ibft_check_nic(&c->r, n))
		return -1;
	return get_string(c, s, N_HOSTNAME, "hostname", n->hostname,
			IBFT_HOSTNAME_MAX, IBFT_STR_OPTIONAL);
}

static int parse_target(struct ctx *c, size_t off, struct ibft_target *t)
{
	const uint8_t *s = get_struct(c, off, IBFT_ID_TARGET, IBFT_TARGET_LEN);

	if (!s)
		return -1;
	t->flags = s[H_FLAGS];
	t->index = s[H_INDEX];
	ibft_addr_from_raw(&t->ip, s + G_IP);
	t->port = get16(s + G_PORT);
	memcpy(t->lun, s + G_LUN, 8);
	t->chap_type = s[G_CHAP_TYPE];
	t->nic_assoc = s[G_NIC_ASSOC];
	/* CHAP strings its chap-type does not use are not read: firmware
	 * may leave anything there (the plan would not use them either) */
	if (get_string(c, s, G_NAME, "target-name", t->name, IBFT_NAME_MAX, 0)
	 || (t->chap_type >= IBFT_CHAP_ONEWAY
	  && (get_string(c, s, G_CHAP_NAME, "chap-name", t->chap_name,
			IBFT_CHAP_MAX, 0)
	   || get_string(c, s, G_CHAP_SECRET, "chap-secret", t->chap_secret,
			IBFT_CHAP_MAX, IBFT_STR_SECRET)))
	 || (t->chap_type >= IBFT_CHAP_MUTUAL
	  && (get_string(c, s, G_RCHAP_NAME, "rev-chap-name", t->rchap_name,
			IBFT_CHAP_MAX, 0)
	   || get_string(c, s, G_RCHAP_SECRET, "rev-chap-name-secret",
			t->rchap_secret, IBFT_CHAP_MAX, IBFT_STR_SECRET)))
	)
		return -1;
	return ibft_check_target(&c->r, t);
}

static int bad_table(struct ctx *c, const char *field, const char *fmt, unsigned long v1,
		unsigned long v2)
{
	ibft_problem(&c->r, field, fmt, v1, v2);
	return -1;
}

int ibft_parse(const uint8_t *buf, size_t buflen, struct ibft_table *out,
		ibft_report_fn report, void *rctx)
{
	struct ctx c;
	const uint8_t *ctl;
	unsigned ctl_len, nr_slots, i, sum;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.buf = buf;
	c.r.fn = report;
	c.r.ctx = rctx;
	strcpy(c.r.what, "table");

	if (buflen < IBFT_HEADER_LEN + IBFT_CONTROL_LEN)
		return bad_table(&c, "length", "only %lu bytes, a table needs at "
			"least %lu", buflen, IBFT_HEADER_LEN + IBFT_CONTROL_LEN);
	if (memcmp(buf, "iBFT", 4) && memcmp(buf, "IBFT", 4) && memcmp(buf, "BIFT", 4)) {
		ibft_problem(&c.r, "signature", "is not iBFT, IBFT or BIFT");
		return -1;
	}
	c.len = get32(buf + T_LENGTH);
	if (c.len > buflen)
		return bad_table(&c, "length", "is %lu but only %lu bytes are "
			"available", c.len, buflen);
	if (c.len < IBFT_HEADER_LEN + IBFT_CONTROL_LEN)
		return bad_table(&c, "length", "is %lu, a table needs at least %lu",
			c.len, IBFT_HEADER_LEN + IBFT_CONTROL_LEN);
	if (c.len > 0xffff)
		/* offsets inside the table are 16-bit */
		return bad_table(&c, "length", "is %lu, more than the %lu bytes "
			"16-bit offsets can reach", c.len, 0xffff);
	if (buf[T_REVISION] != 1)
		return bad_table(&c, "revision", "is %lu, expected %lu",
			buf[T_REVISION], 1);
	for (sum = 0, i = 0; i < c.len; i++)
		sum += buf[i];
	if (sum & 0xff)
		return bad_table(&c, "checksum", "bytes sum to 0x%02lx, expected "
			"0x%02lx", sum & 0xff, 0);
	memcpy(out->signature, buf + T_SIG, 4);
	memcpy(out->oem_id, buf + T_OEM_ID, 6);
	memcpy(out->oem_table_id, buf + T_OEM_TABLE_ID, 8);

	/* The control structure follows the header directly. */
	strcpy(c.r.what, "control");
	ctl = buf + IBFT_HEADER_LEN;
	ctl_len = get16(ctl + H_LENGTH);
	if (ctl[H_ID] != IBFT_ID_CONTROL)
		return bad_table(&c, "id", "is %lu, expected %lu", ctl[H_ID],
			IBFT_ID_CONTROL);
	if (ctl[H_VERSION] != 1)
		return bad_table(&c, "version", "is %lu, expected %lu",
			ctl[H_VERSION], 1);
	if (ctl[H_INDEX] != 0)
		return bad_table(&c, "index", "is %lu, expected %lu",
			ctl[H_INDEX], 0);
	if (ctl_len < IBFT_CONTROL_LEN || (ctl_len - IBFT_CONTROL_LEN) % 4)
		return bad_table(&c, "length", "is %lu, expected %lu plus 4 per "
			"extra NIC/target pair", ctl_len, IBFT_CONTROL_LEN);
	if (ctl_len > c.len - IBFT_HEADER_LEN)
		return bad_table(&c, "length", "is %lu, running past the table "
			"end 0x%lx", ctl_len, c.len);
	out->control_flags = ctl[H_FLAGS];
	c.data_start = IBFT_HEADER_LEN + ctl_len;
	nr_slots = (ctl_len - C_FIRST_PAIR) / 4;

	i = get16(ctl + C_INITIATOR);
	if (i && parse_initiator(&c, i, &out->initiator) != 0)
		out->nr_problems++;

	for (i = 0; i < nr_slots; i++) {
		size_t noff = get16(ctl + C_FIRST_PAIR + 4 * i);
		size_t toff = get16(ctl + C_FIRST_PAIR + 4 * i + 2);

		if (noff) {
			struct ibft_nic *n = ibft_next_nic(&c.r, out, i);
			if (n)
				ibft_keep_nic(&c.r, out, parse_nic(&c, noff, n));
		}
		if (toff) {
			struct ibft_target *t = ibft_next_target(&c.r, out, i);
			if (t)
				ibft_keep_target(out, parse_target(&c, toff, t));
		}
	}
	ibft_check_table(&c.r, out);
	return 0;
}

long ibft_scan(const uint8_t *mem, size_t len, unsigned long base)
{
	size_t off;

	for (off = (16 - (base & 15)) & 15; off + IBFT_HEADER_LEN <= len; off += 16) {
		unsigned long addr = base + off;
		uint32_t tlen;

		if (addr >= 0xA0000 && addr < 0xC0000)
			continue;
		if (memcmp(mem + off, "iBFT", 4) && memcmp(mem + off, "BIFT", 4))
			continue;
		tlen = get32(mem + off + T_LENGTH);
		if (tlen >= IBFT_HEADER_LEN + IBFT_CONTROL_LEN && tlen <= len - off
		 && tlen <= 0xffff)
			return off;
	}
	return -1;
}

char *ibft_plain(char *s)
{
	char *p;

	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	return s;
}

char *ibft_addr_str(const struct ibft_addr *a, char *buf)
{
	char *p = buf;
	int i, best = -1, bestlen = 0;

	if (a->family == IBFT_AF_INET) {
		sprintf(buf, "%u.%u.%u.%u", a->a[0], a->a[1], a->a[2], a->a[3]);
		return buf;
	}
	buf[0] = '\0';
	if (a->family != IBFT_AF_INET6)
		return buf;
	/* RFC 5952: the longest run (>= 2) of zero groups becomes "::" */
	for (i = 0; i < 8; ) {
		int j = i;
		while (j < 8 && !a->a[2 * j] && !a->a[2 * j + 1])
			j++;
		if (j - i > bestlen && j - i >= 2) {
			best = i;
			bestlen = j - i;
		}
		i = j > i ? j : i + 1;
	}
	for (i = 0; i < 8; i++) {
		if (i == best) {
			p += sprintf(p, "::");
			i += bestlen - 1;
			continue;
		}
		if (i && i != best + bestlen)
			*p++ = ':';
		p += sprintf(p, "%x", (a->a[2 * i] << 8) | a->a[2 * i + 1]);
	}
	*p = '\0';
	return buf;
}

uint64_t ibft_lun_int(const uint8_t lun[8])
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < 8; i += 2)
		v |= ((uint64_t)lun[i] << ((i + 1) * 8)) | ((uint64_t)lun[i + 1] << (i * 8));
	return v;
}
