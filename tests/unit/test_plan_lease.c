/* Unit tests of the plan's DHCP decisions (applet/plan_lease.c and the
 * source-independent parts of applet/plan.c): -i interfaces, the
 * initiator-name choice, what a lease does to a NIC (RFC 3442, root-path
 * sessions, DNS names resolved later), the DHCP-origin fallback, and the
 * device name a found NIC gets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include "../../applet/plan.h"
#include "../../applet/lease.h"

static struct plan plan;
static struct lease l;
static struct ibft_table table;
static char err[320], s[PLAN_ADDRSTRLEN];
static const uint8_t mac0[6] = { 0x52, 0x54, 0, 0xaa, 0, 1 };

static struct ibft_addr A(const char *text)
{
	struct ibft_addr a;

	memset(&a, 0, sizeof(a));
	if (text && inet_pton(AF_INET, text, a.a) == 1)
		a.family = IBFT_AF_INET;
	else if (text && inet_pton(AF_INET6, text, a.a) == 1)
		a.family = IBFT_AF_INET6;
	return a;
}

static const char *str(const struct ibft_addr *a)
{
	return ibft_addr_str(a, s);
}

static int setup(void **state)
{
	(void)state;
	memset(&plan, 0, sizeof(plan));
	memset(&l, 0, sizeof(l));
	memset(&table, 0, sizeof(table));
	err[0] = '\0';
	plan.tpgt = 1;
	/* a usual lease: 10.1.0.50/24 via 10.1.0.1 */
	l.ip = A("10.1.0.50");
	l.prefix = 24;
	l.router = A("10.1.0.1");
	l.server = A("10.1.0.1");
	l.dns[0] = A("10.1.0.53");
	l.nr_dns = 1;
	l.lease_time = 600;
	l.mtu = 1450;
	strcpy(l.domain, "corp.lan other.lan");	/* net-IF.conf: the first */
	strcpy(l.hostname, "node7");
	return 0;
}

/* -i eth0,eth1 and a lease on eth0 */
static void dhcp_plan(const char *rootpath)
{
	assert_int_equal(plan_from_interfaces(&plan, "eth0,eth1", err, sizeof(err)), 0);
	plan_nic_found(&plan, 0, "eth0", mac0);
	strcpy(l.rootpath, rootpath);
}

static void interfaces_list_one_dhcp_nic_each(void **state)
{
	(void)state;
	assert_int_equal(plan_from_interfaces(&plan, "eth0,,eth1,eth0,", err, sizeof(err)), 0);
	assert_int_equal(plan.source, PLAN_SOURCE_DHCP);
	assert_int_equal(plan.tpgt, 1);
	assert_int_equal(plan.nr_nics, 2);
	assert_string_equal(plan.nic[0].label, "eth0");
	assert_string_equal(plan.nic[1].ifname, "eth1");
	assert_int_equal(plan.nic[1].dhcp_state, PLAN_DHCP_WAIT);
}

static void interfaces_list_errors_name_the_problem(void **state)
{
	(void)state;
	assert_int_equal(plan_from_interfaces(&plan, "", err, sizeof(err)), -1);
	assert_string_equal(err, "-i: no interface named");
	assert_int_equal(plan_from_interfaces(&plan, ",,", err, sizeof(err)), -1);
	assert_string_equal(err, "-i: no interface named");
	assert_int_equal(plan_from_interfaces(&plan, "eth0,averyveryverylong0", err,
		sizeof(err)), -1);
	assert_string_equal(err, "-i: 'averyveryverylong0' is not an interface name");
	assert_int_equal(plan_from_interfaces(&plan, "../eth0", err, sizeof(err)), -1);
	assert_string_equal(err, "-i: '../eth0' is not an interface name");
	assert_int_equal(plan_from_interfaces(&plan, "..", err, sizeof(err)), -1);
	assert_int_equal(plan_from_interfaces(&plan, "a,b,c,d,e,f,g,h,i", err,
		sizeof(err)), -1);
	assert_string_equal(err, "-i: more than 8 interfaces");
}

