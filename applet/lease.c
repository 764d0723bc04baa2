/* DHCP lease records from udhcpc's environment, and klibc-style
 * /run/net-IF.conf text.  Pure (see lease.h). */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lease.h"

const char lease_keys[] =
	"ip\0" "mask\0" "router\0" "dns\0" "serverid\0" "lease\0" "hostname\0"
	"domain\0" "rootpath\0" "opt203\0" "staticroutes\0" "msstaticroutes\0";

static int bad(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (errlen)	/* values quoted: plain text only */
		ibft_plain(err);
	return -1;
}

static int v4(const char *s, size_t n, struct ibft_addr *a)
{
	char buf[16];

	memset(a, 0, sizeof(*a));
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, a->a) != 1)
		return -1;
	a->family = IBFT_AF_INET;
	return 0;
}

/* "a.b.c.d a.b.c.d ...": up to max addresses; bad words are skipped. */
static unsigned v4_list(const char *s, struct ibft_addr *out, unsigned max)
{
	unsigned n = 0;

	while (*s && n < max) {
		size_t w;

		s += strspn(s, " ");
		w = strcspn(s, " ");
		if (w && v4(s, w, &out[n]) == 0)
			n++;
		s += w;
	}
	return n;
}

static void text(char *dst, size_t size, const char *v)
{
	/* event, hostname, domain: udhcpc already refuses bad host names;
	 * anything but a name's characters is dropped, not written into
	 * files or set as the hostname */
	size_t n = strlen(v);

	if (n < size && strspn(v, "abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") == n)
		strcpy(dst, v);
}

/* udhcpc writes unknown options (-O 203) as hex. */
static void hex_text(char *dst, size_t size, const char *v)
{
	size_t n = strlen(v), i;

	if (n % 2 || n / 2 >= size)
		return;
	for (i = 0; i < n / 2; i++) {
		char h[3] = { v[2 * i], v[2 * i + 1], 0 };
		char *end;
		unsigned long c = strtoul(h, &end, 16);

		if (*end || c < 0x21 || c >= 0x7f) {
			dst[0] = '\0';
			return;
		}
		dst[i] = c;
	}
	dst[i] = '\0';
}

/* "net/prefix gw net/prefix gw ..." (RFC 3442, as udhcpc prints it);
 * opt is 121, or 249 for Microsoft's copy of it. */
static int static_routes(struct lease *l, const char *s, unsigned opt,
		char *err, size_t errlen)
{
	while (*s) {
		struct lease_route *r;
		const char *slash;
		size_t w;
		unsigned long p;
		char *end;

		s += strspn(s, " ");
		if (!*s)
			break;
		if (l->nr_routes == LEASE_MAX_ROUTES)
			return bad(err, errlen, "classless routes (%u): more than %u",
				opt, LEASE_MAX_ROUTES);
		r = &l->route[l->nr_routes];
		w = strcspn(s, " ");
		slash = memchr(s, '/', w);
		if (!slash || v4(s, slash - s, &r->net))
			goto bad;
		p = strtoul(slash + 1, &end, 10);
		if (end != s + w || end == slash + 1 || p > 32)
			goto bad;
		r->prefix = p;
		s += w;
		s += strspn(s, " ");
		w = strcspn(s, " ");
		if (v4(s, w, &r->gw))
			goto bad;
		s += w;
		l->nr_routes++;
	}
	return 0;
 bad:
	return bad(err, errlen, "classless routes (%u): '%.40s' is not "
		"NET/PREFIX GATEWAY", opt, s);
}

