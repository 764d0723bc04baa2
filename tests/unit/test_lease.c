/* Unit tests of the DHCP side's pure parts: lease records as udhcpc's
 * environment and the DHCP message give them (applet/lease.c): string
 * options with trailing NULs (Windows' DHCP server), bytes that make them
 * invalid, option 119's names, option 175's CHAP, option 203 checked
 * against RFC 3720, the warnings naming each; /run/net-IF.conf text; and
 * the DNS query/answer code (applet/dns.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "../../applet/lease.h"
#include "../../applet/dns.h"

/* "a=1", "b=2" -> "a=1\0b=2\0\0" */
static size_t record(char *buf, ...)
{
	va_list ap;
	const char *kv;
	size_t len = 0;

	va_start(ap, buf);
	while ((kv = va_arg(ap, const char *)) != NULL) {
		strcpy(buf + len, kv);
		len += strlen(kv) + 1;
	}
	va_end(ap);
	buf[len++] = '\0';
	return len;
}

static char rec[4096], err[160], s[48];
static struct lease l;

/* lease_parse()'s warnings, one line each */
static char warnings[4096];
static void collect(void *ctx, const char *msg)
{
	(void)ctx;
	strcat(warnings, msg);
	strcat(warnings, "\n");
}

/* Parse a record, collecting its warnings. */
static int parse(size_t n)
{
	warnings[0] = '\0';
	return lease_parse(rec, n, &l, collect, NULL, err, sizeof(err));
}

/* "packet=" and a DHCP message as hex, as udhcpc's child sends it: the
 * BOOTP header (zero here) with file and sname (each NULL or its 128 and
 * 64 bytes), the magic cookie, the options (n bytes) and END. */
static const char *packet_fs(const void *opts, size_t n, const void *file,
		const void *sname)
{
	static char kv[2 * 1024 + 16];
	uint8_t m[1024];
	size_t len = 240 + n + 1, i;

	memset(m, 0, sizeof(m));
	if (sname)
		memcpy(m + 44, sname, 64);
	if (file)
		memcpy(m + 108, file, 128);
	memcpy(m + 236, "\x63\x82\x53\x63", 4);
	memcpy(m + 240, opts, n);
	m[240 + n] = 255;
	strcpy(kv, "packet=");
	for (i = 0; i < len; i++)
		sprintf(kv + 7 + 2 * i, "%02X", m[i]);
	return kv;
}
static const char *packet(const void *opts, size_t n)
{
	return packet_fs(opts, n, NULL, NULL);
}
/* Options from a list, their lengths counted here: PK(O(12, "node7"),
 * O(15, "example.org")); consecutive SUB(190, "alice") entries make one
 * option 175 of sub-options.  A literal may hold NULs. */
struct o {
	unsigned code;
	const char *v;
	size_t n;
};
#define O(code, lit) { code, lit, sizeof(lit) - 1 }
#define SUB(code, lit) { 1000 + code, lit, sizeof(lit) - 1 }
#define PK(...) packet_o((const struct o[]){ __VA_ARGS__, { 0, NULL, 0 } })
static const char *packet_o(const struct o *o)
{
	uint8_t b[1024];
	size_t n = 0, sub = 0;

	for (; o->code; o++) {
		if (o->code >= 1000) {
			if (!sub) {	/* open option 175 */
				b[n++] = 175;
				sub = n++;
				b[sub] = 0;
			}
			b[n++] = o->code - 1000;
			b[n++] = o->n;
			memcpy(b + n, o->v, o->n);
			n += o->n;
			b[sub] += 2 + o->n;
			continue;
		}
		sub = 0;
		b[n++] = o->code;
		b[n++] = o->n;
		memcpy(b + n, o->v, o->n);
		n += o->n;
	}
	return packet(b, n);
}

static void a_full_lease(void **state)
{
	size_t n = record(rec, "event=bound", "ip=10.1.0.50", "mask=24",
		"router=10.1.0.1 10.1.0.2", "dns=10.1.0.53 10.9.9.9", "serverid=10.1.0.1",
		"lease=3600", PK(O(12, "node7"), O(15, "example.org"),
			O(17, "iscsi:10.1.0.1::3260:1:iqn.2026-11.org.example:disk"),
			O(203, "iqn.2026-11.org.example:node7"),
			O(119, "\x07" "example" "\x03" "org" "\x00")),
		"interface=eth0", NULL);

	(void)state;
	assert_int_equal(parse(n), 0);
	assert_string_equal(warnings, "");
	assert_string_equal(l.event, "bound");
	assert_string_equal(ibft_addr_str(&l.ip, s), "10.1.0.50");
	assert_int_equal(l.prefix, 24);
	assert_string_equal(ibft_addr_str(&l.router, s), "10.1.0.1");
	assert_int_equal(l.nr_dns, 2);
	assert_string_equal(ibft_addr_str(&l.dns[1], s), "10.9.9.9");
	assert_string_equal(ibft_addr_str(&l.server, s), "10.1.0.1");
	assert_int_equal(l.lease_time, 3600);
	assert_string_equal(l.hostname, "node7");
	assert_string_equal(l.domain, "example.org");
	assert_string_equal(l.rootpath, "iscsi:10.1.0.1::3260:1:iqn.2026-11.org.example:disk");
	assert_string_equal(l.initiator, "iqn.2026-11.org.example:node7");
	assert_string_equal(l.search, "example.org");
	assert_string_equal(l.chap_name, "");
}

