/* Unit tests of the root-path parser (applet/rootpath.c): RFC 4173, dracut's
 * extended form, hostile values, iPXE settings left unexpanded and target
 * names checked against RFC 3720.  One cmocka test per case. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "../../applet/rootpath.h"

struct good {
	const char *name, *in;
	const char *server, *target;
	unsigned port;
	uint64_t lun;		/* Linux's integer form */
	const char *user, *pass, *in_user, *in_pass, *iface, *netdev;
	uint8_t family;		/* of a literal IPv6 server address */
};

#define IQN "iqn.2026-11.org.example:disk"

static const struct good goods[] = {
	{ "rfc_all_defaults", "iscsi:10.0.0.1::::" IQN, "10.0.0.1", IQN, 3260, 0, .family = 4 },
	{ "rfc_every_field", "iscsi:10.0.0.1:6:3261:1:" IQN, "10.0.0.1", IQN, 3261, 1, .family = 4 },
	{ "lun_is_hex_100_is_256", "iscsi:10.0.0.1::::100:" IQN "x", "10.0.0.1", NULL, 3260, 256 },
	{ "lun_hex_upper_case", "iscsi:10.0.0.1:::A:" IQN, "10.0.0.1", IQN, 3260, 10 },
	{ "lun_flat_space_4001", "iscsi:10.0.0.1:::4001:" IQN, "10.0.0.1", IQN, 3260, 0x4001 },
	{ "lun_two_groups", "iscsi:10.0.0.1:::0-1:" IQN, "10.0.0.1", IQN, 3260, 0x10000 },
	{ "lun_four_full_groups", "iscsi:10.0.0.1:::ffff-ffff-ffff-ffff:" IQN, "10.0.0.1", IQN, 3260, UINT64_MAX },
	{ "port_lowest", "iscsi:10.0.0.1::1::" IQN, "10.0.0.1", IQN, 1, 0 },
	{ "port_highest", "iscsi:10.0.0.1::65535::" IQN, "10.0.0.1", IQN, 65535, 0 },
	{ "dns_name_server", "iscsi:storage.example.com::::" IQN, "storage.example.com", IQN, 3260, 0 },
	{ "dns_name_with_underscore", "iscsi:san_01.example::::" IQN, "san_01.example", IQN, 3260, 0 },
	{ "dns_name_fully_qualified", "iscsi:san.example.org.::::" IQN, "san.example.org.", IQN, 3260, 0 },
	/* "tcp" for the protocol: seen in real DHCP configurations, and
	 * iPXE (iscsi_parse_root_path) and dracut (parse_iscsi_root) ignore
	 * the field */
	{ "protocol_tcp_by_name", "iscsi:10.0.0.1:tcp:3260:0:" IQN, "10.0.0.1", IQN, 3260, 0, .family = 4 },
	{ "protocol_tcp_upper_case", "iscsi:10.0.0.1:TCP:::" IQN, "10.0.0.1", IQN, 3260, 0, .family = 4 },
	{ "ipv6_in_brackets", "iscsi:[2001:db8::1]:6:3260:0:" IQN, "2001:db8::1", IQN, 3260, 0, .family = 6 },
	{ "ipv6_all_defaults", "iscsi:[fe80::5054:ff:fe12:3456]::::" IQN, "fe80::5054:ff:fe12:3456", IQN, 3260, 0, .family = 6 },
	{ "target_with_colons", "iscsi:10.0.0.1::::iqn.2001-04.com.example:storage:disk2:sys1", "10.0.0.1",
		"iqn.2001-04.com.example:storage:disk2:sys1", 3260, 0 },
	{ "target_with_at_sign", "iscsi:10.0.0.1::::" IQN "@host", "10.0.0.1", IQN "@host", 3260, 0 },
	/* names that break RFC 3720 in ways targets accept are taken */
	{ "target_upper_case_taken", "iscsi:10.0.0.1::::iqn.2026-11.org.example:Disk1", "10.0.0.1",
		"iqn.2026-11.org.example:Disk1", 3260, 0 },
	{ "target_underscore_taken", "iscsi:10.0.0.1::::iqn.2026-11.org.example:my_disk", "10.0.0.1",
		"iqn.2026-11.org.example:my_disk", 3260, 0 },
	{ "dracut_netdev_upper_case_prefix", "iscsi:10.0.0.1::3260:eth0:0:IQN.2026-11.ORG.EXAMPLE:DISK",
		"10.0.0.1", "IQN.2026-11.ORG.EXAMPLE:DISK", 3260, 0, .netdev = "eth0" },
	/* a '$' that does not open a setting is a character like others */
	{ "target_dollar_without_brace", "iscsi:10.0.0.1::::" IQN "$1", "10.0.0.1", IQN "$1", 3260, 0 },
	{ "target_eui", "iscsi:10.0.0.1::::eui.02004567A425678D", "10.0.0.1", "eui.02004567A425678D", 3260, 0 },
	{ "target_naa", "iscsi:10.0.0.1::::naa.52004567BA64678D", "10.0.0.1", "naa.52004567BA64678D", 3260, 0 },
	{ "target_with_shell_characters_kept_verbatim", "iscsi:10.0.0.1::::iqn.x;reboot`id`$(x)|&>",
		"10.0.0.1", "iqn.x;reboot`id`$(x)|&>", 3260, 0 },
	{ "upper_case_scheme", "ISCSI:10.0.0.1::::" IQN, "10.0.0.1", IQN, 3260, 0 },
	{ "dracut_chap", "iscsi:alice:s3cret@10.0.0.1::3260::" IQN, "10.0.0.1", IQN, 3260, 0,
		"alice", "s3cret" },
	{ "dracut_mutual_chap", "iscsi:alice:s3cret:tgt:s3cret2@10.0.0.1::::" IQN, "10.0.0.1", IQN, 3260, 0,
		"alice", "s3cret", "tgt", "s3cret2" },
	{ "dracut_empty_credentials_allow_at_in_target", "iscsi:@10.0.0.1::3260::" IQN ":t@sk", "10.0.0.1",
		IQN ":t@sk", 3260, 0 },
	{ "dracut_chap_and_at_in_target", "iscsi:u:p@10.0.0.1::::" IQN "@b", "10.0.0.1", IQN "@b", 3260, 0, "u", "p" },
	{ "dracut_chap_ipv6", "iscsi:u:p@[2001:db8::7]::::" IQN, "2001:db8::7", IQN, 3260, 0, "u", "p", .family = 6 },
	{ "dracut_netdev", "iscsi:10.0.0.1::3260:eth0:0:" IQN, "10.0.0.1", IQN, 3260, 0, .netdev = "eth0" },
	{ "dracut_iface_and_netdev", "iscsi:10.0.0.1::3260:default:eth1:1:" IQN, "10.0.0.1", IQN, 3260, 1,
		.iface = "default", .netdev = "eth1" },
};