static void initiator_own_then_option_then_file_then_mac(void **state)
{
	(void)state;
	dhcp_plan("");
	assert_int_equal(plan_choose_initiator(&plan, "iqn.a:own", "iqn.a:opt",
		"iqn.a:file"), 0);
	assert_string_equal(plan.initiator, "iqn.a:own");
	/* chosen once: a later lease's option 203 changes nothing */
	assert_int_equal(plan_choose_initiator(&plan, "iqn.a:later", NULL, NULL), 0);
	assert_string_equal(plan.initiator, "iqn.a:own");

	plan.initiator[0] = '\0';
	plan_choose_initiator(&plan, "", "iqn.a:opt", "iqn.a:file");
	assert_string_equal(plan.initiator, "iqn.a:opt");
	plan.initiator[0] = '\0';
	plan_choose_initiator(&plan, NULL, NULL, "iqn.a:file");
	assert_string_equal(plan.initiator, "iqn.a:file");
	plan.initiator[0] = '\0';
	plan_choose_initiator(&plan, NULL, NULL, NULL);
	assert_string_equal(plan.initiator, "iqn.2005-03.org.open-iscsi:525400aa0001");
}

static void initiator_from_a_table_is_never_made_up(void **state)
{
	(void)state;
	table.nr_nics = 1;
	table.nic[0].flags = 3;
	table.nic[0].ip = A("10.1.0.2");
	table.nic[0].prefix = 24;
	plan_from_ibft(&plan, &table, NULL, NULL);
	assert_int_equal(plan_choose_initiator(&plan, NULL, NULL, NULL), -1);
	assert_string_equal(plan.initiator, "");
	assert_int_equal(plan_choose_initiator(&plan, NULL, "iqn.a:opt", NULL), 0);
	assert_string_equal(plan.initiator, "iqn.a:opt");
}

static void lease_configures_the_nic_and_names_the_session(void **state)
{
	const struct plan_nic *n = &plan.nic[0];

	(void)state;
	dhcp_plan("iscsi:10.9.0.10::3261:1:iqn.2026-11.org.example:disk");
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), NULL, NULL), 0);
	assert_string_equal(str(&n->ip), "10.1.0.50");
	assert_int_equal(n->prefix, 24);
	assert_int_equal(n->dhcp_state, PLAN_DHCP_LEASED);
	assert_string_equal(str(&n->gateway), "10.1.0.1");
	assert_true(n->default_route);
	assert_int_equal(n->lease_time, 600);
	assert_int_equal(n->mtu, 1450);
	assert_string_equal(n->domain, "corp.lan");
	assert_string_equal(plan.hostname, "node7");
	assert_int_equal(plan.nr_dns, 1);
	assert_string_equal(str(&plan.dns[0]), "10.1.0.53");
	assert_int_equal(plan.nr_sessions, 1);
	assert_string_equal(plan.session[0].label, "eth0");
	assert_string_equal(plan.session[0].name, "iqn.2026-11.org.example:disk");
	assert_int_equal(plan.session[0].port, 3261);
	assert_int_equal(plan.session[0].lun[1], 1);
	assert_string_equal(n->rootpath, "iscsi:10.9.0.10::3261:1:iqn.2026-11.org.example:disk");
	/* the target is off the subnet: a host route via the router */
	assert_int_equal(plan.nr_routes, 1);
	assert_string_equal(str(&plan.route[0].dst), "10.9.0.10");
	assert_int_equal(plan.route[0].prefix, 32);
	assert_string_equal(str(&plan.route[0].via), "10.1.0.1");
	/* a second NIC's lease does not take the default route */
	plan_nic_found(&plan, 1, "eth1", mac0);
	l.ip = A("10.2.0.50");
	l.router = A("10.2.0.1");
	strcpy(l.rootpath, "iscsi:10.2.0.10::::iqn.2026-11.org.example:disk");
	assert_int_equal(plan_apply_lease(&plan, 1, &l, err, sizeof(err), NULL, NULL), 0);
	assert_false(plan.nic[1].default_route);
	assert_int_equal(plan.nr_sessions, 2);
	assert_int_equal(plan.session[1].port, 3260);
	assert_int_equal(plan.nr_routes, 1);	/* same subnet: none */
}

