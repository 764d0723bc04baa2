/* Boot plan: built from a source (iBFT now, DHCP later), turned into the
 * command lines that -n prints and the executor runs.  Pure (see plan.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "plan.h"

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

static int addr_equal(const struct ibft_addr *a, const struct ibft_addr *b)
{
	return a->family == b->family && memcmp(a->a, b->a, 16) == 0;
}

static int addr_is_zero(const struct ibft_addr *a)
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

/* A gateway outside the NIC's subnet (a /32 lease's router, a firmware's
 * odd setting) is taken to be on the link, as iPXE takes it; an IPv6
 * link-local one is on the link anyway. */
static int needs_onlink(const struct ibft_addr *gw, const struct plan_nic *n)
{
	if (gw->family == IBFT_AF_INET6 && gw->a[0] == 0xfe && (gw->a[1] & 0xc0) == 0x80)
		return 0;
	return !addr_is_zero(gw) && !addr_in_subnet(gw, &n->ip, n->prefix);
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

unsigned plan_from_ibft(struct plan *p, const struct ibft_table *t,
		plan_report_fn report, void *ctx)
{
	unsigned i, j, any_boot = 0;
	unsigned tpgt = p->tpgt;

	memset(p, 0, sizeof(*p));
	p->tpgt = tpgt;
	strcpy(p->initiator, t->initiator.name);

	for (i = 0; i < t->nr_nics; i++) {
		const struct ibft_nic *n = &t->nic[i];
		struct plan_nic *pn = &p->nic[p->nr_nics++];

		snprintf(pn->label, sizeof(pn->label), "ethernet%u", n->index);
		memcpy(pn->mac, n->mac, 6);
		pn->pci_bdf = n->pci_bdf;
		pn->vlan_id = n->vlan & 0xfff;
		pn->prefix = n->prefix;
		pn->boot = !!(n->flags & IBFT_FL_BOOT);
		pn->origin = n->origin;
		/* what a DHCP-configured firmware NIC had is stale: ask again */
		pn->use_dhcp = n->origin == IBFT_ORIGIN_DHCP;
		pn->ip = n->ip;
		pn->gateway = n->gateway;
		pn->dns1 = n->dns1;
		pn->dns2 = n->dns2;
		pn->dhcp = n->dhcp;
		strcpy(pn->hostname, n->hostname);
		if (pn->ip.family == IBFT_AF_NONE && !pn->use_dhcp)
			say(report, ctx, "%s: ip-addr: not set; the interface "
				"will be brought up without an address", pn->label);
	}

	/* DNS servers and hostname: boot-selected NICs first, then the rest;
	 * the default route goes through the first of them with a gateway. */
	for (j = 0; j < 2; j++) {
		for (i = 0; i < p->nr_nics; i++) {
			struct plan_nic *pn = &p->nic[i];

			if (pn->boot == !j && !pn->use_dhcp)
				plan_take_nic(p, pn);
		}
	}

	for (i = 0; i < t->nr_targets; i++)
		any_boot |= t->target[i].flags & IBFT_FL_BOOT;
	if (t->nr_targets && !any_boot)
		say(report, ctx, "no target is marked boot-selected; logging in "
			"to every valid target");
	for (i = 0; i < t->nr_targets; i++) {
		const struct ibft_target *tg = &t->target[i];
		struct plan_session *s;

		if (any_boot && !(tg->flags & IBFT_FL_BOOT))
			continue;
		s = &p->session[p->nr_sessions++];
		snprintf(s->label, sizeof(s->label), "target%u", tg->index);
		for (j = 0; j < p->nr_nics; j++)
			if (t->nic[j].index == tg->nic_assoc)
				s->nic = j;
		s->ip = tg->ip;
		s->port = tg->port ? tg->port : 3260;
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

void plan_routes(struct plan *p, plan_report_fn report, void *ctx)
{
	unsigned i, j;

	for (i = 0; i < p->nr_sessions; i++) {
		struct plan_session *s = &p->session[i];
		const struct plan_nic *n = &p->nic[s->nic];
		struct plan_route *r;

		if (s->routed || n->ip.family == IBFT_AF_NONE || n->use_dhcp == 1)
			continue;	/* not configured yet */
		s->routed = 1;
		if (addr_in_subnet(&s->ip, &n->ip, n->prefix))
			continue;
		for (j = 0; j < p->nr_routes; j++)	/* a DHCP route covers it */
			if (p->route[j].nic == s->nic
			 && addr_in_subnet(&s->ip, &p->route[j].dst, p->route[j].prefix))
				break;
		if (j < p->nr_routes)
			continue;
		if (n->gateway.family != s->ip.family) {
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
		r->via = n->gateway;
	}
}

/* Command builder: up to PLAN_MAX_ARGS words in a local buffer. */
struct cmd {
	char *argv[PLAN_MAX_ARGS];
	char buf[512];
	unsigned argc, used;
};

static void cmd_start(struct cmd *c)
{
	c->argc = 0;
	c->used = 0;
}

static void arg(struct cmd *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(c->buf + c->used, sizeof(c->buf) - c->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (unsigned)n >= sizeof(c->buf) - c->used
	 || c->argc >= PLAN_MAX_ARGS - 1)
		return;	/* cannot happen with our bounded inputs */
	c->argv[c->argc++] = c->buf + c->used;
	c->argv[c->argc] = NULL;
	c->used += n + 1;
}

static int addr_prefix_arg(struct cmd *c, const struct ibft_addr *a, unsigned prefix)
{
	char s[48];

	arg(c, "%s/%u", ibft_addr_str(a, s), prefix);
	return 0;
}

int plan_nic_cmds(const struct plan *p, unsigned nic, int undo,
		plan_emit_fn emit, void *ctx)
{
	const struct plan_nic *n = &p->nic[nic];
	struct cmd c;
	char s[48];
	int step, last, rc;
	unsigned i;

	/* Steps, in "do" order; undo walks them backwards. */
	enum {
		VLAN = PLAN_STEP_VLAN, LINK = PLAN_STEP_LINK,
		VLINK = PLAN_STEP_VLINK, ADDR = PLAN_STEP_ADDR,
		DFLT = PLAN_STEP_DEFAULT, HOST = PLAN_STEP_HOST, NR_STEPS
	};

	for (last = 0, step = 0; step < NR_STEPS; step++) {
		int st = undo ? NR_STEPS - 1 - step : step;

		for (i = 0; ; i++) {
			unsigned id = st;

			cmd_start(&c);
			if (st == VLAN || st == VLINK) {
				if (!n->vlan_id || i)
					break;
				if (st == VLAN) {
					arg(&c, "link"); arg(&c, undo ? "del" : "add");
					if (!undo) {
						arg(&c, "link"); arg(&c, "%s", n->ifname);
						arg(&c, "name");
					}
					arg(&c, "%s", n->dev);
					if (!undo) {
						arg(&c, "type"); arg(&c, "vlan");
						arg(&c, "id"); arg(&c, "%u", n->vlan_id);
					}
				} else {
					if (undo)	/* deleting the VLAN did it */
						break;
					arg(&c, "link"); arg(&c, "set"); arg(&c, "dev");
					arg(&c, "%s", n->dev); arg(&c, "up");
				}
			} else if (st == LINK) {
				if (i)
					break;
				arg(&c, "link"); arg(&c, "set"); arg(&c, "dev");
				arg(&c, "%s", n->ifname); arg(&c, undo ? "down" : "up");
			} else if (st == ADDR) {
				if (i || n->ip.family == IBFT_AF_NONE)
					break;
				arg(&c, "addr"); arg(&c, undo ? "del" : "add");
				addr_prefix_arg(&c, &n->ip, n->prefix);
				arg(&c, "dev"); arg(&c, "%s", n->dev);
			} else if (st == DFLT) {
				if (i || !n->default_route)
					break;
				arg(&c, "route"); arg(&c, undo ? "del" : "add");
				arg(&c, "default"); arg(&c, "via");
				arg(&c, "%s", ibft_addr_str(&n->gateway, s));
				arg(&c, "dev"); arg(&c, "%s", n->dev);
				if (!undo && needs_onlink(&n->gateway, n))
					arg(&c, "onlink");
			} else {
				const struct plan_route *r;

				if (i == p->nr_routes)
					break;
				id = undo ? p->nr_routes - 1 - i : i;
				r = &p->route[id];
				id += PLAN_STEP_HOST;
				if (r->nic != nic)
					continue;
				arg(&c, "route"); arg(&c, undo ? "del" : "add");
				addr_prefix_arg(&c, &r->dst, r->prefix);
				if (!addr_is_zero(&r->via)) {	/* RFC 3442: 0 is on-link */
					arg(&c, "via");
					arg(&c, "%s", ibft_addr_str(&r->via, s));
				}
				arg(&c, "dev"); arg(&c, "%s", n->dev);
				if (!undo && needs_onlink(&r->via, n))
					arg(&c, "onlink");
			}
			rc = emit(ctx, id, c.argv);
			if (rc)
				last = rc;
		}
	}
	return last;
}

void iscsistart_argv(struct plan_argv *a, const struct plan *p,
		const struct plan_session *s, const char *prog, int mask)
{
	struct cmd c;
	char ip[48];

	cmd_start(&c);
	arg(&c, "%s", prog);
	arg(&c, "-i"); arg(&c, "%s", p->initiator);
	arg(&c, "-t"); arg(&c, "%s", s->name);
	arg(&c, "-g"); arg(&c, "%u", p->tpgt);
	arg(&c, "-a"); arg(&c, "%s", ibft_addr_str(&s->ip, ip));
	arg(&c, "-p"); arg(&c, "%u", s->port);
	if (s->chap_name[0]) {
		arg(&c, "-u"); arg(&c, "%s", s->chap_name);
		arg(&c, "-w"); arg(&c, "%s", mask ? "***" : s->chap_secret);
	}
	if (s->rchap_name[0]) {
		arg(&c, "-U"); arg(&c, "%s", s->rchap_name);
		arg(&c, "-W"); arg(&c, "%s", mask ? "***" : s->rchap_secret);
	}
	/* Move into the caller's storage: pointers into a.buf. */
	memcpy(a->buf, c.buf, c.used);
	for (c.used = 0; c.used <= c.argc; c.used++)
		a->argv[c.used] = c.argv[c.used]
			? a->buf + (c.argv[c.used] - c.buf) : NULL;
}

void plan_record(char *out, size_t size, const struct plan *p,
		const struct plan_session *s, int show_secrets)
{
	const struct plan_nic *n = &p->nic[s->nic];
	char a[48];
	size_t len = 0;

#define PUT(...) do { \
	int k_ = snprintf(out + len, size - len, __VA_ARGS__); \
	if (k_ > 0) len += (size_t)k_ < size - len ? (size_t)k_ : size - len - 1; \
} while (0)
	out[0] = '\0';
	if (size < 2)
		return;
	PUT("# BEGIN RECORD iscsi-init\n");
	if (p->initiator[0])
		PUT("iface.initiatorname = %s\n", p->initiator);
	PUT("iface.transport_name = tcp\n");
	PUT("iface.hwaddress = %02x:%02x:%02x:%02x:%02x:%02x\n", n->mac[0],
		n->mac[1], n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
	PUT("iface.bootproto = %s\n", n->origin == IBFT_ORIGIN_DHCP
		|| n->dhcp.family != IBFT_AF_NONE ? "DHCP" : "STATIC");
	if (n->ip.family != IBFT_AF_NONE)
		PUT("iface.ipaddress = %s\n", ibft_addr_str(&n->ip, a));
	if (n->prefix)
		PUT("iface.prefix_len = %u\n", n->prefix);
	if (n->ip.family == IBFT_AF_INET) {
		uint32_t m = n->prefix ? 0xffffffffu << (32 - n->prefix) : 0;
		PUT("iface.subnet_mask = %u.%u.%u.%u\n", m >> 24,
			(m >> 16) & 255, (m >> 8) & 255, m & 255);
	}
	if (n->gateway.family != IBFT_AF_NONE)
		PUT("iface.gateway = %s\n", ibft_addr_str(&n->gateway, a));
	if (n->dns1.family != IBFT_AF_NONE)
		PUT("iface.primary_dns = %s\n", ibft_addr_str(&n->dns1, a));
	if (n->dns2.family != IBFT_AF_NONE)
		PUT("iface.secondary_dns = %s\n", ibft_addr_str(&n->dns2, a));
	PUT("iface.vlan_id = %u\n", n->vlan_id);
	if (n->ifname[0])
		PUT("iface.net_ifacename = %s\n", n->ifname);
	PUT("node.name = %s\n", s->name);
	PUT("node.conn[0].address = %s\n", ibft_addr_str(&s->ip, a));
	PUT("node.conn[0].port = %u\n", s->port);
	if (s->chap_name[0])
		PUT("node.session.auth.username = %s\n", s->chap_name);
	if (s->chap_secret[0])
		PUT("node.session.auth.password = %s\n",
			show_secrets ? s->chap_secret : "********");
	if (s->rchap_name[0])
		PUT("node.session.auth.username_in = %s\n", s->rchap_name);
	if (s->rchap_secret[0])
		PUT("node.session.auth.password_in = %s\n",
			show_secrets ? s->rchap_secret : "********");
	PUT("node.boot_lun = %llu\n", (unsigned long long)ibft_lun_int(s->lun));
	PUT("# END RECORD\n");
#undef PUT
}
