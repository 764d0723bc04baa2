/* mkibft: write an iBFT table file for shell and QEMU tests (qemu
 * -acpitable file=FILE), built with tests/lib/ibft_builder.
 *
 * mkibft -o FILE [--initiator IQN] [--nic SPEC|none]... [--target SPEC|none]...
 *        [--signature SIG] [--oem-id ID] [--oem-table-id ID] [--revision N]
 *        [--align N] [--poke OFFSET=BYTE]... [--no-checksum-fix]
 *
 * The i-th --nic and the i-th --target share control-structure slot i; a
 * slot may hold only one of them ("none" leaves it empty, as does giving
 * fewer of one kind).  More than two slots make the control structure
 * longer (18 + 4 bytes per extra slot).
 *
 * NIC SPEC, comma separated key=value (all optional):
 *   mac=52:54:00:12:34:56  ip=10.0.2.15/24 (or an IPv6 address/prefix)
 *   prefix=N  gw=ADDR  dns1=ADDR  dns2=ADDR  dhcp=ADDR  origin=N  vlan=N
 *   hostname=NAME  bdf=0x0018  flags=N (default 3)  index=N (default: slot)
 * target SPEC:
 *   nic=N (nic_assoc, default 0)  ip=ADDR  port=N (default 3260)
 *   lun=N (Linux int form: 1 -> 00 01.., 16385 -> 40 01..) or
 *   lun=raw:0001000000000000 (16 hex digits, the 8 table bytes)
 *   name=IQN  chap=USER:SECRET  rchap=USER:SECRET
 *   chap-type=N (default: 2 with rchap, 1 with chap, else 0)
 *   flags=N (default 3)  index=N (default: slot)
 * Numbers are decimal or 0x hex.  Values cannot contain ','.
 *
 * The table is finished (length, checksum) and then each --poke writes one
 * byte; the checksum is then fixed again unless --no-checksum-fix (so a
 * bad checksum is "--no-checksum-fix --poke 9=0x00", if 0 is wrong).
 * --align N: structures start on N-byte boundaries (default 16; 1 packs). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/ibft_builder.h"

enum { TABLE_MAX = 64 * 1024, POKES_MAX = 64 };

static const char usage_text[] =
"Usage: mkibft -o FILE [--initiator IQN] [--nic SPEC|none]... [--target SPEC|none]...\n"
"              [--signature SIG] [--oem-id ID] [--oem-table-id ID] [--revision N]\n"
"              [--align N] [--poke OFFSET=BYTE]... [--no-checksum-fix]\n"
"Write an iBFT table. The i-th --nic and i-th --target share control slot i.\n"
"NIC SPEC: mac=MAC,ip=ADDR[/PREFIX],prefix=N,gw=ADDR,dns1=ADDR,dns2=ADDR,\n"
"          dhcp=ADDR,origin=N,vlan=N,hostname=NAME,bdf=N,flags=N,index=N\n"
"target SPEC: nic=N,ip=ADDR,port=N,lun=N|raw:16HEX,name=IQN,chap=USER:SECRET,\n"
"          rchap=USER:SECRET,chap-type=N,flags=N,index=N\n"
"ADDR is IPv4 (stored as ::ffff:a.b.c.d) or IPv6. --poke applies after the\n"
"table is finished; the checksum is then fixed unless --no-checksum-fix.\n";

static const char *prog = "mkibft";

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static unsigned long num(const char *s, unsigned long max, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;	/* decimal, or hex with 0x: never octal */
	v = strtoul(s, &end, strncmp(s, "0x", 2) && strncmp(s, "0X", 2) ? 10 : 16);
	if (errno || end == s || *end || v > max || *s == '-')
		die("bad number for %s", what);
	return v;
}

static void addr(struct ibft_b *b, size_t off, const char *v, const char *key)
{
	if (ibft_b_set_addr(b, off, v))
		die("bad address for %s", key);
}

/* "USER:SECRET" into the two string fields */
static void chap(struct ibft_b *b, size_t name_off, size_t secret_off,
		char *v, const char *key)
{
	char *colon = strchr(v, ':');

	if (!colon)
		die("%s wants USER:SECRET", key);
	*colon = '\0';
	ibft_b_set_string(b, name_off, v);
	ibft_b_set_string(b, secret_off, colon + 1);
}

static void lun(struct ibft_b *b, size_t off, const char *v)
{
	uint8_t raw[8];
	unsigned i, x;

	if (strncmp(v, "raw:", 4) != 0) {
		ibft_b_set_lun(b, off, num(v, (unsigned long)-1, "lun"));
		return;
	}
	v += 4;
	if (strlen(v) != 16)
		die("lun=raw: wants 16 hex digits, got '%s'", v);
	for (i = 0; i < 8; i++) {
		if (sscanf(v + 2 * i, "%2x", &x) != 1)
			die("bad hex in lun=raw:%s", v);
		raw[i] = x;
	}
	ibft_b_set_bytes(b, off, raw, 8);
}

