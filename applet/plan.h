/* The boot plan: what iscsi-init will do, whatever the source (iBFT,
 * DHCP).  Every decision is made here, purely: plan.c builds and changes
 * the plan (plan_lease.c for what a DHCP lease brings), plan_cmd.c turns
 * it into command lines.  The executor (exec.c) only applies it and
 * reports what it found through these functions. */
#ifndef ISCSI_INIT_PLAN_H
#define ISCSI_INIT_PLAN_H 1

#include "ibft.h"

enum {
	PLAN_MAX_NICS = IBFT_MAX_NICS,
	PLAN_MAX_SESSIONS = IBFT_MAX_TARGETS,
	PLAN_MAX_ROUTES = 24,		/* host routes plus DHCP classless routes */
	PLAN_TABLE_BASE = 100,		/* NIC i's routing table: 100 + i */
	PLAN_RULE_PREF = 1000,		/* its rule's preference: 1000 + i */
	PLAN_MAX_DNS = 3,		/* what resolv.conf honours */
	PLAN_IFNAMSIZ = 16,
	PLAN_MAX_ARGS = 32,		/* longest command we build */
	PLAN_ADDRSTRLEN = 46 + 4,	/* address plus "/128" */
	PLAN_ROOTPATH_MAX = 1024,	/* option 17 as net-IF.conf keeps it */
	PLAN_SERVER_MAX = 253,		/* a DNS name, RFC 1035 */
	PLAN_SEARCH_MAX = 255,		/* resolv.conf's search line */
	PLAN_MAX_QUERIES = 8,		/* names tried for one server name */
};

/* Where the plan came from. */
enum plan_source {
	PLAN_SOURCE_NONE,
	PLAN_SOURCE_IBFT,		/* a firmware table */
	PLAN_SOURCE_DHCP,		/* no table: -i interfaces, root-path */
};

/* A NIC's DHCP state (plan_nic.dhcp). */
enum plan_dhcp {
	PLAN_DHCP_NO,			/* configured from the table */
	PLAN_DHCP_WAIT,			/* waiting for a lease */
	PLAN_DHCP_LEASED,		/* configured from its lease */
	PLAN_DHCP_FALLBACK,		/* no lease in time: the table's values */
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
	uint8_t dhcp_state;		/* enum plan_dhcp */
	/* multipath (more than one NIC): the routing table that traffic
	 * from this NIC's address uses (0: none), and whether another NIC
	 * shares its IPv4 subnet (then each answers ARP for its own address
	 * only) */
	uint8_t table;
	uint8_t shared_link;
	struct ibft_addr ip, gateway, dns1, dns2, dhcp;
	uint32_t lease_time;		/* seconds; 0 without a lease */
	uint16_t mtu;			/* the lease's option 26; 0: as it is */
	/* an IPv4 lease's interface may carry IPv6 portals too: its global
	 * address from router advertisements, and their router */
	struct ibft_addr ip6, gateway6;
	uint8_t prefix6;
	char hostname[IBFT_HOSTNAME_MAX + 1];
	/* the lease's domain name (option 15; its first name), for
	 * net-IF.conf's DNSDOMAIN */
	char domain[IBFT_HOSTNAME_MAX + 1];
	/* the lease's own search list (option 119, else 15), for
	 * net-IF.conf's DOMAINSEARCH (resolv.conf's is every lease's) */
	char search[PLAN_SEARCH_MAX + 1];
	/* the lease's root-path without credentials, for net-IF.conf */
	char rootpath[PLAN_ROOTPATH_MAX + 1];
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
	uint16_t port;			/* TCP port, host order */
	uint8_t lun[8];
	struct ibft_addr ip;
	char name[IBFT_NAME_MAX + 1];
	char chap_name[IBFT_CHAP_MAX + 1];
	char chap_secret[IBFT_CHAP_MAX + 1];
	char rchap_name[IBFT_CHAP_MAX + 1];
	char rchap_secret[IBFT_CHAP_MAX + 1];
	/* a root-path naming its server by DNS name: ip is unset until
	 * plan_session_resolved() */
	char server[PLAN_SERVER_MAX + 1];
};

