/* Test-side iBFT table builder: lays out a table field by field into a
 * caller's buffer (the producer's view, as iPXE's ibft.c does), so tests and
 * mkibft never carry hand-written hex.  Raw pokes corrupt it afterwards. */
#ifndef ISCSI_INIT_IBFT_BUILDER_H
#define ISCSI_INIT_IBFT_BUILDER_H 1

#include <stddef.h>
#include <stdint.h>
#include "../../applet/ibft.h"

/* Byte offsets of every field, from the start of its structure (spec 1.03).
 * Add them to what ibft_b_nic() & co return. */
enum {
	/* ACPI-style table header, at offset 0 of the table */
	IBFT_B_SIGNATURE    = 0,	/* 4 bytes */
	IBFT_B_LENGTH       = 4,	/* u32 */
	IBFT_B_REVISION     = 8,
	IBFT_B_CHECKSUM     = 9,
	IBFT_B_OEM_ID       = 10,	/* 6 bytes */
	IBFT_B_OEM_TABLE_ID = 16,	/* 8 bytes */

	/* common structure header */
	IBFT_B_HDR_ID      = 0,
	IBFT_B_HDR_VERSION = 1,
	IBFT_B_HDR_LENGTH  = 2,	/* u16 */
	IBFT_B_HDR_INDEX   = 4,
	IBFT_B_HDR_FLAGS   = 5,

	/* control structure (at IBFT_HEADER_LEN) */
	IBFT_B_CTL_EXTENSIONS = 6,
	IBFT_B_CTL_INITIATOR  = 8,	/* u16 offsets from here on */
	IBFT_B_CTL_NIC0       = 10,	/* NIC slot n:    10 + 4n */
	IBFT_B_CTL_TGT0       = 12,	/* target slot n: 12 + 4n */

	/* initiator */
	IBFT_B_INI_ISNS    = 6,
	IBFT_B_INI_SLP     = 22,
	IBFT_B_INI_RADIUS1 = 38,
	IBFT_B_INI_RADIUS2 = 54,
	IBFT_B_INI_NAME    = 70,	/* u16 len, u16 off */

	/* NIC */
	IBFT_B_NIC_IP       = 6,
	IBFT_B_NIC_PREFIX   = 22,
	IBFT_B_NIC_ORIGIN   = 23,
	IBFT_B_NIC_GATEWAY  = 24,
	IBFT_B_NIC_DNS1     = 40,
	IBFT_B_NIC_DNS2     = 56,
	IBFT_B_NIC_DHCP     = 72,
	IBFT_B_NIC_VLAN     = 88,	/* u16 */
	IBFT_B_NIC_MAC      = 90,	/* 6 bytes */
	IBFT_B_NIC_PCI_BDF  = 96,	/* u16 */
	IBFT_B_NIC_HOSTNAME = 98,	/* u16 len, u16 off */

	/* target */
	IBFT_B_TGT_IP           = 6,
	IBFT_B_TGT_PORT         = 22,	/* u16 */
	IBFT_B_TGT_LUN          = 24,	/* 8 bytes */
	IBFT_B_TGT_CHAP_TYPE    = 32,
	IBFT_B_TGT_NIC_ASSOC    = 33,
	IBFT_B_TGT_NAME         = 34,	/* each: u16 len, u16 off */
	IBFT_B_TGT_CHAP_NAME    = 38,
	IBFT_B_TGT_CHAP_SECRET  = 42,
	IBFT_B_TGT_RCHAP_NAME   = 46,
	IBFT_B_TGT_RCHAP_SECRET = 50,

	/* string (len, off) pair: where each half sits */
	IBFT_B_STR_LEN = 0,
	IBFT_B_STR_OFF = 2,

	/* how many NIC/target slots a builder can list */
	IBFT_B_MAX_PAIRS = 16,

	/* ibft_b_set_string_raw(): append a NUL after the bytes or not */
	IBFT_B_NUL    = 1,
	IBFT_B_NO_NUL = 0,
};

struct ibft_b {
	uint8_t *buf;
	size_t cap;
	size_t used;		/* first free byte: the table length at finish */
	unsigned align;		/* structures start on this boundary (16) */
	unsigned nr_pairs;	/* NIC/target slots in the control structure */
	size_t initiator;	/* where each structure landed; 0 = none */
	size_t nic[IBFT_B_MAX_PAIRS];
	size_t target[IBFT_B_MAX_PAIRS];
	int overflow;		/* some allocation did not fit in cap */
};

/* Start a table in buf (zeroed): header with signature "iBFT", revision 1,
 * OEM id "ISCSII"/"IBFTTEST", and a control structure listing nr_pairs
 * NIC/target slots (at least 2; more make it longer than 18 bytes).
 * Returns 0, or -1 when nr_pairs is too large or buf is too small. */
