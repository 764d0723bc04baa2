/* What a DHCP lease brings to the plan: the NIC's address, routes (RFC
 * 3442), DNS servers, names, and without a table the session its
 * root-path (RFC 4173) names.  Pure (see plan.h). */
#include <stdio.h>
#include <string.h>
#include "plan.h"
#include "lease.h"
#include "rootpath.h"

static int fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -1;
}

/* 1 when a (16 bytes) is an IPv4-mapped IPv6 address, ::ffff:a.b.c.d */
static int is_v4_mapped(const uint8_t *a)
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a, prefix, 12) == 0;
}

/* The session the lease's root-path names, for NIC i; its address comes
 * later when the server is a DNS name.  CHAP: the root-path's own
 * (dracut's form), else the lease's option 175 (iPXE's).  Returns 0 or
 * -1 (err). */
static int add_rootpath_session(struct plan *p, unsigned i, const char *text,
		const struct lease *l, char *err, size_t errlen)
{
	struct plan_nic *n = &p->nic[i];
	struct plan_session *s;
	struct rootpath rp;
	const char *at;

	if (!text[0])
		return fail(err, errlen, "no root-path (option 17) in the lease");
	if (rootpath_parse(text, strlen(text), &rp, err, errlen) != 0)
		return -1;
	if (rp.addr.family == IBFT_AF_INET6 && is_v4_mapped(rp.addr.a)) {
		/* [::ffff:10.1.0.1] is 10.1.0.1 */
		memmove(rp.addr.a, rp.addr.a + 12, 4);
		memset(rp.addr.a + 4, 0, 12);
		rp.addr.family = IBFT_AF_INET;
	}
	if (p->nr_sessions == PLAN_MAX_SESSIONS)
		return fail(err, errlen, "root-path: one session too many");
	s = &p->session[p->nr_sessions++];
	memset(s, 0, sizeof(*s));
	strcpy(s->label, n->ifname);	/* both PLAN_IFNAMSIZ */
	s->nic = i;
	s->ip = rp.addr;
	if (!rp.addr.family)
		strcpy(s->server, rp.server);
	s->port = rp.port;
	memcpy(s->lun, rp.lun, 8);
	strcpy(s->name, rp.target);
	if (rp.user[0]) {
		strcpy(s->chap_name, rp.user);
		strcpy(s->chap_secret, rp.pass);
		strcpy(s->rchap_name, rp.in_user);
		strcpy(s->rchap_secret, rp.in_pass);
	} else {	/* all IBFT_CHAP_MAX + 1 */
		strcpy(s->chap_name, l->chap_name);
		strcpy(s->chap_secret, l->chap_secret);
		strcpy(s->rchap_name, l->rchap_name);
		strcpy(s->rchap_secret, l->rchap_secret);
	}
	/* net-IF.conf keeps no credentials: "iscsi:" and what follows '@' */
	at = rp.user[0] ? strchr(text, '@') : NULL;
	snprintf(n->rootpath, sizeof(n->rootpath), "%s%s", at ? "iscsi:" : "",
		at ? at + 1 : text);
	memset(&rp, 0, sizeof(rp));	/* no secrets left on the stack */
	return 0;
}

/* 1 when the n bytes at word are one of p->search's words. */
static int in_search(const struct plan *p, const char *word, size_t n)
{
	const char *w = p->search;

	while (*w) {
		size_t m = strcspn(w, " ");

		if (m == n && memcmp(w, word, n) == 0)
			return 1;
		w += m + (w[m] == ' ');
	}
	return 0;
}

/* Add the words of list (space-separated domain names) to p->search,
 * each once, as long as the line has room. */
static void add_search(struct plan *p, const char *list)
{
	while (*list) {
		size_t n = strcspn(list, " "), have = strlen(p->search);

		if (n && !in_search(p, list, n)
		 && have + !!have + n < sizeof(p->search)) {
			if (have)
				p->search[have++] = ' ';
			memcpy(p->search + have, list, n);
			p->search[have + n] = '\0';
		}
		list += n + (list[n] == ' ');
	}
}

