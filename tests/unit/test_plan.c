/* Unit tests of the boot plan (applet/plan.c): which NICs, routes and
 * sessions a parsed table turns into, and the command lines they give. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include "../../applet/plan.h"

static char warnings[2048];

static void collect(void *ctx, const char *msg)
{
	(void)ctx;
	strncat(warnings, msg, sizeof(warnings) - strlen(warnings) - 2);
	strcat(warnings, "\n");
}

static struct ibft_addr A(const char *text)
{
	struct ibft_addr a;

	memset(&a, 0, sizeof(a));
	if (!text)
		return a;
	if (inet_pton(AF_INET, text, a.a) == 1)
		a.family = IBFT_AF_INET;
	else if (inet_pton(AF_INET6, text, a.a) == 1)
		a.family = IBFT_AF_INET6;
	return a;
}

static struct ibft_table table;
static struct plan plan;

static struct ibft_nic *nic(unsigned index, const char *ip, unsigned prefix,
		const char *gw, uint8_t flags)
{
	struct ibft_nic *n = &table.nic[table.nr_nics++];

	n->index = index;
	n->flags = flags;
	n->ip = A(ip);
	n->prefix = prefix;
	n->gateway = A(gw);
	n->mac[0] = 0x52; n->mac[5] = index;
	return n;
}

static struct ibft_target *target(unsigned index, unsigned nic_assoc,
		const char *ip, uint8_t flags)
{
	struct ibft_target *t = &table.target[table.nr_targets++];

	t->index = index;
	t->nic_assoc = nic_assoc;
	t->flags = flags;
	t->ip = A(ip);
	snprintf(t->name, sizeof(t->name), "iqn.2026-11.org.example:t%u", index);
	return t;
}

static int setup(void **state)
{
	(void)state;
	memset(&table, 0, sizeof(table));
	memset(&plan, 0, sizeof(plan));
	warnings[0] = '\0';
	strcpy(table.initiator.name, "iqn.2026-11.org.example:host");
	plan.tpgt = 1;
	return 0;
}

static void build(void)
{
	plan_from_ibft(&plan, &table, collect, NULL);
	for (unsigned i = 0; i < plan.nr_nics; i++) {
		snprintf(plan.nic[i].ifname, sizeof(plan.nic[i].ifname), "eth%u", i);
		if (plan.nic[i].vlan_id)
			snprintf(plan.nic[i].dev, sizeof(plan.nic[i].dev), "eth%u.%u",
				i % 10, plan.nic[i].vlan_id % 10000);
		else
			strcpy(plan.nic[i].dev, plan.nic[i].ifname);
	}
}

/* Every command plan_nic_cmds() emits, one line each, "STEP: argv..." */
static char cmds[4096];

static int record(void *ctx, unsigned step, char **argv)
{
	(void)ctx;
	snprintf(cmds + strlen(cmds), sizeof(cmds) - strlen(cmds), "%u:", step);
	for (; *argv; argv++)
		snprintf(cmds + strlen(cmds), sizeof(cmds) - strlen(cmds), " %s", *argv);
	strncat(cmds, "\n", sizeof(cmds) - strlen(cmds) - 1);
	return 0;
}

static const char *nic_cmds(unsigned i, int undo)
{
	cmds[0] = '\0';
	plan_nic_cmds(&plan, i, undo, record, NULL);
	return cmds;
}

static void same_subnet_target_gets_no_host_route(void **state)
{
	(void)state;
	nic(0, "10.0.2.15", 24, "10.0.2.2", 3);
	target(0, 0, "10.0.2.100", 3);
	build();
	assert_int_equal(plan.nr_sessions, 1);
	assert_int_equal(plan.nr_routes, 0);
	assert_string_equal(nic_cmds(0, 0),
		"1: link set dev eth0 up\n"
		"4: addr add 10.0.2.15/24 dev eth0\n"
		"5: route add default via 10.0.2.2 dev eth0\n");
}

static void off_subnet_target_routed_via_its_nics_gateway(void **state)
{
	(void)state;
	nic(0, "10.1.0.2", 24, "10.1.0.1", 3);
	target(0, 0, "10.2.0.10", 3);
	build();
	assert_int_equal(plan.nr_routes, 1);
	assert_int_equal(plan.route[0].nic, 0);
	assert_string_equal(nic_cmds(0, 0),
		"1: link set dev eth0 up\n"
		"4: addr add 10.1.0.2/24 dev eth0\n"
		"5: route add default via 10.1.0.1 dev eth0\n"
		"12: route add 10.2.0.10/32 via 10.1.0.1 dev eth0\n");
}

static void two_nics_each_target_leaves_through_its_own_nic(void **state)
{
	(void)state;
	nic(0, "10.1.0.2", 24, "10.1.0.1", 3);
	nic(1, "10.3.0.2", 24, "10.3.0.1", 3);
	target(0, 0, "10.9.0.10", 3);
	target(1, 1, "10.9.0.11", 3);
	build();
	assert_int_equal(plan.nr_routes, 2);
	assert_string_equal(nic_cmds(1, 0),
		"1: link set dev eth1 up\n"
		"4: addr add 10.3.0.2/24 dev eth1\n"
		"6: route add 10.3.0.0/24 dev eth1 src 10.3.0.2 table 101\n"
		"7: route add default via 10.3.0.1 dev eth1 table 101\n"
		"8: rule add from 10.3.0.2 table 101 pref 1001\n"
		"9: sysctl -w net/ipv4/conf/eth1/rp_filter=2\n"
		"14: route add 10.9.0.11/32 via 10.3.0.1 dev eth1\n"
		"15: route add 10.9.0.11/32 via 10.3.0.1 dev eth1 table 101\n");
	/* one default route only: through the first boot NIC */
	assert_true(plan.nic[0].default_route);
	assert_false(plan.nic[1].default_route);
}

