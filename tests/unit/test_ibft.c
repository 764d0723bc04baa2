/* Unit tests for the pure iBFT parser (applet/ibft.c): tables are built
 * with tests/lib/ibft_builder, then parsed from an exact-size heap copy so
 * the sanitizers catch any read past the buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "../../applet/ibft.h"
#include "../lib/ibft_builder.h"

/* Every CHAP secret in these tests contains this; no report may. */
#define SECRET_MARK "Sekr1t"

enum { MSG_MAX = 64, MSG_LEN = 512, TABLE_CAP = 8192 };

struct fx {
	uint8_t buf[TABLE_CAP];
	struct ibft_b b;
	size_t len;		/* bytes handed to ibft_parse */
	struct ibft_table t;
	int rc;
	unsigned nr_msgs;
	char msg[MSG_MAX][MSG_LEN];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void report(void *ctx, const char *msg)
{
	struct fx *f = ctx;

	assert_non_null(msg);
	assert_true(msg[0] != '\0');
	assert_null(strchr(msg, '\n'));
	if (strstr(msg, SECRET_MARK))
		fail_msg("a CHAP secret leaked into a report: \"%s\"", msg);
	if (f->nr_msgs < MSG_MAX)
		snprintf(f->msg[f->nr_msgs], MSG_LEN, "%s", msg);
	f->nr_msgs++;
}

static void dump_msgs(const struct fx *f)
{
	unsigned i;

	print_message("reports (%u):\n", f->nr_msgs);
	for (i = 0; i < f->nr_msgs && i < MSG_MAX; i++)
		print_message("  %s\n", f->msg[i]);
}

/* Some report names both the structure and the field. */
static void expect_report(const struct fx *f, const char *structure,
		const char *field)
{
	unsigned i;

	for (i = 0; i < f->nr_msgs && i < MSG_MAX; i++)
		if ((!structure || strstr(f->msg[i], structure)) &&
				(!field || strstr(f->msg[i], field)))
			return;
	dump_msgs(f);
	fail_msg("no report names \"%s\" and \"%s\"",
			structure ? structure : "", field ? field : "");
}

static void expect_no_text(const struct fx *f, const char *text)
{
	unsigned i;

	for (i = 0; i < f->nr_msgs && i < MSG_MAX; i++)
		if (strstr(f->msg[i], text)) {
			dump_msgs(f);
			fail_msg("report shows \"%s\"", text);
		}
}

/* Parse the first len bytes of f->buf from an exact-size heap copy. */
static int parse_len(struct fx *f, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	memcpy(copy, f->buf, len);
	f->nr_msgs = 0;
	memset(&f->t, 0xa5, sizeof(f->t));	/* parser must write it all */
	f->rc = ibft_parse(copy, len, &f->t, report, f);
	free(copy);
	return f->rc;
}

static int parse(struct fx *f)
{
	return parse_len(f, f->len);
}

static void expect_clean(struct fx *f)
{
	if (f->rc != 0 || f->nr_msgs || f->t.nr_problems) {
		dump_msgs(f);
		fail_msg("rc %d, %u reports, nr_problems %u; wanted a clean parse",
				f->rc, f->nr_msgs, f->t.nr_problems);
	}
}

static void expect_rejected(struct fx *f, const char *structure,
		const char *field)
{
	if (f->rc != -1) {
		dump_msgs(f);
		fail_msg("rc %d; wanted the table rejected (-1)", f->rc);
	}
	expect_report(f, structure, field);
}

/* Table kept, something skipped and counted. */
static void expect_skipped(struct fx *f, const char *structure,
		const char *field)
{
	if (f->rc != 0 || f->t.nr_problems == 0) {
		dump_msgs(f);
		fail_msg("rc %d, nr_problems %u; wanted 0 with problems counted",
				f->rc, f->t.nr_problems);
	}
	expect_report(f, structure, field);
}

static const struct ibft_nic *nic_in_slot(const struct fx *f, unsigned slot)
{
	unsigned i;

	for (i = 0; i < f->t.nr_nics && i < IBFT_MAX_NICS; i++)
		if (f->t.nic[i].slot == slot)
			return &f->t.nic[i];
	return NULL;
}

static const struct ibft_target *target_in_slot(const struct fx *f,
		unsigned slot)
{
	unsigned i;

	for (i = 0; i < f->t.nr_targets && i < IBFT_MAX_TARGETS; i++)
		if (f->t.target[i].slot == slot)
			return &f->t.target[i];
	return NULL;
}

static void addr_is(const struct ibft_addr *a, const char *text)
{
	uint8_t want[16];
	char got[64];

	assert_int_equal(ibft_b_parse_addr(text, want), 0);
	if (!text || !*text) {
		assert_int_equal(a->family, IBFT_AF_NONE);
		return;
	}
	if (strchr(text, ':')) {
		assert_int_equal(a->family, IBFT_AF_INET6);
		assert_memory_equal(a->a, want, 16);
	} else {
		assert_int_equal(a->family, IBFT_AF_INET);
		assert_memory_equal(a->a, want + 12, 4);
	}
	assert_string_equal(ibft_addr_str(a, got), text);
}

/* ---- the standard table: initiator, two NIC/target pairs ---- */

static size_t std_initiator(struct ibft_b *b)
{
	size_t i = ibft_b_initiator(b);

	ibft_b_set_addr(b, i + IBFT_B_INI_ISNS, "10.0.2.50");
	ibft_b_set_addr(b, i + IBFT_B_INI_SLP, "10.0.2.51");
	ibft_b_set_addr(b, i + IBFT_B_INI_RADIUS1, "10.0.2.52");
	ibft_b_set_addr(b, i + IBFT_B_INI_RADIUS2, "2001:db8::52");
	ibft_b_set_string(b, i + IBFT_B_INI_NAME,
			"iqn.2024-01.org.example:client");
	return i;
}

static size_t std_nic(struct ibft_b *b, unsigned slot)
{
	size_t n = ibft_b_nic(b, slot);
	char text[64];

	snprintf(text, sizeof(text), "10.0.%u.15", 2 + slot);
	ibft_b_set_addr(b, n + IBFT_B_NIC_IP, text);
	ibft_b_set_u8(b, n + IBFT_B_NIC_PREFIX, 24);
	ibft_b_set_u8(b, n + IBFT_B_NIC_ORIGIN, IBFT_ORIGIN_DHCP);
	snprintf(text, sizeof(text), "10.0.%u.2", 2 + slot);
	ibft_b_set_addr(b, n + IBFT_B_NIC_GATEWAY, text);
	ibft_b_set_addr(b, n + IBFT_B_NIC_DNS1, "10.0.2.3");
	ibft_b_set_addr(b, n + IBFT_B_NIC_DNS2, "10.0.2.4");
	ibft_b_set_addr(b, n + IBFT_B_NIC_DHCP, text);
	snprintf(text, sizeof(text), "52:54:00:12:34:%02x", 0x56 + slot);
	ibft_b_set_mac(b, n + IBFT_B_NIC_MAC, text);
	ibft_b_set_u16(b, n + IBFT_B_NIC_PCI_BDF, 0x0018 + (slot << 3));
	snprintf(text, sizeof(text), "client%u", slot);
	ibft_b_set_string(b, n + IBFT_B_NIC_HOSTNAME, text);
	return n;
}

static size_t std_target(struct ibft_b *b, unsigned slot)
{
	size_t t = ibft_b_target(b, slot);
	char text[64];

	snprintf(text, sizeof(text), "10.0.%u.100", 2 + slot);
	ibft_b_set_addr(b, t + IBFT_B_TGT_IP, text);
	ibft_b_set_u16(b, t + IBFT_B_TGT_PORT, 3260);
	ibft_b_set_lun(b, t + IBFT_B_TGT_LUN, 1 + slot);
	ibft_b_set_u8(b, t + IBFT_B_TGT_NIC_ASSOC, slot);
	snprintf(text, sizeof(text), "iqn.2024-01.org.example:disk%u", slot);
	ibft_b_set_string(b, t + IBFT_B_TGT_NAME, text);
	if (slot == 0) {
		ibft_b_set_u8(b, t + IBFT_B_TGT_CHAP_TYPE, IBFT_CHAP_ONEWAY);
		ibft_b_set_string(b, t + IBFT_B_TGT_CHAP_NAME, "user0");
		ibft_b_set_string(b, t + IBFT_B_TGT_CHAP_SECRET,
				SECRET_MARK "-zero");
	} else if (slot == 1) {
		ibft_b_set_u8(b, t + IBFT_B_TGT_CHAP_TYPE, IBFT_CHAP_MUTUAL);
		ibft_b_set_string(b, t + IBFT_B_TGT_CHAP_NAME, "user1");
		ibft_b_set_string(b, t + IBFT_B_TGT_CHAP_SECRET,
				SECRET_MARK "-one");
		ibft_b_set_string(b, t + IBFT_B_TGT_RCHAP_NAME, "ruser1");
		ibft_b_set_string(b, t + IBFT_B_TGT_RCHAP_SECRET,
				SECRET_MARK "-rev");
	}
	return t;
}

/* Lay out the standard table without finishing it. */
static struct ibft_b *std_begin(struct fx *f, unsigned pairs)
{
	unsigned s;

