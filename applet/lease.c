/* DHCP lease records from udhcpc (its environment and the DHCP message),
 * and klibc-style /run/net-IF.conf text.  Pure (see lease.h). */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lease.h"
#include "rootpath.h"
#include "iscsi_name.h"

const char lease_keys[] =
	"ip\0" "mask\0" "router\0" "dns\0" "serverid\0" "lease\0"
	"staticroutes\0" "msstaticroutes\0";

enum {
	OPT_HOSTNAME = 12, OPT_DOMAIN = 15, OPT_ROOTPATH = 17, OPT_MTU = 26,
	OPT_OVERLOAD = 52, OPT_SEARCH = 119, OPT_IPXE = 175, OPT_INITIATOR = 203,
	/* iPXE's sub-options of 175 (include/ipxe/dhcp.h: DHCP_EB_USERNAME,
	 * _PASSWORD, _REVERSE_USERNAME, _REVERSE_PASSWORD) */
	IPXE_USERNAME = 190, IPXE_PASSWORD, IPXE_REVERSE_USERNAME,
	IPXE_REVERSE_PASSWORD,
	HOSTNAME_MAX = 64,	/* the kernel's (sethostname) */
	DNS_NAME_MAX = 253,
};

/* Where a finding goes: one line each (lease_parse()'s report). */
struct rep {
	plan_report_fn fn;
	void *ctx;
};

static void warn(const struct rep *r, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!r->fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->fn(r->ctx, ibft_plain(msg));
}

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

/*** The DHCP message ***/

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Hex digits to bytes; returns the number of bytes, or -1. */
static int unhex(const char *s, uint8_t *out, size_t max)
{
	size_t n = 0;

	for (; s[0] && n < max; s += 2, n++) {
		int hi = nibble(s[0]), lo = hi < 0 ? -1 : nibble(s[1]);

		if (lo < 0)
			return -1;
		out[n] = hi << 4 | lo;
	}
	return s[0] ? -1 : (int)n;
}

/* Option code of DHCP message m (n bytes) into out: every instance
 * joined in order (RFC 3396), read from the options field and then, as
 * option 52 says (RFC 2132 section 9.3), from file and sname (RFC 2131
 * section 4.1).  Returns its length, or -1 when it is not there. */
static int dhcp_option(const uint8_t *m, size_t n, unsigned code,
		uint8_t *out, size_t max)
{
	/* each area: its offset and length in the message (0: to the end) */
	static const uint8_t area[3][2] = { { 240, 0 }, { 108, 128 }, { 44, 64 } };
	unsigned overload = 0, a;
	size_t got = 0;
	int found = 0;

	if (n < 240 || memcmp(m + 236, "\x63\x82\x53\x63", 4) != 0)
		return -1;	/* not a DHCP message: no options */
	for (a = 0; a < 3; a++) {
		size_t p = area[a][0];
		size_t end = area[a][1] ? p + area[a][1] : n;

		if (a && !(overload & a))	/* 1: file, 2: sname */
			continue;
		if (end > n)
			end = n;
		while (p < end && m[p] != 255) {
			size_t len;

			if (m[p] == 0) {		/* pad */
				p++;
				continue;
			}
			if (p + 2 > end || p + 2 + m[p + 1] > end)
				break;	/* runs past its area: not read */
			len = m[p + 1];
			if (a == 0 && m[p] == OPT_OVERLOAD && len == 1)
				overload = m[p + 2];
			if (m[p] == code) {
				if (len > max - got)
					len = max - got;
				memcpy(out + got, m + p + 2, len);
				got += len;
				found = 1;
			}
			p += 2 + m[p + 1];
		}
	}
	return found ? (int)got : -1;
}

/* A string option's value v (n bytes, n < 0: absent) into dst (max + 1
 * bytes): trailing NULs stripped (RFC 2132 section 2).  A NUL, control
 * or non-ASCII byte inside, or more than max bytes: refused with a
 * warning naming the option (what); for a secret without telling which
 * byte.  Returns its length, or -1 (dst "") when absent or refused. */