static void default_route_prefers_the_boot_selected_nic(void **state)
{
	(void)state;
	nic(0, "10.1.0.2", 24, "10.1.0.1", 1);	/* valid, not boot */
	nic(1, "10.3.0.2", 24, "10.3.0.1", 3);	/* boot selected */
	target(0, 1, "10.3.0.10", 3);
	build();
	assert_false(plan.nic[0].default_route);
	assert_true(plan.nic[1].default_route);
}

static void off_subnet_without_gateway_warns_and_adds_nothing(void **state)
{
	(void)state;
	nic(0, "10.1.0.2", 24, NULL, 3);
	target(0, 0, "10.2.0.10", 3);
	build();
	assert_int_equal(plan.nr_routes, 0);
	assert_non_null(strstr(warnings, "target0"));
	assert_non_null(strstr(warnings, "no gateway"));
}

/* A gateway outside the NIC's subnet (a /32 lease's router; firmware
 * that, like iPXE, simply sends to it) is taken to be on the link. */
static void gateway_outside_the_nics_subnet_is_on_link(void **state)
{
	(void)state;
	nic(0, "10.1.0.2", 24, "10.5.0.1", 3);
	target(0, 0, "10.2.0.10", 3);
	build();
	assert_int_equal(plan.nr_routes, 1);
	assert_string_equal(warnings, "");
	assert_string_equal(nic_cmds(0, 0),
		"1: link set dev eth0 up\n"
		"4: addr add 10.1.0.2/24 dev eth0\n"
		"5: route add default via 10.5.0.1 dev eth0 onlink\n"
		"12: route add 10.2.0.10/32 via 10.5.0.1 dev eth0 onlink\n");
	assert_string_equal(nic_cmds(0, 1),
		"12: route del 10.2.0.10/32 via 10.5.0.1 dev eth0\n"
		"5: route del default via 10.5.0.1 dev eth0\n"
		"4: addr del 10.1.0.2/24 dev eth0\n"
		"1: link set dev eth0 down\n");
}

/* A lease's MTU (option 26): set after the link is up and before the
 * address; the undo step repeats it (the executor puts back the MTU it
 * found) after the address is gone.  No MTU, no step. */
static void lease_mtu_is_a_step_before_the_address(void **state)
{
	(void)state;
	nic(0, "10.1.0.2", 24, "10.1.0.1", 3);
	target(0, 0, "10.1.0.10", 3);
	build();
	plan.nic[0].mtu = 1450;
	assert_string_equal(nic_cmds(0, 0),
		"1: link set dev eth0 up\n"
		"3: link set dev eth0 mtu 1450\n"
		"4: addr add 10.1.0.2/24 dev eth0\n"
		"5: route add default via 10.1.0.1 dev eth0\n");
	assert_string_equal(nic_cmds(0, 1),
		"5: route del default via 10.1.0.1 dev eth0\n"
		"4: addr del 10.1.0.2/24 dev eth0\n"
		"3: link set dev eth0 mtu 1450\n"
		"1: link set dev eth0 down\n");
	assert_int_equal(PLAN_STEP_MTU, 3);
}

/* An IPv6 link-local gateway is on the link without saying so. */
static void ipv6_link_local_gateway_needs_no_onlink(void **state)
{
	(void)state;
	nic(0, "2001:db8::15", 64, "fe80::1", 3);
	target(0, 0, "2001:db8:1::100", 3);
	build();
	assert_string_equal(nic_cmds(0, 0),
		"1: link set dev eth0 up\n"
		"4: addr add 2001:db8::15/64 dev eth0\n"
		"5: route add default via fe80::1 dev eth0\n"
		"12: route add 2001:db8:1::100/128 via fe80::1 dev eth0\n");
}

/* RFC 3442: a classless route whose router is 0.0.0.0 is on the link. */
static void classless_route_without_router_is_on_link(void **state)
{
	struct plan_route *r;

	(void)state;
	nic(0, "10.1.0.2", 32, NULL, 3);
	build();
	r = &plan.route[plan.nr_routes++];
	r->nic = 0;
	r->dst = A("10.1.0.1");
	r->prefix = 32;
	r->via = A("0.0.0.0");
	assert_string_equal(nic_cmds(0, 0),
		"1: link set dev eth0 up\n"
		"4: addr add 10.1.0.2/32 dev eth0\n"
		"12: route add 10.1.0.1/32 dev eth0\n");
}

static void two_sessions_to_one_address_share_one_route(void **state)
{
	(void)state;
	nic(0, "10.1.0.2", 24, "10.1.0.1", 3);
	target(0, 0, "10.2.0.10", 3);
	target(1, 0, "10.2.0.10", 3);
	build();
	assert_int_equal(plan.nr_sessions, 2);
	assert_int_equal(plan.nr_routes, 1);
}

/* Every valid target is a path (EDK2: one pair per boot attempt, only
 * the first boot-selected): boot-selected ones first. */
