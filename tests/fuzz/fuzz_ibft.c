/* libFuzzer target for the iBFT parser: any bytes go through ibft_parse()
 * and ibft_scan(); every report line and every decoded field is checked
 * for the invariants the rest of iscsi-init relies on. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../applet/ibft.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

static void report(void *ctx, const char *msg)
{
	size_t i, n;

	(void)ctx;
	check(msg != NULL);
	n = strlen(msg);
	check(n > 0);
	for (i = 0; i < n; i++)	/* one printable line: safe on a console */
		check((unsigned char)msg[i] >= 0x20 && (unsigned char)msg[i] < 0x7f);
}

static void check_str(const char *s, size_t size)
{
	size_t i, n = strnlen(s, size);

	check(n < size);
	for (i = 0; i < n; i++)
		check((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] != 0x7f);
}

static void check_addr(const struct ibft_addr *a)
{
	char buf[46];

	check(a->family == IBFT_AF_NONE || a->family == IBFT_AF_INET ||
			a->family == IBFT_AF_INET6);
	ibft_addr_str(a, buf);
	check(strnlen(buf, sizeof(buf)) < sizeof(buf));
	check((a->family == IBFT_AF_NONE) == (buf[0] == '\0'));
}

static void parse_and_check(const uint8_t *data, size_t size)
{
	static struct ibft_table t;
	unsigned i;

	if (ibft_parse(data, size, &t, report, NULL) == 0) {
		check(t.nr_nics <= IBFT_MAX_NICS);
		check(t.nr_targets <= IBFT_MAX_TARGETS);
		check(strnlen(t.signature, sizeof(t.signature)) < sizeof(t.signature));
		if (t.initiator.present) {
			check_str(t.initiator.name, sizeof(t.initiator.name));
			check_addr(&t.initiator.isns);
			check_addr(&t.initiator.radius2);
		}
		for (i = 0; i < t.nr_nics; i++) {
			const struct ibft_nic *n = &t.nic[i];

			check_str(n->hostname, sizeof(n->hostname));
			check_addr(&n->ip);
			check_addr(&n->gateway);
			check_addr(&n->dns1);
			check_addr(&n->dns2);
			check_addr(&n->dhcp);
			check(n->ip.family != IBFT_AF_INET || n->prefix <= 32);
			check(n->prefix <= 128);
		}
		for (i = 0; i < t.nr_targets; i++) {
			const struct ibft_target *g = &t.target[i];

			check_str(g->name, sizeof(g->name));
			check_str(g->chap_name, sizeof(g->chap_name));
			check_str(g->chap_secret, sizeof(g->chap_secret));
			check_str(g->rchap_name, sizeof(g->rchap_name));
			check_str(g->rchap_secret, sizeof(g->rchap_secret));
			check_addr(&g->ip);
			check(g->chap_type <= IBFT_CHAP_MUTUAL);
			(void)ibft_lun_int(g->lun);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;
	size_t len, i;
	uint8_t sum = 0;
	long at;

	parse_and_check(data, size);

	/* Again with the checksum made right, so mutations reach the
	 * structures instead of dying at the header.  Exact-size copy: the
	 * sanitizer sees any read past the end. */
	if (size >= 10 && (copy = malloc(size)) != NULL) {
		memcpy(copy, data, size);
		len = copy[4] | copy[5] << 8 | copy[6] << 16 | (size_t)copy[7] << 24;
		if (len > size)
			len = size;
		copy[9] = 0;
		for (i = 0; i < len; i++)
			sum += copy[i];
		copy[9] = -sum;
		parse_and_check(copy, size);
		free(copy);
	}

	/* the same bytes as a low-memory image, below and across the hole */
	at = ibft_scan(data, size, 0x80000);
	check(at == -1 || (at >= 0 && (size_t)at < size && at % 16 == 0));
	at = ibft_scan(data, size, 0x9f000);
	check(at == -1 || (at >= 0 && (size_t)at < size && at % 16 == 0));
	return 0;
}
