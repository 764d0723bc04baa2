/* The kernel's parsed iBFT (/sys/firmware/ibft, module iscsi_ibft) read
 * back into struct ibft_table: the source for kernels that lock /dev/mem.
 * Reads files with plain libc and checks every value like ibft_parse(). */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ibft.h"

struct sctx {
	const char *root;
	char what[24];
	ibft_report_fn report;
	void *rctx;
};

static void problem(struct sctx *c, const char *field, const char *msg)
{
	char line[160];

	snprintf(line, sizeof(line), "%s: %s: %s", c->what, field, msg);
	if (c->report)
		c->report(c->rctx, line);
}

/* Read one attribute; "" when absent (the kernel hides unset fields).
 * Returns -1 when present but not acceptable. */
static int attr(struct sctx *c, const char *field, char *buf, size_t max, int secret)
{
	char path[256];
	ssize_t n;
	size_t i;
	int fd;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s/%s", c->root, c->what, field);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, max + 1);	/* +1 for the kernel's newline */
	close(fd);
	if (n < 0)
		n = 0;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if ((size_t)n > max) {
		problem(c, field, "value is too long");
		buf[0] = '\0';
		return -1;
	}
	buf[n] = '\0';
	for (i = 0; i < (size_t)n; i++) {
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] >= 0x7f) {
			problem(c, field, secret ? "not printable ASCII"
				: "has a byte that is not printable ASCII");
			buf[0] = '\0';
			return -1;
		}
	}
	return 0;
}

static int attr_num(struct sctx *c, const char *field, unsigned max, unsigned *v)
{
	char buf[16], *end;
	unsigned long n;

	*v = 0;
	if (attr(c, field, buf, sizeof(buf) - 1, 0))
		return -1;
	if (!buf[0])
		return 0;
	n = strtoul(buf, &end, 0);
	if (*end || n > max) {
		problem(c, field, "not a number in range");
		return -1;
	}
	*v = n;
	return 0;
}

static int attr_addr(struct sctx *c, const char *field, struct ibft_addr *a)
{
	char buf[64];

	memset(a, 0, sizeof(*a));
	if (attr(c, field, buf, sizeof(buf) - 1, 0))
		return -1;
	if (!buf[0])
		return 0;
	if (inet_pton(AF_INET, buf, a->a) == 1) {
		a->family = IBFT_AF_INET;
		if (!(a->a[0] | a->a[1] | a->a[2] | a->a[3]))
			a->family = IBFT_AF_NONE;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, a->a) == 1) {
		static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
		a->family = IBFT_AF_INET6;
		if (memcmp(a->a, mapped, 12) == 0) {
			memmove(a->a, a->a + 12, 4);
			memset(a->a + 4, 0, 12);
			a->family = IBFT_AF_INET;
		}
		return 0;
	}
	problem(c, field, "not an IP address");
	return -1;
}

/* The kernel prints the 8 LUN bytes with "%x" each, unpadded.  16 digits
 * or 8 digits are unambiguous; the usual single-level LUN ("0" "NN"
 * "000000") is recognised; anything else is reported. */
static int attr_lun(struct sctx *c, uint8_t lun[8])
{
	char buf[20], hex[3] = "";
	size_t len, i;

	memset(lun, 0, 8);
	if (attr(c, "lun", buf, 16, 0))
		return -1;
	len = strlen(buf);
	if (strspn(buf, "0123456789abcdefABCDEF") != len)
		goto bad;
	if (len == 16 || len == 8) {
		size_t w = len / 8;
		for (i = 0; i < 8; i++) {
			memcpy(hex, buf + i * w, w);
			hex[w] = '\0';
			lun[i] = strtoul(hex, NULL, 16);
		}
		return 0;
	}
	if (len == 9 && buf[0] == '0' && strcmp(buf + 3, "000000") == 0) {
		memcpy(hex, buf + 1, 2);
		lun[1] = strtoul(hex, NULL, 16);
		return 0;
	}
	if (len == 0)
		return 0;
 bad:
	problem(c, "lun", "ambiguous in the kernel's form; shown as 0");
	return 0;	/* the LUN is informational: login covers all LUNs */
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6], i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &v[0], &v[1], &v[2], &v[3],
			&v[4], &v[5]) != 6 || strlen(s) != 17)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = v[i];
	return 0;
}

static int read_nic(struct sctx *c, struct ibft_nic *n)
{
	unsigned v;
	char buf[24];
	int bad = 0;

	bad |= attr_num(c, "index", 255, &v); n->index = v;
	bad |= attr_num(c, "flags", 255, &v); n->flags = v;
	bad |= attr_addr(c, "ip-addr", &n->ip);
	bad |= attr_num(c, "prefix-len", n->ip.family == IBFT_AF_INET6 ? 128 : 32, &v);
	n->prefix = v;
	bad |= attr_num(c, "origin", 255, &v); n->origin = v;
	bad |= attr_addr(c, "gateway", &n->gateway);
	bad |= attr_addr(c, "primary-dns", &n->dns1);
	bad |= attr_addr(c, "secondary-dns", &n->dns2);
	bad |= attr_addr(c, "dhcp", &n->dhcp);
	bad |= attr_num(c, "vlan", 0xffff, &v); n->vlan = v;
	bad |= attr(c, "mac", buf, sizeof(buf) - 1, 0);
	if (!bad && buf[0] && parse_mac(buf, n->mac)) {
		problem(c, "mac", "not a MAC address");
		bad = -1;
	}
	bad |= attr(c, "hostname", n->hostname, IBFT_HOSTNAME_MAX, 0);
	return bad;
}