/* RFC 2132 section 2: a string option may end with NULs (Windows Server
 * ends every string with one); they are not part of the value.  Once or
 * twice, in every string option iscsi-init reads. */
static void trailing_nuls_are_stripped_from_every_string_option(void **state)
{
	size_t n = record(rec, "ip=10.1.0.50", PK(O(12, "node7\0"), O(15, "example.org\0\0"),
		O(17, "iscsi:10.1.0.1::::iqn.2026-11.org.example:d\0"),
		O(203, "iqn.2026-11.org.example:node1\0"),
		O(119, "corp.example.lan\0"),	/* as text: see below */
		SUB(190, "alice\0"), SUB(191, "s3cret\0\0\0\0\0\0")),
		NULL);

	(void)state;
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.hostname, "node7");
	assert_string_equal(l.domain, "example.org");
	assert_string_equal(l.rootpath, "iscsi:10.1.0.1::::iqn.2026-11.org.example:d");
	assert_string_equal(l.initiator, "iqn.2026-11.org.example:node1");
	assert_string_equal(l.search, "corp.example.lan");
	assert_string_equal(l.chap_name, "alice");
	assert_string_equal(l.chap_secret, "s3cret");
	assert_string_equal(warnings, "option 119 (domain search): plain text, "
		"not RFC 1035 names; taken as text\n");
}

/* A NUL or control byte inside a value makes it invalid: a warning names
 * the option and the byte, and the value is not used. */
static void a_bad_byte_inside_is_a_warning_naming_the_option(void **state)
{
	size_t n = record(rec, "ip=10.1.0.50", PK(O(203, "iqn.\x01" "026-11.org.example:node1"), O(12, "no\0de7"),
		O(15, "example\x1b" "org"), O(17, "iscsi:10.1.0.1::::iqn.x\0y")),
		NULL);

	(void)state;
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.initiator, "");
	assert_string_equal(l.hostname, "");
	assert_string_equal(l.domain, "");
	assert_string_equal(l.rootpath, "");
	assert_string_equal(warnings,
		"option 12 (host name): byte 3 is 0x00, not a printable character; ignored\n"
		"option 15 (domain name): byte 8 is 0x1b, not a printable character; ignored\n"
		"option 203 (initiator name): byte 5 is 0x01, not a printable character; ignored\n"
		"option 17 (root-path): byte 24 is 0x00, not a printable character; ignored\n");
	/* not ASCII */
	n = record(rec, "ip=10.1.0.50", PK(O(12, "n\xc3\xb6" "de")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.hostname, "");
	assert_string_equal(warnings, "option 12 (host name): byte 2 is 0xc3, not ASCII; ignored\n");
}

/* Option 203 is checked as an RFC 3720 name: what cannot be one is
 * ignored, what merely breaks the RFC is used; both with a warning. */