static int text_value(const uint8_t *v, int n, char *dst, size_t max,
		const struct rep *r, const char *what, int secret)
{
	int i;

	dst[0] = '\0';
	while (n > 0 && v[n - 1] == 0)
		n--;
	if (n <= 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i] >= 0x20 && v[i] < 0x7f)
			continue;
		if (secret)
			warn(r, "%s: holds a NUL, control or non-ASCII byte; "
				"ignored", what);
		else
			warn(r, "%s: byte %d is 0x%02x, %s; ignored", what, i + 1,
				v[i], v[i] < 0x80 ? "not a printable character"
				: "not ASCII");
		return -1;
	}
	if ((size_t)n > max) {
		warn(r, "%s: longer than %u bytes; ignored", what, (unsigned)max);
		return -1;
	}
	memcpy(dst, v, n);
	dst[n] = '\0';
	return n;
}

/* A DNS name (RFC 1035 labels of 1-63 letters, digits, '-' not first,
 * and '_' as seen in the wild, joined by '.'; one final '.' allowed),
 * n bytes of s. */
static int dns_name_ok(const char *s, size_t n)
{
	size_t i, label = 0;

	if (n && s[n - 1] == '.')
		n--;
	if (n == 0 || n > DNS_NAME_MAX)
		return 0;
	for (i = 0; i <= n; i++) {
		char c = i < n ? s[i] : '.';

		if (c == '.') {
			if (label == 0 || label > 63)
				return 0;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
				|| (c >= '0' && c <= '9') || c == '_'
				|| (c == '-' && label > 0)) {
			label++;
		} else {
			return 0;
		}
	}
	return 1;
}

/* Append name (n bytes) to the search list; 0, or -1 when it is full. */
static int search_add(char *list, const char *name, size_t n)
{
	size_t len = strlen(list);

	if (len + !!len + n > LEASE_SEARCH_MAX)
		return -1;
	if (len)
		list[len++] = ' ';
	memcpy(list + len, name, n);
	list[len + n] = '\0';
	return 0;
}

/* The names of text (spaces or commas between) appended to list, as
 * search_add() does.  0; -1 when one is no DNS name (list as it was
 * then); -2 when list is full (*cut: the first name left out). */
static int text_names(char *list, const char *text, const char **cut)
{
	const char *w = text;
	size_t k;

	for (;;) {
		w += strspn(w, " ,");
		k = strcspn(w, " ,");
		if (!k)
			return 0;
		if (!dns_name_ok(w, k))
			return -1;
		if (search_add(list, w, k)) {
			*cut = w;
			return -2;
		}
		w += k;
	}
}

/* One RFC 1035 name at v[pos] (n bytes), compressed as RFC 3397 allows:
 * a pointer leads to an earlier byte of the option, each one further
 * back than the last, so no loop.  The name, labels joined by '.', goes
 * to name (254 bytes + NUL); returns where the next name starts, or -1. */
static long wire_name(const uint8_t *v, size_t n, size_t pos, char *name,
		size_t *nlen)
{
	size_t p = pos, len = 0, next = 0, limit = pos;

	for (;;) {
		unsigned c;

		if (p >= n)
			return -1;
		c = v[p];
		if (c == 0) {
			if (!next)
				next = p + 1;
			break;
		}
		if ((c & 0xc0) == 0xc0) {
			size_t to;

			if (p + 1 >= n)
				return -1;
			to = (c & 0x3f) << 8 | v[p + 1];
			if (to >= limit)
				return -1;
			if (!next)
				next = p + 2;
			p = limit = to;
			continue;
		}
		if (c > 63 || p + 1 + c > n || len + !!len + c > DNS_NAME_MAX + 1
				|| memchr(v + p + 1, '.', c))
			return -1;
		if (len)
			name[len++] = '.';
		memcpy(name + len, v + p + 1, c);
		len += c;
		p += 1 + c;
	}
	name[len] = '\0';
	*nlen = len;
	return next;
}

/* Option 119 (RFC 3397): RFC 1035 names.  Windows' DHCP server has no
 * type for it, so admins enter it as a string: plain text names (spaces
 * or commas between) are taken too, with a warning. */