static void every_valid_target_boot_selected_first(void **state)
{
	(void)state;
	nic(0, "10.1.0.2", 24, NULL, 7);
	nic(1, "10.2.0.2", 24, NULL, 5);
	target(0, 0, "10.1.0.10", 1);
	target(1, 1, "10.2.0.11", 3);
	target(2, 0, "10.1.0.12", 1);
	build();
	assert_int_equal(plan.nr_sessions, 3);
	assert_string_equal(plan.session[0].label, "target1");
	assert_string_equal(plan.session[1].label, "target0");
	assert_string_equal(plan.session[2].label, "target2");
	assert_int_equal(plan.session[0].nic, 1);
	assert_string_equal(warnings, "");
}

static void no_boot_selected_target_means_every_valid_one(void **state)
{
	(void)state;
	nic(0, "10.1.0.2", 24, NULL, 3);
	target(0, 0, "10.1.0.10", 1);
	target(1, 0, "10.1.0.11", 1);
	build();
	assert_int_equal(plan.nr_sessions, 2);
	assert_string_equal(plan.session[0].label, "target0");
}

static void dns_servers_boot_nic_first_without_duplicates(void **state)
{
	struct ibft_nic *a, *b;
	char s[48];

	(void)state;
	a = nic(0, "10.1.0.2", 24, NULL, 1);
	b = nic(1, "10.3.0.2", 24, NULL, 3);
	a->dns1 = A("10.1.0.53");
	a->dns2 = A("10.9.9.9");
	b->dns1 = A("10.9.9.9");
	b->dns2 = A("10.3.0.53");
	strcpy(a->hostname, "second");
	strcpy(b->hostname, "first");
	target(0, 1, "10.3.0.10", 3);
	build();
	assert_int_equal(plan.nr_dns, 3);
	assert_string_equal(ibft_addr_str(&plan.dns[0], s), "10.9.9.9");
	assert_string_equal(ibft_addr_str(&plan.dns[1], s), "10.3.0.53");
	assert_string_equal(ibft_addr_str(&plan.dns[2], s), "10.1.0.53");
	assert_string_equal(plan.hostname, "first");
}

static void vlan_4095_is_no_vlan(void **state)
{
	(void)state;
	nic(0, "10.1.0.2", 24, "10.1.0.1", 3)->vlan = 0xffff;
	target(0, 0, "10.1.0.10", 3);
	build();
	assert_int_equal(plan.nic[0].vlan_id, 0);
	assert_string_equal(warnings, "ethernet0: vlan: 0xffff is VLAN 4095, "
		"which IEEE 802.1Q reserves; no VLAN used\n");
	assert_string_equal(nic_cmds(0, 0),
		"1: link set dev eth0 up\n"
		"4: addr add 10.1.0.2/24 dev eth0\n"
		"5: route add default via 10.1.0.1 dev eth0\n");
}

static void port_zero_means_3260(void **state)
{
	(void)state;
	nic(0, "10.1.0.2", 24, NULL, 3);
	target(0, 0, "10.1.0.10", 3)->port = 0;
	target(1, 0, "10.1.0.11", 3)->port = 3261;
	build();
	assert_int_equal(plan.session[0].port, 3260);
	assert_int_equal(plan.session[1].port, 3261);
}

static void vlan_nic_commands_and_their_undo(void **state)
{
	(void)state;
	nic(0, "10.1.0.2", 24, "10.1.0.1", 3)->vlan = 0x2000 | 42; /* prio 1 */
	target(0, 0, "10.2.0.10", 3);
	build();
	assert_int_equal(plan.nic[0].vlan_id, 42);
	assert_string_equal(nic_cmds(0, 0),
		"0: link add link eth0 name eth0.42 type vlan id 42\n"
		"1: link set dev eth0 up\n"
		"2: link set dev eth0.42 up\n"
		"4: addr add 10.1.0.2/24 dev eth0.42\n"
		"5: route add default via 10.1.0.1 dev eth0.42\n"
		"12: route add 10.2.0.10/32 via 10.1.0.1 dev eth0.42\n");
	assert_string_equal(nic_cmds(0, 1),
		"12: route del 10.2.0.10/32 via 10.1.0.1 dev eth0.42\n"
		"5: route del default via 10.1.0.1 dev eth0.42\n"
		"4: addr del 10.1.0.2/24 dev eth0.42\n"
		"1: link set dev eth0 down\n"
		"0: link del eth0.42\n");
}

static void ipv6_nic_and_off_link_target(void **state)
{
	(void)state;
	nic(0, "2001:db8::15", 64, "2001:db8::1", 3);
	target(0, 0, "2001:db8:1::100", 3);
	build();
	assert_string_equal(nic_cmds(0, 0),
		"1: link set dev eth0 up\n"
		"4: addr add 2001:db8::15/64 dev eth0\n"
		"5: route add default via 2001:db8::1 dev eth0\n"
		"12: route add 2001:db8:1::100/128 via 2001:db8::1 dev eth0\n");
}

/* EDK2 (IScsiIbft.c) writes origin 3, DHCP, for an IPv6 attempt whose
 * address came from DHCPv6: no DHCPv4 lease is waited for (it would take
 * an IPv4 address, or half of -t); the table's address is used.  An IPv4
 * or unset DHCP-origin address waits for a lease. */
