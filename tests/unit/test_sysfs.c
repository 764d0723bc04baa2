/* Unit tests of the /sys/firmware/ibft reader (applet/ibft_sysfs.c) on
 * fake trees written into a temporary directory, in the kernel's format. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "../../applet/ibft.h"

static char root[64];
static char reports[4096];
static struct ibft_table t;

static void collect(void *ctx, const char *msg)
{
	(void)ctx;
	strncat(reports, msg, sizeof(reports) - strlen(reports) - 2);
	strcat(reports, "\n");
}

/* put("target0/ip-addr", "10.0.2.100") writes the file with the kernel's
 * trailing newline. */
static void put(const char *rel, const char *value)
{
	char path[256], dir[256], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	mkdir(dir, 0755);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", value);
	fclose(f);
}

static void nic0(void)
{
	put("ethernet0/index", "0");
	put("ethernet0/flags", "3");
	put("ethernet0/ip-addr", "10.0.2.15");
	put("ethernet0/prefix-len", "24");
	put("ethernet0/subnet-mask", "255.255.255.0");
	put("ethernet0/origin", "3");
	put("ethernet0/gateway", "10.0.2.2");
	put("ethernet0/primary-dns", "10.0.2.3");
	put("ethernet0/dhcp", "10.0.2.2");
	put("ethernet0/vlan", "0");
	put("ethernet0/mac", "52:54:00:12:34:56");
	put("ethernet0/hostname", "diskless");
}

static void target0(void)
{
	put("target0/index", "0");
	put("target0/flags", "3");
	put("target0/ip-addr", "10.0.2.100");
	put("target0/port", "3260");
	put("target0/lun", "01000000");
	put("target0/chap-type", "0");
	put("target0/nic-assoc", "0");
	put("target0/target-name", "iqn.2026-11.org.example:disk");
}

static int setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/ibft-sysfs-XXXXXX");
	assert_non_null(mkdtemp(root));
	reports[0] = '\0';
	put("initiator/initiator-name", "iqn.2026-11.org.example:host");
	put("initiator/flags", "3");
	put("acpi_header/oem_id", "FENSYS");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static void reads_what_ipxe_leaves(void **state)
{
	char s[48];

	(void)state;
	nic0();
	target0();
	assert_int_equal(ibft_read_sysfs(root, &t, collect, NULL), 0);
	assert_string_equal(reports, "");
	assert_string_equal(t.initiator.name, "iqn.2026-11.org.example:host");
	assert_string_equal(t.oem_id, "FENSYS");
	assert_int_equal(t.nr_nics, 1);
	assert_string_equal(ibft_addr_str(&t.nic[0].ip, s), "10.0.2.15");
	assert_int_equal(t.nic[0].prefix, 24);
	assert_int_equal(t.nic[0].origin, IBFT_ORIGIN_DHCP);
	assert_string_equal(ibft_addr_str(&t.nic[0].gateway, s), "10.0.2.2");
	assert_string_equal(ibft_addr_str(&t.nic[0].dns1, s), "10.0.2.3");
	assert_int_equal(t.nic[0].dns2.family, IBFT_AF_NONE);	/* hidden when unset */
	assert_memory_equal(t.nic[0].mac, "\x52\x54\x00\x12\x34\x56", 6);
	assert_string_equal(t.nic[0].hostname, "diskless");
	assert_int_equal(t.nr_targets, 1);
	assert_int_equal(t.target[0].port, 3260);
	assert_int_equal(ibft_lun_int(t.target[0].lun), 1);
	assert_string_equal(t.target[0].name, "iqn.2026-11.org.example:disk");
}

static void no_directory_means_no_table(void **state)
{
	(void)state;
	assert_int_equal(ibft_read_sysfs("/nonexistent/ibft", &t, collect, NULL), -1);
}

