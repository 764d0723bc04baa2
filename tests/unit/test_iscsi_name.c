/* Unit tests of the RFC 3720 iSCSI name check (applet/iscsi_name.c):
 * names as the RFC writes them, names that break it in ways targets
 * accept (a warning), and strings that cannot be names (an error), each
 * with the reason given. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "../../applet/iscsi_name.h"

static char why[128];

struct c {
	const char *name;
	int rc;
	const char *why;	/* expected reason, exactly */
};

static void check(const struct c *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int rc = iscsi_name_check(c[i].name, why, sizeof(why));

		if (rc != c[i].rc || strcmp(why, c[i].why) != 0)
			fail_msg("'%s': %d '%s', want %d '%s'", c[i].name, rc, why,
				c[i].rc, c[i].why);
	}
}

/* RFC 3720 section 3.2.6.3's own examples, and names real tools make */
static void names_as_the_rfc_writes_them(void **state)
{
	static const struct c c[] = {
		{ "iqn.2001-04.com.example:storage:diskarrays-sn-a8675309", 0, "" },
		{ "iqn.2001-04.com.example", 0, "" },
		{ "iqn.2001-04.com.example:storage.tape1.sys1.xyz", 0, "" },
		{ "iqn.2001-04.com.example:storage.disk2.sys1.xyz", 0, "" },
		{ "iqn.2005-03.org.open-iscsi:1a2b3c4d5e6f", 0, "" },
		{ "iqn.1991-05.com.microsoft:host-7.example.lan", 0, "" },
		{ "iqn.2026-11.org.example:", 0, "" },
		{ "eui.02004567A425678D", 0, "" },	/* upper case: the RFC's */
		{ "eui.02004567a425678d", 0, "" },
		{ "naa.52004567BA64678D", 0, "" },		/* RFC 3980 */
		{ "naa.62004567BA64678D0123456789ABCDEF", 0, "" },
	};

	(void)state;
	check(c, sizeof(c) / sizeof(c[0]));
}

static void rfc_breaches_targets_accept_are_warnings(void **state)
{
	static const struct c c[] = {
		{ "iqn.2026-11.org.example:Node1", 1,
			"upper case 'N' at byte 25 (RFC 3720 names are lower case)" },
		{ "IQN.2026-11.org.example:node1", 1,
			"upper case 'I' at byte 1 (RFC 3720 names are lower case)" },
		{ "iqn.2026-11.org.example:my_disk", 1,
			"'_' at byte 27 is not one of RFC 3720's characters (a-z 0-9 - . :)" },
		{ "iqn.2026-11.org.example:disk@1", 1,
			"'@' at byte 29 is not one of RFC 3720's characters (a-z 0-9 - . :)" },
		{ "iqn.2026-11.org.example:a$b", 1,
			"'$' at byte 26 is not one of RFC 3720's characters (a-z 0-9 - . :)" },
		{ "iqn.2026-13.org.example:disk", 1,
			"no yyyy-mm date after 'iqn.' (RFC 3720: iqn.yyyy-mm.reversed.domain[:name])" },
		{ "iqn.2026-00.org.example:disk", 1,
			"no yyyy-mm date after 'iqn.' (RFC 3720: iqn.yyyy-mm.reversed.domain[:name])" },
		{ "iqn.26-11.org.example:disk", 1,
			"no yyyy-mm date after 'iqn.' (RFC 3720: iqn.yyyy-mm.reversed.domain[:name])" },
		{ "iqn.example:disk", 1,
			"no yyyy-mm date after 'iqn.' (RFC 3720: iqn.yyyy-mm.reversed.domain[:name])" },
		{ "iqn.x", 1,
			"no yyyy-mm date after 'iqn.' (RFC 3720: iqn.yyyy-mm.reversed.domain[:name])" },
		{ "iqn.2026-11.example:disk", 1,
			"no reversed domain name after the date (RFC 3720: iqn.yyyy-mm.reversed.domain[:name])" },
		{ "iqn.2026-11.org..example:disk", 1,
			"no reversed domain name after the date (RFC 3720: iqn.yyyy-mm.reversed.domain[:name])" },
		{ "iqn.2026-11.:disk", 1,
			"no reversed domain name after the date (RFC 3720: iqn.yyyy-mm.reversed.domain[:name])" },
		{ "iqn.2026-11.org.example.:disk", 1,
			"no reversed domain name after the date (RFC 3720: iqn.yyyy-mm.reversed.domain[:name])" },
		{ "EUI.02004567A425678D", 1,
			"upper case prefix 'EUI.' (RFC 3720 names are lower case)" },
		{ "Naa.52004567BA64678D", 1,
			"upper case prefix 'Naa.' (RFC 3720 names are lower case)" },
	};

	(void)state;
	check(c, sizeof(c) / sizeof(c[0]));
}

