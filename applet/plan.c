/* Boot plan: built from a source (iBFT table or -i interfaces), the NICs
 * the executor found, the initiator name, routes.  Pure (see plan.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "plan.h"
#include "iscsi_name.h"

static void say(plan_report_fn report, void *ctx, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (report)
		report(ctx, msg);
}

int addr_equal(const struct ibft_addr *a, const struct ibft_addr *b)
{
	return a->family == b->family && memcmp(a->a, b->a, 16) == 0;
}

int addr_is_zero(const struct ibft_addr *a)
{
	unsigned i;

	for (i = 0; i < sizeof(a->a); i++)
		if (a->a[i])
			return 0;
	return 1;
}

int addr_in_subnet(const struct ibft_addr *a, const struct ibft_addr *net,
		unsigned prefix)
{
	unsigned i;

	if (a->family == IBFT_AF_NONE || a->family != net->family)
		return 0;
	for (i = 0; i < prefix / 8; i++)
		if (a->a[i] != net->a[i])
			return 0;
	if (prefix % 8) {
		uint8_t mask = 0xff << (8 - prefix % 8);
		if ((a->a[i] ^ net->a[i]) & mask)
			return 0;
	}
	return 1;
}

void plan_add_dns(struct plan *p, const struct ibft_addr *a)
{
	unsigned i;

	if (a->family == IBFT_AF_NONE || p->nr_dns == PLAN_MAX_DNS)
		return;
	for (i = 0; i < p->nr_dns; i++)
		if (addr_equal(&p->dns[i], a))
			return;
	p->dns[p->nr_dns++] = *a;
}

void plan_take_nic(struct plan *p, struct plan_nic *n)
{
	unsigned i;

	plan_add_dns(p, &n->dns1);
	plan_add_dns(p, &n->dns2);
	if (!p->hostname[0])
		strcpy(p->hostname, n->hostname);
	for (i = 0; i < p->nr_nics; i++)
		if (p->nic[i].default_route)
			return;
	if (n->gateway.family != IBFT_AF_NONE && n->gateway.family == n->ip.family)
		n->default_route = 1;
}

/* Why a can be no unicast host address at all, or NULL.  Firmware writes
 * such values where it means "none" (SUSE's wicked met 255.255.255.255
 * as a gateway in a field table). */
static const char *not_unicast(const struct ibft_addr *a)
{
	static const uint8_t v6_loopback[16] = { [15] = 1 };
	const uint8_t *b = a->a;

	if (a->family == IBFT_AF_INET) {
		if ((b[0] & b[1] & b[2] & b[3]) == 255)
			return "the limited broadcast address";
		if (b[0] == 0)
			return "an unspecified address (0.0.0.0/8)";
		if (b[0] == 127)
			return "a loopback address";
		if (b[0] >= 224)
			return b[0] < 240 ? "a multicast address"
				: "a reserved address (240.0.0.0/4)";
	} else if (a->family == IBFT_AF_INET6) {
		if (b[0] == 0xff)
			return "a multicast address";
		if (memcmp(b, v6_loopback, 16) == 0)
			return "the loopback address";
	}
	return NULL;
}

/* "the subnet's network/broadcast address" when a is one of NIC n's
 * IPv4 subnet (of 4 addresses or more), else NULL. */
static const char *subnet_edge(const struct ibft_addr *a, const struct plan_nic *n)
{
	const uint8_t *b = a->a;

	if (a->family == IBFT_AF_INET && n->ip.family == IBFT_AF_INET
	 && n->prefix && n->prefix <= 30 && addr_in_subnet(a, &n->ip, n->prefix)) {
		uint32_t host = ~(0xffffffffu << (32 - n->prefix));
		uint32_t v = (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];

		if ((v & host) == 0)
			return "the subnet's network address";
		if ((v & host) == host)
			return "the subnet's broadcast address";
	}
	return NULL;
}

/* Why a can be no gateway (gw) or DNS server of NIC n, or NULL when it
 * can. */