static void ipv6_dhcp_origin_nic_uses_the_table(void **state)
{
	(void)state;
	nic(0, "2001:db8::15", 64, "2001:db8::1", 3)->origin = IBFT_ORIGIN_DHCP;
	target(0, 0, "2001:db8::100", 3);
	nic(1, "10.0.2.15", 24, NULL, 1)->origin = IBFT_ORIGIN_DHCP;
	nic(2, NULL, 0, NULL, 1)->origin = IBFT_ORIGIN_DHCP;
	target(1, 1, "10.0.2.100", 3);
	target(2, 2, "10.0.3.100", 3);
	build();
	assert_int_equal(plan.nr_nics, 3);
	assert_int_equal(plan.nic[0].dhcp_state, PLAN_DHCP_NO);
	assert_int_equal(plan.nic[1].dhcp_state, PLAN_DHCP_WAIT);
	assert_int_equal(plan.nic[2].dhcp_state, PLAN_DHCP_WAIT);
	assert_non_null(strstr(nic_cmds(0, 0), "4: addr add 2001:db8::15/64 dev eth0\n"));
}

static void subnet_membership_at_the_edges(void **state)
{
	struct ibft_addr net = A("10.1.0.130"), v6 = A("2001:db8::1");

	(void)state;
	assert_true(addr_in_subnet(&(struct ibft_addr){0}, &net, 0) == 0);
	assert_true(addr_in_subnet(&(struct ibft_addr){ .family = 4, .a = {10, 1, 0, 129} }, &net, 25));
	assert_false(addr_in_subnet(&(struct ibft_addr){ .family = 4, .a = {10, 1, 0, 127} }, &net, 25));
	assert_true(addr_in_subnet(&(struct ibft_addr){ .family = 4, .a = {192, 0, 2, 1} }, &net, 0));
	assert_false(addr_in_subnet(&(struct ibft_addr){ .family = 4, .a = {10, 1, 0, 131} }, &net, 32));
	assert_true(addr_in_subnet(&net, &net, 32));
	{
		struct ibft_addr in = A("2001:db8::ffff:1"), out = A("2001:db8:0:1::1");
		assert_true(addr_in_subnet(&in, &v6, 64));
		assert_false(addr_in_subnet(&out, &v6, 64));
		assert_false(addr_in_subnet(&net, &v6, 0));	/* family mismatch */
	}
}

static char *joined(struct plan_argv *a)
{
	static char line[1024];

	line[0] = '\0';
	for (char **p = a->argv; *p; p++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%s%s",
			p == a->argv ? "" : " ", *p);
	return line;
}

static void iscsistart_arguments_with_and_without_secrets(void **state)
{
	struct ibft_target *t;
	struct plan_argv a;

	(void)state;
	nic(0, "10.1.0.2", 24, NULL, 3);
	t = target(0, 0, "10.1.0.10", 3);
	t->chap_type = IBFT_CHAP_MUTUAL;
	strcpy(t->chap_name, "alice");
	strcpy(t->chap_secret, "s3cret-one");
	strcpy(t->rchap_name, "target");
	strcpy(t->rchap_secret, "s3cret-two");
	t->port = 3262;
	build();
	plan.tpgt = 7;
	iscsistart_argv(&a, &plan, &plan.session[0], "iscsistart", 1);
	assert_string_equal(joined(&a), "iscsistart -i iqn.2026-11.org.example:host"
		" -t iqn.2026-11.org.example:t0 -g 7 -a 10.1.0.10 -p 3262"
		" -u alice -w *** -U target -W ***"
		" -P iface.iscsi_ifacename=iscsi-init.ethernet0"
		" -P iface.net_ifacename=eth0 -P iface.ipaddress=10.1.0.2");
	iscsistart_argv(&a, &plan, &plan.session[0], "/bin/iscsistart", 0);
	assert_non_null(strstr(joined(&a), "-w s3cret-one -U target -W s3cret-two"));
}

static void one_way_chap_sends_no_reverse_credentials(void **state)
{
	struct ibft_target *t;
	struct plan_argv a;

	(void)state;
	nic(0, "10.1.0.2", 24, NULL, 3);
	t = target(0, 0, "10.1.0.10", 3);
	t->chap_type = IBFT_CHAP_ONEWAY;
	strcpy(t->chap_name, "alice");
	strcpy(t->chap_secret, "s3cret-one");
	strcpy(t->rchap_name, "leftover");	/* ignored: chap-type says one-way */
	strcpy(t->rchap_secret, "leftover-secret");
	build();
	iscsistart_argv(&a, &plan, &plan.session[0], "iscsistart", 0);
	assert_null(strstr(joined(&a), "-U"));
	assert_null(strstr(joined(&a), "leftover"));
	/* chap-type none: no credentials at all, even when names are there */
	setup(NULL);
	nic(0, "10.1.0.2", 24, NULL, 3);
	t = target(0, 0, "10.1.0.10", 3);
	strcpy(t->chap_name, "alice");
	strcpy(t->chap_secret, "s3cret-one");
	build();
	iscsistart_argv(&a, &plan, &plan.session[0], "iscsistart", 0);
	assert_null(strstr(joined(&a), "-u"));
}