static void search_list(struct lease *l, const uint8_t *v, int n,
		const struct rep *r)
{
	static const char what[] = "option 119 (domain search)";
	char name[DNS_NAME_MAX + 2], text[LEASE_PACKET_MAX + 1];
	const char *w;
	size_t pos = 0, nlen;
	int wire = 1, i;

	if (n <= 0)
		return;
	while (pos < (size_t)n) {
		long next = wire_name(v, n, pos, name, &nlen);

		if (next < 0) {
			wire = 0;
			break;
		}
		pos = next;
		if (nlen == 0)		/* the root: nothing to search */
			continue;
		if (!dns_name_ok(name, nlen)) {
			warn(r, "%s: '%.64s' is not a domain name; ignored", what, name);
			l->search[0] = '\0';
			return;
		}
		if (search_add(l->search, name, nlen)) {
			warn(r, "%s: more than %u characters; from '%.64s' on "
				"dropped", what, LEASE_SEARCH_MAX, name);
			return;
		}
	}
	if (wire)
		return;
	l->search[0] = '\0';
	while (n > 0 && v[n - 1] == 0)
		n--;
	for (i = 0; i < n; i++)
		if (v[i] < 0x20 || v[i] >= 0x7f) {
			warn(r, "%s: not RFC 1035 names; ignored", what);
			return;
		}
	if (text_value(v, n, text, sizeof(text) - 1, r, what, 0) < 0)
		return;
	i = text_names(l->search, text, &w);
	if (i == -1) {
		warn(r, "%s: neither RFC 1035 names nor names as text; "
			"ignored", what);
		l->search[0] = '\0';
		return;
	}
	if (i == -2)
		warn(r, "%s: more than %u characters; from '%.64s' on "
			"dropped", what, LEASE_SEARCH_MAX, w);
	warn(r, "%s: plain text, not RFC 1035 names; taken as text", what);
}

/* Option 175: iPXE's encapsulated options, of which the CHAP ones. */
static void ipxe_chap(struct lease *l, const uint8_t *v, int n,
		const struct rep *r)
{
	static const char *const what[] = {
		"option 175.190 (CHAP user name)",
		"option 175.191 (CHAP password)",
		"option 175.192 (reverse CHAP user name)",
		"option 175.193 (reverse CHAP password)",
	};
	char *dst[] = { l->chap_name, l->chap_secret, l->rchap_name,
		l->rchap_secret };
	int p = 0;

	while (p < n && v[p] != 255) {
		unsigned c = v[p];

		if (c == 0) {
			p++;
			continue;
		}
		if (p + 2 > n || p + 2 + v[p + 1] > n) {
			warn(r, "option 175 (iPXE): sub-option %u runs past the "
				"option's end; the rest ignored", c);
			break;
		}
		if (c >= IPXE_USERNAME && c <= IPXE_REVERSE_PASSWORD)
			text_value(v + p + 2, v[p + 1], dst[c - IPXE_USERNAME],
				IBFT_CHAP_MAX, r, what[c - IPXE_USERNAME],
				c == IPXE_PASSWORD || c == IPXE_REVERSE_PASSWORD);
		p += 2 + v[p + 1];
	}
	if (!l->chap_name[0] != !l->chap_secret[0]) {
		warn(r, "option 175 (iPXE): a CHAP user name (190) without a "
			"password (191) or the other way; CHAP from the lease ignored");
		memset(l->chap_name, 0, sizeof(l->chap_name));
		memset(l->chap_secret, 0, sizeof(l->chap_secret));
	}
	if (!l->rchap_name[0] != !l->rchap_secret[0] || (l->rchap_name[0]
			&& !l->chap_name[0])) {
		warn(r, "option 175 (iPXE): %s; reverse CHAP from the lease ignored",
			!l->rchap_name[0] != !l->rchap_secret[0]
			? "a reverse CHAP user name (192) without a password (193) "
			  "or the other way" : "reverse CHAP (192, 193) without "
			  "CHAP (190, 191)");
		memset(l->rchap_name, 0, sizeof(l->rchap_name));
		memset(l->rchap_secret, 0, sizeof(l->rchap_secret));
	}
}

/* The options iscsi-init reads from the message m (n bytes): the MTU
 * and the string options. */