int ibft_b_init(struct ibft_b *b, void *buf, size_t cap, unsigned nr_pairs);

/* Lay out a structure (aligned to b->align), fill its header (version 1,
 * the spec's length, index = slot, flags = valid | boot selected), and link
 * it from the control structure.  Return its offset in the table; 0 when it
 * did not fit or the slot does not exist. */
size_t ibft_b_initiator(struct ibft_b *b);
size_t ibft_b_nic(struct ibft_b *b, unsigned slot);
size_t ibft_b_target(struct ibft_b *b, unsigned slot);

/* Field helpers; off = structure offset + IBFT_B_* field offset. */
void ibft_b_set_u8(struct ibft_b *b, size_t off, uint8_t v);
void ibft_b_set_u16(struct ibft_b *b, size_t off, uint16_t v);
void ibft_b_set_u32(struct ibft_b *b, size_t off, uint32_t v);
void ibft_b_set_bytes(struct ibft_b *b, size_t off, const void *p, size_t n);
/* Fixed-width text field (signature, OEM ids): copies up to n bytes,
 * pads with NULs. */
void ibft_b_set_text(struct ibft_b *b, size_t off, const char *s, size_t n);
/* Address field from text: "10.0.2.15" (stored ::ffff:10.0.2.15), an IPv6
 * address, or NULL / "" (all zero = unset).  Returns -1 on bad text. */
int ibft_b_set_addr(struct ibft_b *b, size_t off, const char *text);
void ibft_b_set_addr_raw(struct ibft_b *b, size_t off, const uint8_t a[16]);
/* MAC "52:54:00:12:34:56".  Returns -1 on bad text. */
int ibft_b_set_mac(struct ibft_b *b, size_t off, const char *text);
/* LUN from Linux's integer form (int_to_scsilun): 1 -> 00 01 00.., 0x4001
 * -> 40 01 00.. */
void ibft_b_set_lun(struct ibft_b *b, size_t off, uint64_t lun);
/* Append a string to the string area and store its (len, off) pair at off:
 * the producer's usual way, with a NUL after it that len does not count.
 * NULL stores (0, 0).  Returns the string's offset, 0 on overflow. */
size_t ibft_b_set_string(struct ibft_b *b, size_t off, const char *s);
/* Same with arbitrary bytes (embedded NULs, escapes) and a choice of the
 * trailing NUL: IBFT_B_NO_NUL on the last string puts it flush against the
 * table end. */
size_t ibft_b_set_string_raw(struct ibft_b *b, size_t off, const void *s,
		size_t len, int nul);
/* Reserve n zero bytes (padding) in the table; returns their offset. */
size_t ibft_b_reserve(struct ibft_b *b, size_t n, unsigned align);

/* Set the header's length to the bytes used and the checksum so that the
 * table sums to 0.  Returns the table length, 0 on overflow. */
size_t ibft_b_finish(struct ibft_b *b);
/* Recompute the checksum over the header's length field (clamped to the
 * buffer), after pokes. */
void ibft_b_fix_checksum(struct ibft_b *b);

/* Where each structure landed (0 = not laid out), and where the control
 * structure keeps the offset of each slot's structure. */
size_t ibft_b_initiator_at(const struct ibft_b *b);
size_t ibft_b_nic_at(const struct ibft_b *b, unsigned slot);
size_t ibft_b_target_at(const struct ibft_b *b, unsigned slot);
size_t ibft_b_control_at(const struct ibft_b *b);	/* IBFT_HEADER_LEN */
size_t ibft_b_ctl_nic_field(unsigned slot);	/* table offset of nicN_off */
size_t ibft_b_ctl_target_field(unsigned slot);	/* ... of tgtN_off */

/* Raw access for corrupting a finished table: offsets are from the table
 * start, anywhere in cap.  Pokes do not fix the checksum. */
void ibft_b_poke_u8(struct ibft_b *b, size_t off, uint8_t v);
void ibft_b_poke_u16(struct ibft_b *b, size_t off, uint16_t v);
void ibft_b_poke_u32(struct ibft_b *b, size_t off, uint32_t v);
uint8_t ibft_b_peek_u8(const struct ibft_b *b, size_t off);
uint16_t ibft_b_peek_u16(const struct ibft_b *b, size_t off);
uint32_t ibft_b_peek_u32(const struct ibft_b *b, size_t off);
/* Table length as the header states it now. */
size_t ibft_b_len(const struct ibft_b *b);

/* Parse "10.0.2.15", "fe80::1" into the 16-byte table form (IPv4 mapped);
 * NULL or "" gives all zeros.  Returns 0 or -1. */
int ibft_b_parse_addr(const char *text, uint8_t a[16]);
/* Linux int_to_scsilun. */
void ibft_b_int_to_lun(uint64_t lun, uint8_t out[8]);

#endif