static const char *unusable(const struct ibft_addr *a, const struct plan_nic *n,
		int gw)
{
	const char *why = not_unicast(a);

	if (why)
		return why;
	if (gw && n->ip.family != IBFT_AF_NONE && a->family != n->ip.family)
		return "not of the NIC's address family";
	if (addr_equal(a, &n->ip))
		return "the NIC's own address";
	return subnet_edge(a, n);
}

/* Drop an unusable gateway or DNS value of NIC n (with a warning unless
 * quiet). */
static void check_addr(struct ibft_addr *a, const struct plan_nic *n, int gw,
		const char *field, int quiet, plan_report_fn report, void *ctx)
{
	const char *why;
	char s[PLAN_ADDRSTRLEN];

	if (a->family == IBFT_AF_NONE || (why = unusable(a, n, gw)) == NULL)
		return;
	if (!quiet)
		say(report, ctx, "%s: %s: %s is %s; %s", n->label, field,
			ibft_addr_str(a, s), why, gw ? "no gateway" : "not used");
	memset(a, 0, sizeof(*a));
}

int plan_check_addr(struct ibft_addr *a, const struct plan_nic *n, int gw,
		const char *field, plan_report_fn report, void *ctx)
{
	int was = a->family;

	check_addr(a, n, gw, field, 0, report, ctx);
	return a->family == was;
}

/* iPXE writes prefix 0 when it had no netmask (it uses the class itself):
 * the address's class, as the kernel and udhcpc do without a netmask; an
 * IPv6 prefix 0 becomes /64, the interface-identifier boundary of every
 * unicast prefix (RFC 4291 section 2.5.1). */
static void check_prefix(struct plan_nic *n, int quiet, plan_report_fn report,
		void *ctx)
{
	const uint8_t *b = n->ip.a;
	char s[PLAN_ADDRSTRLEN];

	if (n->prefix || n->ip.family == IBFT_AF_NONE)
		return;
	if (n->ip.family == IBFT_AF_INET6)
		n->prefix = 64;
	else
		n->prefix = b[0] < 128 ? 8 : b[0] < 192 ? 16 : b[0] < 224 ? 24 : 32;
	if (!quiet)
		say(report, ctx, "%s: prefix-len: is 0; using /%u%s%s", n->label,
			n->prefix, n->ip.family == IBFT_AF_INET
				? ", the class of " : "",
			n->ip.family == IBFT_AF_INET ? ibft_addr_str(&n->ip, s) : "");
}

/* 1 when name can be a host name: RFC 1123 letters, digits, '-' and '.',
 * no empty label, at most 64 bytes (sethostname's limit). */
static int host_name_ok(const char *name)
{
	size_t len = strlen(name);

	return len <= 64 && name[0] != '.' && name[0] != '-' && !strstr(name, "..")
		&& strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"0123456789-.") == len;
}

/* An iSCSI name from a table (RFC 3720 section 3.2.6): 1 when it can be
 * used (with a warning when it breaks the RFC in ways targets accept),
 * 0 after a warning when it cannot be a name. */
static int name_usable(const char *what, const char *field, const char *name,
		plan_report_fn report, void *ctx)
{
	char why[120];
	int rc = iscsi_name_check(name, why, sizeof(why));

	if (rc)
		say(report, ctx, "%s: %s: %s%s", what, field, why,
			rc < 0 ? "; not used" : "");
	return rc >= 0;
}

/* n's VLAN id (802.1Q): the TCI's low 12 bits; 0, no VLAN, also for
 * 4095, which 802.1Q reserves (a firmware's 0xffff for "none"). */
static unsigned vlan_id(const struct ibft_nic *n)
{
	unsigned vid = n->vlan & 0xfff;

	return vid == 0xfff ? 0 : vid;
}

/* The plan NIC already made for the port table NIC n describes (EDK2
 * writes one NIC structure per boot attempt): the same MAC (or, without
 * one, PCI function), VLAN and address (whatever their prefixes say), or
 * both configured by DHCP (one port, one lease).  Returns its index, or
 * -1. */