static void classless_routes_replace_the_router(void **state)
{
	(void)state;
	dhcp_plan("iscsi:192.168.50.10::::iqn.x");
	l.route[0].net = A("192.168.50.0");
	l.route[0].prefix = 24;
	l.route[0].gw = A("10.1.0.254");
	l.route[1].net = A("0.0.0.0");
	l.route[1].prefix = 0;
	l.route[1].gw = A("10.1.0.2");
	l.nr_routes = 2;
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), NULL, NULL), 0);
	/* RFC 3442: router 10.1.0.1 ignored, 0/0 is the default route */
	assert_string_equal(str(&plan.nic[0].gateway), "10.1.0.2");
	assert_int_equal(plan.nr_routes, 1);
	assert_string_equal(str(&plan.route[0].dst), "192.168.50.0");
	assert_int_equal(plan.route[0].prefix, 24);
	/* the target lies in that route: no host route of its own */
	assert_true(plan.session[0].routed);
}

static void classless_routes_without_a_default_leave_no_gateway(void **state)
{
	(void)state;
	dhcp_plan("iscsi:10.1.0.9::::iqn.x");
	l.route[0].net = A("192.168.50.0");
	l.route[0].prefix = 24;
	l.route[0].gw = A("10.1.0.254");
	l.nr_routes = 1;
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), NULL, NULL), 0);
	assert_int_equal(plan.nic[0].gateway.family, IBFT_AF_NONE);
	assert_false(plan.nic[0].default_route);
}

static void lease_errors_leave_no_session(void **state)
{
	(void)state;
	dhcp_plan("");
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), NULL, NULL), -1);
	assert_string_equal(err, "no root-path (option 17) in the lease");
	assert_int_equal(plan.nr_sessions, 0);
	assert_int_equal(plan.nic[0].dhcp_state, PLAN_DHCP_WAIT);

	strcpy(l.rootpath, "iscsi:10.1.0.1::99999::iqn.x");
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), NULL, NULL), -1);
	assert_non_null(strstr(err, "port"));
	assert_int_equal(plan.nr_sessions, 0);
	assert_int_equal(plan.nr_routes, 0);
}

static void credentials_go_to_the_session_not_to_net_conf(void **state)
{
	(void)state;
	dhcp_plan("iscsi:alice:s3cret@10.1.0.9::::iqn.x");
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), NULL, NULL), 0);
	assert_string_equal(plan.session[0].chap_name, "alice");
	assert_string_equal(plan.session[0].chap_secret, "s3cret");
	assert_string_equal(plan.nic[0].rootpath, "iscsi:10.1.0.9::::iqn.x");
}

static void dns_named_server_is_routed_once_resolved(void **state)
{
	struct ibft_addr a = A("10.9.0.10");

	(void)state;
	dhcp_plan("iscsi:san.example.org::::iqn.x");
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), NULL, NULL), 0);
	assert_string_equal(plan.session[0].server, "san.example.org");
	assert_int_equal(plan.session[0].ip.family, IBFT_AF_NONE);
	assert_int_equal(plan.nr_routes, 0);	/* nothing to route to yet */
	assert_int_equal(plan_session_resolved(&plan, 0, &a, err, sizeof(err)), 0);
	assert_string_equal(str(&plan.session[0].ip), "10.9.0.10");
	assert_int_equal(plan.nr_routes, 1);
	assert_string_equal(str(&plan.route[0].via), "10.1.0.1");
}

static void unresolved_server_is_an_error_and_never_routed(void **state)
{
	(void)state;
	dhcp_plan("iscsi:san.example.org::::iqn.x");
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), NULL, NULL), 0);
	assert_int_equal(plan_session_resolved(&plan, 0, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "root-path: server: can't resolve 'san.example.org' "
		"through the lease's DNS servers");
	plan_routes(&plan, NULL, NULL);
	assert_int_equal(plan.nr_routes, 0);
	assert_int_equal(plan.session[0].ip.family, IBFT_AF_NONE);
}