struct plan {
	enum plan_source source;
	char initiator[IBFT_NAME_MAX + 1];
	unsigned tpgt;
	unsigned nr_nics, nr_routes, nr_sessions, nr_dns;
	struct plan_nic nic[PLAN_MAX_NICS];
	struct plan_route route[PLAN_MAX_ROUTES];
	struct plan_session session[PLAN_MAX_SESSIONS];
	struct ibft_addr dns[PLAN_MAX_DNS];
	char hostname[IBFT_HOSTNAME_MAX + 1];
	/* DNS search domains, space-separated: the leases' domain search
	 * lists (option 119), else their domain names (option 15) */
	char search[PLAN_SEARCH_MAX + 1];
};

/* One line of text per finding (no newline); warnings only, the plan is
 * still usable.  Secrets never appear. */
typedef void (*plan_report_fn)(void *ctx, const char *msg);

/*** Building the plan (plan.c) ***/

/* Fill p from a parsed table: every valid NIC, every valid target (a
 * path each; boot-selected ones first), DNS servers and the
 * hostname (boot NIC first), the default route NIC.  A NIC with origin
 * DHCP (iBFT 1.03 IP_PREFIX_ORIGIN 3) and an IPv4 address or none is left
 * waiting for a DHCPv4 lease (PLAN_DHCP_WAIT); with an IPv6 address (EDK2:
 * from DHCPv6) that address is used.  p->tpgt is kept; p->source becomes PLAN_SOURCE_IBFT.
 * Returns the number of sessions. */
unsigned plan_from_ibft(struct plan *p, const struct ibft_table *t,
		plan_report_fn report, void *ctx);

/* Without a table: one NIC waiting for DHCP per name in list, a -i
 * argument ("eth0,eth1"; empty names are skipped).  p->source becomes
 * PLAN_SOURCE_DHCP.  Returns 0, or -1 with one line in err (errlen bytes):
 * "-i: 'NAME' is not an interface name", "-i: more than N interfaces",
 * "-i: no interface named". */
int plan_from_interfaces(struct plan *p, const char *list, char *err,
		size_t errlen);

/* The initiator name, chosen once (a set p->initiator is kept): the
 * source's own (iBFT initiator-name, DHCP option 203), else -I (opt),
 * else /etc/iscsi/initiatorname.iscsi's (file), else, for DHCP only, one
 * made from the first known MAC: "iqn.2005-03.org.open-iscsi:<12 hex>".
 * Any argument may be NULL or "".  Returns 0, or -1 when there is none. */
int plan_choose_initiator(struct plan *p, const char *own, const char *opt,
		const char *file);

/* The executor found NIC i as interface ifname (mac: its MAC, 6 bytes):
 * fills ifname, dev (the VLAN device "IF.VID" when the NIC has a VLAN)
 * and, for a NIC named with -i, its MAC. */
void plan_nic_found(struct plan *p, unsigned i, const char *ifname,
		const uint8_t *mac);

/* NIC i gives DHCP up (no lease in time, or no DHCP in this build): it
 * is configured from the table's own values (PLAN_DHCP_FALLBACK), its DNS
 * servers, hostname and default route join the plan, routes are made. */
void plan_nic_static(struct plan *p, unsigned i, plan_report_fn report,
		void *ctx);

/* Drop *a (zero it) when it can be no gateway (gw) or DNS server of NIC
 * n: the limited broadcast, 0.0.0.0/8, loopback, multicast, 240/4, the
 * NIC's own address, its subnet's network or broadcast address; for a
 * gateway also the other family.  One warning through report:
 * "LABEL: FIELD: ADDR is WHY; no gateway|not used".  Returns 1 when *a is
 * kept (also when unset). */
int plan_check_addr(struct ibft_addr *a, const struct plan_nic *n, int gw,
		const char *field, plan_report_fn report, void *ctx);

/* Add a DNS server unless it is unset, known already, or one too many. */
void plan_add_dns(struct plan *p, const struct ibft_addr *a);
/* A configured NIC's settings join the plan: its DNS servers, its host
 * name when there is none yet, and the default route through its gateway
 * when no NIC carries one yet. */
void plan_take_nic(struct plan *p, struct plan_nic *n);

/* Add a host route for every session whose target lies outside its NIC's
 * subnet, via that NIC's gateway, so each session leaves through the NIC
 * the source named.  NICs still waiting for DHCP and sessions whose
 * server is not resolved yet are left for later.  Idempotent. */
void plan_routes(struct plan *p, plan_report_fn report, void *ctx);

/* NIC i, configured for IPv4, got a global IPv6 address ip/prefix from
 * router advertisements (router: the default router there, or NULL):
 * IPv6 portals of its sessions can be routed (plan_routes()) and logged
 * in to. */