static int same_port(const struct plan *p, const struct ibft_nic *n)
{
	static const uint8_t zero[6];
	unsigned i;

	for (i = 0; i < p->nr_nics; i++) {
		const struct plan_nic *o = &p->nic[i];

		if (memcmp(n->mac, o->mac, 6) != 0
		 || (memcmp(n->mac, zero, 6) == 0 && n->pci_bdf != o->pci_bdf)
		 || vlan_id(n) != o->vlan_id)
			continue;
		/* two DHCP attempts: one DHCP client (an IPv6 address is
		 * the table's own, see plan_from_ibft()) */
		if (n->origin == IBFT_ORIGIN_DHCP && n->ip.family != IBFT_AF_INET6
		 && o->dhcp_state == PLAN_DHCP_WAIT)
			return i;
		if (addr_equal(&n->ip, &o->ip))
			return i;
	}
	return -1;
}

/* The first of the table's NICs 0..i-1 that became plan NIC pn. */
static unsigned first_of(const uint8_t *nic_of, unsigned i, unsigned pn)
{
	unsigned j;

	for (j = 0; j < i && nic_of[j] != pn; j++)
		continue;
	return j;
}

unsigned plan_from_ibft(struct plan *p, const struct ibft_table *t,
		plan_report_fn report, void *ctx)
{
	uint8_t nic_of[IBFT_MAX_NICS] = { 0 };	/* t->nic[] index -> p->nic[] index */
	char what[16], a[PLAN_ADDRSTRLEN];
	unsigned i, j;
	unsigned tpgt = p->tpgt;

	memset(p, 0, sizeof(*p));
	p->source = PLAN_SOURCE_IBFT;
	p->tpgt = tpgt;
	if (t->initiator.name[0] && name_usable("initiator", "initiator-name",
			t->initiator.name, report, ctx))
		strcpy(p->initiator, t->initiator.name);

	for (i = 0; i < t->nr_nics; i++) {
		const struct ibft_nic *n = &t->nic[i];
		int same = same_port(p, n);
		struct plan_nic *pn;
		int quiet;

		if (same >= 0) {	/* one port: one NIC */
			struct plan_nic *o = &p->nic[same];

			nic_of[i] = same;
			o->boot |= !!(n->flags & IBFT_FL_BOOT);
			if (n->origin != IBFT_ORIGIN_DHCP
			 && (n->prefix != t->nic[first_of(nic_of, i, same)].prefix
			  || !addr_equal(&n->gateway, &t->nic[first_of(nic_of, i, same)].gateway)))
				say(report, ctx, "ethernet%u: the same port and address as "
					"%s, but another prefix-len or gateway; %s's are used",
					n->index, o->label, o->label);
			continue;
		}
		nic_of[i] = p->nr_nics;
		pn = &p->nic[p->nr_nics++];
		snprintf(pn->label, sizeof(pn->label), "ethernet%u", n->index);
		memcpy(pn->mac, n->mac, 6);
		pn->pci_bdf = n->pci_bdf;
		pn->vlan_id = vlan_id(n);
		if ((n->vlan & 0xfff) == 0xfff)
			say(report, ctx, "%s: vlan: 0x%04x is VLAN 4095, which IEEE "
				"802.1Q reserves; no VLAN used", pn->label, n->vlan);
		pn->prefix = n->prefix;
		pn->boot = !!(n->flags & IBFT_FL_BOOT);
		pn->origin = n->origin;
		/* What a DHCP-configured firmware NIC had is stale: ask again.
		 * Not for an IPv6 address: EDK2 says DHCP for DHCPv6's, and a
		 * DHCPv4 lease is no IPv6 address; the table's is used. */
		pn->dhcp_state = n->origin == IBFT_ORIGIN_DHCP
			&& n->ip.family != IBFT_AF_INET6 ? PLAN_DHCP_WAIT : PLAN_DHCP_NO;
		pn->ip = n->ip;
		pn->gateway = n->gateway;
		pn->dns1 = n->dns1;
		pn->dns2 = n->dns2;
		pn->dhcp = n->dhcp;
		strcpy(pn->hostname, n->hostname);
		/* a DHCP NIC's own values are only a fallback: no noise */
		quiet = pn->dhcp_state != PLAN_DHCP_NO;
		check_prefix(pn, quiet, report, ctx);
		if (pn->ip.family != IBFT_AF_NONE) {
			const char *why = not_unicast(&pn->ip) ? : subnet_edge(&pn->ip, pn);

			if (why) {
				if (!quiet)
					say(report, ctx, "%s: ip-addr: %s is %s; not used",
						pn->label, ibft_addr_str(&pn->ip, a), why);
				memset(&pn->ip, 0, sizeof(pn->ip));
			}
		}
		if (pn->hostname[0] && !host_name_ok(pn->hostname)) {
			say(report, ctx, "%s: hostname: not a host name (RFC 1123: "
				"letters, digits, '-' and '.', 64 bytes at most); not used",
				pn->label);
			pn->hostname[0] = '\0';
		}
		check_addr(&pn->gateway, pn, 1, "gateway", quiet, report, ctx);
		check_addr(&pn->dns1, pn, 0, "primary-dns", quiet, report, ctx);
		check_addr(&pn->dns2, pn, 0, "secondary-dns", quiet, report, ctx);
		if (pn->ip.family == IBFT_AF_NONE && !quiet)
			say(report, ctx, "%s: ip-addr: not set; the interface "
				"will be brought up without an address", pn->label);
	}

	/* DNS servers and hostname: boot-selected NICs first, then the rest;
	 * the default route goes through the first of them with a gateway. */
	for (j = 0; j < 2; j++) {
		for (i = 0; i < p->nr_nics; i++) {
			struct plan_nic *pn = &p->nic[i];

			if (pn->boot == !j && !pn->dhcp_state)
				plan_take_nic(p, pn);
		}
	}

	/* Every valid target is a path, as iscsistart -b and iscsiadm -m fw
	 * log in to each (EDK2 marks only its first attempt boot-selected):
	 * the boot-selected ones first, then the rest, in table order. */
	for (i = 0; i < 2 * t->nr_targets; i++) {
		const struct ibft_target *tg = &t->target[i % t->nr_targets];
		struct plan_session *s;

		if (!!(tg->flags & IBFT_FL_BOOT) == (i >= t->nr_targets))
			continue;
		snprintf(what, sizeof(what), "target%u", tg->index);
		if (!name_usable(what, "target-name", tg->name, report, ctx))
			continue;
		for (j = 0; j < t->nr_nics; j++)
			if (t->nic[j].index == tg->nic_assoc)
				break;
		{
			const struct plan_nic *pn = &p->nic[nic_of[j < t->nr_nics ? j : 0]];
			const char *why = not_unicast(&tg->ip) ? : subnet_edge(&tg->ip, pn);

			if (!why && addr_equal(&tg->ip, &pn->ip))
				why = "its NIC's own address";
			if (why) {
				say(report, ctx, "%s: ip-addr: %s is %s; target not used",
					what, ibft_addr_str(&tg->ip, a), why);
				continue;
			}
		}
		s = &p->session[p->nr_sessions];
		memset(s, 0, sizeof(*s));
		snprintf(s->label, sizeof(s->label), "target%u", tg->index);
		for (j = 0; j < t->nr_nics; j++)
			if (t->nic[j].index == tg->nic_assoc)
				s->nic = nic_of[j];
		s->ip = tg->ip;
		s->port = tg->port ? tg->port : 3260;
		/* the same target and portal through the same port: one
		 * session (it sees every LUN) */
		for (j = 0; j < p->nr_sessions; j++)
			if (p->session[j].nic == s->nic && p->session[j].port == s->port
			 && addr_equal(&p->session[j].ip, &s->ip)
			 && strcmp(p->session[j].name, tg->name) == 0)
				break;
		if (j < p->nr_sessions)
			continue;
		p->nr_sessions++;
		memcpy(s->lun, tg->lun, 8);
		strcpy(s->name, tg->name);
		strcpy(s->chap_name, tg->chap_name);
		strcpy(s->chap_secret, tg->chap_secret);
		if (tg->chap_type == IBFT_CHAP_MUTUAL) {
			strcpy(s->rchap_name, tg->rchap_name);
			strcpy(s->rchap_secret, tg->rchap_secret);
		} else if (tg->chap_type == IBFT_CHAP_NONE) {
			s->chap_name[0] = s->chap_secret[0] = '\0';
		}
	}
	plan_routes(p, report, ctx);
	return p->nr_sessions;
}