/* Sites keep DNS servers behind the router: -n asks them before
 * anything is configured, so it routes them as the lease's routes
 * would: the longest classless route covering them, else the gateway. */
static void dns_servers_are_reached_as_the_lease_routes_them(void **state)
{
	struct ibft_addr via, dst;

	(void)state;
	dhcp_plan("iscsi:san::::iqn.x");
	l.route[0].net = A("10.9.0.0");
	l.route[0].prefix = 16;
	l.route[0].gw = A("10.1.0.254");
	l.route[1].net = A("10.9.8.0");
	l.route[1].prefix = 24;
	l.route[1].gw = A("10.1.0.253");
	l.route[2].net = A("172.16.0.0");
	l.route[2].prefix = 12;
	l.route[2].gw = A("0.0.0.0");		/* on the link (RFC 3442) */
	l.route[3].net = A("0.0.0.0");
	l.route[3].prefix = 0;
	l.route[3].gw = A("10.1.0.1");
	l.nr_routes = 4;
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), NULL, NULL), 0);
	dst = A("10.1.0.53");		/* in the subnet */
	assert_int_equal(plan_next_hop(&plan, 0, &dst, &via), 0);
	dst = A("10.9.8.53");		/* the /24, not the /16 */
	assert_int_equal(plan_next_hop(&plan, 0, &dst, &via), 1);
	assert_string_equal(str(&via), "10.1.0.253");
	dst = A("10.9.1.53");
	assert_int_equal(plan_next_hop(&plan, 0, &dst, &via), 1);
	assert_string_equal(str(&via), "10.1.0.254");
	dst = A("172.16.5.53");
	assert_int_equal(plan_next_hop(&plan, 0, &dst, &via), 1);
	assert_true(addr_is_zero(&via));
	dst = A("192.0.2.53");		/* the default route from 121 */
	assert_int_equal(plan_next_hop(&plan, 0, &dst, &via), 1);
	assert_string_equal(str(&via), "10.1.0.1");
	/* no gateway, no route: not reached; eth1 has no lease yet */
	memset(&plan.nic[0].gateway, 0, sizeof(plan.nic[0].gateway));
	assert_int_equal(plan_next_hop(&plan, 0, &dst, &via), -1);
	dst = A("10.1.0.53");
	assert_int_equal(plan_next_hop(&plan, 1, &dst, &via), -1);
}

/* Dual stack: an IPv6 portal in a DHCPv4 root-path waits for the
 * interface's IPv6 address from router advertisements, then is routed
 * through the IPv6 router when it lies outside that prefix. */