void plan_nic_ipv6(struct plan *p, unsigned i, const struct ibft_addr *ip,
		unsigned prefix, const struct ibft_addr *router,
		plan_report_fn report, void *ctx);

/* 1 when session s can log in as soon as its NIC is up; 0 while its
 * portal is IPv6 and its NIC has no IPv6 address yet (plan_nic_ipv6()). */
int plan_session_ready(const struct plan *p, unsigned s);

/* Decide multipath routing: with more than one NIC, each NIC with an
 * address gets its table; shared_link for NICs in one IPv4 subnet.
 * Idempotent; plan_routes() calls it. */
void plan_multipath(struct plan *p);

/* 1 when a and b are the same address of the same family. */
int addr_equal(const struct ibft_addr *a, const struct ibft_addr *b);
/* 1 when every byte of a's address is 0 (whatever its family). */
int addr_is_zero(const struct ibft_addr *a);
/* 1 when a lies inside net/prefix (same family). */
int addr_in_subnet(const struct ibft_addr *a, const struct ibft_addr *net,
		unsigned prefix);

/*** What a DHCP lease brings (plan_lease.c) ***/

struct lease;

/* A lease arrived for NIC i: address and prefix, the router as gateway
 * unless classless routes came (RFC 3442 section 3: then the router option
 * is ignored, and 0.0.0.0/0 among them is the default route), the other
 * classless routes, DNS servers and search domains (option 119, else 15;
 * in the order leases come), hostname,
 * lease time, the DHCP server (the caller then offers option 203 to
 * plan_choose_initiator()).  An IPv6 portal (dual-stack networks) waits
 * for the interface's IPv6 address (plan_nic_ipv6()).  Without a table (PLAN_SOURCE_DHCP) the root-path
 * (option 17, RFC 4173) names the NIC's session: added at once when the
 * server is an address, else left for plan_session_resolved().
 * Returns 0, or -1 with one line in err (errlen bytes) naming the part of
 * the lease that is wrong (never a password); the plan is then unchanged
 * but for the DNS servers.  A router, classless route gateway or DNS
 * server that can be no such (the rules of the iBFT's gateway and DNS
 * fields) is dropped with a warning through report. */
int plan_apply_lease(struct plan *p, unsigned i, const struct lease *l,
		char *err, size_t errlen, plan_report_fn report, void *ctx);

/* The session whose server is a DNS name now has an address (a, from
 * the lease's DNS servers): it is filled and routed.  Returns 0, or -1
 * with one line in err when a is NULL (the name could not be resolved)
 * or not IPv4; the session's address then stays unset, so it is never
 * routed or started. */
int plan_session_resolved(struct plan *p, unsigned s,
		const struct ibft_addr *a, char *err, size_t errlen);

/* The names a stub resolver configured from the leases (p->search, the
 * ndots:1 rule of resolv.conf(5)) asks for name, in order, into out:
 * a name without a dot gets each search domain appended first and is
 * asked as it is last; a name with a dot is asked as it is first; a name
 * ending in a dot only as it is (without that dot).  Names that would be
 * longer than PLAN_SERVER_MAX are left out.  Returns how many (at most
 * max). */
unsigned plan_query_names(const struct plan *p, const char *name,
		char (*out)[PLAN_SERVER_MAX + 1], unsigned max);

/* How NIC i's IPv4 routes (its subnet, the plan's routes through it,
 * longest prefix first, then its gateway) reach dst: 0 in its subnet;
 * 1 outside it, via the gateway put in via (0.0.0.0: an on-link
 * classless route); -1 not at all.  -n asks the lease's DNS servers
 * before anything is configured: it routes them so for the question. */
int plan_next_hop(const struct plan *p, unsigned i,
		const struct ibft_addr *dst, struct ibft_addr *via);

/*** Command lines (plan_cmd.c) ***/

/* The commands that set up one NIC, in order, each as an argv handed to
 * emit: "ip" commands without the leading "ip" ("link set dev eth0 up",
 * "-6 rule add ..."), and kernel settings as "sysctl -w KEY=VALUE".  The
 * same lines are printed by -n and executed by the executor.  undo != 0
 * gives the commands that take them back, in reverse order (a sysctl
 * step and the MTU step, "link set dev DEV mtu N" for a lease's option
 * 26, repeat their "do" argv: the executor restores the value it found).
 * step (PLAN_STEP_*) names each one the same way in both directions, so
 * the executor can undo only what it did.
 *
 * With more than one NIC (multipath), a NIC with an address also gets
 * its own routing table (PLAN_TABLE_BASE + i): its subnet with "src", its
 * default route and its routes, chosen by "rule add from ADDR table T pref
 * PLAN_RULE_PREF + i", so traffic from its address leaves through it
 * whatever the main table says; reverse-path filtering loose on it
 * (rp_filter 2) and, when another NIC shares its IPv4 subnet, ARP
 * answered and announced for its own address only (arp_ignore 1,
 * arp_announce 2).  The executor skips a setting that already holds. */
