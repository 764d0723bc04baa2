/* The kernel's parsed iBFT (/sys/firmware/ibft, module iscsi_ibft) read
 * back into struct ibft_table: the source for kernels that lock /dev/mem.
 * Reads files with plain libc and decodes their text here; every check on
 * a decoded value is ibft_parse()'s own (ibft_check_nic() and friends). */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
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
static int attr(struct sctx *c, const char *field, char *dst, size_t max,
		unsigned flags)
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
	return ibft_take_string(&c->r, field, v, len, dst, max, flags);
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
	/* the table's own 16 bytes, decoded as a raw table's: the kernel
	 * prints an IPv4 address (::ffff:a.b.c.d) as such, an unset one
	 * maybe as 0.0.0.0 or as 16 zero bytes in full (%pI6) */
	uint8_t raw[16] = { [10] = 0xff, [11] = 0xff };

	memset(a, 0, sizeof(*a));
	if (attr(c, field, buf, sizeof(buf) - 1, 0))
		return -1;
	if (!buf[0])
		return 0;
	if (inet_pton(AF_INET, buf, raw + 12) == 1
	 || inet_pton(AF_INET6, buf, raw) == 1) {
		ibft_addr_from_raw(a, raw);
		return 0;
	}
	ibft_problem(&c->r, field, "not an IP address");
	return -1;
}

/* The kernel prints the 8 LUN bytes with "%x" each, unpadded.  16 digits
 * or 8 digits are unambiguous; the usual single-level LUN ("0" "NN"
 * "000000") is recognised; anything else is reported. */
static int attr_lun(struct sctx *c, const char *field, uint8_t lun[8])
{
	char buf[20], hex[3] = "";
	size_t len, i;

	if (attr(c, field, buf, 16, 0))
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
	ibft_problem(&c->r, field, "ambiguous in the kernel's form; shown as 0");
	return 0;	/* the LUN is informational: login covers all LUNs */
}

/* "52:54:00:12:34:56", the kernel's %pM */
static int attr_mac(struct sctx *c, const char *field, uint8_t mac[6])
{
	char buf[24];
	unsigned v[6], i;

	if (attr(c, field, buf, sizeof(buf) - 1, 0))
		return -1;
	if (!buf[0])
		return 0;
	if (strlen(buf) != 17 || sscanf(buf, "%2x:%2x:%2x:%2x:%2x:%2x", &v[0],
			&v[1], &v[2], &v[3], &v[4], &v[5]) != 6) {
		ibft_problem(&c->r, field, "not a MAC address");
		return -1;
	}
	for (i = 0; i < 6; i++)
		mac[i] = v[i];
	return 0;
}

/* Each structure's files: the kernel's names, one after another, and for
 * each where its value goes and how its text is read. */
enum {
	F_U8, F_U16, F_ADDR, F_MAC, F_LUN,
	F_NAME,		/* iSCSI name, IBFT_NAME_MAX */
	F_HOSTNAME,	/* 255, IBFT_STR_OPTIONAL */
	/* 255; read only when the target's chap-type (read before) uses them */
	F_CHAP_NAME, F_CHAP_SECRET, F_RCHAP_NAME, F_RCHAP_SECRET,
	F_END = 0xff
};
struct field {
	uint16_t off;	/* offsetof() in the structure */
	uint8_t kind;	/* F_* */
};
#define F(type, member, kind) { offsetof(struct type, member), kind }

static const char initiator_names[] =
	"index\0" "flags\0" "isns-server\0" "slp-server\0" "pri-radius-server\0"
	"sec-radius-server\0" "initiator-name\0";
static const struct field initiator_fields[] = {
	F(ibft_initiator, index, F_U8),		F(ibft_initiator, flags, F_U8),
	F(ibft_initiator, isns, F_ADDR),	F(ibft_initiator, slp, F_ADDR),
	F(ibft_initiator, radius1, F_ADDR),	F(ibft_initiator, radius2, F_ADDR),
	F(ibft_initiator, name, F_NAME),
	{ 0, F_END }
};

static const char nic_names[] =
	"index\0" "flags\0" "ip-addr\0" "prefix-len\0" "origin\0" "gateway\0"
	"primary-dns\0" "secondary-dns\0" "dhcp\0" "vlan\0" "mac\0" "hostname\0";