static void strings_that_cannot_be_names_are_errors(void **state)
{
	static const struct c c[] = {
		{ "", -1, "empty" },
		{ "iqn.2026-11.org.example:${net0/mac:hexhyp}", -1,
			"'${' at byte 25: an iPXE setting left unexpanded" },
		{ "${initiator-iqn}", -1,
			"'${' at byte 1: an iPXE setting left unexpanded" },
		{ "iqn.2026-11.org.example:node 1", -1, "byte 29 is a space" },
		{ "iqn.2026-11.org.example:node\0011", -1,
			"byte 29 is 0x01, not a printable character" },
		{ "iqn.2026-11.org.example:node1\n", -1,
			"byte 30 is 0x0a, not a printable character" },
		{ "iqn.2026-11.org.example:\177", -1,
			"byte 25 is 0x7f, not a printable character" },
		{ "iqn.2026-11.org.example:n\303\266de", -1,
			"byte 26 is 0xc3, not ASCII (iscsi-init takes ASCII names only)" },
		{ "iqn.2026-11.org.example:a/b", -1,
			"'/' at byte 26 (names are directory names to open-iscsi and LIO)" },
		{ "target1", -1, "does not start with iqn., eui. or naa." },
		{ "iqn:2026-11.org.example", -1, "does not start with iqn., eui. or naa." },
		{ "iqn.", -1, "nothing after 'iqn.'" },
		{ "eui.", -1, "eui. must be followed by 16 hex digits" },
		{ "eui.02004567A425678", -1, "eui. must be followed by 16 hex digits" },
		{ "eui.02004567A425678D0", -1, "eui. must be followed by 16 hex digits" },
		{ "eui.02004567A425678G", -1, "eui. must be followed by 16 hex digits" },
		{ "eui.02004567a425678d0123456789abcdef", -1,
			"eui. must be followed by 16 hex digits" },
		{ "naa.52004567BA64678D01", -1, "naa. must be followed by 16 or 32 hex digits" },
		{ "naa.52004567BA64678D:x", -1, "naa. must be followed by 16 or 32 hex digits" },
	};

	(void)state;
	check(c, sizeof(c) / sizeof(c[0]));
}

/* 223 bytes is the limit (RFC 3720 section 3.2.6.1) */
static void length_limit_is_223_bytes(void **state)
{
	char name[300];

	(void)state;
	strcpy(name, "iqn.2026-11.org.example:");
	memset(name + strlen(name), 'a', 223 - strlen(name));
	name[223] = '\0';
	assert_int_equal(iscsi_name_check(name, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	name[223] = 'a';
	name[224] = '\0';
	assert_int_equal(iscsi_name_check(name, why, sizeof(why)), -1);
	assert_string_equal(why, "longer than 223 bytes");
}

/* An error wins over a warning found earlier in the name; a short or
 * absent buffer for the reason is fine. */
static void errors_win_and_why_is_optional(void **state)
{
	char small[8];

	(void)state;
	assert_int_equal(iscsi_name_check("IQN.2026-11.org.example:a b", why,
		sizeof(why)), -1);
	assert_string_equal(why, "byte 26 is a space");
	assert_int_equal(iscsi_name_check("iqn.2026-11.org.example:A", NULL, 0), 1);
	assert_int_equal(iscsi_name_check("iqn.2026-11.org.example:A", small,
		sizeof(small)), 1);
	assert_string_equal(small, "upper c");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_as_the_rfc_writes_them),
		cmocka_unit_test(rfc_breaches_targets_accept_are_warnings),
		cmocka_unit_test(strings_that_cannot_be_names_are_errors),
		cmocka_unit_test(length_limit_is_223_bytes),
		cmocka_unit_test(errors_win_and_why_is_optional),
	};
	return cmocka_run_group_tests_name("iscsi_name", tests, NULL, NULL);
}