struct bad {
	const char *name, *in;
	size_t len;		/* 0: strlen(in) */
	const char *error;	/* substring of the message */
	const char *secret;	/* must not appear in the message */
};

static const struct bad bads[] = {
	{ "empty", "", 0, "does not start with 'iscsi:'" },
	{ "other_scheme", "nfs:10.0.0.1:/srv/root", 0, "does not start with 'iscsi:'" },
	{ "scheme_only", "iscsi:", 0, "too few fields" },
	{ "server_only", "iscsi:10.0.0.1", 0, "too few fields" },
	{ "three_fields", "iscsi:10.0.0.1:::", 0, "too few fields" },
	{ "empty_target", "iscsi:10.0.0.1::::", 0, "target name: empty" },
	{ "empty_server", "iscsi:::::" IQN, 0, "server: empty" },
	{ "server_two_trailing_dots", "iscsi:san.example..::::" IQN, 0, "server: 'san.example..'" },
	{ "server_only_a_dot", "iscsi:.::::" IQN, 0, "server: '.'" },
	{ "protocol_udp", "iscsi:10.0.0.1:17:::" IQN, 0, "protocol: '17' is not 6" },
	{ "protocol_udp_by_name", "iscsi:10.0.0.1:udp:::" IQN, 0, "protocol: 'udp' is not 6" },
	{ "port_zero", "iscsi:10.0.0.1::0::" IQN, 0, "port: '0'" },
	{ "port_too_big", "iscsi:10.0.0.1::65536::" IQN, 0, "port: '65536'" },
	{ "port_not_a_number", "iscsi:10.0.0.1::http::" IQN, 0, "port: 'http'" },
	{ "port_negative", "iscsi:10.0.0.1::-1::" IQN, 0, "port: '-1'" },
	{ "port_overlong_digits", "iscsi:10.0.0.1::000000000003260::" IQN, 0, "port:" },
	{ "lun_five_groups", "iscsi:10.0.0.1:::1-2-3-4-5:" IQN, 0, "LUN: '1-2-3-4-5': more than 4 groups" },
	{ "lun_five_digit_group", "iscsi:10.0.0.1:::12345:" IQN, 0, "LUN: '12345' is not 1 to 4 groups" },
	{ "lun_not_hex", "iscsi:10.0.0.1:::xyz:" IQN, 0, "LUN: 'xyz'" },
	{ "lun_empty_group", "iscsi:10.0.0.1:::1--2:" IQN, 0, "LUN: '1--2': empty group" },
	/* quoted back as plain text: no raw 8-bit byte, no terminal escape */
	{ "lun_8bit_and_escape_quoted_plainly", "iscsi:10.0.0.1:::\261\033[2J:" IQN, 0, "LUN: '??[2J'" },
	{ "port_with_bell_quoted_plainly", "iscsi:10.0.0.1::32\a60::" IQN, 0, "port: '32?60'" },
	{ "lun_trailing_dash", "iscsi:10.0.0.1:::1-:" IQN, 0, "empty group" },
	{ "unbalanced_open_bracket", "iscsi:[2001:db8::1::::" IQN, 0, "server: '[' without ']'" },
	{ "unbalanced_close_bracket", "iscsi:fe80]::::" IQN, 0, "server: ']' without '['" },
	{ "brackets_around_non_ipv6", "iscsi:[10.0.0.1]::::" IQN, 0, "is not an IPv6 address" },
	{ "bracket_not_followed_by_colon", "iscsi:[2001:db8::1]6:3260:0:" IQN, 0, "']' must be followed by ':'" },
	{ "ipv6_without_brackets", "iscsi:2001:db8::1::::" IQN, 0, "server:" },
	{ "bad_ipv4", "iscsi:10.0.0.256::::" IQN, 0, "server: '10.0.0.256' is not an IPv4 address" },
	{ "shell_metacharacters_in_server", "iscsi:10.0.0.1;reboot::::" IQN, 0, "server: '10.0.0.1;reboot' is neither" },
	{ "space_in_server", "iscsi:10.0.0.1 x::::" IQN, 0, "server: has a space" },
	{ "label_too_long", "iscsi:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example::::" IQN, 0, "server:" },
	{ "label_starts_with_dash", "iscsi:-san.example::::" IQN, 0, "server:" },
	{ "space_in_target", "iscsi:10.0.0.1::::iqn.x y", 0, "target name: byte 6 is a space" },
	{ "newline_in_target", "iscsi:10.0.0.1::::iqn.x\nroot=/dev/sda", 0,
		"target name: byte 6 is 0x0a, not a printable character" },
	{ "escape_in_target", "iscsi:10.0.0.1::::iqn.x\033[2J", 0,
		"target name: byte 6 is 0x1b, not a printable character" },
	{ "eight_bit_in_target", "iscsi:10.0.0.1::::" IQN "\303\266", 0,
		"target name: byte 29 is 0xc3, not ASCII" },
	/* RFC 3720: what cannot be an iSCSI name */
	{ "target_without_standard_prefix", "iscsi:10.0.0.1::::mytarget:a:b:c", 0,
		"target name: does not start with iqn., eui. or naa." },
	{ "target_eui_too_short", "iscsi:10.0.0.1::::eui.0200", 0,
		"target name: eui. must be followed by 16 hex digits" },
	{ "target_naa_24_digits", "iscsi:10.0.0.1::::naa.52004567BA64678D01234567", 0,
		"target name: naa. must be followed by 16 or 32 hex digits" },
	{ "target_with_slash", "iscsi:10.0.0.1::::" IQN "/1", 0, "target name: '/' at byte 29" },
	{ "target_prefix_only", "iscsi:10.0.0.1::::iqn.", 0, "target name: nothing after 'iqn.'" },
	/* iPXE settings left unexpanded, in every field: the field is named */
	{ "template_in_target", "iscsi:10.0.0.1::::iqn.2026-11.org.example:${net0/mac:hexhyp}", 0,
		"target name: holds '${' (an iPXE setting left unexpanded)" },
	{ "template_whole_target", "iscsi:10.0.0.1::::${target-iqn}", 0, "target name: holds '${'" },
	{ "template_in_server", "iscsi:${next-server}::::" IQN, 0, "server: holds '${'" },
	{ "template_in_ipv6_server", "iscsi:[${net0/ip6}]::::" IQN, 0, "server: holds '${'" },
	{ "template_in_protocol", "iscsi:10.0.0.1:${proto}:::" IQN, 0, "protocol: holds '${'" },
	{ "template_in_port", "iscsi:10.0.0.1::${port}::" IQN, 0, "port: holds '${'" },
	{ "template_in_lun", "iscsi:10.0.0.1:::${lun}:" IQN, 0, "LUN: holds '${'" },
	{ "template_in_iface", "iscsi:10.0.0.1::3260:${iface}:eth1:1:" IQN, 0, "iface: holds '${'" },
	{ "template_in_netdev", "iscsi:10.0.0.1::3260:${netdev}:0:" IQN, 0, "netdev: holds '${'" },
	{ "template_in_user_name", "iscsi:${username}:s3cret@10.0.0.1::::" IQN, 0,
		"user name: holds '${'", "s3cret" },
	{ "template_in_password_not_echoed", "iscsi:alice:x${password}@10.0.0.1::::" IQN, 0,
		"password: holds '${'", "x${password}" },
	{ "template_in_incoming_user_name", "iscsi:a:b:${reverse-username}:c@10.0.0.1::::" IQN, 0,
		"incoming user name: holds '${'" },
	{ "template_in_incoming_password", "iscsi:a:b:c:${reverse-password}@10.0.0.1::::" IQN, 0,
		"incoming password: holds '${'", "reverse-password" },
	{ "embedded_nul", "iscsi:10.0.0.1::::iqn.x\0tail", 28, "contains a NUL byte" },
	{ "empty_password", "iscsi:alice:@10.0.0.1::::" IQN, 0, "credentials: empty" },
	{ "empty_incoming_password", "iscsi:a:b:c:@10.0.0.1::::" IQN, 0, "credentials: empty incoming" },
	{ "password_with_space_not_echoed", "iscsi:alice:Very Secret@10.0.0.1::::" IQN, 0,
		"password: has a space", "Very Secret" },
	{ "password_with_control_char_not_echoed", "iscsi:alice:Sekr1t\001@10.0.0.1::::" IQN, 0,
		"password:", "Sekr1t" },
};

