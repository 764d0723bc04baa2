/* iSCSI Boot Firmware Table parser: raw table bytes in, validated
 * structure out; its value checks also validate what the sysfs reader
 * decodes.  Pure: no I/O, no allocation, no libbb, so unit tests and
 * fuzzers compile it on its own.  Layout: iBFT specification 1.03. */
#ifndef ISCSI_INIT_IBFT_H
#define ISCSI_INIT_IBFT_H 1

#include <stddef.h>
#include <stdint.h>

enum {
	IBFT_HEADER_LEN    = 48,	/* ACPI-style table header */
	IBFT_CONTROL_LEN   = 18,	/* minimum; longer = extra NIC/target pairs */
	IBFT_INITIATOR_LEN = 74,
	IBFT_NIC_LEN       = 102,
	IBFT_TARGET_LEN    = 54,

	IBFT_ID_CONTROL   = 1,
	IBFT_ID_INITIATOR = 2,
	IBFT_ID_NIC       = 3,
	IBFT_ID_TARGET    = 4,
	IBFT_ID_EXTENSION = 5,

	/* flags, all structures */
	IBFT_FL_VALID      = 0x01,
	IBFT_FL_BOOT       = 0x02,	/* firmware boot selected */
	/* A structure is in use when either bit is set: some firmware sets
	 * only the boot-selected bit, and open-iscsi (commit defd640,
	 * fw_entry.c) takes such a structure as valid too. */
	IBFT_FL_IN_USE     = IBFT_FL_VALID | IBFT_FL_BOOT,
	/* NIC only */
	IBFT_FL_NIC_GLOBAL = 0x04,	/* global (not link-local) address */
	/* target only */
	IBFT_FL_TGT_RADIUS_CHAP  = 0x04,
	IBFT_FL_TGT_RADIUS_RCHAP = 0x08,

	IBFT_CHAP_NONE   = 0,
	IBFT_CHAP_ONEWAY = 1,
	IBFT_CHAP_MUTUAL = 2,

	/* NIC origin (IP_PREFIX_ORIGIN in the spec) */
	IBFT_ORIGIN_OTHER     = 0,
	IBFT_ORIGIN_MANUAL    = 1,
	IBFT_ORIGIN_WELLKNOWN = 2,
	IBFT_ORIGIN_DHCP      = 3,
	IBFT_ORIGIN_RA        = 4,

	/* How many NICs/targets we keep.  The spec's control structure has
	 * two pairs; longer control structures list more. */
	IBFT_MAX_NICS    = 8,
	IBFT_MAX_TARGETS = 8,

	/* String limits (bytes, without the NUL we add) */
	IBFT_NAME_MAX     = 223,	/* RFC 3720 iSCSI name */
	IBFT_HOSTNAME_MAX = 255,
	IBFT_CHAP_MAX     = 255,	/* open-iscsi AUTH_STR_MAX_LEN - 1 */

	IBFT_AF_NONE = 0,
	IBFT_AF_INET = 4,
	IBFT_AF_INET6 = 6,
};

/* An address field: 16 bytes in the table, IPv4 as ::ffff:a.b.c.d.
 * All zeros means "not set" (family IBFT_AF_NONE). */
struct ibft_addr {
	uint8_t family;		/* IBFT_AF_* */
	uint8_t a[16];		/* IPv4: a[0..3]; IPv6: all 16 */
};

/* a from an address field's 16 bytes (section 3.2): ::ffff:a.b.c.d is
 * IPv4; all zeros, and ::ffff:0.0.0.0 (firmware writes it too), are not
 * set. */
void ibft_addr_from_raw(struct ibft_addr *a, const uint8_t *raw);

struct ibft_initiator {
	uint8_t present;	/* structure was there and passed validation */
	uint8_t flags;
	uint8_t index;
	struct ibft_addr isns, slp, radius1, radius2;
	char name[IBFT_NAME_MAX + 1];
};

struct ibft_nic {
	uint8_t flags;
	uint8_t index;		/* hdr.index: what targets' nic_assoc names */
	uint8_t slot;		/* position in the control structure's list */
	struct ibft_addr ip;
	uint8_t prefix;		/* subnet_mask_prefix */
	uint8_t origin;		/* IBFT_ORIGIN_* */
	struct ibft_addr gateway, dns1, dns2, dhcp;
	uint16_t vlan;		/* raw 802.1Q TCI; VLAN id is vlan & 0xfff */
	uint8_t mac[6];
	uint16_t pci_bdf;	/* bus << 8 | dev << 3 | fn */
	char hostname[IBFT_HOSTNAME_MAX + 1];	/* "" when not set or bad */
};

