/* A DHCP lease as udhcpc reports it (the environment its script would
 * see, sent through a pipe as NUL-separated "key=value" strings), parsed
 * into a structure; and the klibc-style /run/net-IF.conf text.  Pure. */
#ifndef ISCSI_INIT_LEASE_H
#define ISCSI_INIT_LEASE_H 1

#include "plan.h"

enum {
	LEASE_MAX_ROUTES = 16,
	LEASE_ROOTPATH_MAX = 1024,
	/* a whole /run/net-IF.conf, even with every root-path byte escaped */
	NETCONF_MAX = 4 * LEASE_ROOTPATH_MAX + 1024,
};

struct lease {
	char event[12];			/* bound, renew, leasefail, ... */
	struct ibft_addr ip, router, server;
	uint8_t prefix;		/* no subnet option: the address's class */
	unsigned nr_dns, nr_routes;
	uint32_t lease_time;
	struct ibft_addr dns[PLAN_MAX_DNS];
	struct lease_route {
		struct ibft_addr net, gw;
		uint8_t prefix;
	} route[LEASE_MAX_ROUTES];	/* option 121 (RFC 3442), else 249 */
	char hostname[IBFT_HOSTNAME_MAX + 1];
	char domain[IBFT_HOSTNAME_MAX + 1];
	char initiator[IBFT_NAME_MAX + 1];	/* option 203 */
	char rootpath[LEASE_ROOTPATH_MAX + 1];	/* option 17, "" when absent */
};

/* The keys udhcpc's environment holds that a lease record carries. */
extern const char lease_keys[];	/* "ip\0mask\0router\0..." */

/* Parse one record: len bytes of NUL-terminated "key=value" strings.
 * Unknown keys are ignored.  Returns 0, or -1 with a one-line reason in
 * err (the lease is then unusable: no or bad address). */
int lease_parse(const char *rec, size_t len, struct lease *l,
		char *err, size_t errlen);

/* The text of /run/net-IF.conf for a configured NIC, in the format
 * klibc's ipconfig writes (sourced by initramfs-tools): KEY='value' lines,
 * values single-quoted so the file is safe to source whatever a DHCP
 * server sent. */
void netconf_format(char *out, size_t size, const struct plan *p,
		const struct plan_nic *n, const char *proto, const char *rootpath,
		uint32_t lease_time);

#endif