/* Long inputs, built at run time. */
static char long_target[300], long_server[300], long_input[1100];

static void run_good(void **state)
{
	const struct good *g = *state;
	struct rootpath rp;
	char err[200] = "";

	if (rootpath_parse(g->in, strlen(g->in), &rp, err, sizeof(err)) != 0)
		fail_msg("%s: unexpected error: %s", g->in, err);
	assert_string_equal(rp.server, g->server);
	if (g->target)
		assert_string_equal(rp.target, g->target);
	assert_int_equal(rp.port, g->port);
	assert_int_equal(ibft_lun_int(rp.lun), g->lun);
	assert_string_equal(rp.user, g->user ? g->user : "");
	assert_string_equal(rp.pass, g->pass ? g->pass : "");
	assert_string_equal(rp.in_user, g->in_user ? g->in_user : "");
	assert_string_equal(rp.in_pass, g->in_pass ? g->in_pass : "");
	assert_string_equal(rp.iface, g->iface ? g->iface : "");
	assert_string_equal(rp.netdev, g->netdev ? g->netdev : "");
	/* an IPv4 literal is always an address; names are not */
	assert_int_equal(rp.addr.family, g->family ? g->family
		: strspn(g->server, "0123456789.") == strlen(g->server) ? 4 : 0);
}