static void option_203_is_checked_as_an_iscsi_name(void **state)
{
	size_t n;

	(void)state;
	n = record(rec, "ip=10.1.0.50", PK(O(203, "target1")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.initiator, "");
	assert_string_equal(warnings, "option 203 (initiator name): does not start "
		"with iqn., eui. or naa.; ignored\n");

	n = record(rec, "ip=10.1.0.50", PK(O(203, "iqn.2026-11.org.example:${net0/mac}\0\0\0\0")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.initiator, "");
	assert_string_equal(warnings, "option 203 (initiator name): '${' at byte 25: "
		"an iPXE setting left unexpanded; ignored\n");

	n = record(rec, "ip=10.1.0.50", PK(O(203, "iqn.2026-11.org.example:Node1")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.initiator, "iqn.2026-11.org.example:Node1");
	assert_string_equal(warnings, "option 203 (initiator name): upper case 'N' "
		"at byte 25 (RFC 3720 names are lower case); used as it is\n");

	n = record(rec, "ip=10.1.0.50", PK(O(203, "eui.02004567A425678D")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.initiator, "eui.02004567A425678D");
	assert_string_equal(warnings, "");
}

/* The root-path's target name: a warning when it breaks RFC 3720 but is
 * used; errors are the plan's to tell (when it uses the root-path). */
static void root_path_target_name_breaking_the_rfc_is_a_warning(void **state)
{
	size_t n;

	(void)state;
	n = record(rec, "ip=10.1.0.50", PK(O(17, "iscsi:10.1.0.1::::iqn.2026-11.org.example:Disk")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.rootpath, "iscsi:10.1.0.1::::iqn.2026-11.org.example:Disk");
	assert_string_equal(warnings, "option 17 (root-path): target name: upper case "
		"'D' at byte 25 (RFC 3720 names are lower case); used as it is\n");
	n = record(rec, "ip=10.1.0.50", PK(O(17, "iscsi:10.1.0.1::::iqn.2026-11.org.example:${uuid}")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.rootpath, "iscsi:10.1.0.1::::iqn.2026-11.org.example:${uuid}");
	assert_string_equal(warnings, "");
}

/* Option 119 (RFC 3397): RFC 1035 names, compressed; as plain text
 * (Windows) with a warning; anything else ignored with one. */
static void option_119_search_list(void **state)
{
	size_t n;

	(void)state;
	/* example.org, then corp + a pointer to it, then a pad NUL */
	n = record(rec, "ip=10.1.0.50", PK(O(119, "\x07" "example" "\x03" "org" "\x00"
		"\x04" "corp" "\xc0\x00" "\x00")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.search, "example.org corp.example.org");
	assert_string_equal(warnings, "");
	/* a pointer to itself or forward: not RFC 1035 form, not text */
	n = record(rec, "ip=10.1.0.50", PK(O(119, "\x04" "corp" "\xc0\x00")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.search, "");
	assert_string_equal(warnings, "option 119 (domain search): not RFC 1035 names; ignored\n");
	/* a label that is no DNS label */
	n = record(rec, "ip=10.1.0.50", PK(O(119, "\x03" "a;b" "\x03" "org" "\x00")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.search, "");
	assert_string_equal(warnings, "option 119 (domain search): 'a;b.org' is not a "
		"domain name; ignored\n");
	/* text, commas and spaces */
	n = record(rec, "ip=10.1.0.50", PK(O(119, "example.lan, corp.example")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.search, "example.lan corp.example");
	assert_string_equal(warnings, "option 119 (domain search): plain text, not "
		"RFC 1035 names; taken as text\n");
	n = record(rec, "ip=10.1.0.50", PK(O(119, "example;lan")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.search, "");
	assert_string_equal(warnings, "option 119 (domain search): neither RFC 1035 "
		"names nor names as text; ignored\n");
}

/* 9 names of 30 characters: more than the 255 that resolv.conf's search
 * line takes; 288 bytes, so in two pieces of option 119 (RFC 3396). */
static void option_119_longer_than_resolv_conf_takes(void **state)
{
	uint8_t names[9 * 32], o[2 + 255 + 2 + 33];
	char want[300];
	size_t n;
	unsigned i;

	(void)state;
	for (i = 0; i < 9; i++) {
		uint8_t *p = names + 32 * i;
		p[0] = 30;
		memset(p + 1, 'a' + i, 30);
		p[31] = 0;
	}
	o[0] = 119;
	o[1] = 255;
	memcpy(o + 2, names, 255);
	o[257] = 119;
	o[258] = sizeof(names) - 255;
	memcpy(o + 259, names + 255, sizeof(names) - 255);
	n = record(rec, "ip=10.1.0.50", packet(o, sizeof(o)), NULL);
	assert_int_equal(parse(n), 0);
	assert_int_equal(strlen(l.search), 8 * 30 + 7);
	assert_memory_equal(l.search + 7 * 31, "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhh", 30);
	snprintf(want, sizeof(want), "option 119 (domain search): more than 255 "
		"characters; from '%.30s' on dropped\n", "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii");
	assert_string_equal(warnings, want);
}

/* Option 175, iPXE's CHAP sub-options 190-193; each pair whole or not at
 * all; no warning tells a secret or any byte of one. */
static void option_175_chap(void **state)
{
	size_t n;

	(void)state;
	n = record(rec, "ip=10.1.0.50", PK(SUB(190, "alice"), SUB(191, "s3cret"),
		SUB(192, "tgt"), SUB(193, "s3cret2")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.chap_name, "alice");
	assert_string_equal(l.chap_secret, "s3cret");
	assert_string_equal(l.rchap_name, "tgt");
	assert_string_equal(l.rchap_secret, "s3cret2");
	assert_string_equal(warnings, "");
	/* other sub-options (iPXE's bus id, 177) and pads are skipped */
	n = record(rec, "ip=10.1.0.50", PK(O(175, "\xb1\x05" "\x01\x80\x86\x10\x0e" "\x00"
		"\xbe\x01" "u" "\xbf\x06" "s3cret" "\xff" "junk")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.chap_name, "u");
	assert_string_equal(l.chap_secret, "s3cret");
	assert_string_equal(warnings, "");

	/* a password with a control byte: no position, no byte */
	n = record(rec, "ip=10.1.0.50", PK(SUB(190, "alice"), SUB(191, "s3\x01" "cret")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.chap_name, "");
	assert_string_equal(l.chap_secret, "");
	assert_string_equal(warnings,
		"option 175.191 (CHAP password): holds a NUL, control or non-ASCII byte; ignored\n"
		"option 175 (iPXE): a CHAP user name (190) without a password (191) or "
		"the other way; CHAP from the lease ignored\n");
	/* reverse CHAP alone, or half of it */
	n = record(rec, "ip=10.1.0.50", PK(SUB(192, "tgt"), SUB(193, "s3cret2")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.rchap_name, "");
	assert_string_equal(l.rchap_secret, "");
	assert_string_equal(warnings, "option 175 (iPXE): reverse CHAP (192, 193) "
		"without CHAP (190, 191); reverse CHAP from the lease ignored\n");
	n = record(rec, "ip=10.1.0.50", PK(SUB(190, "alice"), SUB(191, "s3cret"), SUB(193, "s3c")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.chap_secret, "s3cret");
	assert_string_equal(l.rchap_secret, "");
	assert_string_equal(warnings, "option 175 (iPXE): a reverse CHAP user name (192) "
		"without a password (193) or the other way; reverse CHAP from the "
		"lease ignored\n");
	/* a sub-option running past the end */
	n = record(rec, "ip=10.1.0.50", PK(O(175, "\xbe\x05" "alice" "\xbf\x09" "ab")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.chap_name, "");
	assert_string_equal(warnings, "option 175 (iPXE): sub-option 191 runs past the "
		"option's end; the rest ignored\n"
		"option 175 (iPXE): a CHAP user name (190) without a password (191) or "
		"the other way; CHAP from the lease ignored\n");
}

/* Where RFC 2131/3396 put options: split into pieces that are joined,
 * and in the file and sname fields when option 52 says so. */
static void options_joined_and_in_file_and_sname(void **state)
{
	uint8_t file[128], sname[64];
	size_t n;

	(void)state;
	n = record(rec, "ip=10.1.0.50", PK(O(17, "iscsi:10.1.0.1"), O(12, "x"),
		O(17, "::::iqn.2026-11.org.example:d")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.rootpath, "iscsi:10.1.0.1::::iqn.2026-11.org.example:d");
	memset(file, 0, sizeof(file));
	memset(sname, 0, sizeof(sname));
	memcpy(file, "\xcb\x1d" "iqn.2026-11.org.example:node1" "\xff", 32);
	memcpy(sname, "\x0c\x05" "node9" "\xff", 8);
	n = record(rec, "ip=10.1.0.50", packet_fs("\x34\x01\x03", 3, file, sname), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.initiator, "iqn.2026-11.org.example:node1");
	assert_string_equal(l.hostname, "node9");
	/* without option 52 they are a boot file name and a server name */
	n = record(rec, "ip=10.1.0.50", packet_fs("", 0, file, sname), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.initiator, "");
	assert_string_equal(l.hostname, "");
}

/* A reply filling a whole 1500-byte Ethernet frame: 1472 bytes of DHCP
 * message (Kea 2.2 ignores the 576 bytes udhcpc asks for with option 57
 * and sends some 800 for long names).  Options the server added fill it;
 * the root-path and option 203 come last and are read. */
static void a_message_of_a_whole_ethernet_frame(void **state)
{
	enum { MSG = 1500 - 20 - 8 };
	static const char rp[] = "iscsi:10.1.0.1::3260:1:iqn.2026-11.org.example:big";
	static const char ini[] = "iqn.2026-11.org.example:node-big";
	static char kv[7 + 2 * MSG + 1];
	uint8_t m[MSG];
	size_t p = 240, i, n;

	(void)state;
	memset(m, 0, sizeof(m));
	memcpy(m + 236, "\x63\x82\x53\x63", 4);
	/* site-specific options (224) up to the last 100 bytes */
	while (p + 2 + 255 <= MSG - 100) {
		m[p] = 224;
		m[p + 1] = 255;
		memset(m + p + 2, 'x', 255);
		p += 2 + 255;
	}
	m[p] = 224;
	m[p + 1] = MSG - 100 - p - 2;
	p = MSG - 100;
	m[p++] = 203;
	m[p++] = sizeof(ini) - 1;
	memcpy(m + p, ini, sizeof(ini) - 1);
	p += sizeof(ini) - 1;
	m[p++] = 17;
	m[p++] = sizeof(rp) - 1;
	memcpy(m + p, rp, sizeof(rp) - 1);
	p += sizeof(rp) - 1;
	m[p++] = 255;
	assert_true(p <= MSG);
	strcpy(kv, "packet=");
	for (i = 0; i < MSG; i++)
		sprintf(kv + 7 + 2 * i, "%02X", m[i]);
	n = record(rec, "ip=10.1.0.50", "mask=24", kv, NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.rootpath, rp);
	assert_string_equal(l.initiator, ini);
	assert_true(LEASE_PACKET_MAX >= MSG);
}

static void a_damaged_message_record_is_an_error(void **state)
{
	size_t n;

	(void)state;
	n = record(rec, "ip=10.1.0.50", "packet=0g", NULL);
	assert_int_equal(parse(n), -1);
	assert_non_null(strstr(err, "the DHCP message"));
	n = record(rec, "ip=10.1.0.50", "packet=123", NULL);
	assert_int_equal(parse(n), -1);
	/* no options without the magic cookie */
	n = record(rec, "ip=10.1.0.50", "packet=0c056e6f646537", NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.hostname, "");
}

static void classless_routes_as_udhcpc_prints_them(void **state)
{
	size_t n = record(rec, "ip=10.1.0.50", "mask=24",
		"staticroutes=192.168.50.0/24 10.1.0.254 0.0.0.0/0 10.1.0.1 10.0.0.0/8 10.1.0.253",
		NULL);

	(void)state;
	assert_int_equal(parse(n), 0);
	assert_int_equal(l.nr_routes, 3);
	assert_string_equal(ibft_addr_str(&l.route[0].net, s), "192.168.50.0");
	assert_int_equal(l.route[0].prefix, 24);
	assert_string_equal(ibft_addr_str(&l.route[0].gw, s), "10.1.0.254");
	assert_int_equal(l.route[1].prefix, 0);
	assert_int_equal(l.route[2].prefix, 8);
}

/* Windows DHCP servers send Microsoft's option 249, same encoding; when
 * both come, 121 is the standard and wins. */
static void option_249_when_121_is_missing(void **state)
{
	size_t n = record(rec, "ip=10.1.0.50", "mask=24",
		"msstaticroutes=192.168.60.0/24 10.1.0.252", NULL);

	(void)state;
	assert_int_equal(parse(n), 0);
	assert_int_equal(l.nr_routes, 1);
	assert_string_equal(ibft_addr_str(&l.route[0].net, s), "192.168.60.0");
	assert_string_equal(ibft_addr_str(&l.route[0].gw, s), "10.1.0.252");

	n = record(rec, "ip=10.1.0.50", "mask=24",
		"staticroutes=192.168.50.0/24 10.1.0.254",
		"msstaticroutes=192.168.60.0/24 10.1.0.252", NULL);
	assert_int_equal(parse(n), 0);
	assert_int_equal(l.nr_routes, 1);
	assert_string_equal(ibft_addr_str(&l.route[0].net, s), "192.168.50.0");

	n = record(rec, "ip=10.1.0.50", "msstaticroutes=192.168.60.0/40 10.1.0.252", NULL);
	assert_int_equal(parse(n), -1);
	assert_non_null(strstr(err, "classless routes (249)"));
}

static void bad_classless_routes_are_an_error(void **state)
{
	static const char *bad[] = {
		"staticroutes=192.168.50.0 10.1.0.254",		/* no prefix */
		"staticroutes=192.168.50.0/33 10.1.0.254",
		"staticroutes=192.168.50.0/24",			/* no gateway */
		"staticroutes=192.168.50.0/x 10.1.0.254",
		"staticroutes=300.1.1.0/24 10.1.0.254",
	};
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n = record(rec, "ip=10.1.0.50", bad[i], NULL);
		assert_int_equal(parse(n), -1);
		assert_non_null(strstr(err, "classless routes (121)"));
	}
}

static void no_address_no_lease(void **state)
{
	size_t n = record(rec, "event=bound", "router=10.1.0.1", NULL);

	(void)state;
	assert_int_equal(parse(n), -1);
	assert_non_null(strstr(err, "no address"));
	n = record(rec, "ip=10.1.0.999", NULL);
	assert_int_equal(parse(n), -1);
	n = record(rec, "ip=10.1.0.5", "mask=33", NULL);
	assert_int_equal(parse(n), -1);
	assert_non_null(strstr(err, "prefix length"));
}

static void hostile_values_are_dropped_not_used(void **state)
{
	size_t n = record(rec, "ip=10.1.0.50", PK(O(12, "a\033[2Jb"),
		O(203, "\nreot")),
		"dns=10.1.0.53 $(reboot) 10.1.0.54", "lease=x", NULL);

	(void)state;
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.hostname, "");
	assert_string_equal(l.initiator, "");
	assert_int_equal(l.nr_dns, 2);
	assert_int_equal(l.prefix, 8);	/* no subnet option: class A */
	assert_null(strchr(warnings, '\033'));
	/* a name's characters only */
	n = record(rec, "ip=10.1.0.50", PK(O(12, "node 7"), O(15, "a;b")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.hostname, "");
	assert_string_equal(l.domain, "");
	assert_string_equal(warnings,
		"option 12 (host name): 'node 7' is not a host name (letters, digits, "
		"'-', '_' in labels joined by '.'); ignored\n"
		"option 15 (domain name): 'a;b' is not a domain name; ignored\n");
	n = record(rec, "ip=10.1.0.50", PK(O(12, "node-7_a.example")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.hostname, "node-7_a.example");
	/* option 15 used as a list (ISC dhcpd, Windows servers): the search
	 * list, as dhclient's and udhcpc's scripts take it */
	n = record(rec, "ip=10.1.0.50", PK(O(12, "-x"), O(15, "example.lan  corp.lan,lab.lan")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.hostname, "");
	assert_string_equal(l.domain, "example.lan corp.lan lab.lan");
	assert_string_equal(warnings,
		"option 12 (host name): '-x' is not a host name (letters, digits, "
		"'-', '_' in labels joined by '.'); ignored\n"
		"option 15 (domain name): 'example.lan  corp.lan,lab.lan' is "
		"several names; taken as the search list\n");
	/* ... but all of them names, or none is taken */
	n = record(rec, "ip=10.1.0.50", PK(O(15, "example.lan corp;lan")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.domain, "");
	assert_string_equal(warnings, "option 15 (domain name): 'example.lan "
		"corp;lan' is not a domain name; ignored\n");
	/* the kernel takes host names of up to 64 bytes */
	n = record(rec, "ip=10.1.0.50", PK(O(12, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.hostname, "");
	assert_string_equal(warnings, "option 12 (host name): longer than 64 bytes; ignored\n");
	/* an error quoting a value quotes it as plain text */
	n = record(rec, "ip=10.1.0.\033[2J", NULL);
	assert_int_equal(parse(n), -1);
	assert_null(strchr(err, '\033'));
}

/* Trial 14: option 15 holding several names next to an option 119: the
 * search list is 119's (plan.h: option 119, else 15), so the warning must
 * not say option 15 was "taken as the search list". */
static void option_15_list_beside_119_is_not_said_taken(void **state)
{
	size_t n;

	(void)state;
	n = record(rec, "ip=10.1.0.50", PK(O(15, "corp.lan other.lan"),
		O(119, "\x07" "example" "\x03" "lan" "\x00")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.search, "example.lan");
	if (strstr(warnings, "taken as the search list"))
		fail_msg("option 119 is the search list, yet: %s", warnings);
}

/* Trial 14: one name with a trailing space (as dnsmasq sends
 * "--dhcp-option=15,example.lan "): not "several names". */
static void option_15_one_name_and_a_space_is_not_several(void **state)
{
	size_t n;

	(void)state;
	n = record(rec, "ip=10.1.0.50", PK(O(15, "example.lan ")), NULL);
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.domain, "example.lan");
	if (strstr(warnings, "several names"))
		fail_msg("one name, yet: %s", warnings);
}

/* Option 26 (RFC 2132 section 5.1): two bytes, at least 68; anything
 * else is one warning and no MTU.  Joined instances (RFC 3396) count as
 * one value. */
static void option_26_interface_mtu(void **state)
{
	static const struct {
		const char *v;
		size_t n;
		unsigned mtu;
		const char *warning;
	} t[] = {
		{ "\x05\xaa", 2, 1450, "" },
		{ "\x23\x28", 2, 9000, "" },
		{ "\x00\x44", 2, 68, "" },
		{ "\xff\xff", 2, 65535, "" },
		{ "\x00\x43", 2, 0, "option 26 (interface MTU): 67 is below the "
			"minimum 68; ignored\n" },
		{ "\x00\x00", 2, 0, "option 26 (interface MTU): 0 is below the "
			"minimum 68; ignored\n" },
		{ "\x05", 1, 0, "option 26 (interface MTU): 1 bytes, not 2; "
			"ignored\n" },
		{ "\x00\x00\x05\xdc", 4, 0, "option 26 (interface MTU): 4 bytes, "
			"not 2; ignored\n" },
		{ "", 0, 0, "option 26 (interface MTU): 0 bytes, not 2; ignored\n" },
	};
	uint8_t b[8];
	unsigned i;
	size_t n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		b[0] = 26;
		b[1] = t[i].n;
		memcpy(b + 2, t[i].v, t[i].n);
		n = record(rec, "ip=10.1.0.50", packet(b, 2 + t[i].n), NULL);
		assert_int_equal(parse(n), 0);
		assert_int_equal(l.mtu, t[i].mtu);
		assert_string_equal(warnings, t[i].warning);
	}
	/* absent: no MTU, no word */
	n = record(rec, "ip=10.1.0.50", PK(O(12, "node7")), NULL);
	assert_int_equal(parse(n), 0);
	assert_int_equal(l.mtu, 0);
	assert_string_equal(warnings, "");
	/* split in two instances (RFC 3396): joined */
	n = record(rec, "ip=10.1.0.50", PK(O(26, "\x05"), O(26, "\xaa")), NULL);
	assert_int_equal(parse(n), 0);
	assert_int_equal(l.mtu, 1450);
}

/* Without a subnet option the prefix is the address's class, as the
 * kernel gives an address set without a mask; mask=0 is a real /0. */
static void no_subnet_option_means_the_class(void **state)
{
	static const struct { const char *ip; unsigned prefix; } c[] = {
		{ "ip=10.1.0.50", 8 }, { "ip=172.16.5.5", 16 },
		{ "ip=192.168.1.9", 24 }, { "ip=240.0.0.1", 32 },
	};
	unsigned i;
	size_t n;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		n = record(rec, c[i].ip, NULL);
		assert_int_equal(parse(n), 0);
		assert_int_equal(l.prefix, c[i].prefix);
	}
	n = record(rec, "ip=192.168.1.9", "mask=0", NULL);
	assert_int_equal(parse(n), 0);
	assert_int_equal(l.prefix, 0);
}

/* udhcpc's own decoded string values are not read: the message is */
static void environment_strings_are_not_read(void **state)
{
	size_t n = record(rec, "ip=10.1.0.50", "hostname=bad", "domain=x.example",
		"rootpath=iscsi:10.1.0.1::::iqn.2026-11.org.example:d",
		"opt203=69716e2e78", NULL);

	(void)state;
	assert_int_equal(parse(n), 0);
	assert_string_equal(l.hostname, "");
	assert_string_equal(l.domain, "");
	assert_string_equal(l.rootpath, "");
	assert_string_equal(l.initiator, "");
}

static void net_conf_in_klibc_format_safe_to_source(void **state)
{
	struct plan p;
	struct plan_nic *n;
	char out[2048];

	(void)state;
	memset(&p, 0, sizeof(p));
	n = &p.nic[0];
	strcpy(n->dev, "eth0");
	n->ip = (struct ibft_addr){ IBFT_AF_INET, { 10, 1, 0, 50 } };
	n->prefix = 24;
	n->gateway = (struct ibft_addr){ IBFT_AF_INET, { 10, 1, 0, 1 } };
	n->dhcp = (struct ibft_addr){ IBFT_AF_INET, { 10, 1, 0, 2 } };
	strcpy(n->hostname, "it's!");
	strcpy(n->domain, "corp.lan");
	strcpy(n->search, "example.lan corp.lan");
	/* resolv.conf's list, every lease's: not this NIC's file's */
	strcpy(p.search, "example.lan corp.lan other.lan");
	p.nr_dns = 1;
	p.dns[0] = (struct ibft_addr){ IBFT_AF_INET, { 10, 1, 0, 53 } };
	netconf_format(out, sizeof(out), &p, n, "dhcp", "iscsi:10.1.0.1::::iqn.x:$(reboot)", 600);
	assert_string_equal(out,
		"DEVICE='eth0'\n"
		"PROTO='dhcp'\n"
		"IPV4ADDR='10.1.0.50'\n"
		"IPV4BROADCAST='10.1.0.255'\n"
		"IPV4NETMASK='255.255.255.0'\n"
		"IPV4GATEWAY='10.1.0.1'\n"
		"IPV4DNS0='10.1.0.53'\n"
		"IPV4DNS1='0.0.0.0'\n"
		"HOSTNAME='it'\\''s'\\!''\n"
		"DNSDOMAIN='corp.lan'\n"
		"ROOTSERVER='10.1.0.2'\n"
		"ROOTPATH='iscsi:10.1.0.1::::iqn.x:$(reboot)'\n"
		"DHCPLEASETIME='600'\n"
		"DOMAINSEARCH='example.lan corp.lan'\n");
	/* whatever a value holds, each key stays on one line */
	netconf_format(out, sizeof(out), &p, n, "dhcp", "iscsi:a\nREBOOT=1\r\033", 600);
	assert_non_null(strstr(out, "ROOTPATH='iscsi:a?REBOOT=1??'\n"));
	/* a short buffer holds whole lines only */
	netconf_format(out, 40, &p, n, "dhcp", "", 0);
	assert_string_equal(out, "DEVICE='eth0'\nPROTO='dhcp'\n");
}

static void dns_query_then_answer(void **state)
{
	uint8_t q[DNS_PACKET_MAX], r[DNS_PACKET_MAX];
	struct ibft_addr a;
	int n;

	(void)state;
	n = dns_query(q, sizeof(q), 0x1234, "san.example");
	assert_int_equal(n, 12 + 1 + 3 + 1 + 7 + 1 + 4);
	assert_memory_equal(q + 12, "\x03san\x07" "example\x00\x00\x01\x00\x01", 17);
	/* the reply: the question, a CNAME (compressed), then the A record */
	memcpy(r, q, n);
	r[2] = 0x81; r[3] = 0x80;	/* response, RD, RA, no error */
	r[7] = 2;			/* two answers */
	memcpy(r + n, "\xc0\x0c\x00\x05\x00\x01\x00\x00\x00\x3c\x00\x02\xc0\x0c", 14);
	memcpy(r + n + 14, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x0a\x01\x00\x07", 16);
	assert_int_equal(dns_answer(r, n + 30, 0x1234, &a), 0);
	assert_string_equal(ibft_addr_str(&a, s), "10.1.0.7");
	/* not ours, truncated, NXDOMAIN */
	assert_int_equal(dns_answer(r, n + 30, 0x4321, &a), -1);
	assert_int_equal(dns_answer(r, n + 29, 0x1234, &a), -1);
	r[3] = 0x83;
	assert_int_equal(dns_answer(r, n + 30, 0x1234, &a), 1);
}

static void dns_rejects_bad_names_and_loops(void **state)
{
	uint8_t q[DNS_PACKET_MAX];
	char name[300];
	struct ibft_addr a;
	int n;

	(void)state;
	assert_int_equal(dns_query(q, sizeof(q), 1, "a..b"), -1);
	assert_int_equal(dns_query(q, sizeof(q), 1, ""), -1);
	memset(name, 'a', 64);
	strcpy(name + 64, ".example");
	assert_int_equal(dns_query(q, sizeof(q), 1, name), -1);
	assert_true(dns_query(q, sizeof(q), 1, "fqdn.example.") > 0);
	/* a reply whose answer name is a pointer to itself must not hang */
	n = dns_query(q, sizeof(q), 7, "x.example");
	q[2] = 0x81; q[7] = 1;
	memcpy(q + n, "\x3f", 1);	/* a label running past the end */
	assert_int_equal(dns_answer(q, n + 1, 7, &a), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_full_lease),
		cmocka_unit_test(classless_routes_as_udhcpc_prints_them),
		cmocka_unit_test(option_249_when_121_is_missing),
		cmocka_unit_test(no_subnet_option_means_the_class),
		cmocka_unit_test(bad_classless_routes_are_an_error),
		cmocka_unit_test(no_address_no_lease),
		cmocka_unit_test(hostile_values_are_dropped_not_used),
		cmocka_unit_test(environment_strings_are_not_read),
		cmocka_unit_test(trailing_nuls_are_stripped_from_every_string_option),
		cmocka_unit_test(a_bad_byte_inside_is_a_warning_naming_the_option),
		cmocka_unit_test(option_203_is_checked_as_an_iscsi_name),
		cmocka_unit_test(root_path_target_name_breaking_the_rfc_is_a_warning),
		cmocka_unit_test(option_119_search_list),
		cmocka_unit_test(option_119_longer_than_resolv_conf_takes),
		cmocka_unit_test(option_175_chap),
		cmocka_unit_test(options_joined_and_in_file_and_sname),
		cmocka_unit_test(a_message_of_a_whole_ethernet_frame),
		cmocka_unit_test(a_damaged_message_record_is_an_error),
		cmocka_unit_test(option_15_list_beside_119_is_not_said_taken),
		cmocka_unit_test(option_15_one_name_and_a_space_is_not_several),
		cmocka_unit_test(option_26_interface_mtu),
		cmocka_unit_test(net_conf_in_klibc_format_safe_to_source),
		cmocka_unit_test(dns_query_then_answer),
		cmocka_unit_test(dns_rejects_bad_names_and_loops),
	};
	return cmocka_run_group_tests_name("lease", tests, NULL, NULL);
}