static void lun_forms_the_kernel_prints(void **state)
{
	static const struct { const char *text; uint64_t lun; int ambiguous; } cases[] = {
		{ "00000000", 0, 0 },
		{ "01000000", 1, 0 },			/* every byte < 0x10 */
		{ "0ff000000", 255, 0 },		/* single-level, byte 1 >= 0x10 */
		{ "4001000000000000", 0x4001, 0 },	/* 16 digits: two per byte */
		{ "4010000000", 0, 1 },			/* 10 digits: which bytes are two? */
	};
	unsigned i;

	(void)state;
	nic0();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		target0();
		put("target0/lun", cases[i].text);
		reports[0] = '\0';
		assert_int_equal(ibft_read_sysfs(root, &t, collect, NULL), 0);
		assert_int_equal(t.nr_targets, 1);
		if (cases[i].ambiguous) {
			assert_non_null(strstr(reports, "target0: lun: ambiguous"));
			assert_int_equal(ibft_lun_int(t.target[0].lun), 0);
		} else {
			assert_int_equal(ibft_lun_int(t.target[0].lun), cases[i].lun);
			assert_string_equal(reports, "");
		}
	}
}

static void ipv6_and_ipv4_mapped_text(void **state)
{
	char s[48];

	(void)state;
	nic0();
	put("ethernet0/ip-addr", "2001:0db8:0000:0000:0000:0000:0000:0015");
	put("ethernet0/prefix-len", "64");
	put("ethernet0/gateway", "::ffff:10.0.2.2");
	target0();
	assert_int_equal(ibft_read_sysfs(root, &t, collect, NULL), 0);
	assert_string_equal(ibft_addr_str(&t.nic[0].ip, s), "2001:db8::15");
	assert_int_equal(t.nic[0].gateway.family, IBFT_AF_INET);
	assert_string_equal(ibft_addr_str(&t.nic[0].gateway, s), "10.0.2.2");
}

static void bad_values_skip_their_structure(void **state)
{
	(void)state;
	nic0();
	target0();
	put("target1/index", "1");
	put("target1/flags", "3");
	put("target1/ip-addr", "10.0.2.101");
	put("target1/nic-assoc", "0");
	put("target1/target-name", "iqn.bad\033[2Jname");
	put("target2/index", "2");
	put("target2/flags", "3");
	put("target2/ip-addr", "not-an-address");
	put("target2/nic-assoc", "0");
	put("target2/target-name", "iqn.2026-11.org.example:t2");
	assert_int_equal(ibft_read_sysfs(root, &t, collect, NULL), 0);
	assert_int_equal(t.nr_targets, 1);
	assert_non_null(strstr(reports, "target1: target-name:"));
	assert_non_null(strstr(reports, "target2: ip-addr: not an IP address"));
	assert_null(strchr(reports, '\033'));
}

static void chap_secret_never_reported(void **state)
{
	(void)state;
	nic0();
	target0();
	put("target0/chap-type", "1");
	put("target0/chap-name", "alice");
	put("target0/chap-secret", "Sekr1t\001tail");
	assert_int_equal(ibft_read_sysfs(root, &t, collect, NULL), 0);
	assert_int_equal(t.nr_targets, 0);
	assert_non_null(strstr(reports, "target0: chap-secret:"));
	assert_null(strstr(reports, "Sekr1t"));
	assert_null(strstr(reports, "tail"));
}

static void targets_need_their_nic_and_come_sorted(void **state)
{
	(void)state;
	nic0();
	put("target1/index", "1");
	put("target1/flags", "3");
	put("target1/ip-addr", "10.0.2.101");
	put("target1/nic-assoc", "0");
	put("target1/target-name", "iqn.2026-11.org.example:t1");
	target0();
	put("target2/index", "2");
	put("target2/flags", "3");
	put("target2/ip-addr", "10.0.2.102");
	put("target2/nic-assoc", "7");
	put("target2/target-name", "iqn.2026-11.org.example:t2");
	assert_int_equal(ibft_read_sysfs(root, &t, collect, NULL), 0);
	assert_int_equal(t.nr_targets, 2);
	assert_int_equal(t.target[0].index, 0);
	assert_int_equal(t.target[1].index, 1);
	assert_non_null(strstr(reports, "target2: nic-assoc"));
}

static void structures_not_marked_valid_are_left_out(void **state)
{
	(void)state;
	nic0();
	target0();
	put("target0/flags", "0");
	assert_int_equal(ibft_read_sysfs(root, &t, collect, NULL), 0);
	assert_int_equal(t.nr_targets, 0);
	assert_string_equal(reports, "");
}

