/* libFuzzer target for what a DHCP server controls: any bytes go through
 * rootpath_parse() (option 17) and iscsi_name_check(), through
 * lease_parse() and netconf_format() as a udhcpc lease record and as the
 * DHCP message in one (its string options, option 119, option 175), and
 * through dns_answer() as a DNS reply.  The invariants are the ones
 * iscsi-init relies on: error and warning lines are one printable line,
 * parsed fields are printable and bounded, and /run/net-IF.conf stays
 * safe to source. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../applet/rootpath.h"
#include "../../applet/lease.h"
#include "../../applet/dns.h"
#include "../../applet/iscsi_name.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

/* NUL-terminated within size; printable when printable is set */
static void check_str(const char *s, size_t size, int printable)
{
	size_t i, n = strnlen(s, size);

	check(n < size);
	for (i = 0; printable && i < n; i++)
		check((unsigned char)s[i] > 0x20 && (unsigned char)s[i] < 0x7f);
}

static void check_line(const char *s, size_t size)
{
	size_t i, n = strnlen(s, size);

	check(n > 0 && n < size);
	for (i = 0; i < n; i++)
		check((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f);
}

static void fuzz_rootpath(const uint8_t *data, size_t size)
{
	struct rootpath rp;
	char err[160];

	memset(err, 0, sizeof(err));
	if (rootpath_parse((const char *)data, size, &rp, err, sizeof(err)) != 0) {
		check_line(err, sizeof(err));
		return;
	}
	check(rp.port > 0);
	check(rp.target[0] != '\0');
	check_str(rp.target, sizeof(rp.target), 1);
	check_str(rp.server, sizeof(rp.server), 1);
	check_str(rp.netdev, sizeof(rp.netdev), 1);
	check_str(rp.iface, sizeof(rp.iface), 1);
	check_str(rp.user, sizeof(rp.user), 0);
	check_str(rp.pass, sizeof(rp.pass), 0);
	check(rp.addr.family == IBFT_AF_NONE || rp.addr.family == IBFT_AF_INET
		|| rp.addr.family == IBFT_AF_INET6);
}

/* /run/net-IF.conf: every line KEY='...' with quotes balanced, so that
 * sourcing it runs nothing. */
static void check_netconf(const char *text)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		int quoted = 0;

		check(nl != NULL);
		check(*p >= 'A' && *p <= 'Z');
		for (; p < nl; p++) {
			if (*p == '\'')
				quoted = !quoted;
			else if (!quoted && *p == '\\')	/* \' or \! only */
				check(*++p == '\'' || *p == '!');
			else if (!quoted)
				check(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_=", *p) != NULL);
			else
				check(*p != '\n' && *p != '!');
		}
		check(!quoted);
		p = nl + 1;
	}
}