static const struct field nic_fields[] = {
	F(ibft_nic, index, F_U8),	F(ibft_nic, flags, F_U8),
	F(ibft_nic, ip, F_ADDR),	F(ibft_nic, prefix, F_U8),
	F(ibft_nic, origin, F_U8),	F(ibft_nic, gateway, F_ADDR),
	F(ibft_nic, dns1, F_ADDR),	F(ibft_nic, dns2, F_ADDR),
	F(ibft_nic, dhcp, F_ADDR),	F(ibft_nic, vlan, F_U16),
	F(ibft_nic, mac, F_MAC),	F(ibft_nic, hostname, F_HOSTNAME),
	{ 0, F_END }
};

static const char target_names[] =
	"index\0" "flags\0" "ip-addr\0" "port\0" "lun\0" "chap-type\0"
	"nic-assoc\0" "target-name\0" "chap-name\0" "chap-secret\0"
	"rev-chap-name\0" "rev-chap-name-secret\0";
static const struct field target_fields[] = {
	F(ibft_target, index, F_U8),		F(ibft_target, flags, F_U8),
	F(ibft_target, ip, F_ADDR),		F(ibft_target, port, F_U16),
	F(ibft_target, lun, F_LUN),		F(ibft_target, chap_type, F_U8),
	F(ibft_target, nic_assoc, F_U8),	F(ibft_target, name, F_NAME),
	F(ibft_target, chap_name, F_CHAP_NAME),
	F(ibft_target, chap_secret, F_CHAP_SECRET),
	F(ibft_target, rchap_name, F_RCHAP_NAME),
	F(ibft_target, rchap_secret, F_RCHAP_SECRET),
	{ 0, F_END }
};

/* Read every file of the structure c->r.what into obj (zeroed by the
 * caller: an absent file leaves its field zero).  Returns 0, or -1 after
 * reporting each value that could not be read. */
static int read_fields(struct sctx *c, void *obj, const char *name,
		const struct field *f)
{
	int bad = 0;

	for (; f->kind != F_END; f++, name += strlen(name) + 1) {
		uint8_t *p = (uint8_t *)obj + f->off;
		unsigned v;

		switch (f->kind) {
		case F_U8:
		case F_U16:
			bad |= attr_num(c, name, f->kind == F_U8 ? 0xff : 0xffff, &v);
			if (f->kind == F_U8)
				*p = v;
			else
				*(uint16_t *)(void *)p = v;
			break;
		case F_ADDR:
			bad |= attr_addr(c, name, (struct ibft_addr *)(void *)p);
			break;
		case F_MAC:
			bad |= attr_mac(c, name, p);
			break;
		case F_LUN:
			bad |= attr_lun(c, name, p);
			break;
		case F_NAME:
			bad |= attr(c, name, (char *)p, IBFT_NAME_MAX, 0);
			break;
		case F_HOSTNAME:
			attr(c, name, (char *)p, IBFT_HOSTNAME_MAX, IBFT_STR_OPTIONAL);
			break;
		default:	/* CHAP, as parse_target() reads it */
			if (((struct ibft_target *)obj)->chap_type
					< (f->kind >= F_RCHAP_NAME ? IBFT_CHAP_MUTUAL : IBFT_CHAP_ONEWAY))
				break;
			bad |= attr(c, name, (char *)p, IBFT_CHAP_MAX,
				f->kind == F_CHAP_SECRET || f->kind == F_RCHAP_SECRET
				? IBFT_STR_SECRET : 0);
		}
	}
	return bad;
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
	if (read_fields(&c, &t->initiator, initiator_names, initiator_fields)) {
		memset(&t->initiator, 0, sizeof(t->initiator));
		t->nr_problems++;
	}
	/* the kernel makes the directory for any initiator structure;
	 * without a name it says nothing we use */
	t->initiator.present = t->initiator.name[0] != '\0';
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
			if (n) {
				int bad = read_fields(&c, n, nic_names, nic_fields);
				ibft_keep_nic(&c.r, t, bad ? -1 : ibft_check_nic(&c.r, n));
			}
		}
		if (seen[1][i / 8] & (1 << (i % 8))) {
			struct ibft_target *g = ibft_next_target(&c.r, t, i);
			if (g) {
				int bad = read_fields(&c, g, target_names, target_fields);
				ibft_keep_target(t, bad ? -1 : ibft_check_target(&c.r, g));
			}
		}
	}
	ibft_check_table(&c.r, t);
	return (t->nr_nics || t->nr_targets || t->initiator.present) ? 0 : -1;
}