void plan_multipath(struct plan *p)
{
	unsigned i, j;

	for (i = 0; i < p->nr_nics; i++) {
		struct plan_nic *n = &p->nic[i];
		int up = n->ip.family != IBFT_AF_NONE
			&& n->dhcp_state != PLAN_DHCP_WAIT;

		n->table = p->nr_nics > 1 && up ? PLAN_TABLE_BASE + i : 0;
		n->shared_link = 0;
		for (j = 0; up && j < p->nr_nics; j++) {
			const struct plan_nic *o = &p->nic[j];

			if (j != i && n->ip.family == IBFT_AF_INET
			 && o->dhcp_state != PLAN_DHCP_WAIT
			 && addr_in_subnet(&o->ip, &n->ip, n->prefix))
				n->shared_link = 1;
		}
	}
}

void plan_routes(struct plan *p, plan_report_fn report, void *ctx)
{
	unsigned i, j;

	plan_multipath(p);

	for (i = 0; i < p->nr_sessions; i++) {
		struct plan_session *s = &p->session[i];
		const struct plan_nic *n = &p->nic[s->nic];
		const struct ibft_addr *ip = &n->ip, *gw = &n->gateway;
		unsigned prefix = n->prefix;
		struct plan_route *r;

		if (s->ip.family != ip->family) {	/* IPv6 portal, IPv4 NIC */
			ip = &n->ip6;
			gw = &n->gateway6;
			prefix = n->prefix6;
		}
		if (s->routed || ip->family == IBFT_AF_NONE
		 || n->dhcp_state == PLAN_DHCP_WAIT || s->ip.family != ip->family)
			continue;	/* not configured or not resolved yet */
		s->routed = 1;
		if (addr_in_subnet(&s->ip, ip, prefix) || (s->ip.family == IBFT_AF_INET6
		 && s->ip.a[0] == 0xfe && (s->ip.a[1] & 0xc0) == 0x80))
			continue;	/* on the link (IPv6 link-local by definition) */
		for (j = 0; j < p->nr_routes; j++)	/* a DHCP route covers it */
			if (p->route[j].nic == s->nic
			 && addr_in_subnet(&s->ip, &p->route[j].dst, p->route[j].prefix))
				break;
		if (j < p->nr_routes)
			continue;
		if (gw->family != s->ip.family) {
			say(report, ctx, "%s: ip-addr: outside %s's subnet and "
				"%s has no gateway; relying on other routes",
				s->label, n->label, n->label);
			continue;
		}
		for (j = 0; j < p->nr_routes; j++)
			if (addr_equal(&p->route[j].dst, &s->ip))
				break;
		if (j < p->nr_routes || p->nr_routes == PLAN_MAX_ROUTES)
			continue;
		r = &p->route[p->nr_routes++];
		r->nic = s->nic;
		r->dst = s->ip;
		r->prefix = s->ip.family == IBFT_AF_INET ? 32 : 128;
		r->via = *gw;
	}
}