static void ipv6_portal_on_an_ipv4_lease(void **state)
{
	struct ibft_addr ip6 = A("fd00:1::5054:ff:feaa:1"), rtr = A("fe80::1");

	(void)state;
	dhcp_plan("iscsi:[fd00:9::5]::::iqn.x");
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), NULL, NULL), 0);
	assert_int_equal(plan.nr_sessions, 1);
	assert_string_equal(str(&plan.session[0].ip), "fd00:9::5");
	assert_false(plan_session_ready(&plan, 0));
	assert_int_equal(plan.nr_routes, 0);
	plan_nic_ipv6(&plan, 0, &ip6, 64, &rtr, NULL, NULL);
	assert_true(plan_session_ready(&plan, 0));
	assert_int_equal(plan.nr_routes, 1);
	assert_string_equal(str(&plan.route[0].dst), "fd00:9::5");
	assert_int_equal(plan.route[0].prefix, 128);
	assert_string_equal(str(&plan.route[0].via), "fe80::1");
	/* its source, and a redirect's of either family (the login binds
	 * it): the NIC's address of that family */
	{
		struct ibft_addr v4 = A("10.9.0.1"), v6 = A("fd00:7::1");

		assert_ptr_equal(plan_session_source(&plan, &plan.session[0]),
			&plan.nic[0].ip6);
		assert_ptr_equal(plan_source(&plan.nic[0], &v4), &plan.nic[0].ip);
		assert_ptr_equal(plan_source(&plan.nic[0], &v6), &plan.nic[0].ip6);
		assert_null(plan_source(&plan.nic[1], &v6));
	}
	/* on the link: no route */
	setup(NULL);
	dhcp_plan("iscsi:[fd00:1::1]::::iqn.x");
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), NULL, NULL), 0);
	plan_nic_ipv6(&plan, 0, &ip6, 64, NULL, NULL, NULL);
	assert_true(plan_session_ready(&plan, 0));
	assert_int_equal(plan.nr_routes, 0);
	/* a link-local portal is on the link: no route either */
	setup(NULL);
	dhcp_plan("iscsi:[fe80::1]::::iqn.x");
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), NULL, NULL), 0);
	plan_nic_ipv6(&plan, 0, &ip6, 64, &rtr, NULL, NULL);
	assert_int_equal(plan.nr_routes, 0);
	/* [::ffff:10.1.0.1] is an IPv4 portal */
	setup(NULL);
	dhcp_plan("iscsi:[::ffff:10.1.0.1]::::iqn.x");
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), NULL, NULL), 0);
	assert_int_equal(plan.session[0].ip.family, IBFT_AF_INET);
	assert_string_equal(str(&plan.session[0].ip), "10.1.0.1");
	assert_true(plan_session_ready(&plan, 0));
	/* an IPv4 portal is ready at once */
	setup(NULL);
	dhcp_plan("iscsi:10.1.0.9::::iqn.x");
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), NULL, NULL), 0);
	assert_true(plan_session_ready(&plan, 0));
}

/* A root-path server named without a dot is asked with the leases'
 * search domains, as a stub resolver with ndots:1 would. */
static void names_are_asked_as_the_leases_resolver_would(void **state)
{
	char names[PLAN_MAX_QUERIES][PLAN_SERVER_MAX + 1];
	char longname[PLAN_SERVER_MAX + 1];

	(void)state;
	dhcp_plan("iscsi:san::::iqn.x");
	strcpy(l.domain, "example.lan");
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), NULL, NULL), 0);
	strcpy(l.domain, "corp.example");	/* a second lease adds its own */
	plan_nic_found(&plan, 1, "eth1", mac0);
	strcpy(l.rootpath, "iscsi:10.1.0.9::::iqn.x");
	assert_int_equal(plan_apply_lease(&plan, 1, &l, err, sizeof(err), NULL, NULL), 0);
	strcpy(l.domain, "example.lan");	/* known: not twice */
	assert_int_equal(plan_apply_lease(&plan, 1, &l, err, sizeof(err), NULL, NULL), 0);
	assert_string_equal(plan.search, "example.lan corp.example");
	/* each NIC's own list, for its net-IF.conf */
	assert_string_equal(plan.nic[0].search, "example.lan");
	assert_string_equal(plan.nic[1].search, "example.lan");

	assert_int_equal(plan_query_names(&plan, "san", names, PLAN_MAX_QUERIES), 3);
	assert_string_equal(names[0], "san.example.lan");
	assert_string_equal(names[1], "san.corp.example");
	assert_string_equal(names[2], "san");
	assert_int_equal(plan_query_names(&plan, "san.site", names, PLAN_MAX_QUERIES), 3);
	assert_string_equal(names[0], "san.site");
	assert_string_equal(names[1], "san.site.example.lan");
	assert_int_equal(plan_query_names(&plan, "san.example.org.", names,
		PLAN_MAX_QUERIES), 1);
	assert_string_equal(names[0], "san.example.org");
	assert_int_equal(plan_query_names(&plan, "san", names, 1), 1);
	/* too long with a domain: left out */
	memset(longname, 'a', 250);
	longname[250] = '\0';
	assert_int_equal(plan_query_names(&plan, longname, names, PLAN_MAX_QUERIES), 1);
	assert_string_equal(names[0], longname);
	/* a search list (option 119) wins over the lease's domain name */
	strcpy(l.search, "a.example b.example corp.example");
	assert_int_equal(plan_apply_lease(&plan, 1, &l, err, sizeof(err), NULL, NULL), 0);
	assert_string_equal(plan.search, "example.lan corp.example a.example b.example");
	assert_string_equal(plan.nic[1].search, "a.example b.example corp.example");
	assert_string_equal(plan.nic[0].search, "example.lan");
	/* no search domains: the name alone */
	plan.search[0] = '\0';
	assert_int_equal(plan_query_names(&plan, "san", names, PLAN_MAX_QUERIES), 1);
	assert_string_equal(names[0], "san");
}