static void initiator_servers_are_read_as_from_a_raw_table(void **state)
{
	char s[48];

	(void)state;
	put("initiator/isns-server", "10.0.2.5");
	put("initiator/pri-radius-server", "2001:db8::7");
	put("initiator/index", "0");
	assert_int_equal(ibft_read_sysfs(root, &t, collect, NULL), 0);
	assert_string_equal(reports, "");
	assert_true(t.initiator.present);
	assert_int_equal(t.initiator.flags, 3);
	assert_string_equal(ibft_addr_str(&t.initiator.isns, s), "10.0.2.5");
	assert_string_equal(ibft_addr_str(&t.initiator.radius1, s), "2001:db8::7");
	assert_int_equal(t.initiator.slp.family, IBFT_AF_NONE);
}

/* ---- The raw parser's checks, now on sysfs values too (ibft_keep_*) ----
 * Each case below was accepted, or reported in other words, before the
 * sysfs reader fed the raw parser's validator. */

static void nic1(const char *index)
{
	put("ethernet1/index", index);
	put("ethernet1/flags", "3");
	put("ethernet1/ip-addr", "10.0.3.15");
	put("ethernet1/prefix-len", "24");
	put("ethernet1/mac", "52:54:00:12:34:57");
}

static void multicast_mac_is_refused(void **state)
{
	(void)state;
	nic0();
	target0();
	put("ethernet0/mac", "01:00:5e:00:00:01");
	assert_int_equal(ibft_read_sysfs(root, &t, collect, NULL), 0);
	assert_string_equal(reports,
		"ethernet0: mac: 01:00:5e:00:00:01 is a multicast address\n"
		"target0: nic-assoc: is 0, but there is no valid NIC with that index\n");
	assert_int_equal(t.nr_nics, 0);
	assert_int_equal(t.nr_targets, 0);
	assert_int_equal(t.nr_problems, 2);
}

static void second_nic_with_the_same_index_is_refused(void **state)
{
	(void)state;
	nic0();
	nic1("0");
	target0();
	assert_int_equal(ibft_read_sysfs(root, &t, collect, NULL), 0);
	assert_string_equal(reports, "ethernet1: index: 0 is used by another NIC\n");
	assert_int_equal(t.nr_nics, 1);
	assert_int_equal(t.nic[0].slot, 0);
	assert_int_equal(t.nr_targets, 1);
	assert_int_equal(t.nr_problems, 1);
}

static void drop(const char *rel)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s/%s'", root, rel);
	assert_int_equal(system(cmd), 0);
}

/* One target0 per case: the values written, the one line expected. */
static void target_case(const char *const *kv, const char *want)
{
	reports[0] = '\0';
	target0();
	for (; kv[0]; kv += 2)
		put(kv[0], kv[1]);
	assert_int_equal(ibft_read_sysfs(root, &t, collect, NULL), 0);
	assert_string_equal(reports, want);
	assert_int_equal(t.nr_targets, 0);
	assert_int_equal(t.nr_problems, 1);
	drop("target0");
}

static void chap_settings_are_checked_as_in_a_raw_table(void **state)
{
	static const char *const mutual_without_oneway[] = {
		"target0/chap-type", "2", "target0/rev-chap-name", "r",
		"target0/rev-chap-name-secret", "rsecret", NULL };
	static const char *const mutual_without_reverse[] = {
		"target0/chap-type", "2", "target0/chap-name", "u",
		"target0/chap-secret", "secret", NULL };
	static const char *const mutual_without_reverse_secret[] = {
		"target0/chap-type", "2", "target0/chap-name", "u",
		"target0/chap-secret", "secret", "target0/rev-chap-name", "r", NULL };
	static const char *const oneway_without_secret[] = {
		"target0/chap-type", "1", "target0/chap-name", "u", NULL };
	static const char *const unknown_type[] = {
		"target0/chap-type", "3", NULL };

	(void)state;
	nic0();
	target_case(mutual_without_oneway,
		"target0: chap-name: is empty but chap-type is 2\n");
	target_case(mutual_without_reverse,
		"target0: rev-chap-name: is empty but chap-type is 2 (mutual)\n");
	target_case(mutual_without_reverse_secret,
		"target0: rev-chap-name-secret: is empty but chap-type is 2 (mutual)\n");
	target_case(oneway_without_secret,
		"target0: chap-secret: is empty but chap-type is 1\n");
	target_case(unknown_type,
		"target0: chap-type: is 3, expected 0 (none), 1 (CHAP) or 2 (mutual CHAP)\n");
}