static void record_masks_secrets_unless_asked(void **state)
{
	struct ibft_target *t;
	char rec[4096];

	(void)state;
	nic(0, "10.1.0.2", 24, NULL, 3);
	t = target(0, 0, "10.1.0.10", 3);
	t->chap_type = IBFT_CHAP_ONEWAY;
	strcpy(t->chap_name, "alice");
	strcpy(t->chap_secret, "s3cret-one");
	t->lun[1] = 5;
	build();
	plan_record(rec, sizeof(rec), &plan, &plan.session[0], 0);
	assert_null(strstr(rec, "s3cret-one"));
	assert_non_null(strstr(rec, "node.session.auth.password = ********\n"));
	assert_non_null(strstr(rec, "node.boot_lun = 5\n"));
	assert_non_null(strstr(rec, "iface.net_ifacename = eth0\n"));
	plan_record(rec, sizeof(rec), &plan, &plan.session[0], 1);
	assert_non_null(strstr(rec, "node.session.auth.password = s3cret-one\n"));
	/* a short buffer is cut, never overrun */
	plan_record(rec, 40, &plan, &plan.session[0], 1);
	assert_int_equal(strlen(rec), 39);
}

/* Firmware writes values that are no gateway or DNS server where it
 * means "none": each is dropped with a warning naming the field. */
static void unusable_gateways_and_dns_servers_are_dropped(void **state)
{
	static const struct { const char *gw, *why; } cases[] = {
		{ "255.255.255.255", "the limited broadcast address" },
		{ "0.0.0.1", "an unspecified address (0.0.0.0/8)" },
		{ "127.0.0.1", "a loopback address" },
		{ "224.0.0.1", "a multicast address" },
		{ "240.0.0.1", "a reserved address (240.0.0.0/4)" },
		{ "192.168.50.10", "the NIC's own address" },
		{ "192.168.50.0", "the subnet's network address" },
		{ "192.168.50.255", "the subnet's broadcast address" },
		{ "2001:db8::1", "not of the NIC's address family" },
	};
	char want[200];

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(NULL);
		nic(0, "192.168.50.10", 24, cases[i].gw, 3);
		target(0, 0, "192.168.50.100", 3);
		build();
		snprintf(want, sizeof(want), "ethernet0: gateway: %s is %s; no gateway\n",
			cases[i].gw, cases[i].why);
		assert_string_equal(warnings, want);
		assert_int_equal(plan.nic[0].gateway.family, IBFT_AF_NONE);
		assert_false(plan.nic[0].default_route);
		assert_null(strstr(nic_cmds(0, 0), "default"));
	}
	/* the edges of the subnet are fine on a /31, and usable hosts are */
	setup(NULL);
	nic(0, "192.168.50.10", 31, "192.168.50.11", 3);
	build();
	assert_string_equal(warnings, "");
	assert_true(plan.nic[0].default_route);
	setup(NULL);
	nic(0, "2001:db8::15", 64, "ff02::1", 3);
	build();
	assert_string_equal(warnings, "ethernet0: gateway: ff02::1 is a multicast address; no gateway\n");
	/* DNS fields: the same, but another family is fine */
	setup(NULL);
	nic(0, "192.168.50.10", 24, "192.168.50.1", 3)->dns1 = A("192.168.50.255");
	table.nic[0].dns2 = A("2001:db8::53");
	build();
	assert_string_equal(warnings, "ethernet0: primary-dns: 192.168.50.255 is "
		"the subnet's broadcast address; not used\n");
	assert_int_equal(plan.nr_dns, 1);
	assert_int_equal(plan.dns[0].family, IBFT_AF_INET6);
}

/* iPXE writes prefix 0 when it had no netmask. */
static void prefix_zero_becomes_the_class_or_64(void **state)
{
	static const struct { const char *ip; unsigned prefix; } cases[] = {
		{ "10.0.2.15", 8 }, { "172.16.5.4", 16 }, { "192.168.1.2", 24 },
		{ "2001:db8::15", 64 },
	};

	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		setup(NULL);
		nic(0, cases[i].ip, 0, NULL, 3);
		build();
		assert_int_equal(plan.nic[0].prefix, cases[i].prefix);
		assert_non_null(strstr(warnings, "ethernet0: prefix-len: is 0; using /"));
	}
	assert_null(strstr(warnings, "class"));	/* IPv6: no class */
	/* 10.0.2.100 is then on the link: no host route */
	setup(NULL);
	nic(0, "10.0.2.15", 0, "10.0.2.2", 3);
	target(0, 0, "10.9.0.1", 3);
	build();
	assert_string_equal(nic_cmds(0, 0),
		"1: link set dev eth0 up\n"
		"4: addr add 10.0.2.15/8 dev eth0\n"
		"5: route add default via 10.0.2.2 dev eth0\n");
	assert_string_equal(warnings, "ethernet0: prefix-len: is 0; using /8, "
		"the class of 10.0.2.15\n");
}

