/* Unit tests of the DHCP side's pure parts: lease records as udhcpc's
 * environment gives them (applet/lease.c), /run/net-IF.conf text, and the
 * DNS query/answer code (applet/dns.c). */
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

static void a_full_lease(void **state)
{
	size_t n = record(rec, "event=bound", "ip=10.1.0.50", "mask=24",
		"router=10.1.0.1 10.1.0.2", "dns=10.1.0.53 10.9.9.9", "serverid=10.1.0.1",
		"lease=3600", "hostname=node7", "domain=example.org",
		"rootpath=iscsi:10.1.0.1::3260:1:iqn.2026-11.org.example:disk",
		"opt203=69716e2e323032362d31312e6f72672e6578616d706c653a6e6f646537",
		"interface=eth0", NULL);

	(void)state;
	assert_int_equal(lease_parse(rec, n, &l, err, sizeof(err)), 0);
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
}

static void classless_routes_as_udhcpc_prints_them(void **state)
{
	size_t n = record(rec, "ip=10.1.0.50", "mask=24",
		"staticroutes=192.168.50.0/24 10.1.0.254 0.0.0.0/0 10.1.0.1 10.0.0.0/8 10.1.0.253",
		NULL);

	(void)state;
	assert_int_equal(lease_parse(rec, n, &l, err, sizeof(err)), 0);
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
	assert_int_equal(lease_parse(rec, n, &l, err, sizeof(err)), 0);
	assert_int_equal(l.nr_routes, 1);
	assert_string_equal(ibft_addr_str(&l.route[0].net, s), "192.168.60.0");
	assert_string_equal(ibft_addr_str(&l.route[0].gw, s), "10.1.0.252");

	n = record(rec, "ip=10.1.0.50", "mask=24",
		"staticroutes=192.168.50.0/24 10.1.0.254",
		"msstaticroutes=192.168.60.0/24 10.1.0.252", NULL);
	assert_int_equal(lease_parse(rec, n, &l, err, sizeof(err)), 0);
	assert_int_equal(l.nr_routes, 1);
	assert_string_equal(ibft_addr_str(&l.route[0].net, s), "192.168.50.0");

	n = record(rec, "ip=10.1.0.50", "msstaticroutes=192.168.60.0/40 10.1.0.252", NULL);
	assert_int_equal(lease_parse(rec, n, &l, err, sizeof(err)), -1);
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
		assert_int_equal(lease_parse(rec, n, &l, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "classless routes (121)"));
	}
}

static void no_address_no_lease(void **state)
{
	size_t n = record(rec, "event=bound", "router=10.1.0.1", NULL);

	(void)state;
	assert_int_equal(lease_parse(rec, n, &l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no address"));
	n = record(rec, "ip=10.1.0.999", NULL);
	assert_int_equal(lease_parse(rec, n, &l, err, sizeof(err)), -1);
	n = record(rec, "ip=10.1.0.5", "mask=33", NULL);
	assert_int_equal(lease_parse(rec, n, &l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "prefix length"));
}

static void hostile_values_are_dropped_not_used(void **state)
{
	size_t n = record(rec, "ip=10.1.0.50", "hostname=a\033[2Jb",
		"opt203=0a72656f74", /* "\nreot": not a name */
		"dns=10.1.0.53 $(reboot) 10.1.0.54", "lease=x", NULL);

	(void)state;
	assert_int_equal(lease_parse(rec, n, &l, err, sizeof(err)), 0);
	assert_string_equal(l.hostname, "");
	assert_string_equal(l.initiator, "");
	assert_int_equal(l.nr_dns, 2);
	assert_int_equal(l.prefix, 8);	/* no subnet option: class A */
	/* a name's characters only */
	n = record(rec, "ip=10.1.0.50", "hostname=node 7", "domain=a;b", NULL);
	assert_int_equal(lease_parse(rec, n, &l, err, sizeof(err)), 0);
	assert_string_equal(l.hostname, "");
	assert_string_equal(l.domain, "");
	n = record(rec, "ip=10.1.0.50", "hostname=node-7_a.example", NULL);
	assert_int_equal(lease_parse(rec, n, &l, err, sizeof(err)), 0);
	assert_string_equal(l.hostname, "node-7_a.example");
	/* an error quoting a value quotes it as plain text */
	n = record(rec, "ip=10.1.0.\033[2J", NULL);
	assert_int_equal(lease_parse(rec, n, &l, err, sizeof(err)), -1);
	assert_null(strchr(err, '\033'));
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
		assert_int_equal(lease_parse(rec, n, &l, err, sizeof(err)), 0);
		assert_int_equal(l.prefix, c[i].prefix);
	}
	n = record(rec, "ip=192.168.1.9", "mask=0", NULL);
	assert_int_equal(lease_parse(rec, n, &l, err, sizeof(err)), 0);
	assert_int_equal(l.prefix, 0);
}

static void overlong_root_path_is_an_error(void **state)
{
	char kv[1200] = "rootpath=iscsi:";
	size_t n;

	(void)state;
	memset(kv + strlen(kv), 'a', 1100);
	n = record(rec, "ip=10.1.0.50", kv, NULL);
	assert_int_equal(lease_parse(rec, n, &l, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "root-path: longer than"));
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
		"DNSDOMAIN=''\n"
		"ROOTSERVER='10.1.0.2'\n"
		"ROOTPATH='iscsi:10.1.0.1::::iqn.x:$(reboot)'\n"
		"DHCPLEASETIME='600'\n");
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
		cmocka_unit_test(overlong_root_path_is_an_error),
		cmocka_unit_test(net_conf_in_klibc_format_safe_to_source),
		cmocka_unit_test(dns_query_then_answer),
		cmocka_unit_test(dns_rejects_bad_names_and_loops),
	};
	return cmocka_run_group_tests_name("lease", tests, NULL, NULL);
}