void plan_nic_ipv6(struct plan *p, unsigned i, const struct ibft_addr *ip,
		unsigned prefix, const struct ibft_addr *router,
		plan_report_fn report, void *ctx)
{
	struct plan_nic *n = &p->nic[i];

	n->ip6 = *ip;
	n->prefix6 = prefix;
	if (router)
		n->gateway6 = *router;
	plan_routes(p, report, ctx);
}

int plan_session_ready(const struct plan *p, unsigned s)
{
	const struct plan_session *ps = &p->session[s];
	const struct plan_nic *n = &p->nic[ps->nic];

	return ps->ip.family != IBFT_AF_INET6 || n->ip.family == IBFT_AF_INET6
		|| n->ip6.family == IBFT_AF_INET6;
}


int plan_from_interfaces(struct plan *p, const char *list, char *err,
		size_t errlen)
{
	unsigned tpgt = p->tpgt;

	memset(p, 0, sizeof(*p));
	p->source = PLAN_SOURCE_DHCP;
	p->tpgt = tpgt;
	while (*list) {
		size_t len = strcspn(list, ",");
		struct plan_nic *n;

		if (len >= PLAN_IFNAMSIZ || memchr(list, '/', len)
		 || (len && strspn(list, ".") >= len)) {
			snprintf(err, errlen, "-i: '%.*s' is not an interface name",
				(int)len, list);
			return -1;
		}
		for (n = p->nic; n < p->nic + p->nr_nics; n++)
			if (len && strlen(n->ifname) == len
			 && memcmp(n->ifname, list, len) == 0)
				break;	/* named twice: one DHCP client */
		if (len && n == p->nic + p->nr_nics && p->nr_nics == PLAN_MAX_NICS) {
			snprintf(err, errlen, "-i: more than %u interfaces",
				PLAN_MAX_NICS);
			return -1;
		}
		if (len && n == p->nic + p->nr_nics) {
			n = &p->nic[p->nr_nics++];
			memcpy(n->label, list, len);
			memcpy(n->ifname, list, len);
			n->dhcp_state = PLAN_DHCP_WAIT;
		}
		list += len + (list[len] == ',');
	}
	if (!p->nr_nics) {
		snprintf(err, errlen, "-i: no interface named");
		return -1;
	}
	return 0;
}