/* EDK2 writes one NIC structure per boot attempt: two for one port. */
static void two_structures_for_one_port_are_one_nic(void **state)
{
	(void)state;
	nic(0, "10.0.2.15", 24, "10.0.2.2", 3);
	nic(1, "10.0.2.15", 24, "10.0.2.2", 1)->mac[5] = 0;	/* same MAC */
	target(0, 0, "10.0.2.100", 3);
	strcpy(target(1, 1, "10.0.2.100", 3)->name, table.target[0].name);
	build();
	assert_int_equal(plan.nr_nics, 1);
	assert_int_equal(plan.nr_sessions, 1);	/* same target, same portal */
	assert_string_equal(nic_cmds(0, 0),
		"1: link set dev eth0 up\n"
		"4: addr add 10.0.2.15/24 dev eth0\n"
		"5: route add default via 10.0.2.2 dev eth0\n");
	/* another portal through that port: a second session on the one NIC */
	setup(NULL);
	nic(0, "10.0.2.15", 24, NULL, 1);
	nic(1, "10.0.2.15", 24, NULL, 3)->mac[5] = 0;
	target(0, 0, "10.0.2.100", 3);
	target(1, 1, "10.0.2.101", 3);
	build();
	assert_int_equal(plan.nr_nics, 1);
	assert_true(plan.nic[0].boot);		/* either structure's bit */
	assert_int_equal(plan.nr_sessions, 2);
	assert_int_equal(plan.session[1].nic, 0);
	/* the same port and address with another gateway: one NIC, and a
	 * warning that the first one's values are used */
	setup(NULL);
	nic(0, "10.0.2.15", 24, "10.0.2.2", 3);
	nic(1, "10.0.2.15", 24, "10.0.2.3", 1)->mac[5] = 0;
	build();
	assert_int_equal(plan.nr_nics, 1);
	assert_string_equal(warnings, "ethernet1: the same port and address as "
		"ethernet0, but another prefix-len or gateway; ethernet0's are used\n");
	/* the same MAC with another address stays a NIC of its own */
	setup(NULL);
	nic(0, "10.0.2.15", 24, NULL, 3);
	nic(1, "10.0.2.16", 24, NULL, 1)->mac[5] = 0;
	build();
	assert_int_equal(plan.nr_nics, 2);
	/* two DHCP-origin structures for one port: one NIC, one DHCP client */
	setup(NULL);
	nic(0, "10.0.2.15", 24, NULL, 3)->origin = IBFT_ORIGIN_DHCP;
	nic(1, "10.0.2.99", 24, NULL, 1)->origin = IBFT_ORIGIN_DHCP;
	table.nic[1].mac[5] = 0;
	build();
	assert_int_equal(plan.nr_nics, 1);
}

/* iscsistart's exit statuses (open-iscsi include/iscsi_err.h) */
static void login_outcomes_by_exit_status(void **state)
{
	static const int ok[] = { 0, 15 };
	static const int final[] = { 7, 12, 13, 14, 24, 27, 126, 127 };
	static const int retry[] = { -1, 1, 4, 5, 8, 9, 11, 18, 19, 20, 28, 255 };

	(void)state;
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_int_equal(plan_login_outcome(ok[i]), PLAN_LOGIN_OK);
	for (unsigned i = 0; i < sizeof(final) / sizeof(final[0]); i++)
		assert_int_equal(plan_login_outcome(final[i]), PLAN_LOGIN_FINAL);
	for (unsigned i = 0; i < sizeof(retry) / sizeof(retry[0]); i++)
		assert_int_equal(plan_login_outcome(retry[i]), PLAN_LOGIN_RETRY);
}

/* 2 s doubled up to 32 s, +-1 s of jitter */
static void retry_delays_double_with_jitter(void **state)
{
	static const unsigned base[] = { 2000, 2000, 4000, 8000, 16000, 32000, 32000, 32000 };

	(void)state;
	for (unsigned tries = 0; tries < 8; tries++) {
		assert_int_equal(plan_retry_delay_ms(tries, 0), base[tries] - 1000);
		assert_int_equal(plan_retry_delay_ms(tries, 1000), base[tries]);
		assert_int_equal(plan_retry_delay_ms(tries, 2000), base[tries] + 1000);
		assert_int_equal(plan_retry_delay_ms(tries, 2001), base[tries] - 1000);
		assert_in_range(plan_retry_delay_ms(tries, 0xffffffffu),
			base[tries] - 1000, base[tries] + 1000);
	}
	assert_int_equal(plan_retry_delay_ms(1000, 1000), 32000);
}

/* Names from a table are checked as RFC 3720 says (iscsi_name.c): one
 * that cannot be a name is not used, one that breaks the RFC in ways
 * targets accept is used with a warning. */
static void table_names_are_checked(void **state)
{
	(void)state;
	strcpy(table.initiator.name, "iqn.2026-11.org.example:${net0/mac}");
	nic(0, "10.0.2.15", 24, NULL, 3);
	strcpy(target(0, 0, "10.0.2.100", 3)->name, "iqn.2026-11.org.example:${x}");
	strcpy(target(1, 0, "10.0.2.101", 3)->name, "iqn.2026-11.org.example:Disk");
	build();
	assert_string_equal(plan.initiator, "");
	assert_int_equal(plan.nr_sessions, 1);
	assert_string_equal(plan.session[0].name, "iqn.2026-11.org.example:Disk");
	assert_non_null(strstr(warnings, "initiator: initiator-name: "));
	assert_non_null(strstr(warnings, "target0: target-name: "));
	assert_non_null(strstr(warnings, "; not used\ntarget1: target-name: "));
	assert_null(strstr(warnings, "Disk"));	/* the name is not repeated */
}

/* NIC and target addresses that cannot be a host's; host names that
 * cannot be one. */