static void run_bad(void **state)
{
	const struct bad *b = *state;
	struct rootpath rp;
	char err[200] = "";
	size_t len = b->len ? b->len : strlen(b->in);

	assert_int_equal(rootpath_parse(b->in, len, &rp, err, sizeof(err)), -1);
	if (!strstr(err, b->error))
		fail_msg("%s: got '%s', want '%s'", b->name, err, b->error);
	assert_int_equal(strncmp(err, "root-path: ", 11), 0);
	for (len = 0; err[len]; len++)	/* one line of plain text */
		if ((unsigned char)err[len] < 0x20 || (unsigned char)err[len] >= 0x7f)
			fail_msg("%s: byte 0x%02x in '%s'", b->name,
				(unsigned char)err[len], err);
	if (b->secret)
		assert_null(strstr(err, b->secret));
}

static void only_len_bytes_are_read(void **state)
{
	static const char s[] = "iscsi:10.0.0.1::::" IQN "GARBAGE";
	struct rootpath rp;
	char err[200];

	(void)state;
	assert_int_equal(rootpath_parse(s, strlen(s) - 7, &rp, err, sizeof(err)), 0);
	assert_string_equal(rp.target, IQN);
}

static void overlong_target_name(void **state)
{
	struct rootpath rp;
	char err[200];

	(void)state;
	strcpy(long_target, "iscsi:10.0.0.1::::iqn.");
	memset(long_target + strlen(long_target), 'a', 224 - 4);
	assert_int_equal(rootpath_parse(long_target, strlen(long_target), &rp, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "target name: longer than 223"));
	long_target[strlen(long_target) - 1] = '\0';	/* 223: fits */
	assert_int_equal(rootpath_parse(long_target, strlen(long_target), &rp, err, sizeof(err)), 0);
	assert_int_equal(strlen(rp.target), 223);
}