int plan_choose_initiator(struct plan *p, const char *own, const char *opt,
		const char *file)
{
	const char *name = p->initiator[0] ? p->initiator : NULL;
	unsigned i;

	if (!name)
		name = own && own[0] ? own : opt && opt[0] ? opt
			: file && file[0] ? file : NULL;
	if (name) {
		if (name != p->initiator) {
			strncpy(p->initiator, name, sizeof(p->initiator) - 1);
			p->initiator[sizeof(p->initiator) - 1] = '\0';
		}
		return 0;
	}
	if (p->source != PLAN_SOURCE_DHCP)
		return -1;
	/* open-iscsi's own prefix and the first interface's MAC we know */
	for (i = 0; i < p->nr_nics; i++) {
		const uint8_t *m = p->nic[i].mac;

		if (m[0] | m[1] | m[2] | m[3] | m[4] | m[5])
			break;
	}
	{
		static const uint8_t zero[6];
		const uint8_t *m = i < p->nr_nics ? p->nic[i].mac : zero;

		snprintf(p->initiator, sizeof(p->initiator),
			"iqn.2005-03.org.open-iscsi:%02x%02x%02x%02x%02x%02x",
			m[0], m[1], m[2], m[3], m[4], m[5]);
	}
	return 0;
}

void plan_nic_found(struct plan *p, unsigned i, const char *ifname,
		const uint8_t *mac)
{
	struct plan_nic *n = &p->nic[i];

	if (n->ifname != ifname) {
		strncpy(n->ifname, ifname, sizeof(n->ifname) - 1);
		n->ifname[sizeof(n->ifname) - 1] = '\0';
	}
	if (p->source == PLAN_SOURCE_DHCP && mac)
		memcpy(n->mac, mac, 6);
	if (n->vlan_id) {
		char dev[PLAN_IFNAMSIZ];

		snprintf(dev, sizeof(dev), "%.10s.%u", n->ifname,
			n->vlan_id % 10000);
		strcpy(n->dev, dev);
	} else {
		strcpy(n->dev, n->ifname);
	}
}

void plan_nic_static(struct plan *p, unsigned i, plan_report_fn report,
		void *ctx)
{
	struct plan_nic *n = &p->nic[i];

	n->dhcp_state = PLAN_DHCP_FALLBACK;
	plan_take_nic(p, n);
	plan_routes(p, report, ctx);
}