	assert_int_equal(ibft_b_init(&f->b, f->buf, sizeof(f->buf), pairs), 0);
	std_initiator(&f->b);
	for (s = 0; s < pairs; s++)
		std_nic(&f->b, s);
	for (s = 0; s < pairs; s++)
		std_target(&f->b, s);
	return &f->b;
}

static void finish(struct fx *f)
{
	f->len = ibft_b_finish(&f->b);
	assert_true(f->len > 0);
}

static void std_table(struct fx *f)
{
	std_begin(f, 2);
	finish(f);
}

/* After pokes: keep the checksum right so only the poked field is wrong. */
static void refix(struct fx *f)
{
	ibft_b_fix_checksum(&f->b);
}

#define NIC0(f)  ibft_b_nic_at(&(f)->b, 0)
#define NIC1(f)  ibft_b_nic_at(&(f)->b, 1)
#define TGT0(f)  ibft_b_target_at(&(f)->b, 0)
#define TGT1(f)  ibft_b_target_at(&(f)->b, 1)
#define INI(f)   ibft_b_initiator_at(&(f)->b)
#define CTL      IBFT_HEADER_LEN

/* Structure-level problem in NIC 0: the rest is still there. */
static void expect_rest_without_nic0(struct fx *f)
{
	assert_true(f->t.initiator.present);
	assert_int_equal(f->t.nr_nics, 1);
	assert_non_null(nic_in_slot(f, 1));
	assert_null(nic_in_slot(f, 0));
	assert_non_null(target_in_slot(f, 1));
}

static void expect_rest_without_target0(struct fx *f)
{
	assert_true(f->t.initiator.present);
	assert_int_equal(f->t.nr_nics, 2);
	assert_int_equal(f->t.nr_targets, 1);
	assert_null(target_in_slot(f, 0));
	assert_non_null(target_in_slot(f, 1));
}

static void expect_rest_without_initiator(struct fx *f)
{
	assert_false(f->t.initiator.present);
	assert_int_equal(f->t.nr_nics, 2);
	assert_int_equal(f->t.nr_targets, 2);
}

static size_t str_off(struct fx *f, size_t field)
{
	return ibft_b_peek_u16(&f->b, field + IBFT_B_STR_OFF);
}

/* ================= well-formed tables ================= */

static void standard_table_decodes_every_field(void **state)
{
	struct fx *f = *state;
	const struct ibft_nic *n;
	const struct ibft_target *t;
	static const uint8_t mac0[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	static const uint8_t lun1[8] = { 0, 1, 0, 0, 0, 0, 0, 0 };
	static const uint8_t lun2[8] = { 0, 2, 0, 0, 0, 0, 0, 0 };

	std_table(f);
	parse(f);
	expect_clean(f);

	assert_string_equal(f->t.signature, "iBFT");
	assert_string_equal(f->t.oem_id, "ISCSII");
	assert_string_equal(f->t.oem_table_id, "IBFTTEST");
	assert_int_equal(f->t.control_flags, 0);

	assert_true(f->t.initiator.present);
	assert_int_equal(f->t.initiator.flags, IBFT_FL_VALID | IBFT_FL_BOOT);
	assert_int_equal(f->t.initiator.index, 0);
	addr_is(&f->t.initiator.isns, "10.0.2.50");
	addr_is(&f->t.initiator.slp, "10.0.2.51");
	addr_is(&f->t.initiator.radius1, "10.0.2.52");
	addr_is(&f->t.initiator.radius2, "2001:db8::52");
	assert_string_equal(f->t.initiator.name,
			"iqn.2024-01.org.example:client");

	assert_int_equal(f->t.nr_nics, 2);
	n = &f->t.nic[0];
	assert_int_equal(n->slot, 0);
	assert_int_equal(n->index, 0);
	assert_int_equal(n->flags, IBFT_FL_VALID | IBFT_FL_BOOT);
	addr_is(&n->ip, "10.0.2.15");
	assert_int_equal(n->prefix, 24);
	assert_int_equal(n->origin, IBFT_ORIGIN_DHCP);
	addr_is(&n->gateway, "10.0.2.2");
	addr_is(&n->dns1, "10.0.2.3");
	addr_is(&n->dns2, "10.0.2.4");
	addr_is(&n->dhcp, "10.0.2.2");
	assert_int_equal(n->vlan, 0);
	assert_memory_equal(n->mac, mac0, 6);
	assert_int_equal(n->pci_bdf, 0x0018);
	assert_string_equal(n->hostname, "client0");
	n = &f->t.nic[1];
	assert_int_equal(n->slot, 1);
	assert_int_equal(n->index, 1);
	addr_is(&n->ip, "10.0.3.15");
	assert_int_equal(n->mac[5], 0x57);
	assert_int_equal(n->pci_bdf, 0x0020);
	assert_string_equal(n->hostname, "client1");

	assert_int_equal(f->t.nr_targets, 2);
	t = &f->t.target[0];
	assert_int_equal(t->slot, 0);
	assert_int_equal(t->index, 0);
	assert_int_equal(t->flags, IBFT_FL_VALID | IBFT_FL_BOOT);
	addr_is(&t->ip, "10.0.2.100");
	assert_int_equal(t->port, 3260);
	assert_memory_equal(t->lun, lun1, 8);
	assert_int_equal(t->chap_type, IBFT_CHAP_ONEWAY);
	assert_int_equal(t->nic_assoc, 0);
	assert_string_equal(t->name, "iqn.2024-01.org.example:disk0");
	assert_string_equal(t->chap_name, "user0");
	assert_string_equal(t->chap_secret, SECRET_MARK "-zero");
	assert_string_equal(t->rchap_name, "");
	assert_string_equal(t->rchap_secret, "");
	t = &f->t.target[1];
	assert_int_equal(t->slot, 1);
	assert_int_equal(t->nic_assoc, 1);
	assert_memory_equal(t->lun, lun2, 8);
	assert_int_equal(t->chap_type, IBFT_CHAP_MUTUAL);
	assert_string_equal(t->chap_name, "user1");
	assert_string_equal(t->chap_secret, SECRET_MARK "-one");
	assert_string_equal(t->rchap_name, "ruser1");
	assert_string_equal(t->rchap_secret, SECRET_MARK "-rev");
}

static void header_texts_and_control_flags_are_kept(void **state)
{
	struct fx *f = *state;

	std_begin(f, 2);
	ibft_b_set_text(&f->b, IBFT_B_OEM_ID, "QEMU", 6);
	ibft_b_set_text(&f->b, IBFT_B_OEM_TABLE_ID, "ABCDEFGH", 8);
	ibft_b_set_u8(&f->b, CTL + IBFT_B_HDR_FLAGS, 0x01);
	finish(f);
	parse(f);
	expect_clean(f);
	assert_string_equal(f->t.oem_id, "QEMU");
	assert_string_equal(f->t.oem_table_id, "ABCDEFGH");
	assert_int_equal(f->t.control_flags, 0x01);
}

static void header_and_control_only_is_an_empty_table(void **state)
{
	struct fx *f = *state;

	assert_int_equal(ibft_b_init(&f->b, f->buf, sizeof(f->buf), 2), 0);
	finish(f);
	assert_int_equal(f->len, IBFT_HEADER_LEN + IBFT_CONTROL_LEN);
	parse(f);
	expect_clean(f);
	assert_false(f->t.initiator.present);
	assert_int_equal(f->t.nr_nics, 0);
	assert_int_equal(f->t.nr_targets, 0);
}

static void absent_fields_come_out_empty(void **state)
{
	struct fx *f = *state;
	size_t n, t;

	/* a bare NIC, and a target with only what a login needs */
	assert_int_equal(ibft_b_init(&f->b, f->buf, sizeof(f->buf), 2), 0);
	n = ibft_b_nic(&f->b, 0);
	t = ibft_b_target(&f->b, 0);
	assert_true(n && t);
	ibft_b_set_addr(&f->b, t + IBFT_B_TGT_IP, "10.0.2.100");
	ibft_b_set_string(&f->b, t + IBFT_B_TGT_NAME, "iqn.2024-01.org.example:d");
	finish(f);
	parse(f);	/* out was filled with 0xa5 first */
	expect_clean(f);
	assert_false(f->t.initiator.present);
	assert_int_equal(f->t.nr_nics, 1);
	assert_int_equal(f->t.nr_targets, 1);
	assert_int_equal(f->t.nic[0].ip.family, IBFT_AF_NONE);
	assert_int_equal(f->t.nic[0].gateway.family, IBFT_AF_NONE);
	assert_int_equal(f->t.nic[0].dns1.family, IBFT_AF_NONE);
	assert_int_equal(f->t.nic[0].dhcp.family, IBFT_AF_NONE);
	assert_string_equal(f->t.nic[0].hostname, "");
	assert_int_equal(f->t.target[0].port, 0);	/* 0 = caller uses 3260 */
	assert_int_equal(f->t.target[0].chap_type, IBFT_CHAP_NONE);
	assert_string_equal(f->t.target[0].chap_name, "");
	assert_string_equal(f->t.target[0].chap_secret, "");
	assert_string_equal(f->t.target[0].rchap_name, "");
	assert_string_equal(f->t.target[0].rchap_secret, "");
}

static void ipv6_nic_and_target_decode(void **state)
{
	struct fx *f = *state;
	size_t n, t;

	assert_int_equal(ibft_b_init(&f->b, f->buf, sizeof(f->buf), 2), 0);
	n = ibft_b_nic(&f->b, 0);
	assert_int_equal(ibft_b_set_addr(&f->b, n + IBFT_B_NIC_IP,
			"2001:db8:1::15"), 0);
	ibft_b_set_u8(&f->b, n + IBFT_B_NIC_PREFIX, 64);
	ibft_b_set_u8(&f->b, n + IBFT_B_NIC_ORIGIN, IBFT_ORIGIN_RA);
	ibft_b_set_addr(&f->b, n + IBFT_B_NIC_GATEWAY, "fe80::1");
	ibft_b_set_addr(&f->b, n + IBFT_B_NIC_DNS1, "2001:db8:1::53");
	ibft_b_set_u8(&f->b, n + IBFT_B_HDR_FLAGS,
			IBFT_FL_VALID | IBFT_FL_BOOT | IBFT_FL_NIC_GLOBAL);
	t = ibft_b_target(&f->b, 0);
	ibft_b_set_addr(&f->b, t + IBFT_B_TGT_IP, "2001:db8:1::100");
	ibft_b_set_string(&f->b, t + IBFT_B_TGT_NAME, "iqn.2024-01.org.example:v6");
	finish(f);
	parse(f);
	expect_clean(f);
	addr_is(&f->t.nic[0].ip, "2001:db8:1::15");
	assert_int_equal(f->t.nic[0].prefix, 64);
	assert_int_equal(f->t.nic[0].origin, IBFT_ORIGIN_RA);
	assert_int_equal(f->t.nic[0].flags, 0x07);
	addr_is(&f->t.nic[0].gateway, "fe80::1");
	addr_is(&f->t.nic[0].dns1, "2001:db8:1::53");
	assert_int_equal(f->t.nic[0].dns2.family, IBFT_AF_NONE);
	addr_is(&f->t.target[0].ip, "2001:db8:1::100");
}

static void ipv4_mapped_zero_address_counts_as_unset(void **state)
{
	struct fx *f = *state;
	static const uint8_t mapped_zero[16] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0 };

	/* Linux (address_not_null) treats ::ffff:0.0.0.0 like all zeros */
	std_begin(f, 2);
	ibft_b_set_addr_raw(&f->b, NIC0(f) + IBFT_B_NIC_DNS2, mapped_zero);
	finish(f);
	parse(f);
	expect_clean(f);
	assert_int_equal(nic_in_slot(f, 0)->dns2.family, IBFT_AF_NONE);
}

static void string_flush_with_table_end_needs_no_nul(void **state)
{
	struct fx *f = *state;

	std_begin(f, 2);
	/* re-point target1's reverse secret at bytes ending the table */
	ibft_b_set_string_raw(&f->b, TGT1(f) + IBFT_B_TGT_RCHAP_SECRET,
			SECRET_MARK "-end", strlen(SECRET_MARK "-end"),
			IBFT_B_NO_NUL);
	finish(f);
	assert_int_equal(str_off(f, TGT1(f) + IBFT_B_TGT_RCHAP_SECRET) +
			strlen(SECRET_MARK "-end"), f->len);
	parse(f);
	expect_clean(f);
	assert_string_equal(target_in_slot(f, 1)->rchap_secret,
			SECRET_MARK "-end");
}

static void longest_allowed_strings_are_kept(void **state)
{
	struct fx *f = *state;
	char name[IBFT_NAME_MAX + 1], host[IBFT_HOSTNAME_MAX + 1];
	char secret[IBFT_CHAP_MAX + 1];

	memset(name, 'n', IBFT_NAME_MAX);
	name[IBFT_NAME_MAX] = '\0';
	memcpy(name, "iqn.", 4);
	memset(host, 'h', IBFT_HOSTNAME_MAX);
	host[IBFT_HOSTNAME_MAX] = '\0';
	memset(secret, 's', IBFT_CHAP_MAX);
	secret[IBFT_CHAP_MAX] = '\0';
	memcpy(secret, SECRET_MARK, strlen(SECRET_MARK));

	std_begin(f, 2);
	ibft_b_set_string(&f->b, INI(f) + IBFT_B_INI_NAME, name);
	ibft_b_set_string(&f->b, NIC0(f) + IBFT_B_NIC_HOSTNAME, host);
	ibft_b_set_string(&f->b, TGT0(f) + IBFT_B_TGT_NAME, name);
	ibft_b_set_string(&f->b, TGT0(f) + IBFT_B_TGT_CHAP_NAME, secret + 1);
	ibft_b_set_string(&f->b, TGT0(f) + IBFT_B_TGT_CHAP_SECRET, secret);
	finish(f);
	parse(f);
	expect_clean(f);
	assert_string_equal(f->t.initiator.name, name);
	assert_string_equal(nic_in_slot(f, 0)->hostname, host);
	assert_string_equal(target_in_slot(f, 0)->name, name);
	assert_string_equal(target_in_slot(f, 0)->chap_secret, secret);
}

static void lun_bytes_are_kept_as_in_the_table(void **state)
{
	struct fx *f = *state;
	static const uint8_t flat[8] = { 0x40, 0x01, 0, 0, 0, 0, 0, 0 };
	static const uint8_t multi[8] = { 0x00, 0x01, 0x00, 0x02,
		0x00, 0x03, 0x00, 0x04 };

	std_begin(f, 2);
	ibft_b_set_bytes(&f->b, TGT0(f) + IBFT_B_TGT_LUN, flat, 8);
	ibft_b_set_bytes(&f->b, TGT1(f) + IBFT_B_TGT_LUN, multi, 8);
	finish(f);
	parse(f);
	expect_clean(f);
	assert_memory_equal(target_in_slot(f, 0)->lun, flat, 8);
	assert_int_equal(ibft_lun_int(target_in_slot(f, 0)->lun), 16385);
	assert_memory_equal(target_in_slot(f, 1)->lun, multi, 8);
	assert_int_equal(ibft_lun_int(target_in_slot(f, 1)->lun),
			0x0004000300020001ULL);
}

static void flags_vlan_port_and_indexes_are_kept_as_given(void **state)
{
	struct fx *f = *state;

	std_begin(f, 2);
	ibft_b_set_u8(&f->b, INI(f) + IBFT_B_HDR_FLAGS, IBFT_FL_VALID);
	ibft_b_set_u8(&f->b, NIC0(f) + IBFT_B_HDR_FLAGS,
			IBFT_FL_VALID | IBFT_FL_NIC_GLOBAL);
	ibft_b_set_u8(&f->b, NIC1(f) + IBFT_B_HDR_FLAGS,
			IBFT_FL_VALID | IBFT_FL_BOOT);
	ibft_b_set_u8(&f->b, TGT0(f) + IBFT_B_HDR_FLAGS, IBFT_FL_VALID);
	ibft_b_set_u8(&f->b, TGT1(f) + IBFT_B_HDR_FLAGS,
			IBFT_FL_VALID | IBFT_FL_BOOT | IBFT_FL_TGT_RADIUS_CHAP);
	ibft_b_set_u16(&f->b, NIC0(f) + IBFT_B_NIC_VLAN, 0x2005);	/* PCP 1, VID 5 */
	ibft_b_set_u16(&f->b, TGT1(f) + IBFT_B_TGT_PORT, 3261);
	/* NIC 0 calls itself 7; its target follows */
	ibft_b_set_u8(&f->b, NIC0(f) + IBFT_B_HDR_INDEX, 7);
	ibft_b_set_u8(&f->b, TGT0(f) + IBFT_B_TGT_NIC_ASSOC, 7);
	finish(f);
	parse(f);
	expect_clean(f);
	assert_int_equal(f->t.initiator.flags, IBFT_FL_VALID);
	assert_int_equal(nic_in_slot(f, 0)->flags, 0x05);
	assert_int_equal(nic_in_slot(f, 1)->flags, 0x03);
	assert_int_equal(target_in_slot(f, 0)->flags, 0x01);
	assert_int_equal(target_in_slot(f, 1)->flags, 0x07);
	assert_int_equal(nic_in_slot(f, 0)->vlan, 0x2005);
	assert_int_equal(target_in_slot(f, 1)->port, 3261);
	assert_int_equal(nic_in_slot(f, 0)->index, 7);
	assert_int_equal(nic_in_slot(f, 0)->slot, 0);
	assert_int_equal(target_in_slot(f, 0)->nic_assoc, 7);
}

/* Some firmware sets only the boot-selected bit (0x02), never the valid
 * bit; open-iscsi (commit defd640) takes those structures too.  Neither
 * bit: left out, and the table remembers which slots were left out. */
static void boot_selected_alone_counts_as_valid(void **state)
{
	struct fx *f = *state;

	std_begin(f, 2);
	ibft_b_set_u8(&f->b, NIC0(f) + IBFT_B_HDR_FLAGS, IBFT_FL_BOOT);
	ibft_b_set_u8(&f->b, TGT0(f) + IBFT_B_HDR_FLAGS, IBFT_FL_BOOT);
	ibft_b_set_u8(&f->b, NIC1(f) + IBFT_B_HDR_FLAGS, 0);
	ibft_b_set_u8(&f->b, TGT1(f) + IBFT_B_HDR_FLAGS, IBFT_FL_TGT_RADIUS_CHAP);
	finish(f);
	parse(f);
	expect_clean(f);
	assert_int_equal(f->t.nr_nics, 1);
	assert_int_equal(f->t.nic[0].flags, IBFT_FL_BOOT);
	assert_int_equal(f->t.nr_targets, 1);
	assert_int_equal(f->t.target[0].flags, IBFT_FL_BOOT);
	assert_int_equal(f->t.unused_nics, 1u << 1);
	assert_int_equal(f->t.unused_targets, 1u << 1);
}

static void three_pairs_in_a_longer_control_structure(void **state)
{
	struct fx *f = *state;
	const struct ibft_nic *n;
	const struct ibft_target *t;

	std_begin(f, 3);
	finish(f);
	assert_int_equal(ibft_b_peek_u16(&f->b, CTL + IBFT_B_HDR_LENGTH), 22);
	parse(f);
	expect_clean(f);
	assert_int_equal(f->t.nr_nics, 3);
	assert_int_equal(f->t.nr_targets, 3);
	n = nic_in_slot(f, 2);
	assert_non_null(n);
	assert_int_equal(n->index, 2);
	addr_is(&n->ip, "10.0.4.15");
	assert_string_equal(n->hostname, "client2");
	t = target_in_slot(f, 2);
	assert_non_null(t);
	assert_int_equal(t->nic_assoc, 2);
	addr_is(&t->ip, "10.0.4.100");
	assert_string_equal(t->name, "iqn.2024-01.org.example:disk2");
	assert_int_equal(ibft_lun_int(t->lun), 3);
	/* table order */
	assert_int_equal(f->t.nic[0].slot, 0);
	assert_int_equal(f->t.nic[2].slot, 2);
	assert_int_equal(f->t.target[2].slot, 2);
}

static void slots_may_hold_a_nic_or_a_target_alone(void **state)
{
	struct fx *f = *state;

	assert_int_equal(ibft_b_init(&f->b, f->buf, sizeof(f->buf), 2), 0);
	std_nic(&f->b, 0);		/* slot 0: NIC only */
	ibft_b_target(&f->b, 1);	/* slot 1: target only, via NIC 0 */
	ibft_b_set_string(&f->b, TGT1(f) + IBFT_B_TGT_NAME, "iqn.2024-01.org.example:x");
	ibft_b_set_addr(&f->b, TGT1(f) + IBFT_B_TGT_IP, "10.0.2.100");
	finish(f);
	parse(f);
	expect_clean(f);
	assert_int_equal(f->t.nr_nics, 1);
	assert_int_equal(f->t.nr_targets, 1);
	assert_int_equal(f->t.target[0].slot, 1);
	assert_int_equal(f->t.target[0].nic_assoc, 0);
}

static void more_nics_than_kept_do_not_overflow(void **state)
{
	struct fx *f = *state;

	std_begin(f, IBFT_MAX_NICS + 2);
	finish(f);
	parse(f);
	assert_int_equal(f->rc, 0);
	assert_true(f->t.nr_nics <= IBFT_MAX_NICS);
	assert_true(f->t.nr_targets <= IBFT_MAX_TARGETS);
	assert_true(f->t.nr_nics >= 2);
}

static void packed_layout_parses_like_aligned(void **state)
{
	struct fx *f = *state;
	unsigned s;

	assert_int_equal(ibft_b_init(&f->b, f->buf, sizeof(f->buf), 2), 0);
	f->b.align = 1;
	std_initiator(&f->b);
	for (s = 0; s < 2; s++)
		std_nic(&f->b, s);
	for (s = 0; s < 2; s++)
		std_target(&f->b, s);
	finish(f);
	assert_int_equal(NIC0(f) % 2, 1);	/* odd offsets: no alignment assumed */
	parse(f);
	expect_clean(f);
	assert_int_equal(f->t.nr_nics, 2);
	assert_int_equal(f->t.nr_targets, 2);
	assert_string_equal(target_in_slot(f, 1)->rchap_name, "ruser1");
}

/* The layout EDK2's IScsiDxe (UEFI firmware, OVMF) publishes: structures
 * on 8-byte boundaries, a table of 2048 bytes whose strings grow down from
 * its end with zeros in between, NIC flags with the "global" bit, origin
 * DHCP with the leased address filled in, no CHAP. */
static void uefi_layout_strings_at_the_table_end(void **state)
{
	struct fx *f = *state;
	static const char ini[] = "iqn.2026-11.org.example:uefi-host";
	static const char tgt[] = "iqn.2026-11.org.example:uefi-disk";
	size_t n, t;

	assert_int_equal(ibft_b_init(&f->b, f->buf, sizeof(f->buf), 2), 0);
	f->b.align = 8;
	ibft_b_initiator(&f->b);
	n = ibft_b_nic(&f->b, 0);
	t = ibft_b_target(&f->b, 0);
	ibft_b_set_u8(&f->b, n + IBFT_B_HDR_FLAGS, 0x07);	/* valid, boot, global */
	ibft_b_set_u8(&f->b, n + IBFT_B_NIC_ORIGIN, IBFT_ORIGIN_DHCP);
	ibft_b_set_addr(&f->b, n + IBFT_B_NIC_IP, "192.168.122.50");
	ibft_b_set_u8(&f->b, n + IBFT_B_NIC_PREFIX, 24);
	ibft_b_set_addr(&f->b, n + IBFT_B_NIC_GATEWAY, "192.168.122.1");
	ibft_b_set_addr(&f->b, n + IBFT_B_NIC_DHCP, "192.168.122.1");
	ibft_b_set_mac(&f->b, n + IBFT_B_NIC_MAC, "52:54:00:aa:bb:cc");
	ibft_b_set_u16(&f->b, n + IBFT_B_NIC_PCI_BDF, 3 << 3);
	ibft_b_set_u8(&f->b, t + IBFT_B_HDR_FLAGS, 0x03);
	ibft_b_set_addr(&f->b, t + IBFT_B_TGT_IP, "192.168.122.1");
	ibft_b_set_u16(&f->b, t + IBFT_B_TGT_PORT, 3260);
	ibft_b_set_u8(&f->b, t + IBFT_B_TGT_NIC_ASSOC, 0);
	/* the heap: zeros up to the strings, which end at byte 2048 */
	ibft_b_reserve(&f->b, 2048 - f->b.used - sizeof(tgt) - sizeof(ini), 1);
	ibft_b_set_string(&f->b, t + IBFT_B_TGT_NAME, tgt);
	ibft_b_set_string(&f->b, INI(f) + IBFT_B_INI_NAME, ini);
	finish(f);
	assert_int_equal(f->len, 2048);
	assert_int_equal(n % 8, 0);
	parse(f);
	expect_clean(f);
	assert_int_equal(f->t.nr_nics, 1);
	assert_int_equal(f->t.nr_targets, 1);
	assert_string_equal(f->t.initiator.name, ini);
	assert_string_equal(f->t.target[0].name, tgt);
	assert_int_equal(f->t.nic[0].origin, IBFT_ORIGIN_DHCP);
	assert_int_equal(f->t.nic[0].flags, 0x07);
	assert_int_equal(f->t.nic[0].pci_bdf, 3 << 3);
	assert_int_equal(f->t.target[0].chap_type, IBFT_CHAP_NONE);
}

static void string_length_counting_its_nul_is_accepted(void **state)
{
	struct fx *f = *state;

	/* some firmware counts the NUL: "disk0\0" with length 6 */
	std_begin(f, 2);
	ibft_b_set_string_raw(&f->b, TGT0(f) + IBFT_B_TGT_NAME,
			"iqn.2024-01.org.example:disk0", 30, IBFT_B_NUL);
	finish(f);
	parse(f);
	expect_clean(f);
	assert_string_equal(target_in_slot(f, 0)->name,
			"iqn.2024-01.org.example:disk0");
}

static void upper_case_ibft_signature_is_accepted(void **state)
{
	struct fx *f = *state;

	/* ACPI's own name for the table is "IBFT" (Linux ACPI_SIG_IBFT) */
	std_begin(f, 2);
	ibft_b_set_text(&f->b, IBFT_B_SIGNATURE, "IBFT", 4);
	finish(f);
	parse(f);
	expect_clean(f);
	assert_string_equal(f->t.signature, "IBFT");
}

static void structures_not_marked_valid_are_left_out_quietly(void **state)
{
	struct fx *f = *state;

	/* spec: flags bit 0 "block valid"; an unused slot may be half filled */
	std_begin(f, 2);
	ibft_b_set_u8(&f->b, NIC1(f) + IBFT_B_HDR_FLAGS, 0);
	ibft_b_set_u8(&f->b, TGT1(f) + IBFT_B_HDR_FLAGS, 0);
	ibft_b_set_u8(&f->b, TGT1(f) + IBFT_B_TGT_CHAP_TYPE, 3);
	finish(f);
	parse(f);
	expect_clean(f);
	assert_int_equal(f->t.nr_nics, 1);
	assert_int_equal(f->t.nr_targets, 1);
	assert_non_null(nic_in_slot(f, 0));
	assert_non_null(target_in_slot(f, 0));
}

static void bytes_after_the_table_are_ignored(void **state)
{
	struct fx *f = *state;

	std_table(f);
	memset(f->buf + f->len, 0xee, 100);	/* e.g. a /dev/mem window */
	parse_len(f, f->len + 100);
	expect_clean(f);
	assert_int_equal(f->t.nr_targets, 2);
}

/* ================= malformed: table rejected ================= */

static void rejects_buffer_shorter_than_header(void **state)
{
	struct fx *f = *state;

	std_table(f);
	parse_len(f, IBFT_HEADER_LEN - 1);
	expect_rejected(f, NULL, "length");
	parse_len(f, 0);
	assert_int_equal(f->rc, -1);
}

static void rejects_wrong_signature(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_set_text(&f->b, IBFT_B_SIGNATURE, "XBFT", 4);
	refix(f);
	parse(f);
	expect_rejected(f, NULL, "signature");
}

static void rejects_length_beyond_buffer(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u32(&f->b, IBFT_B_LENGTH, f->len + 1);
	refix(f);
	parse(f);
	expect_rejected(f, NULL, "length");
}

static void rejects_length_shorter_than_header_and_control(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u32(&f->b, IBFT_B_LENGTH,
			IBFT_HEADER_LEN + IBFT_CONTROL_LEN - 1);
	refix(f);
	parse(f);
	expect_rejected(f, NULL, "length");
}

static void rejects_revision_2(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u8(&f->b, IBFT_B_REVISION, 2);
	refix(f);
	parse(f);
	expect_rejected(f, NULL, "revision");
}

static void rejects_bad_checksum(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u8(&f->b, IBFT_B_CHECKSUM,
			ibft_b_peek_u8(&f->b, IBFT_B_CHECKSUM) + 1);
	parse(f);
	expect_rejected(f, NULL, "checksum");
}

static void rejects_control_with_wrong_id(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u8(&f->b, CTL + IBFT_B_HDR_ID, IBFT_ID_INITIATOR);
	refix(f);
	parse(f);
	expect_rejected(f, "control", "id");
}

static void rejects_control_version_2(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u8(&f->b, CTL + IBFT_B_HDR_VERSION, 2);
	refix(f);
	parse(f);
	expect_rejected(f, "control", "version");
}

static void rejects_control_length_16(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u16(&f->b, CTL + IBFT_B_HDR_LENGTH, 16);
	refix(f);
	parse(f);
	expect_rejected(f, "control", "length");
}

static void rejects_control_length_odd(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u16(&f->b, CTL + IBFT_B_HDR_LENGTH, 19);
	refix(f);
	parse(f);
	expect_rejected(f, "control", "length");
}

static void rejects_control_index_1(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u8(&f->b, CTL + IBFT_B_HDR_INDEX, 1);
	refix(f);
	parse(f);
	expect_rejected(f, "control", "index");
}

static void rejects_control_running_past_table_end(void **state)
{
	struct fx *f = *state;

	size_t ctl_len = IBFT_CONTROL_LEN;

	std_table(f);
	while (CTL + ctl_len <= f->len)	/* well-formed, but one slot too long */
		ctl_len += 4;
	ibft_b_poke_u16(&f->b, CTL + IBFT_B_HDR_LENGTH, ctl_len);
	refix(f);
	parse(f);
	expect_rejected(f, "control", "length");
}

/* ================= malformed: one structure skipped ================= */

static void skips_nic_offset_at_table_end(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u16(&f->b, ibft_b_ctl_nic_field(0), f->len);
	refix(f);
	parse(f);
	expect_skipped(f, "ethernet0", "offset");
	expect_rest_without_nic0(f);
}

static void skips_nic_running_past_table_end(void **state)
{
	struct fx *f = *state;

	/* a NIC header in the last 16 bytes: the 102 bytes do not fit */
	std_begin(f, 2);
	ibft_b_reserve(&f->b, 16, 16);
	finish(f);
	ibft_b_set_bytes(&f->b, f->len - 16, f->buf + NIC0(f), 6);
	ibft_b_poke_u16(&f->b, ibft_b_ctl_nic_field(0), f->len - 16);
	refix(f);
	parse(f);
	expect_skipped(f, "ethernet0", NULL);
	expect_rest_without_nic0(f);
}

static void skips_nic_offset_inside_header(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u16(&f->b, ibft_b_ctl_nic_field(0), 16);
	refix(f);
	parse(f);
	expect_skipped(f, "ethernet0", "offset");
	expect_rest_without_nic0(f);
}

static void skips_nic_offset_overlapping_control(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u16(&f->b, ibft_b_ctl_nic_field(0), CTL + 2);
	refix(f);
	parse(f);
	expect_skipped(f, "ethernet0", "offset");
	expect_rest_without_nic0(f);
}

static void skips_nic_slot_pointing_at_a_target(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u16(&f->b, ibft_b_ctl_nic_field(0), TGT0(f));
	refix(f);
	parse(f);
	expect_skipped(f, "ethernet0", "id");
	expect_rest_without_nic0(f);
}

static void skips_target_version_2(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u8(&f->b, TGT0(f) + IBFT_B_HDR_VERSION, 2);
	refix(f);
	parse(f);
	expect_skipped(f, "target0", "version");
	expect_rest_without_target0(f);
}

static void skips_nic_length_100(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u16(&f->b, NIC0(f) + IBFT_B_HDR_LENGTH, 100);
	refix(f);
	parse(f);
	expect_skipped(f, "ethernet0", "length");
	expect_rest_without_nic0(f);
}

static void skips_target_length_60(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u16(&f->b, TGT0(f) + IBFT_B_HDR_LENGTH, 60);
	refix(f);
	parse(f);
	expect_skipped(f, "target0", "length");
	expect_rest_without_target0(f);
}

static void skips_initiator_length_73(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u16(&f->b, INI(f) + IBFT_B_HDR_LENGTH, 73);
	refix(f);
	parse(f);
	expect_skipped(f, "initiator", "length");
	expect_rest_without_initiator(f);
}

static void skips_target_name_offset_past_end(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u16(&f->b, TGT0(f) + IBFT_B_TGT_NAME + IBFT_B_STR_OFF,
			f->len + 4);
	refix(f);
	parse(f);
	expect_skipped(f, "target0", "target-name");
	expect_rest_without_target0(f);
}

static void skips_string_one_byte_past_table_end(void **state)
{
	struct fx *f = *state;
	size_t field;

	std_begin(f, 2);
	field = TGT1(f) + IBFT_B_TGT_RCHAP_SECRET;
	ibft_b_set_string_raw(&f->b, field, SECRET_MARK "-end",
			strlen(SECRET_MARK "-end"), IBFT_B_NO_NUL);
	finish(f);
	ibft_b_poke_u16(&f->b, field + IBFT_B_STR_LEN,
			ibft_b_peek_u16(&f->b, field + IBFT_B_STR_LEN) + 1);
	refix(f);
	parse(f);
	expect_skipped(f, "target1", "rev-chap");
	assert_int_equal(f->t.nr_targets, 1);
	assert_non_null(target_in_slot(f, 0));
}

static void skips_target_name_offset_plus_length_overflowing(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u16(&f->b, TGT0(f) + IBFT_B_TGT_NAME + IBFT_B_STR_LEN, 0xffff);
	ibft_b_poke_u16(&f->b, TGT0(f) + IBFT_B_TGT_NAME + IBFT_B_STR_OFF, 0xffff);
	refix(f);
	parse(f);
	expect_skipped(f, "target0", "target-name");
	expect_rest_without_target0(f);
}

/* A length covering more than the string (the firmware's buffer, with
 * what it held before): the string ends at its first NUL, as the kernel
 * (iscsi_ibft's "%s") and so open-iscsi read it. */
static void string_ends_at_its_first_nul(void **state)
{
	struct fx *f = *state;
	static const char name[] = "iqn.2024-01.org.example:disk0\0\033[2Jold\377";

	std_begin(f, 2);
	ibft_b_set_string_raw(&f->b, TGT0(f) + IBFT_B_TGT_NAME, name,
			sizeof(name) - 1, IBFT_B_NO_NUL);
	finish(f);
	parse(f);
	expect_clean(f);
	assert_string_equal(target_in_slot(f, 0)->name,
			"iqn.2024-01.org.example:disk0");
}

/* The hostname is only informational: a bad one is said and not used,
 * and its NIC is (the kernel and open-iscsi would boot from it). */
static void hostname_with_escape_sequence_is_not_used(void **state)
{
	struct fx *f = *state;

	std_begin(f, 2);
	ibft_b_set_string(&f->b, NIC0(f) + IBFT_B_NIC_HOSTNAME,
			"client\033[2J\033[31mowned");
	finish(f);
	parse(f);
	assert_int_equal(f->rc, 0);
	assert_int_equal(f->t.nr_problems, 0);
	assert_int_equal(f->nr_msgs, 1);
	assert_string_equal(f->msg[0], "ethernet0: hostname: byte 6 is 0x1b, not "
		"a printable ASCII character; not used");
	assert_int_equal(f->t.nr_nics, 2);
	assert_string_equal(nic_in_slot(f, 0)->hostname, "");
	assert_string_equal(nic_in_slot(f, 1)->hostname, "client1");
	expect_no_text(f, "\033");
}

/* CHAP strings the target's chap-type does not use are not read: what
 * firmware leaves there (here: control bytes) does not cost the target. */
static void chap_strings_chap_type_does_not_use_are_not_read(void **state)
{
	struct fx *f = *state;

	std_begin(f, 2);
	ibft_b_set_u8(&f->b, TGT0(f) + IBFT_B_TGT_CHAP_TYPE, IBFT_CHAP_NONE);
	ibft_b_set_string(&f->b, TGT0(f) + IBFT_B_TGT_CHAP_NAME, "\001\002junk");
	ibft_b_set_string(&f->b, TGT0(f) + IBFT_B_TGT_RCHAP_SECRET, "\377junk");
	ibft_b_set_u8(&f->b, TGT1(f) + IBFT_B_TGT_CHAP_TYPE, IBFT_CHAP_ONEWAY);
	ibft_b_set_string(&f->b, TGT1(f) + IBFT_B_TGT_RCHAP_NAME, "r\033user");
	finish(f);
	parse(f);
	expect_clean(f);
	assert_int_equal(f->t.nr_targets, 2);
	assert_string_equal(target_in_slot(f, 0)->chap_name, "");
	assert_string_equal(target_in_slot(f, 0)->rchap_secret, "");
	assert_string_equal(target_in_slot(f, 1)->chap_name, "user1");
	assert_string_equal(target_in_slot(f, 1)->rchap_name, "");
}

static void skips_initiator_name_with_control_character(void **state)
{
	struct fx *f = *state;

	std_begin(f, 2);
	ibft_b_set_string(&f->b, INI(f) + IBFT_B_INI_NAME,
			"iqn.2024-01.org.example:\rclient");
	finish(f);
	parse(f);
	expect_skipped(f, "initiator", "initiator-name");
	expect_rest_without_initiator(f);
	expect_no_text(f, "\r");
}

static void skips_chap_name_with_delete_character(void **state)
{
	struct fx *f = *state;

	std_begin(f, 2);
	ibft_b_set_string(&f->b, TGT0(f) + IBFT_B_TGT_CHAP_NAME, "user\1770");
	finish(f);
	parse(f);
	expect_skipped(f, "target0", "chap-name");
	expect_rest_without_target0(f);
}

static void skips_target_name_longer_than_223(void **state)
{
	struct fx *f = *state;
	char name[IBFT_NAME_MAX + 2];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	memcpy(name, "iqn.", 4);
	std_begin(f, 2);
	ibft_b_set_string(&f->b, TGT0(f) + IBFT_B_TGT_NAME, name);
	finish(f);
	parse(f);
	expect_skipped(f, "target0", "target-name");
	expect_rest_without_target0(f);
}

static void skips_initiator_name_longer_than_223(void **state)
{
	struct fx *f = *state;
	char name[IBFT_NAME_MAX + 2];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	memcpy(name, "iqn.", 4);
	std_begin(f, 2);
	ibft_b_set_string(&f->b, INI(f) + IBFT_B_INI_NAME, name);
	finish(f);
	parse(f);
	expect_skipped(f, "initiator", "initiator-name");
	expect_rest_without_initiator(f);
}

/* So is one outside the table */
static void hostname_outside_the_table_is_not_used(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u16(&f->b, NIC0(f) + IBFT_B_NIC_HOSTNAME + IBFT_B_STR_OFF, 0xfff0);
	refix(f);
	parse(f);
	assert_int_equal(f->rc, 0);
	assert_int_equal(f->t.nr_problems, 0);
	assert_int_equal(f->nr_msgs, 1);
	assert_non_null(strstr(f->msg[0], "ethernet0: hostname: string at offset "
		"0xfff0 length 7 is outside the table's data area"));
	assert_non_null(strstr(f->msg[0], "; not used"));
	assert_int_equal(f->t.nr_nics, 2);
	assert_int_equal(f->t.nr_targets, 2);
	assert_string_equal(nic_in_slot(f, 0)->hostname, "");
}

static void hostname_longer_than_255_is_not_used(void **state)
{
	struct fx *f = *state;
	char host[IBFT_HOSTNAME_MAX + 2];

	memset(host, 'h', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	std_begin(f, 2);
	ibft_b_set_string(&f->b, NIC0(f) + IBFT_B_NIC_HOSTNAME, host);
	finish(f);
	parse(f);
	assert_int_equal(f->rc, 0);
	assert_int_equal(f->nr_msgs, 1);
	assert_string_equal(f->msg[0], "ethernet0: hostname: 256 bytes long, at "
		"most 255 allowed; not used");
	assert_int_equal(f->t.nr_nics, 2);
	assert_string_equal(nic_in_slot(f, 0)->hostname, "");
}

static void skips_chap_secret_longer_than_255_without_showing_it(void **state)
{
	struct fx *f = *state;
	char secret[IBFT_CHAP_MAX + 2];

	memset(secret, 'q', sizeof(secret) - 1);
	secret[sizeof(secret) - 1] = '\0';
	memcpy(secret, SECRET_MARK, strlen(SECRET_MARK));
	std_begin(f, 2);
	ibft_b_set_string(&f->b, TGT0(f) + IBFT_B_TGT_CHAP_SECRET, secret);
	finish(f);
	parse(f);
	expect_skipped(f, "target0", "chap-secret");
	expect_rest_without_target0(f);
	expect_no_text(f, "qqqq");
}

static void skips_chap_secret_with_bad_byte_without_showing_it(void **state)
{
	struct fx *f = *state;

	std_begin(f, 2);
	ibft_b_set_string(&f->b, TGT0(f) + IBFT_B_TGT_CHAP_SECRET,
			SECRET_MARK "\001tail-XYZZY");
	finish(f);
	parse(f);
	expect_skipped(f, "target0", "chap-secret");
	expect_rest_without_target0(f);
	expect_no_text(f, "XYZZY");
	expect_no_text(f, "tail");
	expect_no_text(f, "\001");
}

static void skips_reverse_chap_secret_with_bad_byte_without_showing_it(
		void **state)
{
	struct fx *f = *state;

	std_begin(f, 2);
	ibft_b_set_string(&f->b, TGT1(f) + IBFT_B_TGT_RCHAP_SECRET,
			"\033]0;" SECRET_MARK "-PLUGH\007");
	finish(f);
	parse(f);
	expect_skipped(f, "target1", "rev-chap");
	assert_int_equal(f->t.nr_targets, 1);
	assert_non_null(target_in_slot(f, 0));
	expect_no_text(f, "PLUGH");
}

static void skips_ipv4_prefix_33(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u8(&f->b, NIC0(f) + IBFT_B_NIC_PREFIX, 33);
	refix(f);
	parse(f);
	expect_skipped(f, "ethernet0", "prefix");
	expect_rest_without_nic0(f);
}

static void skips_ipv6_prefix_129(void **state)
{
	struct fx *f = *state;

	std_begin(f, 2);
	ibft_b_set_addr(&f->b, NIC0(f) + IBFT_B_NIC_IP, "2001:db8::15");
	ibft_b_set_u8(&f->b, NIC0(f) + IBFT_B_NIC_PREFIX, 129);
	finish(f);
	parse(f);
	expect_skipped(f, "ethernet0", "prefix");
	expect_rest_without_nic0(f);
}

static void skips_chap_type_3(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u8(&f->b, TGT0(f) + IBFT_B_TGT_CHAP_TYPE, 3);
	refix(f);
	parse(f);
	expect_skipped(f, "target0", "chap-type");
	expect_rest_without_target0(f);
}

static void skips_oneway_chap_without_name(void **state)
{
	struct fx *f = *state;

	std_begin(f, 2);
	ibft_b_set_string(&f->b, TGT0(f) + IBFT_B_TGT_CHAP_NAME, NULL);
	ibft_b_set_string(&f->b, TGT0(f) + IBFT_B_TGT_CHAP_SECRET, NULL);
	finish(f);
	parse(f);
	expect_skipped(f, "target0", "chap-name");
	expect_rest_without_target0(f);
}

static void skips_oneway_chap_without_secret(void **state)
{
	struct fx *f = *state;

	std_begin(f, 2);
	ibft_b_set_string(&f->b, TGT0(f) + IBFT_B_TGT_CHAP_SECRET, NULL);
	finish(f);
	parse(f);
	expect_skipped(f, "target0", "chap-secret");
	expect_rest_without_target0(f);
}

static void skips_mutual_chap_without_reverse_name(void **state)
{
	struct fx *f = *state;

	std_begin(f, 2);
	ibft_b_set_string(&f->b, TGT1(f) + IBFT_B_TGT_RCHAP_NAME, NULL);
	ibft_b_set_string(&f->b, TGT1(f) + IBFT_B_TGT_RCHAP_SECRET, NULL);
	finish(f);
	parse(f);
	expect_skipped(f, "target1", "rev-chap-name");
	assert_int_equal(f->t.nr_targets, 1);
	assert_non_null(target_in_slot(f, 0));
}

static void skips_target_whose_nic_is_missing(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u8(&f->b, TGT0(f) + IBFT_B_TGT_NIC_ASSOC, 5);
	refix(f);
	parse(f);
	expect_skipped(f, "target0", "nic-assoc");
	expect_rest_without_target0(f);
}

static void skips_second_nic_with_duplicate_index(void **state)
{
	struct fx *f = *state;

	std_table(f);
	ibft_b_poke_u8(&f->b, NIC1(f) + IBFT_B_HDR_INDEX, 0);
	refix(f);
	parse(f);
	expect_skipped(f, "ethernet1", "index");
	assert_int_equal(f->t.nr_nics, 1);
	assert_non_null(nic_in_slot(f, 0));
	assert_non_null(target_in_slot(f, 0));
	assert_true(f->t.initiator.present);
}

static void skips_valid_target_without_address(void **state)
{
	struct fx *f = *state;

	std_begin(f, 2);
	ibft_b_set_addr(&f->b, TGT0(f) + IBFT_B_TGT_IP, NULL);
	finish(f);
	parse(f);
	expect_skipped(f, "target0", "ip-addr");
	expect_rest_without_target0(f);
}

static void skips_valid_target_without_name(void **state)
{
	struct fx *f = *state;

	std_begin(f, 2);
	ibft_b_set_string(&f->b, TGT0(f) + IBFT_B_TGT_NAME, NULL);
	finish(f);
	parse(f);
	expect_skipped(f, "target0", "target-name");
	expect_rest_without_target0(f);
}

static void skips_nic_with_multicast_mac(void **state)
{
	struct fx *f = *state;

	std_begin(f, 2);
	ibft_b_set_mac(&f->b, NIC0(f) + IBFT_B_NIC_MAC, "01:00:5e:00:00:01");
	finish(f);
	parse(f);
	expect_skipped(f, "ethernet0", "mac");
	expect_rest_without_nic0(f);
}

static void hostile_control_structure_does_not_flood_the_console(void **state)
{
	struct fx *f = *state;
	unsigned s;

	/* 200 slots, every one pointing past the end */
	assert_int_equal(ibft_b_init(&f->b, f->buf, sizeof(f->buf), 2), 0);
	ibft_b_reserve(&f->b, 4 * 198, 1);
	ibft_b_poke_u16(&f->b, CTL + IBFT_B_HDR_LENGTH, IBFT_CONTROL_LEN + 4 * 198);
	for (s = 0; s < 200; s++) {
		ibft_b_poke_u16(&f->b, ibft_b_ctl_nic_field(s), 0xfff0);
		ibft_b_poke_u16(&f->b, ibft_b_ctl_target_field(s), 0xfff0);
	}
	finish(f);
	parse(f);
	assert_int_equal(f->rc, 0);
	assert_int_equal(f->t.nr_problems, 400);
	assert_true(f->nr_msgs >= 1 && f->nr_msgs <= 32);
}

/* ================= robustness sweeps ================= */

static void every_truncation_is_rejected_safely(void **state)
{
	struct fx *f = *state;
	size_t len, full;

	std_table(f);
	full = f->len;
	for (len = 0; len < full; len++) {
		parse_len(f, len);
		assert_int_equal(f->rc, -1);
		assert_true(f->nr_msgs >= 1);
	}
}

static void every_single_byte_corruption_is_handled(void **state)
{
	struct fx *f = *state;
	static const uint8_t values[] = { 0x00, 0x01, 0x7f, 0x80, 0xff };
	size_t off, full;
	unsigned v;
	uint8_t orig;

	std_table(f);
	full = f->len;
	for (off = 0; off < full; off++) {
		if (off == IBFT_B_CHECKSUM)
			continue;
		orig = f->buf[off];
		for (v = 0; v < sizeof(values); v++) {
			f->buf[off] = orig ^ values[v];
			refix(f);
			parse(f);	/* report() checks every line */
			assert_true(f->rc == 0 || f->rc == -1);
			if (f->rc == 0) {
				assert_true(f->t.nr_nics <= IBFT_MAX_NICS);
				assert_true(f->t.nr_targets <= IBFT_MAX_TARGETS);
				/* reports are capped, but never missing */
				assert_true(!f->t.nr_problems || f->nr_msgs);
			}
		}
		f->buf[off] = orig;
	}
	refix(f);
	parse(f);
	expect_clean(f);
}

/* ================= ibft_scan ================= */

enum { MEM_LEN = 0x20000 };

static uint8_t *mem_with_table_at(struct fx *f, size_t at)
{
	uint8_t *mem = calloc(1, MEM_LEN);

	assert_non_null(mem);
	std_table(f);
	assert_true(at + f->len <= MEM_LEN);
	memcpy(mem + at, f->buf, f->len);
	return mem;
}

static void scan_finds_table_on_16_byte_boundary(void **state)
{
	struct fx *f = *state;
	uint8_t *mem = mem_with_table_at(*state, 0x1230);

	assert_int_equal(ibft_scan(mem, MEM_LEN, 0x80000), 0x1230);
	/* and parse takes it from there */
	assert_int_equal(ibft_parse(mem + 0x1230, MEM_LEN - 0x1230, &f->t,
			report, f), 0);
	assert_int_equal(f->t.nr_targets, 2);
	free(mem);
}

static void scan_ignores_unaligned_signature(void **state)
{
	uint8_t *mem = mem_with_table_at(*state, 0x1238);

	assert_int_equal(ibft_scan(mem, MEM_LEN, 0x80000), -1);
	free(mem);
}

static void scan_accepts_bift_signature(void **state)
{
	uint8_t *mem = mem_with_table_at(*state, 0x400);

	memcpy(mem + 0x400, "BIFT", 4);
	assert_int_equal(ibft_scan(mem, MEM_LEN, 0x80000), 0x400);
	free(mem);
}

static void scan_skips_signature_with_implausible_length(void **state)
{
	uint8_t *mem = mem_with_table_at(*state, 0x2000);

	memcpy(mem + 0x100, "iBFT", 4);		/* length 0 */
	memcpy(mem + 0x200, "iBFT", 4);
	mem[0x204] = 0xff;			/* length 0x7fffffff */
	mem[0x205] = 0xff;
	mem[0x206] = 0xff;
	mem[0x207] = 0x7f;
	assert_int_equal(ibft_scan(mem, MEM_LEN, 0x80000), 0x2000);
	free(mem);
}

static void scan_skips_table_running_past_memory_end(void **state)
{
	struct fx *f = *state;
	uint8_t *mem = mem_with_table_at(*state, 0);
	size_t at = (MEM_LEN - f->len / 2) & ~(size_t)15;

	memmove(mem + at, mem, MEM_LEN - at);
	memset(mem, 0, at);
	assert_int_equal(ibft_scan(mem, MEM_LEN, 0x80000), -1);
	free(mem);
}

static void scan_finds_table_flush_with_memory_end(void **state)
{
	struct fx *f = *state;
	uint8_t *mem;
	size_t at;

	std_table(f);
	at = MEM_LEN - f->len;
	at &= ~(size_t)15;
	mem = calloc(1, at + f->len);	/* exact: ASan sees any overrun */
	assert_non_null(mem);
	memcpy(mem + at, f->buf, f->len);
	assert_int_equal(ibft_scan(mem, at + f->len, 0x80000), (long)at);
	free(mem);
}

static void scan_skips_video_memory_hole(void **state)
{
	/* mem covers 0x90000-0xAFFFF: a table at 0xA0000 is in the hole */
	uint8_t *mem = mem_with_table_at(*state, 0x10000);

	assert_int_equal(ibft_scan(mem, MEM_LEN, 0x90000), -1);
	/* the same bytes below the hole are found */
	assert_int_equal(ibft_scan(mem, MEM_LEN, 0x80000), 0x10000);
	free(mem);
}

static void scan_of_tiny_or_empty_memory_finds_nothing(void **state)
{
	static const uint8_t sig[] = "iBFT";

	(void)state;
	assert_int_equal(ibft_scan(sig, 4, 0), -1);
	assert_int_equal(ibft_scan(sig, 0, 0), -1);
}

/* ================= ibft_addr_str / ibft_lun_int ================= */

static void addr_str_formats(const uint8_t family, const char *text,
		const char *want)
{
	struct ibft_addr a;
	char *buf = malloc(46);	/* the documented minimum, exactly */
	uint8_t raw[16];

	assert_non_null(buf);
	memset(&a, 0, sizeof(a));
	a.family = family;
	if (family == IBFT_AF_INET)
		assert_int_equal(inet_pton(AF_INET, text, a.a), 1);
	else if (family == IBFT_AF_INET6)
		assert_int_equal(inet_pton(AF_INET6, text, a.a), 1);
	assert_ptr_equal(ibft_addr_str(&a, buf), buf);
	if (want) {
		assert_string_equal(buf, want);
	} else {	/* any spelling that means the same address */
		assert_int_equal(inet_pton(AF_INET6, buf, raw), 1);
		assert_memory_equal(raw, a.a, 16);
	}
	free(buf);
}

static void addr_str_prints_ipv4_ipv6_and_unset(void **state)
{
	(void)state;
	addr_str_formats(IBFT_AF_NONE, NULL, "");
	addr_str_formats(IBFT_AF_INET, "10.0.2.15", "10.0.2.15");
	addr_str_formats(IBFT_AF_INET, "255.255.255.255", "255.255.255.255");
	addr_str_formats(IBFT_AF_INET, "0.0.0.1", "0.0.0.1");
	addr_str_formats(IBFT_AF_INET6, "fe80::1", "fe80::1");
	addr_str_formats(IBFT_AF_INET6, "2001:db8::1", "2001:db8::1");
	addr_str_formats(IBFT_AF_INET6, "::1", "::1");
	addr_str_formats(IBFT_AF_INET6, "fe80::5054:ff:fe12:3456",
			"fe80::5054:ff:fe12:3456");
	addr_str_formats(IBFT_AF_INET6, "2001:db8:1:2:3:4:5:6",
			"2001:db8:1:2:3:4:5:6");
	/* longest possible text still fits in 46 bytes */
	addr_str_formats(IBFT_AF_INET6,
			"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
			"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	/* zero runs: only the meaning is pinned */
	addr_str_formats(IBFT_AF_INET6, "2001:db8:0:1:1:1:1:1", NULL);
	addr_str_formats(IBFT_AF_INET6, "2001:0:0:1:0:0:0:1", NULL);
	addr_str_formats(IBFT_AF_INET6, "1::", NULL);
}

static void lun_int_matches_linux_scsilun_to_int(void **state)
{
	static const uint8_t zero[8] = { 0 };
	static const uint8_t peripheral[8] = { 0x00, 0x01 };
	static const uint8_t peripheral_bus[8] = { 0x01, 0x05 };
	static const uint8_t flat[8] = { 0x40, 0x01 };
	static const uint8_t flat_max[8] = { 0x7f, 0xff };
	static const uint8_t multi[8] = { 0x00, 0x01, 0x00, 0x02,
		0x00, 0x03, 0x00, 0x04 };
	static const uint8_t all[8] = { 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff };
	uint8_t round[8];

	(void)state;
	assert_int_equal(ibft_lun_int(zero), 0);
	assert_int_equal(ibft_lun_int(peripheral), 1);
	assert_int_equal(ibft_lun_int(peripheral_bus), 0x0105);
	assert_int_equal(ibft_lun_int(flat), 16385);
	assert_int_equal(ibft_lun_int(flat_max), 0x7fff);
	assert_int_equal(ibft_lun_int(multi), 0x0004000300020001ULL);
	assert_true(ibft_lun_int(all) == UINT64_MAX);
	/* the builder's int_to_scsilun is its inverse */
	ibft_b_int_to_lun(0x0004000300020001ULL, round);
	assert_memory_equal(round, multi, 8);
	ibft_b_int_to_lun(16385, round);
	assert_memory_equal(round, flat, 8);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(standard_table_decodes_every_field),
		T(header_texts_and_control_flags_are_kept),
		T(header_and_control_only_is_an_empty_table),
		T(absent_fields_come_out_empty),
		T(ipv6_nic_and_target_decode),
		T(ipv4_mapped_zero_address_counts_as_unset),
		T(string_flush_with_table_end_needs_no_nul),
		T(longest_allowed_strings_are_kept),
		T(lun_bytes_are_kept_as_in_the_table),
		T(flags_vlan_port_and_indexes_are_kept_as_given),
		T(boot_selected_alone_counts_as_valid),
		T(three_pairs_in_a_longer_control_structure),
		T(slots_may_hold_a_nic_or_a_target_alone),
		T(more_nics_than_kept_do_not_overflow),
		T(packed_layout_parses_like_aligned),
		T(uefi_layout_strings_at_the_table_end),
		T(string_length_counting_its_nul_is_accepted),
		T(upper_case_ibft_signature_is_accepted),
		T(structures_not_marked_valid_are_left_out_quietly),
		T(bytes_after_the_table_are_ignored),

		T(rejects_buffer_shorter_than_header),
		T(rejects_wrong_signature),
		T(rejects_length_beyond_buffer),
		T(rejects_length_shorter_than_header_and_control),
		T(rejects_revision_2),
		T(rejects_bad_checksum),
		T(rejects_control_with_wrong_id),
		T(rejects_control_version_2),
		T(rejects_control_length_16),
		T(rejects_control_length_odd),
		T(rejects_control_index_1),
		T(rejects_control_running_past_table_end),

		T(skips_nic_offset_at_table_end),
		T(skips_nic_running_past_table_end),
		T(skips_nic_offset_inside_header),
		T(skips_nic_offset_overlapping_control),
		T(skips_nic_slot_pointing_at_a_target),
		T(skips_target_version_2),
		T(skips_nic_length_100),
		T(skips_target_length_60),
		T(skips_initiator_length_73),
		T(skips_target_name_offset_past_end),
		T(skips_string_one_byte_past_table_end),
		T(skips_target_name_offset_plus_length_overflowing),
		T(string_ends_at_its_first_nul),
		T(hostname_with_escape_sequence_is_not_used),
		T(chap_strings_chap_type_does_not_use_are_not_read),
		T(skips_initiator_name_with_control_character),
		T(skips_chap_name_with_delete_character),
		T(skips_target_name_longer_than_223),
		T(skips_initiator_name_longer_than_223),
		T(hostname_longer_than_255_is_not_used),
		T(hostname_outside_the_table_is_not_used),
		T(skips_chap_secret_longer_than_255_without_showing_it),
		T(skips_chap_secret_with_bad_byte_without_showing_it),
		T(skips_reverse_chap_secret_with_bad_byte_without_showing_it),
		T(skips_ipv4_prefix_33),
		T(skips_ipv6_prefix_129),
		T(skips_chap_type_3),
		T(skips_oneway_chap_without_name),
		T(skips_oneway_chap_without_secret),
		T(skips_mutual_chap_without_reverse_name),
		T(skips_target_whose_nic_is_missing),
		T(skips_second_nic_with_duplicate_index),
		T(skips_valid_target_without_address),
		T(skips_valid_target_without_name),
		T(skips_nic_with_multicast_mac),
		T(hostile_control_structure_does_not_flood_the_console),

		T(every_truncation_is_rejected_safely),
		T(every_single_byte_corruption_is_handled),

		T(scan_finds_table_on_16_byte_boundary),
		T(scan_ignores_unaligned_signature),
		T(scan_accepts_bift_signature),
		T(scan_skips_signature_with_implausible_length),
		T(scan_skips_table_running_past_memory_end),
		T(scan_finds_table_flush_with_memory_end),
		T(scan_skips_video_memory_hole),
		T(scan_of_tiny_or_empty_memory_finds_nothing),

		T(addr_str_prints_ipv4_ipv6_and_unset),
		T(lun_int_matches_linux_scsilun_to_int),
	};

	return cmocka_run_group_tests_name("ibft", tests, NULL, NULL);
}