enum {
	PLAN_STEP_VLAN, PLAN_STEP_LINK, PLAN_STEP_VLINK, PLAN_STEP_MTU,
	PLAN_STEP_ADDR,
	PLAN_STEP_DEFAULT, PLAN_STEP_TABLE_NET, PLAN_STEP_TABLE_DEFAULT,
	PLAN_STEP_RULE, PLAN_STEP_RP_FILTER, PLAN_STEP_ARP_IGNORE,
	PLAN_STEP_ARP_ANNOUNCE,
	PLAN_STEP_HOST,		/* + 2 * route index: its host route, */
	/* + 2 * route index + 1: the same route in the NIC's table */
	PLAN_NR_STEPS = PLAN_STEP_HOST + 2 * PLAN_MAX_ROUTES,
};
/* the executor keeps one bit per step in a uint64_t */
struct BUG_plan_steps_fit_64_bits {
	char BUG_plan_steps[PLAN_NR_STEPS <= 64 ? 1 : -1];
};
typedef int (*plan_emit_fn)(void *ctx, unsigned step, char **argv);
int plan_nic_cmds(const struct plan *p, unsigned nic, int undo,
		plan_emit_fn emit, void *ctx);

/* The address a connection to "to" leaves NIC n from: n's address of
 * to's family (an IPv4 lease's IPv6 address for an IPv6 portal, or for
 * a login redirected to one), or NULL when n has none. */
const struct ibft_addr *plan_source(const struct plan_nic *n,
		const struct ibft_addr *to);
/* The address session s leaves from: plan_source() for its portal. */
const struct ibft_addr *plan_session_source(const struct plan *p,
		const struct plan_session *s);

/* argv for one iscsistart run (open-iscsi 2.1: -i -t -g -a -p, CHAP with
 * -u -w -U -W; once its NIC is found, bound to it with -P
 * iface.iscsi_ifacename=iscsi-init.LABEL -P iface.net_ifacename=DEV -P
 * iface.ipaddress=SOURCE), NULL-terminated, strings in buf.  With mask
 * != 0 the CHAP secrets are replaced by "***". */
struct plan_argv {
	char *argv[PLAN_MAX_ARGS];
	char buf[2048];
};
void iscsistart_argv(struct plan_argv *a, const struct plan *p,
		const struct plan_session *s, const char *prog, int mask);

/* What iscsistart's exit status means for a login (open-iscsi's
 * include/iscsi_err.h): PLAN_LOGIN_OK for 0 and 15 (ISCSI_ERR_SESS_EXISTS:
 * the session is up already); PLAN_LOGIN_FINAL where trying again cannot
 * help: 7 (INVAL), 12 (TRANS_NOT_FOUND), 13 (ACCESS), 14 (TRANS_CAPS),
 * 24 (LOGIN_AUTH_FAILED: the target refused our credentials), 27
 * (OP_NOT_SUPP), 126 and 127 (the program cannot run); PLAN_LOGIN_RETRY
 * for every other status (5 LOGIN, 8 TRANS_TIMEOUT, 19 FATAL_LOGIN, which
 * a target still starting answers, ...) and for a login program killed
 * by a signal (pass -1). */
enum { PLAN_LOGIN_OK, PLAN_LOGIN_RETRY, PLAN_LOGIN_FINAL };
int plan_login_outcome(int exit_status);

/* Milliseconds to wait before login attempt number tries + 1 (tries >= 1
 * failed so far): 2 s doubled each time, at most 32 s, randomized by up to
 * one second either way (RFC 2131 section 4.1's scheme), so hosts booting
 * together do not retry in lock-step.  rnd: any random number. */
unsigned plan_retry_delay_ms(unsigned tries, unsigned rnd);

/* The record open-iscsi's "iscsistart -f" prints for one session, into
 * out (NUL-terminated, truncated to size).  Secrets masked unless
 * show_secrets. */
void plan_record(char *out, size_t size, const struct plan *p,
		const struct plan_session *s, int show_secrets);

#endif