int lease_parse(const char *rec, size_t len, struct lease *l,
		char *err, size_t errlen)
{
	const char *p = rec, *end = rec + len;
	int have_ip = 0, have_121 = 0, have_mask = 0;

	memset(l, 0, sizeof(*l));
	while (p < end && *p) {
		const char *eq = strchr(p, '=');
		const char *v;
		size_t klen;

		if (!eq || eq >= end) {
			p += strlen(p) + 1;
			continue;
		}
		klen = eq - p;
		v = eq + 1;
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(p, k, klen) == 0)
		if (KEY("event")) {
			text(l->event, sizeof(l->event), v);
		} else if (KEY("ip")) {
			if (v4(v, strlen(v), &l->ip))
				return bad(err, errlen, "address '%.16s' is not IPv4", v);
			have_ip = 1;
		} else if (KEY("mask")) {
			char *e;
			unsigned long m = strtoul(v, &e, 10);
			if (*e || e == v || m > 32)
				return bad(err, errlen, "prefix length '%.8s' is "
					"not 0-32", v);
			l->prefix = m;
			have_mask = 1;
		} else if (KEY("router")) {
			v4_list(v, &l->router, 1);
		} else if (KEY("dns")) {
			l->nr_dns = v4_list(v, l->dns, PLAN_MAX_DNS);
		} else if (KEY("serverid")) {
			v4_list(v, &l->server, 1);
		} else if (KEY("lease")) {
			l->lease_time = strtoul(v, NULL, 10);
		} else if (KEY("hostname")) {
			text(l->hostname, sizeof(l->hostname), v);
		} else if (KEY("domain")) {
			text(l->domain, sizeof(l->domain), v);
		} else if (KEY("rootpath")) {
			/* checked by rootpath_parse(); keep it whole */
			if (strlen(v) > LEASE_ROOTPATH_MAX)
				return bad(err, errlen, "root-path: longer than %u "
					"characters", LEASE_ROOTPATH_MAX);
			strcpy(l->rootpath, v);
		} else if (KEY("opt203")) {
			hex_text(l->initiator, sizeof(l->initiator), v);
		} else if (KEY("staticroutes")) {
			if (static_routes(l, v, 121, err, errlen))
				return -1;
			have_121 = 1;
		} else if (KEY("msstaticroutes") && !have_121) {
			/* Windows DHCP servers send 249 instead; 121 wins */
			if (static_routes(l, v, 249, err, errlen))
				return -1;
		}
#undef KEY
		p += strlen(p) + 1;
	}
	if (!have_ip)
		return bad(err, errlen, "no address in the lease");
	if (!have_mask) {
		/* No subnet option: the address's class, as the kernel's
		 * SIOCSIFADDR and so udhcpc's own default script do. */
		l->prefix = l->ip.a[0] < 128 ? 8 : l->ip.a[0] < 192 ? 16
			: l->ip.a[0] < 224 ? 24 : 32;
	}
	return 0;
}

static size_t put(char *out, size_t size, size_t len, const char *key, const char *val)
{
	/* KEY='value', with ' and ! escaped as klibc does */
	len += snprintf(out + len, len < size ? size - len : 0, "%s='", key);
	for (; *val; val++) {
		if (*val == '\'' || *val == '!')
			len += snprintf(out + len, len < size ? size - len : 0,
				"'\\%c'", *val);
		else if (len + 1 < size)	/* one line per key, always */
			out[len++] = (unsigned char)*val < 0x20 || *val == 0x7f
				? '?' : *val, out[len] = '\0';
		else
			len++;
	}
	len += snprintf(out + len, len < size ? size - len : 0, "'\n");
	return len;
}

void netconf_format(char *out, size_t size, const struct plan *p,
		const struct plan_nic *n, const char *proto, const char *rootpath,
		uint32_t lease_time)
{
	static const struct ibft_addr any = { IBFT_AF_INET, { 0 } };
	char a[48], num[16];
	size_t len = 0;
	uint32_t m = n->prefix ? 0xffffffffu << (32 - n->prefix) : 0;
	struct ibft_addr mask = { IBFT_AF_INET, { m >> 24, m >> 16, m >> 8, m } };
	struct ibft_addr bcast = n->ip;
	unsigned i;

	if (!size)
		return;
	out[0] = '\0';
	for (i = 0; i < 4; i++)
		bcast.a[i] |= ~mask.a[i];
	len = put(out, size, len, "DEVICE", n->dev);
	len = put(out, size, len, "PROTO", proto);
	len = put(out, size, len, "IPV4ADDR", ibft_addr_str(n->ip.family ? &n->ip : &any, a));
	len = put(out, size, len, "IPV4BROADCAST", ibft_addr_str(n->ip.family ? &bcast : &any, a));
	len = put(out, size, len, "IPV4NETMASK", ibft_addr_str(&mask, a));
	len = put(out, size, len, "IPV4GATEWAY",
		ibft_addr_str(n->gateway.family ? &n->gateway : &any, a));
	len = put(out, size, len, "IPV4DNS0", ibft_addr_str(p->nr_dns > 0 ? &p->dns[0] : &any, a));
	len = put(out, size, len, "IPV4DNS1", ibft_addr_str(p->nr_dns > 1 ? &p->dns[1] : &any, a));
	len = put(out, size, len, "HOSTNAME", n->hostname);
	len = put(out, size, len, "DNSDOMAIN", "");
	len = put(out, size, len, "ROOTSERVER", ibft_addr_str(n->dhcp.family ? &n->dhcp : &any, a));
	len = put(out, size, len, "ROOTPATH", rootpath ? rootpath : "");
	snprintf(num, sizeof(num), "%u", (unsigned)lease_time);
	len = put(out, size, len, "DHCPLEASETIME", num);
	if (len >= size)	/* cut: never leave half a line */
		*(strrchr(out, '\n') ? strrchr(out, '\n') + 1 : out) = '\0';
}