static int read_target(struct sctx *c, struct ibft_target *t)
{
	unsigned v;
	int bad = 0;

	bad |= attr_num(c, "index", 255, &v); t->index = v;
	bad |= attr_num(c, "flags", 255, &v); t->flags = v;
	bad |= attr_addr(c, "ip-addr", &t->ip);
	bad |= attr_num(c, "port", 0xffff, &v); t->port = v;
	bad |= attr_lun(c, t->lun);
	bad |= attr_num(c, "chap-type", IBFT_CHAP_MUTUAL, &v); t->chap_type = v;
	bad |= attr_num(c, "nic-assoc", 255, &v); t->nic_assoc = v;
	bad |= attr(c, "target-name", t->name, IBFT_NAME_MAX, 0);
	bad |= attr(c, "chap-name", t->chap_name, IBFT_CHAP_MAX, 0);
	bad |= attr(c, "chap-secret", t->chap_secret, IBFT_CHAP_MAX, 1);
	bad |= attr(c, "rev-chap-name", t->rchap_name, IBFT_CHAP_MAX, 0);
	bad |= attr(c, "rev-chap-name-secret", t->rchap_secret, IBFT_CHAP_MAX, 1);
	if (bad)
		return -1;
	if (t->ip.family == IBFT_AF_NONE || !t->name[0]) {
		problem(c, t->name[0] ? "ip-addr" : "target-name", "is not set");
		return -1;
	}
	if (t->chap_type && (!t->chap_name[0] || !t->chap_secret[0])) {
		problem(c, "chap-name", "CHAP is on but name or secret is empty");
		return -1;
	}
	return 0;
}

int ibft_read_sysfs(const char *root, struct ibft_table *t,
		ibft_report_fn report, void *rctx)
{
	struct sctx c = { .root = root, .report = report, .rctx = rctx };
	struct dirent *de;
	unsigned v, i, j;
	DIR *d;

	memset(t, 0, sizeof(*t));
	d = opendir(root);
	if (!d)
		return -1;
	strcpy(t->signature, "iBFT");
	strcpy(c.what, "acpi_header");
	attr(&c, "oem_id", t->oem_id, sizeof(t->oem_id) - 1, 0);
	attr(&c, "oem_table_id", t->oem_table_id, sizeof(t->oem_table_id) - 1, 0);
	strcpy(c.what, "initiator");
	if (attr(&c, "initiator-name", t->initiator.name, IBFT_NAME_MAX, 0) == 0
	 && t->initiator.name[0]) {
		t->initiator.present = 1;
		attr_num(&c, "flags", 255, &v);
		t->initiator.flags = v;
	}
	/* readdir order is arbitrary: collect, then sort by index. */
	while ((de = readdir(d)) != NULL) {
		int nic = strncmp(de->d_name, "ethernet", 8) == 0;
		int tgt = strncmp(de->d_name, "target", 6) == 0;

		if ((!nic && !tgt) || strlen(de->d_name) >= sizeof(c.what))
			continue;
		strcpy(c.what, de->d_name);
		if (nic && t->nr_nics < IBFT_MAX_NICS) {
			struct ibft_nic *n = &t->nic[t->nr_nics];
			if (read_nic(&c, n) || !(n->flags & IBFT_FL_VALID)) {
				t->nr_problems += !(n->flags & IBFT_FL_VALID) ? 0 : 1;
				memset(n, 0, sizeof(*n));
				continue;
			}
			n->slot = n->index;
			t->nr_nics++;
		} else if (tgt && t->nr_targets < IBFT_MAX_TARGETS) {
			struct ibft_target *g = &t->target[t->nr_targets];
			if (!(attr_num(&c, "flags", 255, &v) == 0 && (v & IBFT_FL_VALID)))
				continue;
			if (read_target(&c, g)) {
				t->nr_problems++;
				memset(g, 0, sizeof(*g));
				continue;
			}
			g->slot = g->index;
			t->nr_targets++;
		}
	}
	closedir(d);
	for (i = 1; i < t->nr_nics; i++)
		for (j = i; j && t->nic[j - 1].index > t->nic[j].index; j--) {
			struct ibft_nic tmp = t->nic[j];
			t->nic[j] = t->nic[j - 1];
			t->nic[j - 1] = tmp;
		}
	for (i = 1; i < t->nr_targets; i++)
		for (j = i; j && t->target[j - 1].index > t->target[j].index; j--) {
			struct ibft_target tmp = t->target[j];
			t->target[j] = t->target[j - 1];
			t->target[j - 1] = tmp;
		}
	/* Drop targets whose NIC we do not have, as ibft_parse() does. */
	for (i = 0; i < t->nr_targets; ) {
		for (j = 0; j < t->nr_nics; j++)
			if (t->nic[j].index == t->target[i].nic_assoc)
				break;
		if (j < t->nr_nics) {
			i++;
			continue;
		}
		snprintf(c.what, sizeof(c.what), "target%u", t->target[i].index);
		problem(&c, "nic-assoc", "names no valid NIC");
		t->nr_problems++;
		t->nr_targets--;
		memmove(&t->target[i], &t->target[i + 1],
			(t->nr_targets - i) * sizeof(t->target[0]));
	}
	return (t->nr_nics || t->nr_targets || t->initiator.present) ? 0 : -1;
}