static void string_options(struct lease *l, const uint8_t *m, size_t n,
		const struct rep *r)
{
	uint8_t v[LEASE_PACKET_MAX];
	char why[128], text[sizeof(l->domain)];
	struct rootpath rp;
	int k;

	k = dhcp_option(m, n, OPT_HOSTNAME, v, sizeof(v));
	if (text_value(v, k, l->hostname, HOSTNAME_MAX, r,
			"option 12 (host name)", 0) > 0
	 && (!dns_name_ok(l->hostname, strlen(l->hostname))
	  || l->hostname[strlen(l->hostname) - 1] == '.')) {
		warn(r, "option 12 (host name): '%s' is not a host name "
			"(letters, digits, '-', '_' in labels joined by '.'); "
			"ignored", l->hostname);
		l->hostname[0] = '\0';
	}

	/* RFC 2132 section 5.1: 16 bits, at least 68 (RFC 791's minimum) */
	k = dhcp_option(m, n, OPT_MTU, v, sizeof(v));
	if (k == 2 && (v[0] << 8 | v[1]) >= 68)
		l->mtu = v[0] << 8 | v[1];
	else if (k == 2)
		warn(r, "option 26 (interface MTU): %u is below the minimum 68; "
			"ignored", v[0] << 8 | v[1]);
	else if (k >= 0)
		warn(r, "option 26 (interface MTU): %d bytes, not 2; ignored", k);

	k = dhcp_option(m, n, OPT_SEARCH, v, sizeof(v));
	search_list(l, v, k, r);

	/* One name (RFC 2132), spaces around it dropped.  Several (ISC's
	 * dhcpd and Windows' servers are set up so) are the search list
	 * when there is no option 119, as dhclient's and udhcpc's scripts
	 * write them to resolv.conf. */
	k = dhcp_option(m, n, OPT_DOMAIN, v, sizeof(v));
	if (text_value(v, k, text, sizeof(l->domain) - 1, r,
			"option 15 (domain name)", 0) > 0) {
		const char *cut, *more = strlen(text) > 64 ? "..." : "";

		l->domain[0] = '\0';
		if (text_names(l->domain, text, &cut)) {
			warn(r, "option 15 (domain name): '%.64s%s' is not a domain "
				"name; ignored", text, more);
			l->domain[0] = '\0';
		} else if (strchr(l->domain, ' ')) {
			warn(r, "option 15 (domain name): '%.64s%s' is several names; "
				"%s", text, more, l->search[0] ? "option 119 is the "
				"search list" : "taken as the search list");
		}
	}

	k = dhcp_option(m, n, OPT_INITIATOR, v, sizeof(v));
	if (text_value(v, k, l->initiator, IBFT_NAME_MAX, r,
			"option 203 (initiator name)", 0) > 0) {
		int c = iscsi_name_check(l->initiator, why, sizeof(why));

		if (c)
			warn(r, "option 203 (initiator name): %s; %s", why,
				c < 0 ? "ignored" : "used as it is");
		if (c < 0)
			l->initiator[0] = '\0';
	}

	k = dhcp_option(m, n, OPT_ROOTPATH, v, sizeof(v));
	if (text_value(v, k, l->rootpath, LEASE_ROOTPATH_MAX, r,
			"option 17 (root-path)", 0) > 0
	 && rootpath_parse(l->rootpath, strlen(l->rootpath), &rp, why,
			sizeof(why)) == 0
	 && iscsi_name_check(rp.target, why, sizeof(why)) > 0) {
		/* errors are the plan's to tell, when it uses the root-path */
		warn(r, "option 17 (root-path): target name: %s; used as it is",
			why);
	}
	memset(&rp, 0, sizeof(rp));	/* it may hold credentials */

	k = dhcp_option(m, n, OPT_IPXE, v, sizeof(v));
	ipxe_chap(l, v, k, r);
	memset(v, 0, sizeof(v));
}

int lease_parse(const char *rec, size_t len, struct lease *l,
		plan_report_fn report, void *ctx, char *err, size_t errlen)
{
	const struct rep r = { report, ctx };
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
			if (strlen(v) < sizeof(l->event)
			 && strspn(v, "abcdefghijklmnopqrstuvwxyz") == strlen(v))
				strcpy(l->event, v);
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
		} else if (KEY(LEASE_PACKET_KEY)) {
			uint8_t m[LEASE_PACKET_MAX];
			int n = unhex(v, m, sizeof(m));

			if (n < 0)
				return bad(err, errlen, "the DHCP message: not %u "
					"bytes as hex digits", LEASE_PACKET_MAX);
			string_options(l, m, n, &r);
			memset(m, 0, sizeof(m));	/* it may hold secrets */
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
	len = put(out, size, len, "DNSDOMAIN", n->domain);	/* option 15 */
	len = put(out, size, len, "ROOTSERVER", ibft_addr_str(n->dhcp.family ? &n->dhcp : &any, a));
	len = put(out, size, len, "ROOTPATH", rootpath ? rootpath : "");
	snprintf(num, sizeof(num), "%u", (unsigned)lease_time);
	len = put(out, size, len, "DHCPLEASETIME", num);
	/* klibc's: this NIC's lease's search list (119), else its domain
	 * (15) */
	len = put(out, size, len, "DOMAINSEARCH", n->search);
	if (len >= size)	/* cut: never leave half a line */
		*(strrchr(out, '\n') ? strrchr(out, '\n') + 1 : out) = '\0';
}