static void missing_target_address_or_name_in_raw_words(void **state)
{
	static const char *const no_name[] = { "target0/target-name", "", NULL };
	static const char *const no_address[] = { "target0/ip-addr", "", NULL };
	/* the kernel shows a target's ip-addr always: 16 zero bytes are
	 * not IPv4-mapped, so it prints them with %pI6, in full */
	static const char *const zero_address[] = { "target0/ip-addr",
		"0000:0000:0000:0000:0000:0000:0000:0000", NULL };
	static const char *const zero_mapped[] = { "target0/ip-addr", "0.0.0.0", NULL };

	(void)state;
	nic0();
	target_case(no_name, "target0: target-name: is empty\n");
	target_case(no_address, "target0: ip-addr: is not set\n");
	target_case(zero_address, "target0: ip-addr: is not set\n");
	target_case(zero_mapped, "target0: ip-addr: is not set\n");
}

static void prefix_longer_than_the_address_is_refused(void **state)
{
	(void)state;
	nic0();
	put("ethernet0/prefix-len", "33");
	nic1("1");
	put("ethernet1/ip-addr", "2001:db8::15");
	put("ethernet1/prefix-len", "129");
	assert_int_equal(ibft_read_sysfs(root, &t, collect, NULL), 0);
	assert_string_equal(reports,
		"ethernet0: prefix-len: is 33, at most 32 for this address\n"
		"ethernet1: prefix-len: is 129, at most 128 for this address\n");
	assert_int_equal(t.nr_nics, 0);
	assert_int_equal(t.nr_problems, 2);
}

static void strings_are_reported_in_raw_words(void **state)
{
	char long_name[1001];

	(void)state;
	nic0();
	put("ethernet0/hostname", "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh"
		"hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh"
		"hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh"
		"hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh");
	target0();
	put("target0/target-name", "iqn.bad\033[2Jname");
	put("target1/index", "1");
	put("target1/flags", "3");
	put("target1/ip-addr", "10.0.2.101");
	put("target1/chap-type", "1");
	put("target1/chap-name", "alice");
	put("target1/chap-secret", "Sekr1t\001tail");
	memset(long_name, 'n', 1000);	/* longer than any buffer on the way */
	long_name[1000] = '\0';
	put("target2/index", "2");
	put("target2/flags", "3");
	put("target2/ip-addr", "10.0.2.102");
	put("target2/target-name", long_name);
	assert_int_equal(ibft_read_sysfs(root, &t, collect, NULL), 0);
	assert_string_equal(reports,
		"ethernet0: hostname: 256 bytes long, at most 255 allowed; not used\n"
		"target0: target-name: byte 7 is 0x1b, not a printable ASCII character\n"
		"target1: chap-secret: byte 6 is not a printable ASCII character\n"
		"target2: target-name: 1000 bytes long, at most 223 allowed\n");
}

/* As ibft_parse(): CHAP files the target's chap-type does not use are
 * not read, and a bad hostname is said and not used; the NIC and the
 * target are kept. */
static void unused_chap_and_a_bad_hostname_cost_nothing(void **state)
{
	(void)state;
	nic0();
	put("ethernet0/hostname", "client\033[2J");
	target0();
	put("target0/chap-name", "\001junk");
	put("target0/rev-chap-name-secret", "\377junk");
	assert_int_equal(ibft_read_sysfs(root, &t, collect, NULL), 0);
	assert_string_equal(reports, "ethernet0: hostname: byte 6 is 0x1b, not a "
		"printable ASCII character; not used\n");
	assert_int_equal(t.nr_nics, 1);
	assert_int_equal(t.nr_targets, 1);
	assert_int_equal(t.nr_problems, 0);
	assert_string_equal(t.nic[0].hostname, "");
	assert_string_equal(t.target[0].chap_name, "");
	assert_string_equal(t.target[0].rchap_secret, "");
}

static void nic_assoc_is_reported_in_raw_words(void **state)
{
	(void)state;
	nic0();
	target0();
	put("target0/nic-assoc", "7");
	assert_int_equal(ibft_read_sysfs(root, &t, collect, NULL), 0);
	assert_string_equal(reports,
		"target0: nic-assoc: is 7, but there is no valid NIC with that index\n");
}

