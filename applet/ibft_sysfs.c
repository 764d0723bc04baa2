/* The kernel's parsed iBFT (/sys/firmware/ibft, module iscsi_ibft) read
 * back into struct ibft_table: the source for kernels that lock /dev/mem.
 * Reads files with plain libc and decodes their text here; every check on
 * a decoded value is ibft_parse()'s own (ibft_check_nic() and friends). */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ibft.h"

struct sctx {
	struct ibft_report r;	/* r.what is also the directory: "target1" */
	const char *root;
};

/* Read root/<what>/<field> into dst, checked by ibft_take_string() (at most
 * max bytes, printable ASCII); "" when the file is absent (the kernel hides
 * unset fields).  Returns -1 when present but not acceptable. */
static int attr(struct sctx *c, const char *field, char *dst, size_t max, int secret)
{
	char path[256], v[IBFT_HOSTNAME_MAX + 2], *p = v, last = 0;
	size_t len = 0;
	ssize_t n;
	int fd;

	dst[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s/%s", c->root, c->r.what, field);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	/* v holds the longest value allowed plus the kernel's newline; a
	 * longer value is refused, so past v only its length is kept. */
	while ((n = read(fd, p, v + sizeof(v) - p)) > 0) {
		len += n;
		last = p[n - 1];
		p += n;
		if (p == v + sizeof(v))
			p = v;
	}
	close(fd);
	if (last == '\n')
		len--;
	return ibft_take_string(&c->r, field, v, len, dst, max, secret);
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
		ibft_problem(&c->r, field, "not a number in range");
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
	ibft_problem(&c->r, field, "not an IP address");
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
	ibft_problem(&c->r, "lun", "ambiguous in the kernel's form; shown as 0");
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
	bad |= attr_num(c, "prefix-len", 255, &v); n->prefix = v;
	bad |= attr_num(c, "origin", 255, &v); n->origin = v;
	bad |= attr_addr(c, "gateway", &n->gateway);
	bad |= attr_addr(c, "primary-dns", &n->dns1);
	bad |= attr_addr(c, "secondary-dns", &n->dns2);
	bad |= attr_addr(c, "dhcp", &n->dhcp);
	bad |= attr_num(c, "vlan", 0xffff, &v); n->vlan = v;
	bad |= attr(c, "mac", buf, sizeof(buf) - 1, 0);
	if (!bad && buf[0] && parse_mac(buf, n->mac)) {
		ibft_problem(&c->r, "mac", "not a MAC address");
		bad = -1;
	}
	bad |= attr(c, "hostname", n->hostname, IBFT_HOSTNAME_MAX, 0);
	return bad ? -1 : ibft_check_nic(&c->r, n);
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
	bad |= attr_num(c, "chap-type", 255, &v); t->chap_type = v;
	bad |= attr_num(c, "nic-assoc", 255, &v); t->nic_assoc = v;
	bad |= attr(c, "target-name", t->name, IBFT_NAME_MAX, 0);
	bad |= attr(c, "chap-name", t->chap_name, IBFT_CHAP_MAX, 0);
	bad |= attr(c, "chap-secret", t->chap_secret, IBFT_CHAP_MAX, 1);
	bad |= attr(c, "rev-chap-name", t->rchap_name, IBFT_CHAP_MAX, 0);
	bad |= attr(c, "rev-chap-name-secret", t->rchap_secret, IBFT_CHAP_MAX, 1);
	return bad ? -1 : ibft_check_target(&c->r, t);
}

/* A directory name ethernetN / targetN: N as the kernel prints it (the
 * structure's index, 0-255), else -1. */
static int dir_number(const char *s)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	if (*s < '0' || *s > '9' || (*s == '0' && s[1]) || *end || n > 255)
		return -1;
	return n;
}

int ibft_read_sysfs(const char *root, struct ibft_table *t,
		ibft_report_fn report, void *rctx)
{
	struct sctx c = { .r = { .fn = report, .ctx = rctx }, .root = root };
	uint8_t seen[2][256 / 8];	/* ethernetN, targetN present */
	struct dirent *de;
	unsigned v;
	int i;
	DIR *d;

	memset(t, 0, sizeof(*t));
	memset(seen, 0, sizeof(seen));
	d = opendir(root);
	if (!d)
		return -1;
	strcpy(t->signature, "iBFT");
	strcpy(c.r.what, "acpi_header");
	attr(&c, "oem_id", t->oem_id, sizeof(t->oem_id) - 1, 0);
	attr(&c, "oem_table_id", t->oem_table_id, sizeof(t->oem_table_id) - 1, 0);
	strcpy(c.r.what, "initiator");
	if (attr(&c, "initiator-name", t->initiator.name, IBFT_NAME_MAX, 0))
		t->nr_problems++;
	else if (t->initiator.name[0]) {
		t->initiator.present = 1;
		attr_num(&c, "flags", 255, &v);
		t->initiator.flags = v;
	}
	/* readdir order is arbitrary: note which N exist, then read them
	 * pair by pair in order, as ibft_parse() walks the control list. */
	while ((de = readdir(d)) != NULL) {
		int tgt = strncmp(de->d_name, "target", 6) == 0;

		if (!tgt && strncmp(de->d_name, "ethernet", 8) != 0)
			continue;
		i = dir_number(de->d_name + (tgt ? 6 : 8));
		if (i >= 0)
			seen[tgt][i / 8] |= 1 << (i % 8);
	}
	closedir(d);
	for (i = 0; i < 256; i++) {
		if (seen[0][i / 8] & (1 << (i % 8))) {
			struct ibft_nic *n = ibft_next_nic(&c.r, t, i);
			if (n)
				ibft_keep_nic(&c.r, t, read_nic(&c, n));
		}
		if (seen[1][i / 8] & (1 << (i % 8))) {
			struct ibft_target *g = ibft_next_target(&c.r, t, i);
			if (g)
				ibft_keep_target(t, read_target(&c, g));
		}
	}
	ibft_check_table(&c.r, t);
	return (t->nr_nics || t->nr_targets || t->initiator.present) ? 0 : -1;
}
