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
	};
	return cmocka_run_group_tests_name("sysfs", tests, NULL, NULL);
}