struct ibft_target {
	uint8_t flags;
	uint8_t index;
	uint8_t slot;
	struct ibft_addr ip;
	uint16_t port;		/* as in the table; 0 means 3260 */
	uint8_t lun[8];		/* SAM-2 8-byte LUN, as in the table */
	uint8_t chap_type;	/* IBFT_CHAP_* */
	uint8_t nic_assoc;	/* index of a NIC in ibft_table.nic[] (hdr.index) */
	char name[IBFT_NAME_MAX + 1];
	/* "" when chap_type does not use them (they are not read then) */
	char chap_name[IBFT_CHAP_MAX + 1];
	char chap_secret[IBFT_CHAP_MAX + 1];
	char rchap_name[IBFT_CHAP_MAX + 1];
	char rchap_secret[IBFT_CHAP_MAX + 1];
};

struct ibft_table {
	char signature[5];
	char oem_id[7];
	char oem_table_id[9];
	uint8_t control_flags;
	struct ibft_initiator initiator;
	unsigned nr_nics, nr_targets;	/* valid entries kept, in table order */
	struct ibft_nic nic[IBFT_MAX_NICS];
	struct ibft_target target[IBFT_MAX_TARGETS];
	unsigned nr_problems;		/* structures reported and skipped */
	/* structures present but marked neither valid nor boot-selected,
	 * left out silently: bit N for ethernetN / targetN (N < 32) */
	uint32_t unused_nics, unused_targets;
};

/* Called once per problem found, with one line of text (no newline) that
 * names the structure and the field, e.g.
 *   "target0: target-name: offset 0x1f0 + length 40 runs past table end 0x200"
 * Structure names follow the kernel's /sys/firmware/ibft: control,
 * initiator, ethernetN, targetN (N = which NIC/target pair of the control
 * structure points at it, 0-based; the kernel uses each header's index,
 * which equals it in every table seen so far).
 * CHAP secrets never appear in these lines. */
typedef void (*ibft_report_fn)(void *ctx, const char *msg);

/* Where report lines go and which structure they are about; one per
 * table being read.  ibft_parse() and ibft_read_sysfs() set it up; the
 * checks below write through it. */
struct ibft_report {
	ibft_report_fn fn;	/* NULL: count problems, print nothing */
	void *ctx;		/* passed to fn */
	char what[20];		/* structure: "table", "control", "initiator",
				 * "ethernetN", "targetN", "acpi_header" */
	unsigned lines;		/* lines sent; after IBFT_MAX_REPORTS, one
				 * "more problems, not shown" and then none */
};

enum {
	/* A hostile control structure can list thousands of slots: keep
	 * the console readable. */
	IBFT_MAX_REPORTS = 16,
};

/* Parse and validate one raw table.  Returns 0 when the table is usable
 * (some structures may have been reported and skipped), -1 when the table
 * itself is rejected (bad signature, length, revision, checksum, control
 * structure).  out is fully written in both cases; on -1 treat it as empty. */
int ibft_parse(const uint8_t *buf, size_t len, struct ibft_table *out,
		ibft_report_fn report, void *ctx);

/* ---- One validator for both sources ----
 * ibft_parse() decodes bytes and ibft_read_sysfs() decodes the kernel's text
 * files, each its own way; every check on a decoded value happens in the
 * functions below, so a table is accepted or refused, and reported in the
 * same words, whichever way it arrived.  Fields are named as the kernel's
 * /sys/firmware/ibft names them (ip-addr, mac, chap-type, ...).  Spec
 * sections (numbered as in the 1.02 text): 3.5 Initiator Structure,
 * 3.6 NIC Structure, 3.7 Target Structure. */

/* One line to r->fn: "<r->what>: <field>: <fmt...>".  At most
 * IBFT_MAX_REPORTS lines per table, then "more problems, not shown" once. */
