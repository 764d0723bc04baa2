/* A DHCP lease as udhcpc reports it, parsed into a structure: the
 * environment its script would see (sent through a pipe as NUL-separated
 * "key=value" strings) for what udhcpc decodes well (address, routes,
 * servers), and the DHCP message itself, as hex, for the string options
 * (udhcpc cuts those at the first NUL).  And the klibc-style
 * /run/net-IF.conf text.  Pure. */
#ifndef ISCSI_INIT_LEASE_H
#define ISCSI_INIT_LEASE_H 1

#include "plan.h"

enum {
	LEASE_MAX_ROUTES = 16,
	LEASE_ROOTPATH_MAX = 1024,
	/* option 119's names joined by spaces: glibc before 2.26 read no
	 * more of resolv.conf's "search" line */
	LEASE_SEARCH_MAX = 255,
	/* a DHCP message as udhcpc holds it: 548 bytes, plus its
	 * UDHCPC_SLACK_FOR_BUGGY_SERVERS, at most 924: a whole 1500-byte
	 * Ethernet frame less the IP and UDP headers (Kea ignores option
	 * 57 and sends that much) */
	LEASE_PACKET_MAX = 1500 - 20 - 8,
	/* a whole /run/net-IF.conf, even with every root-path byte escaped */
	NETCONF_MAX = 4 * LEASE_ROOTPATH_MAX + 1024,
};

struct lease {
	char event[12];			/* bound, renew, leasefail, ... */
	struct ibft_addr ip, router, server;
	uint8_t prefix;		/* no subnet option: the address's class */
	unsigned nr_dns, nr_routes;
	uint32_t lease_time;
	/* option 26 (RFC 2132 section 5.1), bytes: 0 when absent or refused
	 * (with a warning: not 2 bytes, or below the minimum 68) */
	uint16_t mtu;
	struct ibft_addr dns[PLAN_MAX_DNS];
	struct lease_route {
		struct ibft_addr net, gw;
		uint8_t prefix;
	} route[LEASE_MAX_ROUTES];	/* option 121 (RFC 3442), else 249 */
	/* String options, "" when absent or refused (with a warning).
	 * Trailing NULs are stripped (RFC 2132 section 2: Windows' DHCP
	 * server ends strings with one); a NUL or control byte inside makes
	 * the value invalid. */
	char hostname[IBFT_HOSTNAME_MAX + 1];	/* option 12 */
	char domain[IBFT_HOSTNAME_MAX + 1];	/* option 15: names, ' ' between */
	char search[LEASE_SEARCH_MAX + 1];	/* option 119: names, ' ' between */
	char initiator[IBFT_NAME_MAX + 1];	/* option 203 */
	char rootpath[LEASE_ROOTPATH_MAX + 1];	/* option 17 */
	/* option 175 (iPXE's encapsulated options): sub-options 190, 191
	 * (CHAP), 192, 193 (reverse CHAP); each pair whole or not at all,
	 * the reverse pair only with the first */
	char chap_name[IBFT_CHAP_MAX + 1];
	char chap_secret[IBFT_CHAP_MAX + 1];
	char rchap_name[IBFT_CHAP_MAX + 1];
	char rchap_secret[IBFT_CHAP_MAX + 1];
};

/* The keys of udhcpc's environment that a lease record carries. */
extern const char lease_keys[];	/* "ip\0mask\0router\0..." */
/* The key of the record holding the DHCP message as hex digits: the
 * whole of udhcpc's struct dhcp_packet, from "op" to the options' end. */
#define LEASE_PACKET_KEY "packet"

/* Parse one record: len bytes of NUL-terminated "key=value" strings.
 * Unknown keys are ignored.  Each value of the message that is refused
 * or that breaks its RFC is one line to report(ctx, msg), naming the
 * option, e.g. "option 203 (initiator name): byte 5 is 0x01, not a
 * printable character; ignored" (never a secret, nor any byte of one);
 * report may be NULL.  Returns 0, or -1 with a one-line reason in err
 * (the lease is then unusable: no or bad address, bad routes). */
int lease_parse(const char *rec, size_t len, struct lease *l,
		plan_report_fn report, void *ctx, char *err, size_t errlen);

/* The text of /run/net-IF.conf for a configured NIC, in the format
 * klibc's ipconfig writes (sourced by initramfs-tools): KEY='value' lines,
 * values single-quoted so the file is safe to source whatever a DHCP
 * server sent.  DNSDOMAIN is the NIC's lease's option 15, DOMAINSEARCH
 * its lease's search list (option 119, else 15). */
void netconf_format(char *out, size_t size, const struct plan *p,
		const struct plan_nic *n, const char *proto, const char *rootpath,
		uint32_t lease_time);

#endif