static char warned[1024];

static void collect(void *ctx, const char *msg)
{
	(void)ctx;
	strncat(warned, msg, sizeof(warned) - strlen(warned) - 2);
	strcat(warned, "\n");
}

/* A lease's router, DNS servers and classless route gateways follow the
 * iBFT's rules: values that are no such are dropped with a warning. */
static void lease_values_that_are_none_are_dropped(void **state)
{
	(void)state;
	warned[0] = '\0';
	dhcp_plan("iscsi:10.9.0.10::::iqn.x");
	l.router = A("255.255.255.255");
	l.dns[0] = A("127.0.0.1");
	l.dns[1] = A("10.1.0.53");
	l.nr_dns = 2;
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), collect, NULL), 0);
	assert_int_equal(plan.nic[0].gateway.family, IBFT_AF_NONE);
	assert_false(plan.nic[0].default_route);
	assert_int_equal(plan.nr_dns, 1);
	assert_string_equal(str(&plan.dns[0]), "10.1.0.53");
	assert_non_null(strstr(warned, "eth0: router: 255.255.255.255 is the limited "
		"broadcast address; no gateway\n"));
	assert_non_null(strstr(warned, "eth0: dns: 127.0.0.1 is a loopback address; not used\n"));

	setup(NULL);
	warned[0] = '\0';
	dhcp_plan("iscsi:10.9.0.10::::iqn.x");
	l.route[0].net = A("192.168.5.0");
	l.route[0].prefix = 24;
	l.route[0].gw = A("224.0.0.1");
	l.route[1].net = A("0.0.0.0");
	l.route[1].prefix = 0;
	l.route[1].gw = A("10.1.0.50");		/* the lease's own address */
	l.nr_routes = 2;
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), collect, NULL), 0);
	assert_int_equal(plan.nr_routes, 0);
	assert_int_equal(plan.nic[0].gateway.family, IBFT_AF_NONE);
	assert_non_null(strstr(warned, "eth0: classless-route: 224.0.0.1 is a multicast address"));
	assert_non_null(strstr(warned, "eth0: router: 10.1.0.50 is the NIC's own address"));
}

/* An iBFT NIC with origin DHCP: its target waits for the lease's values,
 * or for the table's own when no lease comes. */
static void ibft_dhcp_origin_nic(unsigned prefix)
{
	table.nr_nics = 1;
	table.nic[0].flags = 3;
	table.nic[0].origin = IBFT_ORIGIN_DHCP;
	table.nic[0].ip = A("10.1.0.40");
	table.nic[0].prefix = prefix;
	table.nic[0].gateway = A("10.1.0.1");
	table.nic[0].dns1 = A("10.1.0.3");
	table.nr_targets = 1;
	table.target[0].flags = 3;
	table.target[0].ip = A("10.9.0.10");
	strcpy(table.target[0].name, "iqn.x");
	plan_from_ibft(&plan, &table, NULL, NULL);
}