static void unusable_nic_and_target_addresses(void **state)
{
	(void)state;
	nic(0, "10.0.2.255", 24, NULL, 3);
	build();
	assert_int_equal(plan.nic[0].ip.family, IBFT_AF_NONE);
	assert_non_null(strstr(warnings, "ethernet0: ip-addr: 10.0.2.255 is the "
		"subnet's broadcast address; not used\n"));
	setup(NULL);
	nic(0, "10.0.2.15", 24, NULL, 3);
	target(0, 0, "127.0.0.1", 3);
	target(1, 0, "10.0.2.15", 3);
	target(2, 0, "224.0.0.1", 3);
	target(3, 0, "10.0.2.0", 3);
	target(4, 0, "10.0.2.100", 3);
	build();
	assert_int_equal(plan.nr_sessions, 1);
	assert_string_equal(plan.session[0].label, "target4");
	assert_string_equal(warnings,
		"target0: ip-addr: 127.0.0.1 is a loopback address; target not used\n"
		"target1: ip-addr: 10.0.2.15 is its NIC's own address; target not used\n"
		"target2: ip-addr: 224.0.0.1 is a multicast address; target not used\n"
		"target3: ip-addr: 10.0.2.0 is the subnet's network address; target not used\n");
	setup(NULL);
	strcpy(nic(0, "10.0.2.15", 24, NULL, 3)->hostname, "h'o\"st;$(reboot)");
	build();
	assert_string_equal(plan.hostname, "");
	assert_non_null(strstr(warnings, "ethernet0: hostname: not a host name"));
	setup(NULL);
	strcpy(nic(0, "10.0.2.15", 24, NULL, 3)->hostname, "node-7.example.org");
	build();
	assert_string_equal(plan.hostname, "node-7.example.org");
}

/* Multipath: two NICs in one subnet (one link): each gets its table and
 * rule, answers ARP for its own address only; undo walks back. */
static void two_nics_on_one_link_get_tables_rules_and_arp_settings(void **state)
{
	(void)state;
	nic(0, "10.1.0.2", 24, "10.1.0.1", 3);
	nic(1, "10.1.0.3", 24, "10.1.0.1", 3);
	target(0, 0, "10.1.0.100", 3);
	strcpy(target(1, 1, "10.1.0.100", 3)->name, table.target[0].name);
	build();
	assert_int_equal(plan.nr_sessions, 2);	/* one portal, two paths */
	assert_int_equal(plan.nr_routes, 0);
	assert_string_equal(nic_cmds(1, 0),
		"1: link set dev eth1 up\n"
		"4: addr add 10.1.0.3/24 dev eth1\n"
		"6: route add 10.1.0.0/24 dev eth1 src 10.1.0.3 table 101\n"
		"7: route add default via 10.1.0.1 dev eth1 table 101\n"
		"8: rule add from 10.1.0.3 table 101 pref 1001\n"
		"9: sysctl -w net/ipv4/conf/eth1/rp_filter=2\n"
		"10: sysctl -w net/ipv4/conf/eth1/arp_ignore=1\n"
		"11: sysctl -w net/ipv4/conf/eth1/arp_announce=2\n");
	assert_string_equal(nic_cmds(1, 1),
		"11: sysctl -w net/ipv4/conf/eth1/arp_announce=2\n"
		"10: sysctl -w net/ipv4/conf/eth1/arp_ignore=1\n"
		"9: sysctl -w net/ipv4/conf/eth1/rp_filter=2\n"
		"8: rule del from 10.1.0.3 table 101 pref 1001\n"
		"7: route del default via 10.1.0.1 dev eth1 table 101\n"
		"6: route del 10.1.0.0/24 dev eth1 src 10.1.0.3 table 101\n"
		"4: addr del 10.1.0.3/24 dev eth1\n"
		"1: link set dev eth1 down\n");
	/* each session is bound to its own NIC and address */
	{
		struct plan_argv a;

		iscsistart_argv(&a, &plan, &plan.session[1], "iscsistart", 1);
		assert_non_null(strstr(joined(&a), "-P iface.iscsi_ifacename=iscsi-init.ethernet1"
			" -P iface.net_ifacename=eth1 -P iface.ipaddress=10.1.0.3"));
	}
}

/* A single NIC needs none of it; IPv6 rules need ip -6; four NICs in
 * two subnets: tables 100-103, ARP settings in both. */
static void multipath_tables_for_one_two_and_four_nics(void **state)
{
	(void)state;
	nic(0, "10.1.0.2", 24, "10.1.0.1", 3);
	build();
	assert_int_equal(plan.nic[0].table, 0);
	assert_null(strstr(nic_cmds(0, 0), "table"));

	setup(NULL);
	nic(0, "2001:db8::15", 64, "fe80::1", 3);
	nic(1, "10.2.0.2", 24, "10.2.0.1", 3);
	build();
	assert_string_equal(nic_cmds(0, 0),
		"1: link set dev eth0 up\n"
		"4: addr add 2001:db8::15/64 dev eth0\n"
		"5: route add default via fe80::1 dev eth0\n"
		"6: route add 2001:db8::/64 dev eth0 table 100\n"
		"7: route add default via fe80::1 dev eth0 table 100\n"
		"8: -6 rule add from 2001:db8::15 table 100 pref 1000\n");
	assert_false(plan.nic[1].shared_link);

	setup(NULL);
	nic(0, "10.1.0.2", 24, NULL, 3);
	nic(1, "10.1.0.3", 24, NULL, 1);
	nic(2, "10.2.0.2", 24, NULL, 1);
	nic(3, "10.2.0.3", 24, NULL, 1);
	build();
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(plan.nic[i].table, 100 + i);
		assert_true(plan.nic[i].shared_link);
	}
}

/* EDK2, two attempts on one port: two NIC structures with one MAC and
 * two addresses; both go on the interface, each session leaves from its
 * own structure's address. */
