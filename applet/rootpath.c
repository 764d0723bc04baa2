/* iSCSI root-path parser (RFC 4173 and dracut's extended form).  Pure:
 * see rootpath.h. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "rootpath.h"
#include "iscsi_name.h"

enum { RP_MAX_INPUT = 1024, RP_MAX_FIELDS = 6 };

struct span {
	const char *p;
	size_t n;
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "root-path: ");

	va_start(ap, fmt);
	if (n > 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
	if (errlen)	/* the part quoted may be anything a DHCP server sent */
		ibft_plain(err);
	return -1;
}

static int is_print(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] <= 0x20 || (unsigned char)p[i] >= 0x7f)
			return 0;
	return 1;
}

/* iPXE expands ${...} settings in a root-path; a DHCP configuration
 * copied from an iPXE setup brings them here unexpanded. */
static int template(struct span f, const char *what, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i + 1 < f.n; i++)
		if (f.p[i] == '$' && f.p[i + 1] == '{')
			return fail(err, errlen, "%s: holds '${' (an iPXE setting "
				"left unexpanded)", what);
	return 0;
}

/* Copy a field into dst (size max + 1), checking length and characters. */
static int copy(char *dst, size_t max, struct span f, const char *what,
		char *err, size_t errlen)
{
	if (template(f, what, err, errlen))
		return -1;
	if (f.n > max)
		return fail(err, errlen, "%s: longer than %zu characters", what, max);
	if (!is_print(f.p, f.n))
		return fail(err, errlen, "%s: has a space or a non-printable "
			"character", what);
	memcpy(dst, f.p, f.n);
	dst[f.n] = '\0';
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int parse_lun(struct span f, uint8_t lun[8], char *err, size_t errlen)
{
	unsigned group = 0, digits = 0, v = 0;
	size_t i;

	memset(lun, 0, 8);
	if (f.n == 0)
		return 0;
	if (template(f, "LUN", err, errlen))
		return -1;
	for (i = 0; i <= f.n; i++) {
		if (i == f.n || f.p[i] == '-') {
			if (digits == 0)
				return fail(err, errlen, "LUN: '%.*s': empty group",
					(int)f.n, f.p);
			if (group == 4)
				return fail(err, errlen, "LUN: '%.*s': more than 4 "
					"groups", (int)f.n, f.p);
			lun[2 * group] = v >> 8;
			lun[2 * group + 1] = v & 0xff;
			group++;
			digits = v = 0;
			continue;
		}
		if (hexval(f.p[i]) < 0 || ++digits > 4)
			return fail(err, errlen, "LUN: '%.*s' is not 1 to 4 groups of "
				"1 to 4 hex digits joined by '-'", (int)f.n, f.p);
		v = (v << 4) | hexval(f.p[i]);
	}
	return 0;
}

static int parse_port(struct span f, uint16_t *port, char *err, size_t errlen)
{
	unsigned long v = 0;
	size_t i;

	*port = 3260;
	if (f.n == 0)
		return 0;
	if (template(f, "port", err, errlen))
		return -1;
	for (i = 0; i < f.n; i++) {
		if (f.p[i] < '0' || f.p[i] > '9' || i >= 5)
			goto bad;
		v = v * 10 + (f.p[i] - '0');
	}
	if (v >= 1 && v <= 65535) {
		*port = v;
		return 0;
	}
 bad:
	return fail(err, errlen, "port: '%.*s' is not a port number (1-65535)",
		(int)(f.n > 16 ? 16 : f.n), f.p);
}

/* An IPv4 address, or a DNS name: labels of letters, digits, '-' (not at
 * either end) and '_' (seen in the wild), joined by '.'. */
static int parse_server(struct span f, int bracketed, struct rootpath *out,
		char *err, size_t errlen)
{
	char buf[ROOTPATH_HOST_MAX + 1];
	size_t i, label = 0;

	if (f.n == 0)
		return fail(err, errlen, "server: empty (the target's address "
			"is required)");
	if (template(f, "server", err, errlen))
		return -1;
	if (f.n > ROOTPATH_HOST_MAX)
		return fail(err, errlen, "server: longer than %u characters",
			ROOTPATH_HOST_MAX);
	memcpy(buf, f.p, f.n);
	buf[f.n] = '\0';
	if (bracketed) {
		if (memchr(f.p, '\0', f.n) || inet_pton(AF_INET6, buf, out->addr.a) != 1)
			return fail(err, errlen, "server: '[%.*s]' is not an IPv6 "
				"address", (int)(f.n > 46 ? 46 : f.n), is_print(f.p, f.n) ? f.p : "?");
		out->addr.family = IBFT_AF_INET6;
		strcpy(out->server, buf);
		return 0;
	}
	if (inet_pton(AF_INET, buf, out->addr.a) == 1) {
		out->addr.family = IBFT_AF_INET;
		strcpy(out->server, buf);
		return 0;
	}
	/* a fully qualified name may end in a dot: "san.example.org." */
	for (i = 0; i <= f.n - (f.n > 1 && f.p[f.n - 1] == '.'); i++) {
		char c = i < f.n - (f.n > 1 && f.p[f.n - 1] == '.') ? f.p[i] : '.';

		if (c == '.') {
			if (label == 0 || label > 63 || f.p[i - 1] == '-')
				goto bad;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
			|| (c >= '0' && c <= '9') || c == '_'
			|| (c == '-' && label > 0)) {
			label++;
		} else {
			goto bad;
		}
	}
	/* digits and dots only, yet not an address: a typo, not a name */
	if (strspn(buf, "0123456789.") == f.n)
		return fail(err, errlen, "server: '%s' is not an IPv4 address", buf);
	strcpy(out->server, buf);
	return 0;
 bad:
	if (!is_print(f.p, f.n))
		return fail(err, errlen, "server: has a space or a non-printable "
			"character");
	return fail(err, errlen, "server: '%.*s' is neither an IPv4 address, a "
		"DNS name nor an [IPv6] address", (int)(f.n > 64 ? 64 : f.n), f.p);
}

/* Split "a:b:c" in place into up to max spans; returns the count, or max+1
 * when there are more colons. */
static unsigned split(struct span s, struct span *f, unsigned max)
{
	unsigned n = 0;
	const char *p = s.p, *end = s.p + s.n;

	for (;;) {
		const char *c = memchr(p, ':', end - p);
		if (n == max)
			return max + 1;
		f[n].p = p;
		f[n].n = (c ? c : end) - p;
		n++;
		if (!c)
			return n;
		p = c + 1;
	}
}

static int has_name_prefix(struct span f)
{
	return f.n > 4 && (strncasecmp(f.p, "iqn.", 4) == 0
		|| strncasecmp(f.p, "eui.", 4) == 0 || strncasecmp(f.p, "naa.", 4) == 0);
}

int rootpath_parse(const char *s, size_t len, struct rootpath *out,
		char *err, size_t errlen)
{
	struct span rest, f[RP_MAX_FIELDS + 1], srv;
	char why[96];
	const char *at, *p, *end;
	unsigned i, nf, ntok;
	int bracketed = 0;

	memset(out, 0, sizeof(*out));
	if (len > RP_MAX_INPUT)
		return fail(err, errlen, "longer than %u characters", RP_MAX_INPUT);
	if (memchr(s, '\0', len))
		return fail(err, errlen, "contains a NUL byte");
	if (len < 6 || strncasecmp(s, "iscsi:", 6) != 0)
		return fail(err, errlen, "does not start with 'iscsi:'");
	p = s + 6;
	end = s + len;

	/* Credentials: "user:pass@" or "user:pass:in_user:in_pass@" before the
	 * server.  A plain root-path has at least four colons before any '@'
	 * in its target name, so one or three colons mean credentials; an
	 * empty "@" prefix is dracut's way to say "no credentials". */
	at = memchr(p, '@', end - p);
	if (at) {
		struct span cred = { p, at - p };
		unsigned colons = 0;

		for (i = 0; i < cred.n; i++)
			colons += cred.p[i] == ':';
		if (cred.n == 0) {
			p = at + 1;
		} else if (colons == 1 || colons == 3) {
			split(cred, f, 4);
			if (f[0].n == 0 || f[1].n == 0)
				return fail(err, errlen, "credentials: empty user "
					"name or password");
			if (copy(out->user, IBFT_CHAP_MAX, f[0], "user name", err, errlen)
			 || copy(out->pass, IBFT_CHAP_MAX, f[1], "password", err, errlen))
				return -1;
			if (colons == 3) {
				if (f[2].n == 0 || f[3].n == 0)
					return fail(err, errlen, "credentials: empty "
						"incoming user name or password");
				if (copy(out->in_user, IBFT_CHAP_MAX, f[2],
						"incoming user name", err, errlen)
				 || copy(out->in_pass, IBFT_CHAP_MAX, f[3],
						"incoming password", err, errlen))
					return -1;
			}
			p = at + 1;
		}
	}

	/* Server: "[v6]" or up to the next ':' */
	if (p < end && *p == '[') {
		const char *close = memchr(p, ']', end - p);
		if (!close)
			return fail(err, errlen, "server: '[' without ']'");
		srv.p = p + 1;
		srv.n = close - p - 1;
		bracketed = 1;
		p = close + 1;
		if (p == end || *p != ':')
			return fail(err, errlen, "server: ']' must be followed by ':'");
		p++;
	} else {
		const char *c = memchr(p, ':', end - p);
		if (!c)
			return fail(err, errlen, "too few fields (want "
				"iscsi:server:protocol:port:LUN:target)");
		srv.p = p;
		srv.n = c - p;
		if (memchr(srv.p, ']', srv.n))
			return fail(err, errlen, "server: ']' without '['");
		p = c + 1;
	}
	if (parse_server(srv, bracketed, out, err, errlen))
		return -1;

	/* The rest: protocol:port[:[iface:]netdev]:LUN:target, where the
	 * target name may itself hold ':'.  The RFC's form wins; dracut's
	 * longer forms need a target name with a standard prefix. */
	rest.p = p;
	rest.n = end - p;
	ntok = split(rest, f, RP_MAX_FIELDS + 1);
	nf = 3;
	if (ntok >= 5 && !has_name_prefix(f[3])) {
		if (ntok >= 5 && has_name_prefix(f[4]))
			nf = 4;
		if (ntok >= 6 && !has_name_prefix(f[4]) && has_name_prefix(f[5]))
			nf = 5;
	}
	if (ntok < nf + 1)
		return fail(err, errlen, "too few fields (want "
			"iscsi:server:protocol:port:LUN:target)");
	if (template(f[0], "protocol", err, errlen))
		return -1;
	/* RFC 4173 wants the number, 6; "tcp" is seen in real DHCP setups
	 * and iPXE and dracut, which ignore the field, boot with it */
	if (!(f[0].n == 0 || (f[0].n == 1 && f[0].p[0] == '6')
	   || (f[0].n == 3 && strncasecmp(f[0].p, "tcp", 3) == 0)))
		return fail(err, errlen, "protocol: '%.*s' is not 6 (TCP)",
			(int)(f[0].n > 16 ? 16 : f[0].n), is_print(f[0].p, f[0].n) ? f[0].p : "?");
	if (parse_port(f[1], &out->port, err, errlen))
		return -1;
	if (nf == 5 && copy(out->iface, IBFT_NAME_MAX, f[2], "iface", err, errlen))
		return -1;
	if (nf >= 4 && copy(out->netdev, ROOTPATH_IFNAME_MAX, f[nf - 2], "netdev",
			err, errlen))
		return -1;
	if (parse_lun(f[nf - 1], out->lun, err, errlen))
		return -1;
	/* the target name: everything after the LUN's colon */
	rest.p = f[nf - 1].p + f[nf - 1].n + 1;
	rest.n = end - rest.p;
	if (template(rest, "target name", err, errlen))
		return -1;
	if (rest.n > IBFT_NAME_MAX)
		return fail(err, errlen, "target name: longer than %u characters",
			IBFT_NAME_MAX);
	memcpy(out->target, rest.p, rest.n);
	out->target[rest.n] = '\0';
	/* RFC 3720: an error where it cannot be a name; where it merely
	 * breaks the RFC, it is used (the caller may warn) */
	if (iscsi_name_check(out->target, why, sizeof(why)) < 0)
		return fail(err, errlen, "target name: %s", why);
	return 0;
}