/* printable ASCII, spaces included */
static void check_text(const char *s, size_t size)
{
	size_t i, n = strnlen(s, size);

	check(n < size);
	for (i = 0; i < n; i++)
		check((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f);
}

/* lease_parse()'s report: one printable line each */
static void warning(void *ctx, const char *msg)
{
	(void)ctx;
	check_line(msg, 512);
}

static void fuzz_name(const uint8_t *data, size_t size)
{
	char name[300], why[128];
	int rc;

	if (size >= sizeof(name))
		return;
	memcpy(name, data, size);
	name[size] = '\0';
	memset(why, 'x', sizeof(why));
	rc = iscsi_name_check(name, why, sizeof(why));
	check(rc >= -1 && rc <= 1);
	if (rc)
		check_line(why, sizeof(why));
	else
		check(why[0] == '\0');
	/* a name taken is printable ASCII, bounded, no template */
	if (rc >= 0)
		check(strlen(name) <= ISCSI_NAME_MAX && !strstr(name, "${")
			&& strspn(name, " ") == 0);
}

/* the lease: checked the same whichever way it came */
static void check_lease(const char *rec, size_t len)
{
	static struct lease l;
	static struct plan p;
	static char text[16384];
	char err[160];
	unsigned i;

	memset(err, 0, sizeof(err));
	if (lease_parse(rec, len, &l, warning, NULL, err, sizeof(err)) != 0) {
		check_line(err, sizeof(err));
		return;
	}
	check(l.ip.family == IBFT_AF_INET);
	check(l.prefix <= 32);
	check(l.nr_dns <= PLAN_MAX_DNS);
	check(l.nr_routes <= LEASE_MAX_ROUTES);
	for (i = 0; i < l.nr_routes; i++)
		check(l.route[i].prefix <= 32);
	check_str(l.hostname, sizeof(l.hostname), 1);
	/* option 15: names, one space between (several: the search list) */
	check_text(l.domain, sizeof(l.domain));
	check(l.domain[0] != ' ' && !strstr(l.domain, "  ")
		&& (!l.domain[0] || l.domain[strlen(l.domain) - 1] != ' '));
	check_str(l.initiator, sizeof(l.initiator), 1);
	if (l.initiator[0])
		check(iscsi_name_check(l.initiator, NULL, 0) >= 0);
	check_text(l.rootpath, sizeof(l.rootpath));
	check_text(l.search, sizeof(l.search));
	check(l.search[0] != ' ' && !strstr(l.search, "  "));
	check_text(l.chap_name, sizeof(l.chap_name));
	check_text(l.chap_secret, sizeof(l.chap_secret));
	check_text(l.rchap_name, sizeof(l.rchap_name));
	check_text(l.rchap_secret, sizeof(l.rchap_secret));
	/* pairs whole, the reverse one only with the first */
	check(!l.chap_name[0] == !l.chap_secret[0]);
	check(!l.rchap_name[0] == !l.rchap_secret[0]);
	check(!l.rchap_name[0] || l.chap_name[0]);

	memset(&p, 0, sizeof(p));
	p.nr_nics = 1;
	strcpy(p.nic[0].ifname, "eth0");
	strcpy(p.nic[0].dev, "eth0");
	p.nic[0].ip = l.ip;
	p.nic[0].prefix = l.prefix;
	p.nic[0].gateway = l.router;
	p.nic[0].dns1 = l.dns[0];
	p.nic[0].dns2 = l.dns[1];
	strcpy(p.nic[0].hostname, l.hostname);
	strcpy(p.hostname, l.hostname);
	netconf_format(text, sizeof(text), &p, &p.nic[0], "dhcp", l.rootpath,
		l.lease_time);
	check_netconf(text);
}

/* the bytes as a udhcpc lease record */
static void fuzz_lease(const uint8_t *data, size_t size)
{
	char *rec = malloc(size + 2);

	check(rec != NULL);
	memcpy(rec, data, size);
	rec[size] = rec[size + 1] = '\0';
	check_lease(rec, size + 2);
	free(rec);
}

/* the bytes as the DHCP message's options (after a zero BOOTP header and
 * the magic cookie; the first 192 bytes are also file and sname, where
 * option 52 may send the scan) in a record as udhcpc's child makes it */
static void fuzz_message(const uint8_t *data, size_t size)
{
	static const char head[] = "ip=10.0.0.1\0mask=8\0packet=";
	uint8_t m[LEASE_PACKET_MAX];
	char *rec, *p;
	size_t n = 240 + size, i;

	if (n > sizeof(m))
		return;
	memset(m, 0, 240);
	memcpy(m + 44, data, size < 192 ? size : 192);
	memcpy(m + 236, "\x63\x82\x53\x63", 4);
	memcpy(m + 240, data, size);
	rec = malloc(sizeof(head) + 2 * n + 2);
	check(rec != NULL);
	memcpy(rec, head, sizeof(head) - 1);
	p = rec + sizeof(head) - 1;
	for (i = 0; i < n; i++, p += 2) {
		p[0] = "0123456789abcdef"[m[i] >> 4];
		p[1] = "0123456789abcdef"[m[i] & 15];
	}
	p[0] = p[1] = '\0';
	check_lease(rec, p + 2 - rec);
	free(rec);
}

static void fuzz_dns(const uint8_t *data, size_t size)
{
	struct ibft_addr a;
	uint16_t id = size >= 2 ? (uint16_t)(data[0] << 8 | data[1]) : 0;
	int rc = dns_answer(data, size, id, &a);

	check(rc >= -1 && rc <= 1);
	if (rc == 0)
		check(a.family == IBFT_AF_INET);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_rootpath(data, size);
	fuzz_name(data, size);
	fuzz_lease(data, size);
	fuzz_message(data, size);
	fuzz_dns(data, size);
	return 0;
}
