/* Boot plan to command lines: the "ip" commands that set up a NIC (and
 * take it back), iscsistart's argv, and the "iscsistart -f" record that
 * -p prints.  Pure (see plan.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "plan.h"

#ifndef ARRAY_SIZE
# define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))
#endif

/* A gateway outside the NIC's subnet (a /32 lease's router, a firmware's
 * odd setting) is taken to be on the link, as iPXE takes it; an IPv6
 * link-local one is on the link anyway. */
static int needs_onlink(const struct ibft_addr *gw, const struct plan_nic *n)
{
	if (gw->family == IBFT_AF_INET6 && gw->a[0] == 0xfe && (gw->a[1] & 0xc0) == 0x80)
		return 0;
	return !addr_is_zero(gw) && !addr_in_subnet(gw, &n->ip, n->prefix)
		&& !addr_in_subnet(gw, &n->ip6, n->prefix6);
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

/* Split line at its spaces into argv (at most max - 1 words, then NULL). */
static void split_words(char *line, char **argv, unsigned max)
{
	unsigned n = 0;

	while (*line && n < max - 1) {
		argv[n++] = line;
		line += strcspn(line, " ");
		if (*line)
			*line++ = '\0';
	}
	argv[n] = NULL;
}

/* "10.1.0.0/24": the network a/prefix lies in, into buf */
static char *net_str(const struct ibft_addr *a, unsigned prefix, char *buf)
{
	struct ibft_addr net = *a;
	unsigned k;

	for (k = 0; k < 16; k++)
		net.a[k] &= k * 8 >= prefix ? 0
			: k * 8 + 8 <= prefix ? 0xff : 0xff << (8 - prefix % 8);
	sprintf(buf + strlen(ibft_addr_str(&net, buf)), "/%u", prefix);
	return buf;
}

int plan_nic_cmds(const struct plan *p, unsigned nic, int undo,
		plan_emit_fn emit, void *ctx)
{
	const struct plan_nic *n = &p->nic[nic];
	const char *op = undo ? "del" : "add";
	const char *v6 = n->ip.family == IBFT_AF_INET6 ? "-6 " : "";
	char line[256], a[PLAN_ADDRSTRLEN], g[PLAN_ADDRSTRLEN], t[16];
	char *argv[16];
	unsigned k, st, nr = PLAN_STEP_HOST + 2 * p->nr_routes;
	int rc, last = 0;

	/* " table 101" for the NIC's own routing table (multipath) */
	sprintf(t, " table %u", n->table);
	/* Steps in "do" order, one per PLAN_STEP_* and two per route
	 * (PLAN_STEP_HOST + 2 * its index, + 1 in the NIC's table); undo
	 * walks them backwards.  Every word is free of spaces: names,
	 * numbers, addresses. */
	for (k = 0; k < nr; k++) {
		st = undo ? nr - 1 - k : k;
		line[0] = '\0';
		switch (st) {
		case PLAN_STEP_VLAN:
			if (n->vlan_id && undo)
				sprintf(line, "link del %s", n->dev);
			else if (n->vlan_id)
				sprintf(line, "link add link %s name %s type vlan id %u",
					n->ifname, n->dev, n->vlan_id);
			break;
		case PLAN_STEP_LINK:
			sprintf(line, "link set dev %s %s", n->ifname,
				undo ? "down" : "up");
			break;
		case PLAN_STEP_VLINK:	/* deleting the VLAN undoes it */
			if (n->vlan_id && !undo)
				sprintf(line, "link set dev %s up", n->dev);
			break;
		case PLAN_STEP_MTU:
			if (n->mtu)
				sprintf(line, "link set dev %s mtu %u", n->dev,
					n->mtu);
			break;
		case PLAN_STEP_ADDR:
			if (n->ip.family != IBFT_AF_NONE)
				sprintf(line, "addr %s %s/%u dev %s", op,
					ibft_addr_str(&n->ip, a), n->prefix, n->dev);
			break;
		case PLAN_STEP_DEFAULT:
			if (n->default_route)
				sprintf(line, "route %s default via %s dev %s%s", op,
					ibft_addr_str(&n->gateway, g), n->dev,
					!undo && needs_onlink(&n->gateway, n)
						? " onlink" : "");
			break;
		case PLAN_STEP_TABLE_NET:
			/* IPv6: no src, the kernel refuses a tentative one (DAD
			 * is still running); the rule picks the table anyway */
			if (n->table && n->ip.family == IBFT_AF_INET)
				sprintf(line, "route %s %s dev %s src %s%s", op,
					net_str(&n->ip, n->prefix, g), n->dev,
					ibft_addr_str(&n->ip, a), t);
			else if (n->table)
				sprintf(line, "route %s %s dev %s%s", op,
					net_str(&n->ip, n->prefix, g), n->dev, t);
			break;
		case PLAN_STEP_TABLE_DEFAULT:
			if (n->table && n->gateway.family == n->ip.family)
				sprintf(line, "route %s default via %s dev %s%s%s", op,
					ibft_addr_str(&n->gateway, g), n->dev, t,
					!undo && needs_onlink(&n->gateway, n)
						? " onlink" : "");
			break;
		case PLAN_STEP_RULE:
			if (n->table)
				sprintf(line, "%srule %s from %s%s pref %u", v6, op,
					ibft_addr_str(&n->ip, a), t,
					PLAN_RULE_PREF + nic);
			break;
		case PLAN_STEP_RP_FILTER:
			if (n->table && n->ip.family == IBFT_AF_INET)
				sprintf(line, "sysctl -w net/ipv4/conf/%s/rp_filter=2",
					n->dev);
			break;
		case PLAN_STEP_ARP_IGNORE:
			if (n->table && n->shared_link)
				sprintf(line, "sysctl -w net/ipv4/conf/%s/arp_ignore=1",
					n->dev);
			break;
		case PLAN_STEP_ARP_ANNOUNCE:
			if (n->table && n->shared_link)
				sprintf(line, "sysctl -w net/ipv4/conf/%s/arp_announce=2",
					n->dev);
			break;
		default: {
			const struct plan_route *r = &p->route[(st - PLAN_STEP_HOST) / 2];
			int in_table = (st - PLAN_STEP_HOST) & 1;
			int via = !addr_is_zero(&r->via);	/* RFC 3442: 0 is on-link */

			if (r->nic != nic || (in_table && !n->table))
				break;
			ibft_addr_str(&r->via, g);
			sprintf(line, "route %s %s/%u%s%s dev %s%s%s", op,
				ibft_addr_str(&r->dst, a), r->prefix,
				via ? " via " : "", via ? g : "", n->dev,
				in_table ? t : "",
				!undo && needs_onlink(&r->via, n) ? " onlink" : "");
		}
		}
		if (!line[0])
			continue;
		split_words(line, argv, ARRAY_SIZE(argv));
		rc = emit(ctx, st, argv);
		if (rc)
			last = rc;
	}
	return last;
}

const struct ibft_addr *plan_source(const struct plan_nic *n,
		const struct ibft_addr *to)
{
	if (to->family == n->ip.family)
		return &n->ip;
	if (to->family == n->ip6.family)
		return &n->ip6;
	return NULL;
}

const struct ibft_addr *plan_session_source(const struct plan *p,
		const struct plan_session *s)
{
	return plan_source(&p->nic[s->nic], &s->ip);
}

void iscsistart_argv(struct plan_argv *a, const struct plan *p,
		const struct plan_session *s, const char *prog, int mask)
{
	const struct plan_nic *n = &p->nic[s->nic];
	const struct ibft_addr *src = plan_session_source(p, s);
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
	if (n->dev[0]) {
		/* Bound to its NIC: an open-iscsi iface per NIC (sessions to
		 * one portal are told apart by it), the device, and the source
		 * address, which the NIC's rule routes out through it. */
		arg(&c, "-P"); arg(&c, "iface.iscsi_ifacename=iscsi-init.%s", n->label);
		arg(&c, "-P"); arg(&c, "iface.net_ifacename=%s", n->dev);
		if (src) {
			arg(&c, "-P");
			arg(&c, "iface.ipaddress=%s", ibft_addr_str(src, ip));
		}
	}
	/* Move into the caller's storage: pointers into a.buf. */
	memcpy(a->buf, c.buf, c.used);
	for (c.used = 0; c.used <= c.argc; c.used++)
		a->argv[c.used] = c.argv[c.used]
			? a->buf + (c.argv[c.used] - c.buf) : NULL;
}

int plan_login_outcome(int exit_status)
{
	switch (exit_status) {
	case 0: case 15:
		return PLAN_LOGIN_OK;
	case 7: case 12: case 13: case 14: case 24: case 27: case 126: case 127:
		return PLAN_LOGIN_FINAL;
	}
	return PLAN_LOGIN_RETRY;
}

unsigned plan_retry_delay_ms(unsigned tries, unsigned rnd)
{
	unsigned shift = tries > 5 ? 4 : tries ? tries - 1 : 0;

	return (2000u << shift) - 1000 + rnd % 2001;	/* 2, 4, ... 32 s, +-1 s */
}

/* The record being written: out holds size bytes, len used (it stays
 * below size: a long record is cut, always NUL-terminated). */
struct rec {
	char *out;
	size_t size, len;
};

static void put(struct rec *r, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(r->out + r->len, r->size - r->len, fmt, ap);
	va_end(ap);
	if (k > 0)
		r->len += (size_t)k < r->size - r->len ? (size_t)k : r->size - r->len - 1;
}

/* "key = value" when value is set */
static void kv(struct rec *r, const char *key, const char *value)
{
	if (value[0])
		put(r, "%s = %s\n", key, value);
}

static void kv_addr(struct rec *r, const char *key, const struct ibft_addr *a)
{
	char s[48];

	kv(r, key, ibft_addr_str(a, s));	/* "" when unset */
}

static void kv_secret(struct rec *r, const char *key, const char *secret,
		int show)
{
	kv(r, key, secret[0] && !show ? "********" : secret);
}

void plan_record(char *out, size_t size, const struct plan *p,
		const struct plan_session *s, int show_secrets)
{
	const struct plan_nic *n = &p->nic[s->nic];
	struct rec r = { out, size, 0 };
	uint32_t m = n->prefix ? 0xffffffffu << (32 - n->prefix) : 0;

	if (size < 2) {
		if (size)
			out[0] = '\0';
		return;
	}
	out[0] = '\0';
	put(&r, "# BEGIN RECORD iscsi-init\n");
	kv(&r, "iface.initiatorname", p->initiator);
	put(&r, "iface.transport_name = tcp\n"
		"iface.hwaddress = %02x:%02x:%02x:%02x:%02x:%02x\n"
		"iface.bootproto = %s\n", n->mac[0], n->mac[1], n->mac[2],
		n->mac[3], n->mac[4], n->mac[5],
		n->origin == IBFT_ORIGIN_DHCP || n->dhcp.family != IBFT_AF_NONE
			? "DHCP" : "STATIC");
	kv_addr(&r, "iface.ipaddress", &n->ip);
	if (n->prefix)
		put(&r, "iface.prefix_len = %u\n", n->prefix);
	if (n->ip.family == IBFT_AF_INET)
		put(&r, "iface.subnet_mask = %u.%u.%u.%u\n", m >> 24,
			(m >> 16) & 255, (m >> 8) & 255, m & 255);
	kv_addr(&r, "iface.gateway", &n->gateway);
	kv_addr(&r, "iface.primary_dns", &n->dns1);
	kv_addr(&r, "iface.secondary_dns", &n->dns2);
	put(&r, "iface.vlan_id = %u\n", n->vlan_id);
	kv(&r, "iface.net_ifacename", n->ifname);
	kv(&r, "node.name", s->name);
	kv_addr(&r, "node.conn[0].address", &s->ip);
	put(&r, "node.conn[0].port = %u\n", s->port);
	kv(&r, "node.session.auth.username", s->chap_name);
	kv_secret(&r, "node.session.auth.password", s->chap_secret, show_secrets);
	kv(&r, "node.session.auth.username_in", s->rchap_name);
	kv_secret(&r, "node.session.auth.password_in", s->rchap_secret,
		show_secrets);
	put(&r, "node.boot_lun = %llu\n# END RECORD\n",
		(unsigned long long)ibft_lun_int(s->lun));
}