void ibft_problem(struct ibft_report *r, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ibft_take_string()'s flags */
enum {
	IBFT_STR_SECRET = 1,	/* a CHAP secret: its bytes never in a message */
	IBFT_STR_OPTIONAL = 2,	/* the hostname: when bad, not used, the rest is */
};

/* Check one string value and copy it: s holds len bytes (not NUL-ended; a
 * length beyond max is reported before s is read, so s may be shorter
 * then).  Returns 0 with dst = the string plus NUL (dst holds max + 1),
 * or -1 with dst = "" after one line:
 *   "<len> bytes long, at most <max> allowed"
 *   "byte <i> is 0x<hex>, not a printable ASCII character"
 *   "byte <i> is not a printable ASCII character"   (IBFT_STR_SECRET)
 * With IBFT_STR_OPTIONAL the line ends "; not used" and 0 is returned
 * (dst ""). */
int ibft_take_string(struct ibft_report *r, const char *field, const char *s,
		size_t len, char *dst, size_t max, unsigned flags);

/* The entry the next NIC / target is decoded into: t->nic[t->nr_nics]
 * (t->target[t->nr_targets]) zeroed, its slot set to slot (the pair
 * number in the control structure; in sysfs the N of ethernetN/targetN),
 * and r->what set to "ethernet<slot>" ("target<slot>").  NULL when the table
 * already holds IBFT_MAX_NICS (IBFT_MAX_TARGETS): then counted in
 * t->nr_problems after "offset: more than 8 NICs, ignored"
 * ("more than 8 targets, ignored"). */
struct ibft_nic *ibft_next_nic(struct ibft_report *r, struct ibft_table *t,
		unsigned slot);
struct ibft_target *ibft_next_target(struct ibft_report *r,
		struct ibft_table *t, unsigned slot);

/* The value checks of one decoded NIC (section 3.6); hostname is not
 * looked at (ibft_take_string() checked it), so the raw parser calls this
 * before decoding that string.  Returns 0 when usable, else -1 after one
 * line, the first of:
 *   "prefix-len: is <n>, at most 32|128 for this address"  (by ip-addr)
 *   "mac: <mac> is a multicast address"
 * Every NIC is checked, marked valid or not, as the raw parser always did. */
int ibft_check_nic(struct ibft_report *r, const struct ibft_nic *n);

/* The value checks of one decoded target (section 3.7), strings included.
 * Only a target marked valid must be complete (an unused slot may be
 * half-filled): for any other it returns 0.  Else 0 when usable, or -1
 * after one line, the first of:
 *   "ip-addr: is not set"
 *   "target-name: is empty"
 *   "chap-type: is <n>, expected 0 (none), 1 (CHAP) or 2 (mutual CHAP)"
 *   "chap-name: is empty but chap-type is <n>"     (1 or 2: mutual CHAP
 *   "chap-secret: is empty but chap-type is <n>"    needs one-way CHAP too)
 *   "rev-chap-name: is empty but chap-type is 2 (mutual)"
 *   "rev-chap-name-secret: is empty but chap-type is 2 (mutual)" */
int ibft_check_target(struct ibft_report *r, const struct ibft_target *t);

/* Keep the NIC decoded into the entry ibft_next_nic() gave.  usable is the
 * verdict of decoding plus ibft_check_nic(): 0, or -1 when a line already
 * said why not.  A usable NIC the firmware marked in use (IBFT_FL_IN_USE:
 * valid or boot-selected) is kept (nr_nics + 1) unless a kept NIC has its
 * index (the first one wins):
 *   "index: <n> is used by another NIC"
 * Returns 0 when kept or left out silently (not in use: its slot's bit is
 * set in t->unused_nics), -1 when refused: the entry is zeroed either way
 * and a refusal counted in t->nr_problems. */
int ibft_keep_nic(struct ibft_report *r, struct ibft_table *t, int usable);

/* The same for the entry ibft_next_target() gave; no check of its own
 * (a target not in use sets its slot's bit in t->unused_targets). */
int ibft_keep_target(struct ibft_table *t, int usable);

/* Table-level checks once every structure is in: each kept target's
 * nic-assoc must be the index of a kept NIC, else it is dropped (order of
 * the rest kept) and counted, with
 *   "target<slot>: nic-assoc: is <n>, but there is no valid NIC with that index" */
void ibft_check_table(struct ibft_report *r, struct ibft_table *t);

/* Find where a table starts in a memory image (the legacy low-memory scan):
 * every 16-byte boundary of mem is checked for "iBFT" or "BIFT" followed by
 * a plausible length.  base is the physical address of mem[0]; addresses
 * 0xA0000-0xBFFFF are skipped.  Returns the offset into mem, or -1. */
long ibft_scan(const uint8_t *mem, size_t len, unsigned long base);

/* Not pure: read the kernel's parsed table under root (normally
 * /sys/firmware/ibft) into out: ethernetN and targetN in order of N, pair
 * by pair as ibft_parse() walks the control structure, each value decoded
 * from the kernel's text and then checked by the functions above, so with
 * ibft_parse()'s words.  Decoding adds "not a number in range", "not an IP
 * address", "not a MAC address" and "lun: ambiguous in the kernel's form;
 * shown as 0" (the LUN only informs; the target is kept).  Plain libc, no
 * libbb.  Returns -1 when there is nothing usable. */
int ibft_read_sysfs(const char *root, struct ibft_table *out,
		ibft_report_fn report, void *ctx);

/* Format helpers, pure. */
/* "10.0.0.1" / "fe80::1"; "" for IBFT_AF_NONE.  buf >= 46 bytes. */
char *ibft_addr_str(const struct ibft_addr *a, char *buf);
/* Make a message that quotes outside data one line of plain text: each
 * byte outside printable ASCII becomes '?'.  Returns s. */
char *ibft_plain(char *s);
/* Linux's integer form of the 8-byte LUN (scsilun_to_int). */
uint64_t ibft_lun_int(const uint8_t lun[8]);

#endif