int plan_apply_lease(struct plan *p, unsigned i, const struct lease *l,
		char *err, size_t errlen, plan_report_fn report, void *ctx)
{
	struct plan_nic *n = &p->nic[i];
	unsigned k, nr_routes = p->nr_routes;
	struct ibft_addr dns[PLAN_MAX_DNS];

	n->ip = l->ip;		/* what the checks below compare with */
	n->prefix = l->prefix;
	/* DNS servers and search domains in the order leases came (the
	 * resolver asks them); values that are no server's are dropped */
	memset(dns, 0, sizeof(dns));
	for (k = 0; k < l->nr_dns && k < PLAN_MAX_DNS; k++) {
		dns[k] = l->dns[k];
		plan_check_addr(&dns[k], n, 0, "dns", report, ctx);
		plan_add_dns(p, &dns[k]);
	}
	/* as dhclient's script writes resolv.conf: the search list (119),
	 * else the domain name (15) */
	add_search(p, l->search[0] ? l->search : l->domain);
	if (p->source == PLAN_SOURCE_DHCP
	 && add_rootpath_session(p, i, l->rootpath, l, err, errlen) != 0)
		return -1;

	n->dhcp_state = PLAN_DHCP_LEASED;
	memset(&n->gateway, 0, sizeof(n->gateway));
	/* RFC 3442: with classless routes, the router option is ignored */
	if (!l->nr_routes)
		n->gateway = l->router;
	n->dns1 = dns[0];
	n->dns2 = dns[1];
	n->origin = IBFT_ORIGIN_DHCP;
	n->dhcp = l->server;
	n->lease_time = l->lease_time;
	n->mtu = l->mtu;
	snprintf(n->hostname, sizeof(n->hostname), "%s", l->hostname);
	snprintf(n->domain, sizeof(n->domain), "%.*s",
		(int)strcspn(l->domain, " "), l->domain);
	snprintf(n->search, sizeof(n->search), "%s",
		l->search[0] ? l->search : l->domain);

	for (k = 0; k < l->nr_routes && nr_routes < PLAN_MAX_ROUTES; k++) {
		const struct lease_route *lr = &l->route[k];
		struct ibft_addr gw = lr->gw;
		struct plan_route *r;

		if (lr->prefix == 0) {	/* 0.0.0.0/0: the default route */
			n->gateway = lr->gw;
			continue;
		}
		/* RFC 3442: router 0.0.0.0 is on the link; others must be
		 * a host's */
		if (!addr_is_zero(&gw)
		 && !plan_check_addr(&gw, n, 1, "classless-route", report, ctx))
			continue;
		r = &p->route[nr_routes++];
		r->nic = i;
		r->dst = lr->net;
		r->prefix = lr->prefix;
		r->via = lr->gw;
	}
	p->nr_routes = nr_routes;
	if (n->gateway.family != IBFT_AF_NONE && addr_is_zero(&n->gateway))
		memset(&n->gateway, 0, sizeof(n->gateway));	/* 0.0.0.0: none */
	plan_check_addr(&n->gateway, n, 1, "router", report, ctx);
	plan_take_nic(p, n);	/* after the lease's DNS servers: they go first */
	plan_routes(p, report, ctx);
	return 0;
}

int plan_session_resolved(struct plan *p, unsigned s,
		const struct ibft_addr *a, char *err, size_t errlen)
{
	struct plan_session *ps = &p->session[s];

	if (!a || a->family != IBFT_AF_INET) {
		snprintf(err, errlen, "root-path: server: can't resolve '%s' "
			"through the lease's DNS servers", ps->server);
		return -1;	/* ip stays unset: the session cannot be */
	}
	ps->ip = *a;
	plan_routes(p, NULL, NULL);
	return 0;
}

int plan_next_hop(const struct plan *p, unsigned i,
		const struct ibft_addr *dst, struct ibft_addr *via)
{
	const struct plan_nic *n = &p->nic[i];
	int best = -1;
	unsigned k;

	memset(via, 0, sizeof(*via));
	if (dst->family != IBFT_AF_INET || n->ip.family != IBFT_AF_INET)
		return -1;
	if (addr_in_subnet(dst, &n->ip, n->prefix))
		return 0;
	for (k = 0; k < p->nr_routes; k++) {
		const struct plan_route *r = &p->route[k];

		if (r->nic == i && r->dst.family == IBFT_AF_INET
		 && (int)r->prefix > best && addr_in_subnet(dst, &r->dst, r->prefix)) {
			best = r->prefix;
			*via = r->via;
		}
	}
	if (best < 0 && n->gateway.family == IBFT_AF_INET) {
		best = 0;
		*via = n->gateway;
	}
	return best < 0 ? -1 : 1;
}

unsigned plan_query_names(const struct plan *p, const char *name,
		char (*out)[PLAN_SERVER_MAX + 1], unsigned max)
{
	size_t len = strlen(name);
	const char *d = p->search;
	unsigned n = 0;
	int dotted = strchr(name, '.') != NULL;

	if (len && name[len - 1] == '.') {	/* fully qualified */
		if (max && len - 1 <= PLAN_SERVER_MAX && len > 1)
			snprintf(out[n++], PLAN_SERVER_MAX + 1, "%.*s", (int)len - 1, name);
		return n;
	}
	if (dotted && n < max && len <= PLAN_SERVER_MAX)
		strcpy(out[n++], name);
	while (*d && n < max) {
		size_t m = strcspn(d, " ");

		if (len + 1 + m <= PLAN_SERVER_MAX)
			snprintf(out[n++], PLAN_SERVER_MAX + 1, "%s.%.*s", name,
				(int)m, d);
		d += m + (d[m] == ' ');
	}
	if (!dotted && n < max && len <= PLAN_SERVER_MAX)
		strcpy(out[n++], name);
	return n;
}