/* Next "key=value" of a comma-separated spec, split in place. */
static char *next_kv(char **spec, char **val)
{
	char *key = *spec, *comma, *eq;

	if (!key || !*key)
		return NULL;
	comma = strchr(key, ',');
	if (comma) {
		*comma = '\0';
		*spec = comma + 1;
	} else {
		*spec = NULL;
	}
	eq = strchr(key, '=');
	if (!eq)
		die("'%s' is not key=value", key);
	*eq = '\0';
	*val = eq + 1;
	return key;
}

static void build_nic(struct ibft_b *b, unsigned slot, char *spec)
{
	size_t n = ibft_b_nic(b, slot);
	char *k, *v;

	if (!n)
		die("NIC %u does not fit", slot);
	while ((k = next_kv(&spec, &v))) {
		if (!strcmp(k, "mac")) {
			if (ibft_b_set_mac(b, n + IBFT_B_NIC_MAC, v))
				die("bad mac '%s'", v);
		} else if (!strcmp(k, "ip")) {
			char *slash = strchr(v, '/');

			if (slash) {
				*slash = '\0';
				ibft_b_set_u8(b, n + IBFT_B_NIC_PREFIX,
					num(slash + 1, 255, "ip prefix"));
			}
			addr(b, n + IBFT_B_NIC_IP, v, k);
		} else if (!strcmp(k, "prefix")) {
			ibft_b_set_u8(b, n + IBFT_B_NIC_PREFIX, num(v, 255, k));
		} else if (!strcmp(k, "gw")) {
			addr(b, n + IBFT_B_NIC_GATEWAY, v, k);
		} else if (!strcmp(k, "dns1")) {
			addr(b, n + IBFT_B_NIC_DNS1, v, k);
		} else if (!strcmp(k, "dns2")) {
			addr(b, n + IBFT_B_NIC_DNS2, v, k);
		} else if (!strcmp(k, "dhcp")) {
			addr(b, n + IBFT_B_NIC_DHCP, v, k);
		} else if (!strcmp(k, "origin")) {
			ibft_b_set_u8(b, n + IBFT_B_NIC_ORIGIN, num(v, 255, k));
		} else if (!strcmp(k, "vlan")) {
			ibft_b_set_u16(b, n + IBFT_B_NIC_VLAN, num(v, 0xffff, k));
		} else if (!strcmp(k, "hostname")) {
			ibft_b_set_string(b, n + IBFT_B_NIC_HOSTNAME, v);
		} else if (!strcmp(k, "bdf")) {
			ibft_b_set_u16(b, n + IBFT_B_NIC_PCI_BDF, num(v, 0xffff, k));
		} else if (!strcmp(k, "flags")) {
			ibft_b_set_u8(b, n + IBFT_B_HDR_FLAGS, num(v, 255, k));
		} else if (!strcmp(k, "index")) {
			ibft_b_set_u8(b, n + IBFT_B_HDR_INDEX, num(v, 255, k));
		} else {
			die("unknown --nic key '%s'", k);
		}
	}
}

static void build_target(struct ibft_b *b, unsigned slot, char *spec)
{
	size_t t = ibft_b_target(b, slot);
	char *k, *v;
	int chap_type = -1, have_chap = 0, have_rchap = 0;

	if (!t)
		die("target %u does not fit", slot);
	ibft_b_set_u16(b, t + IBFT_B_TGT_PORT, 3260);
	while ((k = next_kv(&spec, &v))) {
		if (!strcmp(k, "nic")) {
			ibft_b_set_u8(b, t + IBFT_B_TGT_NIC_ASSOC, num(v, 255, k));
		} else if (!strcmp(k, "ip")) {
			addr(b, t + IBFT_B_TGT_IP, v, k);
		} else if (!strcmp(k, "port")) {
			ibft_b_set_u16(b, t + IBFT_B_TGT_PORT, num(v, 0xffff, k));
		} else if (!strcmp(k, "lun")) {
			lun(b, t + IBFT_B_TGT_LUN, v);
		} else if (!strcmp(k, "name")) {
			ibft_b_set_string(b, t + IBFT_B_TGT_NAME, v);
		} else if (!strcmp(k, "chap")) {
			chap(b, t + IBFT_B_TGT_CHAP_NAME,
				t + IBFT_B_TGT_CHAP_SECRET, v, k);
			have_chap = 1;
		} else if (!strcmp(k, "rchap")) {
			chap(b, t + IBFT_B_TGT_RCHAP_NAME,
				t + IBFT_B_TGT_RCHAP_SECRET, v, k);
			have_rchap = 1;
		} else if (!strcmp(k, "chap-type")) {
			chap_type = num(v, 255, k);
		} else if (!strcmp(k, "flags")) {
			ibft_b_set_u8(b, t + IBFT_B_HDR_FLAGS, num(v, 255, k));
		} else if (!strcmp(k, "index")) {
			ibft_b_set_u8(b, t + IBFT_B_HDR_INDEX, num(v, 255, k));
		} else {
			die("unknown --target key '%s'", k);
		}
	}
	if (chap_type < 0)
		chap_type = have_rchap ? IBFT_CHAP_MUTUAL :
			have_chap ? IBFT_CHAP_ONEWAY : IBFT_CHAP_NONE;
	ibft_b_set_u8(b, t + IBFT_B_TGT_CHAP_TYPE, chap_type);
}