static void more_nics_than_kept_are_reported(void **state)
{
	char rel[32], val[24];
	unsigned i;

	(void)state;
	for (i = 0; i <= IBFT_MAX_NICS; i++) {
		snprintf(rel, sizeof(rel), "ethernet%u/index", i);
		snprintf(val, sizeof(val), "%u", i);
		put(rel, val);
		snprintf(rel, sizeof(rel), "ethernet%u/flags", i);
		put(rel, "1");
		snprintf(rel, sizeof(rel), "ethernet%u/mac", i);
		snprintf(val, sizeof(val), "52:54:00:12:34:%02x", i);
		put(rel, val);
	}
	assert_int_equal(ibft_read_sysfs(root, &t, collect, NULL), 0);
	assert_string_equal(reports, "ethernet8: offset: more than 8 NICs, ignored\n");
	assert_int_equal(t.nr_nics, IBFT_MAX_NICS);
	assert_int_equal(t.nic[IBFT_MAX_NICS - 1].index, IBFT_MAX_NICS - 1);
}

/* As in a raw table: values are checked before the valid flag is looked at
 * (NICs), strings always (targets); problems are counted. */
static void structures_not_marked_valid_are_still_checked(void **state)
{
	(void)state;
	nic0();
	nic1("1");
	put("ethernet1/flags", "0");
	put("ethernet1/mac", "ff:ff:ff:ff:ff:ff");
	target0();
	put("target1/index", "1");
	put("target1/flags", "0");
	put("target1/target-name", "iqn.\177");
	put("initiator/initiator-name", "iqn.\r");
	assert_int_equal(ibft_read_sysfs(root, &t, collect, NULL), 0);
	assert_string_equal(reports,
		"initiator: initiator-name: byte 4 is 0x0d, not a printable ASCII character\n"
		"ethernet1: mac: ff:ff:ff:ff:ff:ff is a multicast address\n"
		"target1: target-name: byte 4 is 0x7f, not a printable ASCII character\n");
	assert_int_equal(t.nr_problems, 3);
	assert_false(t.initiator.present);
	assert_int_equal(t.nr_nics, 1);
	assert_int_equal(t.nr_targets, 1);
}

static void a_flood_of_problems_is_cut_short(void **state)
{
	char rel[32];
	unsigned i, lines = 0;
	const char *p;

	(void)state;
	for (i = 0; i < 40; i++) {
		snprintf(rel, sizeof(rel), "ethernet%u/prefix-len", i);
		put(rel, "99");
	}
	assert_int_equal(ibft_read_sysfs(root, &t, collect, NULL), 0);
	for (p = reports; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	assert_int_equal(lines, IBFT_MAX_REPORTS + 1);
	assert_non_null(strstr(reports, "\nmore problems, not shown\n"));
	assert_int_equal(t.nr_problems, 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(reads_what_ipxe_leaves, setup, teardown),
		cmocka_unit_test_setup_teardown(no_directory_means_no_table, setup, teardown),
		cmocka_unit_test_setup_teardown(lun_forms_the_kernel_prints, setup, teardown),
		cmocka_unit_test_setup_teardown(ipv6_and_ipv4_mapped_text, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_values_skip_their_structure, setup, teardown),
		cmocka_unit_test_setup_teardown(chap_secret_never_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(targets_need_their_nic_and_come_sorted, setup, teardown),
		cmocka_unit_test_setup_teardown(structures_not_marked_valid_are_left_out, setup, teardown),
		cmocka_unit_test_setup_teardown(initiator_servers_are_read_as_from_a_raw_table, setup, teardown),
		cmocka_unit_test_setup_teardown(multicast_mac_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(second_nic_with_the_same_index_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(chap_settings_are_checked_as_in_a_raw_table, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_target_address_or_name_in_raw_words, setup, teardown),
		cmocka_unit_test_setup_teardown(prefix_longer_than_the_address_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(strings_are_reported_in_raw_words, setup, teardown),
		cmocka_unit_test_setup_teardown(unused_chap_and_a_bad_hostname_cost_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(nic_assoc_is_reported_in_raw_words, setup, teardown),
		cmocka_unit_test_setup_teardown(more_nics_than_kept_are_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(structures_not_marked_valid_are_still_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(a_flood_of_problems_is_cut_short, setup, teardown),
	};
	return cmocka_run_group_tests_name("sysfs", tests, NULL, NULL);
}
