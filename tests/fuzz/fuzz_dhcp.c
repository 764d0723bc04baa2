/* libFuzzer target for what a DHCP server controls: any bytes go through
 * rootpath_parse() (option 17), and through lease_parse() and
 * netconf_format() as a udhcpc lease record, and through dns_answer() as
 * a DNS reply.  The invariants are the ones iscsi-init relies on: error
 * lines are one printable line, parsed fields are printable and bounded,
 * and /run/net-IF.conf stays safe to source. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../applet/rootpath.h"
#include "../../applet/lease.h"
#include "../../applet/dns.h"

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

static void fuzz_lease(const uint8_t *data, size_t size)
{
	static struct lease l;
	static struct plan p;
	static char text[16384];
	char err[160], *rec = malloc(size + 2);
	unsigned i;

	check(rec != NULL);
	memcpy(rec, data, size);
	rec[size] = rec[size + 1] = '\0';
	memset(err, 0, sizeof(err));
	if (lease_parse(rec, size + 2, &l, err, sizeof(err)) != 0) {
		check_line(err, sizeof(err));
		free(rec);
		return;
	}
	free(rec);
	check(l.ip.family == IBFT_AF_INET);
	check(l.prefix <= 32);
	check(l.nr_dns <= PLAN_MAX_DNS);
	check(l.nr_routes <= LEASE_MAX_ROUTES);
	for (i = 0; i < l.nr_routes; i++)
		check(l.route[i].prefix <= 32);
	check_str(l.hostname, sizeof(l.hostname), 1);
	check_str(l.domain, sizeof(l.domain), 1);
	check_str(l.initiator, sizeof(l.initiator), 1);
	check_str(l.rootpath, sizeof(l.rootpath), 0);

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
	fuzz_lease(data, size);
	fuzz_dns(data, size);
	return 0;
}