static void ibft_dhcp_nic_waits_then_takes_the_lease(void **state)
{
	(void)state;
	ibft_dhcp_origin_nic(24);
	assert_int_equal(plan.nic[0].dhcp_state, PLAN_DHCP_WAIT);
	assert_int_equal(plan.nr_routes, 0);
	assert_false(plan.nic[0].default_route);
	assert_int_equal(plan.nr_dns, 0);
	l.router = A("10.1.0.254");
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), NULL, NULL), 0);
	assert_int_equal(plan.nr_sessions, 1);	/* the table's; none added */
	assert_int_equal(plan.nr_routes, 1);
	assert_string_equal(str(&plan.route[0].via), "10.1.0.254");
	assert_true(plan.nic[0].default_route);
}

static void ibft_dhcp_nic_falls_back_to_the_table(void **state)
{
	(void)state;
	ibft_dhcp_origin_nic(24);
	plan_nic_static(&plan, 0, NULL, NULL);
	assert_int_equal(plan.nic[0].dhcp_state, PLAN_DHCP_FALLBACK);
	assert_string_equal(str(&plan.nic[0].ip), "10.1.0.40");
	assert_true(plan.nic[0].default_route);
	assert_int_equal(plan.nr_dns, 1);
	assert_int_equal(plan.nr_routes, 1);
	assert_string_equal(str(&plan.route[0].via), "10.1.0.1");
}

static void found_nic_gets_its_device_name(void **state)
{
	(void)state;
	table.nr_nics = 2;
	table.nic[0].flags = 3;
	table.nic[0].mac[0] = 0x52;
	table.nic[1].flags = 1;
	table.nic[1].index = 1;
	table.nic[1].vlan = 0x2064;	/* priority 1, VLAN 100 */
	plan_from_ibft(&plan, &table, NULL, NULL);
	plan_nic_found(&plan, 0, "enp0s3", mac0);
	assert_string_equal(plan.nic[0].dev, "enp0s3");
	assert_int_equal(plan.nic[0].mac[1], 0);	/* a table's MAC stays */
	plan_nic_found(&plan, 1, "enp0s4", NULL);
	assert_string_equal(plan.nic[1].ifname, "enp0s4");
	assert_string_equal(plan.nic[1].dev, "enp0s4.100");
	/* -i: the MAC is learnt */
	assert_int_equal(plan_from_interfaces(&plan, "eth0", err, sizeof(err)), 0);
	plan_nic_found(&plan, 0, "eth0", mac0);
	assert_memory_equal(plan.nic[0].mac, mac0, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(interfaces_list_one_dhcp_nic_each, setup),
		cmocka_unit_test_setup(interfaces_list_errors_name_the_problem, setup),
		cmocka_unit_test_setup(initiator_own_then_option_then_file_then_mac, setup),
		cmocka_unit_test_setup(initiator_from_a_table_is_never_made_up, setup),
		cmocka_unit_test_setup(lease_configures_the_nic_and_names_the_session, setup),
		cmocka_unit_test_setup(classless_routes_replace_the_router, setup),
		cmocka_unit_test_setup(classless_routes_without_a_default_leave_no_gateway, setup),
		cmocka_unit_test_setup(lease_errors_leave_no_session, setup),
		cmocka_unit_test_setup(credentials_go_to_the_session_not_to_net_conf, setup),
		cmocka_unit_test_setup(dns_named_server_is_routed_once_resolved, setup),
		cmocka_unit_test_setup(unresolved_server_is_an_error_and_never_routed, setup),
		cmocka_unit_test_setup(dns_servers_are_reached_as_the_lease_routes_them, setup),
		cmocka_unit_test_setup(ipv6_portal_on_an_ipv4_lease, setup),
		cmocka_unit_test_setup(lease_values_that_are_none_are_dropped, setup),
		cmocka_unit_test_setup(names_are_asked_as_the_leases_resolver_would, setup),
		cmocka_unit_test_setup(ibft_dhcp_nic_waits_then_takes_the_lease, setup),
		cmocka_unit_test_setup(ibft_dhcp_nic_falls_back_to_the_table, setup),
		cmocka_unit_test_setup(found_nic_gets_its_device_name, setup),
	};
	return cmocka_run_group_tests_name("plan_lease", tests, NULL, NULL);
}