static void two_attempts_on_one_port_keep_their_own_addresses(void **state)
{
	struct plan_argv a;

	(void)state;
	nic(0, "10.1.0.2", 24, "10.1.0.1", 7);
	nic(1, "10.1.0.12", 24, "10.1.0.1", 5)->mac[5] = 0;	/* same MAC */
	target(0, 0, "10.9.0.10", 3);
	strcpy(target(1, 1, "10.9.0.10", 1)->name, table.target[0].name);
	build();
	for (unsigned i = 0; i < 2; i++)
		strcpy(plan.nic[i].ifname, "eth0"), strcpy(plan.nic[i].dev, "eth0");
	assert_int_equal(plan.nr_nics, 2);
	assert_int_equal(plan.nr_sessions, 2);
	assert_string_equal(plan.session[0].label, "target0");
	assert_non_null(strstr(nic_cmds(1, 0), "4: addr add 10.1.0.12/24 dev eth0\n"));
	assert_non_null(strstr(nic_cmds(1, 0), "8: rule add from 10.1.0.12 table 101 pref 1001\n"));
	iscsistart_argv(&a, &plan, &plan.session[1], "iscsistart", 1);
	assert_non_null(strstr(joined(&a), "-P iface.iscsi_ifacename=iscsi-init.ethernet1"
		" -P iface.net_ifacename=eth0 -P iface.ipaddress=10.1.0.12"));
}

/* Two EDK2 attempts on one port, one IPv4 from DHCP, one IPv6 from DHCPv6
 * (both origin 3): the IPv6 one is no DHCP client (its table address is
 * used), so they are two NICs on the port, each with its own address and
 * its own target, whichever comes first. */
static void ipv4_dhcp_and_ipv6_dhcp_attempts_on_one_port(void **state)
{
	(void)state;
	for (unsigned order = 0; order < 2; order++) {
		setup(NULL);
		nic(0, order ? "2001:db8::15" : "10.0.2.15", order ? 64 : 24, NULL, 3)
			->origin = IBFT_ORIGIN_DHCP;
		nic(1, order ? "10.0.2.15" : "2001:db8::15", order ? 24 : 64, NULL, 1)
			->origin = IBFT_ORIGIN_DHCP;
		table.nic[1].mac[5] = 0;	/* same MAC */
		target(0, 0, order ? "2001:db8::100" : "10.0.2.100", 3);
		target(1, 1, order ? "10.0.2.100" : "2001:db8::100", 1);
		build();
		assert_int_equal(plan.nr_nics, 2);
		assert_int_equal(plan.nic[order ? 1 : 0].dhcp_state, PLAN_DHCP_WAIT);
		assert_int_equal(plan.nic[order ? 0 : 1].dhcp_state, PLAN_DHCP_NO);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(same_subnet_target_gets_no_host_route, setup),
		cmocka_unit_test_setup(lease_mtu_is_a_step_before_the_address, setup),
		cmocka_unit_test_setup(off_subnet_target_routed_via_its_nics_gateway, setup),
		cmocka_unit_test_setup(two_nics_each_target_leaves_through_its_own_nic, setup),
		cmocka_unit_test_setup(default_route_prefers_the_boot_selected_nic, setup),
		cmocka_unit_test_setup(off_subnet_without_gateway_warns_and_adds_nothing, setup),
		cmocka_unit_test_setup(gateway_outside_the_nics_subnet_is_on_link, setup),
		cmocka_unit_test_setup(classless_route_without_router_is_on_link, setup),
		cmocka_unit_test_setup(ipv6_link_local_gateway_needs_no_onlink, setup),
		cmocka_unit_test_setup(two_sessions_to_one_address_share_one_route, setup),
		cmocka_unit_test_setup(every_valid_target_boot_selected_first, setup),
		cmocka_unit_test_setup(no_boot_selected_target_means_every_valid_one, setup),
		cmocka_unit_test_setup(dns_servers_boot_nic_first_without_duplicates, setup),
		cmocka_unit_test_setup(port_zero_means_3260, setup),
		cmocka_unit_test_setup(vlan_nic_commands_and_their_undo, setup),
		cmocka_unit_test_setup(vlan_4095_is_no_vlan, setup),
		cmocka_unit_test_setup(ipv6_nic_and_off_link_target, setup),
		cmocka_unit_test_setup(ipv6_dhcp_origin_nic_uses_the_table, setup),
		cmocka_unit_test_setup(subnet_membership_at_the_edges, setup),
		cmocka_unit_test_setup(iscsistart_arguments_with_and_without_secrets, setup),
		cmocka_unit_test_setup(one_way_chap_sends_no_reverse_credentials, setup),
		cmocka_unit_test_setup(record_masks_secrets_unless_asked, setup),
		cmocka_unit_test_setup(unusable_gateways_and_dns_servers_are_dropped, setup),
		cmocka_unit_test_setup(prefix_zero_becomes_the_class_or_64, setup),
		cmocka_unit_test_setup(two_structures_for_one_port_are_one_nic, setup),
		cmocka_unit_test_setup(login_outcomes_by_exit_status, setup),
		cmocka_unit_test_setup(table_names_are_checked, setup),
		cmocka_unit_test_setup(two_nics_on_one_link_get_tables_rules_and_arp_settings, setup),
		cmocka_unit_test_setup(multipath_tables_for_one_two_and_four_nics, setup),
		cmocka_unit_test_setup(two_attempts_on_one_port_keep_their_own_addresses, setup),
		cmocka_unit_test_setup(unusable_nic_and_target_addresses, setup),
		cmocka_unit_test_setup(retry_delays_double_with_jitter, setup),
		cmocka_unit_test_setup(ipv4_dhcp_and_ipv6_dhcp_attempts_on_one_port, setup),
	};
	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
