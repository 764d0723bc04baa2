/* The boot plan: what iscsi-init will do, whatever the source (iBFT,
 * DHCP).  Building it and turning it into command lines is pure; the
 * executor in iscsi_init.c applies it. */
#ifndef ISCSI_INIT_PLAN_H
#define ISCSI_INIT_PLAN_H 1

#include "ibft.h"

enum {
	PLAN_MAX_NICS = IBFT_MAX_NICS,
	PLAN_MAX_SESSIONS = IBFT_MAX_TARGETS,
	PLAN_MAX_ROUTES = 24,		/* host routes plus DHCP classless routes */
	PLAN_MAX_DNS = 3,		/* what resolv.conf honours */
	PLAN_IFNAMSIZ = 16,
	PLAN_MAX_ARGS = 24,		/* longest command we build */
	PLAN_ADDRSTRLEN = 46 + 4,	/* address plus "/128" */
};

struct plan_nic {
	char label[PLAN_IFNAMSIZ];	/* "ethernet0", or the -i name */
	char ifname[PLAN_IFNAMSIZ];	/* kernel name, filled by the executor */
	char dev[PLAN_IFNAMSIZ];	/* where the address goes: ifname or VLAN */
	uint8_t mac[6];
	uint16_t pci_bdf;
	uint16_t vlan_id;		/* 0: untagged */
	uint8_t prefix;
	uint8_t boot;			/* firmware boot selected */
	uint8_t default_route;		/* this NIC carries the default route */
	uint8_t origin;			/* IBFT_ORIGIN_* */
	uint8_t use_dhcp;		/* 1: waiting for a DHCP lease, 2: leased */
	struct ibft_addr ip, gateway, dns1, dns2, dhcp;
	char hostname[IBFT_HOSTNAME_MAX + 1];
};

struct plan_route {
	uint8_t nic;			/* index into plan.nic[] */
	uint8_t prefix;			/* 32/128: host route to a target */
	struct ibft_addr dst;
	struct ibft_addr via;
};

struct plan_session {
	char label[PLAN_IFNAMSIZ];	/* "target0", or the DHCP interface */
	uint8_t nic;
	uint8_t routed;			/* plan_routes() has seen it */
	uint16_t port;
	uint8_t lun[8];
	struct ibft_addr ip;
	char name[IBFT_NAME_MAX + 1];
	char chap_name[IBFT_CHAP_MAX + 1];
	char chap_secret[IBFT_CHAP_MAX + 1];
	char rchap_name[IBFT_CHAP_MAX + 1];
	char rchap_secret[IBFT_CHAP_MAX + 1];
};

struct plan {
	char initiator[IBFT_NAME_MAX + 1];
	unsigned tpgt;
	unsigned nr_nics, nr_routes, nr_sessions, nr_dns;
	struct plan_nic nic[PLAN_MAX_NICS];
	struct plan_route route[PLAN_MAX_ROUTES];
	struct plan_session session[PLAN_MAX_SESSIONS];
	struct ibft_addr dns[PLAN_MAX_DNS];
	char hostname[IBFT_HOSTNAME_MAX + 1];
};

/* One line of text per finding (no newline); warnings only, the plan is
 * still usable.  Secrets never appear. */
typedef void (*plan_report_fn)(void *ctx, const char *msg);

/* Fill p from a parsed table: every valid NIC, every boot-selected target
 * (every valid one when the firmware selected none), DNS servers and the
 * hostname (boot NIC first), the default route NIC.  p->tpgt is kept.
 * Returns the number of sessions. */
unsigned plan_from_ibft(struct plan *p, const struct ibft_table *t,
		plan_report_fn report, void *ctx);

/* Add a DNS server unless it is unset, known already, or one too many. */
void plan_add_dns(struct plan *p, const struct ibft_addr *a);
/* A configured NIC's settings join the plan: its DNS servers, its host
 * name when there is none yet, and the default route through its gateway
 * when no NIC carries one yet. */
void plan_take_nic(struct plan *p, struct plan_nic *n);

/* Add a host route for every session whose target lies outside its NIC's
 * subnet, via that NIC's gateway, so each session leaves through the NIC
 * the source named.  Idempotent. */
void plan_routes(struct plan *p, plan_report_fn report, void *ctx);

/* 1 when a lies inside net/prefix (same family). */
int addr_in_subnet(const struct ibft_addr *a, const struct ibft_addr *net,
		unsigned prefix);

/* The "ip" commands that set up one NIC, in order, each as an argv
 * (without the leading "ip") handed to emit.  The same lines are printed
 * by -n and executed by the executor.  undo != 0 gives the commands that
 * take them back, in reverse order.  step (PLAN_STEP_*) names each one the
 * same way in both directions, so the executor can undo only what it did. */
enum {
	PLAN_STEP_VLAN, PLAN_STEP_LINK, PLAN_STEP_VLINK, PLAN_STEP_ADDR,
	PLAN_STEP_DEFAULT,
	PLAN_STEP_HOST,		/* + route index: one step per host route */
};
typedef int (*plan_emit_fn)(void *ctx, unsigned step, char **argv);
int plan_nic_cmds(const struct plan *p, unsigned nic, int undo,
		plan_emit_fn emit, void *ctx);

/* argv for one iscsistart run, NULL-terminated, strings in buf.  With
 * mask != 0 the CHAP secrets are replaced by "***". */
struct plan_argv {
	char *argv[PLAN_MAX_ARGS];
	char buf[2048];
};
void iscsistart_argv(struct plan_argv *a, const struct plan *p,
		const struct plan_session *s, const char *prog, int mask);

/* The record open-iscsi's "iscsistart -f" prints for one session, into
 * out (NUL-terminated, truncated to size).  Secrets masked unless
 * show_secrets. */
void plan_record(char *out, size_t size, const struct plan *p,
		const struct plan_session *s, int show_secrets);

#endif