int main(int argc, char **argv)
{
	enum {
		O_INITIATOR = 256, O_NIC, O_TARGET, O_SIGNATURE, O_OEM_ID,
		O_OEM_TABLE_ID, O_REVISION, O_ALIGN, O_POKE, O_NO_FIX, O_HELP,
	};
	static const struct option longopts[] = {
		{ "initiator", required_argument, NULL, O_INITIATOR },
		{ "nic", required_argument, NULL, O_NIC },
		{ "target", required_argument, NULL, O_TARGET },
		{ "signature", required_argument, NULL, O_SIGNATURE },
		{ "oem-id", required_argument, NULL, O_OEM_ID },
		{ "oem-table-id", required_argument, NULL, O_OEM_TABLE_ID },
		{ "revision", required_argument, NULL, O_REVISION },
		{ "align", required_argument, NULL, O_ALIGN },
		{ "poke", required_argument, NULL, O_POKE },
		{ "no-checksum-fix", no_argument, NULL, O_NO_FIX },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	static uint8_t table[TABLE_MAX];
	char *nics[IBFT_B_MAX_PAIRS], *targets[IBFT_B_MAX_PAIRS];
	unsigned nr_nics = 0, nr_targets = 0, nr_pokes = 0, i;
	unsigned long poke_off[POKES_MAX], poke_val[POKES_MAX];
	const char *out = NULL, *initiator = NULL, *signature = NULL;
	const char *oem_id = NULL, *oem_table_id = NULL;
	long revision = -1;
	unsigned align = 16;
	int opt, fix = 1;
	struct ibft_b b;
	size_t len;
	FILE *f;

	while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case O_INITIATOR:
			initiator = optarg;
			break;
		case O_NIC:
			if (nr_nics == IBFT_B_MAX_PAIRS)
				die("too many --nic (max %d)", IBFT_B_MAX_PAIRS);
			nics[nr_nics++] = optarg;
			break;
		case O_TARGET:
			if (nr_targets == IBFT_B_MAX_PAIRS)
				die("too many --target (max %d)", IBFT_B_MAX_PAIRS);
			targets[nr_targets++] = optarg;
			break;
		case O_SIGNATURE:
			signature = optarg;
			break;
		case O_OEM_ID:
			oem_id = optarg;
			break;
		case O_OEM_TABLE_ID:
			oem_table_id = optarg;
			break;
		case O_REVISION:
			revision = num(optarg, 255, "--revision");
			break;
		case O_ALIGN:
			align = num(optarg, 4096, "--align");
			break;
		case O_POKE: {
			char *eq = strchr(optarg, '=');

			if (!eq || nr_pokes == POKES_MAX)
				die("bad --poke '%s' (OFFSET=BYTE)", optarg);
			*eq = '\0';
			poke_off[nr_pokes] = num(optarg, TABLE_MAX - 1, "--poke");
			poke_val[nr_pokes++] = num(eq + 1, 255, "--poke");
			break;
		}
		case O_NO_FIX:
			fix = 0;
			break;
		case 'h':
		case O_HELP:
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return 1;
		}
	}
	if (!out || optind != argc) {
		fputs(usage_text, stderr);
		return 1;
	}

	if (ibft_b_init(&b, table, sizeof(table),
			nr_nics > nr_targets ? nr_nics : nr_targets))
		die("cannot start a table");
	b.align = align ? align : 1;
	if (signature)
		ibft_b_set_text(&b, IBFT_B_SIGNATURE, signature, 4);
	if (oem_id)
		ibft_b_set_text(&b, IBFT_B_OEM_ID, oem_id, 6);
	if (oem_table_id)
		ibft_b_set_text(&b, IBFT_B_OEM_TABLE_ID, oem_table_id, 8);
	if (revision >= 0)
		ibft_b_set_u8(&b, IBFT_B_REVISION, revision);
	if (initiator) {
		size_t ini = ibft_b_initiator(&b);

		ibft_b_set_string(&b, ini + IBFT_B_INI_NAME, initiator);
	}
	for (i = 0; i < nr_nics; i++)
		if (strcmp(nics[i], "none") != 0)
			build_nic(&b, i, nics[i]);
	for (i = 0; i < nr_targets; i++)
		if (strcmp(targets[i], "none") != 0)
			build_target(&b, i, targets[i]);

	len = ibft_b_finish(&b);
	if (!len)
		die("table does not fit in %d bytes", TABLE_MAX);
	for (i = 0; i < nr_pokes; i++) {
		if (poke_off[i] >= len)
			die("--poke offset %lu past the table end %zu", poke_off[i], len);
		ibft_b_poke_u8(&b, poke_off[i], poke_val[i]);
	}
	if (nr_pokes && fix)
		ibft_b_fix_checksum(&b);

	f = fopen(out, "wb");
	if (!f)
		die("cannot open %s", out);
	if (fwrite(table, 1, len, f) != len || fclose(f) != 0)
		die("cannot write %s", out);
	return 0;
}