static void overlong_server_name(void **state)
{
	struct rootpath rp;
	char err[200];
	unsigned i;

	(void)state;
	strcpy(long_server, "iscsi:");
	for (i = 0; i < 26; i++)
		strcat(long_server, "abcdefghi.");	/* 260 characters */
	strcat(long_server, "::::" IQN);
	assert_int_equal(rootpath_parse(long_server, strlen(long_server), &rp, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "server: longer than 253"));
}

static void overlong_input(void **state)
{
	struct rootpath rp;
	char err[200];

	(void)state;
	strcpy(long_input, "iscsi:10.0.0.1::::iqn.");
	memset(long_input + strlen(long_input), 'a', sizeof(long_input) - 1 - strlen(long_input));
	assert_int_equal(rootpath_parse(long_input, strlen(long_input), &rp, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than 1024"));
}

static void short_error_buffer_is_not_overrun(void **state)
{
	struct rootpath rp;
	char err[8];

	(void)state;
	assert_int_equal(rootpath_parse("iscsi:10.0.0.1::99999::x", 24, &rp, err, sizeof(err)), -1);
	assert_int_equal(strlen(err), 7);
}

int main(void)
{
	struct CMUnitTest tests[sizeof(goods) / sizeof(goods[0]) + sizeof(bads) / sizeof(bads[0]) + 5];
	unsigned i, n = 0;

	for (i = 0; i < sizeof(goods) / sizeof(goods[0]); i++)
		tests[n++] = (struct CMUnitTest){ goods[i].name, run_good, NULL, NULL, (void *)&goods[i] };
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++)
		tests[n++] = (struct CMUnitTest){ bads[i].name, run_bad, NULL, NULL, (void *)&bads[i] };
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(only_len_bytes_are_read);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(overlong_target_name);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(overlong_server_name);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(overlong_input);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(short_error_buffer_is_not_overrun);
	return _cmocka_run_group_tests("rootpath", tests, n, NULL, NULL);
}
