/* iscsi-init's private header: the state its files share (G), the option
 * bits, and what each file offers the others.  The pure parts (ibft.h,
 * plan.h, lease.h, rootpath.h, dns.h) know nothing of it.
 *
 *   iscsi_init.c  options, choosing the source, -p
 *   source.c      finding the table: ACPI, low memory, sysfs, a file
 *   netdev.c      network devices: finding a NIC, link, carrier, DAD,
 *                 the netlink socket that reports their changes
 *   run.c         print or do: every step goes through show_step()
 *   exec.c        the executor: applies the plan, logins, undo
 *   dhcp.c        udhcpc children and root-path names (FEATURE_..._DHCP)
 *   state.c       what the real root reads: resolv.conf, hostname,
 *                 initiatorname.iscsi, /run/net-IF.conf
 *   login_run.c   the built-in login through the kernel's iSCSI
 *                 transport, and -k's recovery (FEATURE_..._LOGIN)
 *
 * Licensed under GPLv2, see file LICENSE in this source tree. */
#ifndef ISCSI_INIT_H
#define ISCSI_INIT_H 1

#include "ibft.h"
#include "plan.h"
#include "chap.h"

PUSH_AND_SET_FUNCTION_VISIBILITY_TO_HIDDEN

/* getopt32's option string and its bits: an option whose feature is
 * compiled out does not exist (as udhcpc builds its own). */
/* -k keeps DHCP leases and recovers the built-in login's sessions */
#if ENABLE_FEATURE_ISCSI_INIT_DHCP || ENABLE_FEATURE_ISCSI_INIT_LOGIN
# define IF_ISCSI_INIT_KEEP(...) __VA_ARGS__
#else
# define IF_ISCSI_INIT_KEEP(...)
#endif
#define ISCSI_INIT_OPTSTR "nvf:t:+x:g:+I:" \
	IF_FEATURE_ISCSI_INIT_PRINT("ps") \
	IF_FEATURE_ISCSI_INIT_DHCP("i:d") \
	IF_ISCSI_INIT_KEEP("k") \
	IF_FEATURE_ISCSI_INIT_LOGIN("A:")
enum {	/* must match ISCSI_INIT_OPTSTR's order */
	OPTBIT_n, OPTBIT_v, OPTBIT_f, OPTBIT_t, OPTBIT_x, OPTBIT_g, OPTBIT_I,
	IF_FEATURE_ISCSI_INIT_PRINT(OPTBIT_p, OPTBIT_s,)
	IF_FEATURE_ISCSI_INIT_DHCP(OPTBIT_i, OPTBIT_d,)
	IF_ISCSI_INIT_KEEP(OPTBIT_k,)
	IF_FEATURE_ISCSI_INIT_LOGIN(OPTBIT_A,)
	OPT_n = 1 << OPTBIT_n,
	OPT_v = 1 << OPTBIT_v,
	OPT_f = 1 << OPTBIT_f,
	OPT_t = 1 << OPTBIT_t,
	OPT_x = 1 << OPTBIT_x,
	OPT_g = 1 << OPTBIT_g,
	OPT_I = 1 << OPTBIT_I,
	OPT_p = IF_FEATURE_ISCSI_INIT_PRINT((1 << OPTBIT_p)) + 0,
	OPT_s = IF_FEATURE_ISCSI_INIT_PRINT((1 << OPTBIT_s)) + 0,
	OPT_i = IF_FEATURE_ISCSI_INIT_DHCP((1 << OPTBIT_i)) + 0,
	OPT_d = IF_FEATURE_ISCSI_INIT_DHCP((1 << OPTBIT_d)) + 0,
	OPT_k = IF_ISCSI_INIT_KEEP((1 << OPTBIT_k)) + 0,
	OPT_A = IF_FEATURE_ISCSI_INIT_LOGIN((1 << OPTBIT_A)) + 0,
};

/* Where each NIC is on its way; a NIC goes on as soon as it can. */
enum { NIC_FIND, NIC_CARRIER, NIC_DHCP, NIC_DAD, NIC_READY, NIC_FAILED };
/* Each session's login; DROPPED: its root-path server has no address. */
enum { SESS_WAIT, SESS_RUN, SESS_OK, SESS_FAIL, SESS_DROPPED };

/* "[address]:port", NUL: portal_str()'s buffer */
enum { PLAN_PORTALSTRLEN = PLAN_ADDRSTRLEN + 8 };

/* udhcpc runs in a child per interface and writes each lease into a pipe
 * on this fd (udhcpc itself takes 3 and 4).  A lease record: the DHCP
 * message as hex (lease.h's LEASE_PACKET_MAX bytes, 2944 digits) and
 * udhcpc's environment. */
enum { DHCP_FD = 10, DHCP_REC_MAX = 8192 };

struct globals {
	unsigned opts;			/* OPT_* */
	unsigned long long deadline;	/* monotonic_ms() when -t runs out */
	unsigned long long soon;	/* look again then, event or not (0: no) */
	smallint rejected;		/* a raw table was found and rejected */
	const char *source;		/* where the table came from, for messages */
	const char *prog;		/* iscsistart, or -x; NULL: the built-in login */
	const char *iqn;		/* -I */
	char *argv0;			/* our argv[0]: stay_at_shutdown() marks it */
	int nl_fd;			/* netlink link/address events, or -1 */
	int sig_fd[2];			/* self-pipe: SIGCHLD arrived */
	int scan_fd[2];			/* the LUN scans hold its write end */
	char first_ip[16];	/* DHCP child: the address it was bound to */
	char namebuf[256];	/* the name read from initiatorname.iscsi */
	struct nic_state {
		uint8_t state;		/* NIC_* */
		smallint vlan_failed;	/* its VLAN device could not be made */
		uint64_t done;		/* PLAN_STEP_* bits we did: what undo takes back */
		uint64_t skip;		/* ... plus what was so before we came */
		uint8_t sysctl_old[3];	/* rp_filter, arp_ignore, arp_announce found */
		uint16_t mtu_old;	/* the MTU found before PLAN_STEP_MTU */
		pid_t dhcp_pid;
		int dhcp_fd;
		unsigned rec_len;
		char *rec;		/* the lease record being read */
		unsigned long long fallback_ms;	/* iBFT NIC: give DHCP up then */
	} nst[PLAN_MAX_NICS];
	struct sess_state {
		pid_t pid;
		uint8_t state;		/* SESS_* */
		uint8_t timed_out;	/* we stopped it: -t ran out */
		uint8_t tries;		/* logins that failed and are retried */
		int status;		/* its wait status */
		unsigned long long not_before;	/* monotonic_ms(): next try */
	} sst[PLAN_MAX_SESSIONS];
#if ENABLE_FEATURE_ISCSI_INIT_LOGIN
	unsigned nr_chap;		/* -A: CHAP algorithms to offer, in order */
	struct chap_hash chap[4];
#endif
	struct plan plan;
};
#define G (*ptr_to_globals)

/*** source.c ***/
/* Parse the raw table in file into t (G.source names it).  Returns 0, or
 * -1 after one line per problem found. */
int table_from_file(struct ibft_table *t, const char *file);
/* Look for a table: the ACPI tables (iBFT, IBFT, BIFT, each also 1..9),
 * the low-memory scan (x86, FEATURE_..._DEVMEM), /sys/firmware/ibft
 * (FEATURE_..._SYSFS; not after a raw table was rejected).  Returns 0 with
 * the first usable table in t, or -1; each rejected table was reported. */
int table_find(struct ibft_table *t);

/*** netdev.c ***/
/* Find NIC i of the plan among the kernel's interfaces (by MAC; by PCI
 * bus/dev/fn only when the table has no MAC; by name for -i) and tell the
 * plan.  Returns 1 if found, 0 if not (yet), -1 after a warning when the
 * table's MAC is nowhere but its PCI slot holds an interface with another
 * MAC: an offload (HBA) boot, whose iSCSI function is no network device. */
int netdev_find(unsigned i);
/* 1 when ifname is administratively up (IFF_UP). */
int netdev_is_up(const char *ifname);
/* 1 when ifname has a carrier (link). */
int netdev_carrier(const char *ifname);
/* 1 when the device exists. */
int netdev_exists(const char *ifname);
/* The device's MTU in bytes (/sys/class/net/IF/mtu), or -1. */
int netdev_mtu(const char *ifname);
/* IPv6 duplicate address detection of NIC n's address: 1 while it is
 * tentative, -1 when it failed (another host has it), 0 when done (or
 * not listed in /proc/net/if_inet6). */
int netdev_dad(const struct plan_nic *n);
/* dev's global IPv6 address (from router advertisements: scope global,
 * neither tentative, failed nor deprecated) into ip/prefix, and its
 * default router (or all zeros) into router.  Returns 1 when found. */
int netdev_ipv6_global(const char *dev, struct ibft_addr *ip, unsigned *prefix,
		struct ibft_addr *router);
/* Open G.nl_fd: a netlink socket told of link changes (appearing NICs,
 * carrier), address changes (DAD) and IPv6 routes (router
 * advertisements).  -1 when there is none. */
void netdev_events_open(void);
/* Read and forget what the socket has: any change means "look again". */
void netdev_events_drain(void);

/*** run.c: print or do ***/
/* The one place that decides: with -n print the step as a shell command
 * line (cmd, then argv's words quoted as needed, then redir as it is:
 * a redirection, or the rest of a comment),
 * with -v print it after "+ " and do it, else only do it.  cmd and redir
 * may be NULL.  Returns 1 when the caller is to do the step (no -n). */
int show_step(const char *cmd, char **argv, const char *redir);
/* Run NIC i's commands ("ip", "sysctl"; undo: take back what we did, in
 * reverse). */
int nic_cmds(unsigned i, int undo);
/* Bring NIC i's link up as its plan's PLAN_STEP_LINK, even with -n
 * (DHCP needs it; -n takes it down again at the end). */
int nic_link_up(unsigned i);
/* An "ip" command (argv without "ip") outside the plan, for a dry run's
 * own needs: never shown, done even with -n.  Returns its exit status. */
int ip_quiet(char **argv);
/* Write text (ending in '\n', one or more lines) to path as
 * printf/echo would, after show_step(); append or truncate.  A failure is
 * a warning. */
void write_text(const char *path, const char *text, int append);

/*** exec.c ***/
/* A plan_report_fn: "iscsi-init: warning: MSG". */
void plan_warning(void *ctx, const char *msg);
/* Apply G.plan.  Exits 0 when at least one session is up; else dies
 * with one line after taking back everything it did.  SIGTERM or
 * SIGINT ends the wait as -t does (and starts no -k child). */
int execute(void);
/* NIC i: apply its commands; then it is ready (IPv6: after DAD).  A VLAN
 * that cannot be made leaves nothing to log in through: what was done is
 * taken back and the NIC given up.  Returns 0 or -1. */
int configure_nic(unsigned i);
/* NIC i cannot be used after all (NIC_FAILED); undo: take back what was
 * configured (not under -n). */
void nic_give_up(unsigned i, int undo);
/* In a child that outlives iscsi-init (-k's lease and session keepers):
 * argv[0] begins with '@', so systemd's shutdown leaves it running until
 * the root file system is unmounted, as systemd's "storage daemons for
 * the root file system" (ROOT_STORAGE_DAEMONS) convention asks. */
void stay_at_shutdown(void);
/* "10.1.0.1:3260", "[2001:db8::1]:3260" (RFC 3986's form) into buf
 * (PLAN_PORTALSTRLEN bytes).  Returns buf. */
char *portal_str(const struct ibft_addr *a, unsigned port, char *buf);
/* In a child, SIGTERM, SIGINT and SIGCHLD back to their
 * defaults (the executor's handlers stop it as at -t). */
void child_signals(void);
/* Session i is not up but may come up with another login: its
 * NIC is configured and its target did not refuse it for good. */
int session_retryable(unsigned i);

/*** dhcp.c (FEATURE_ISCSI_INIT_DHCP) ***/
/* Start the udhcpc child for NIC i (NIC_DHCP). */
void dhcp_start(unsigned i);
/* NIC i's lease fd is readable: read it and, once whole, apply it and
 * configure the NIC.  Also the fallback to the table's values when the
 * time for a lease ran out. */
void dhcp_advance(unsigned i);
/* Resolve the DNS-named root-path servers of NIC i's sessions, once it
 * is configured.  Returns 0, or -1 when the NIC cannot be used. */
int dhcp_resolve_sessions(unsigned i);
/* NIC i's DHCP child goes (no usable lease, or -n ended). */
void dhcp_stop(unsigned i);

/*** login_run.c (FEATURE_ISCSI_INIT_LOGIN) ***/
/* -A LIST: the CHAP algorithms to offer, in order, as names (md5, sha1,
 * sha256, sha3-256, any case) or CHAP_A numbers (5-8), comma-separated,
 * into G.chap.  0, or -1 for an unknown one, one named twice, or more
 * than four. */
int login_chap_list(const char *list);
/* "CHAP_A=7,5": the CHAP_A values the built-in login offers (-A, or MD5
 * alone), in order, into out (size bytes, at least 24: the four fit),
 * for -n and -v to show. */
void login_chap_shown(char *out, size_t size);
/* In a child of the executor: log session i in through the kernel's
 * iSCSI transport (RFC 7143 login, CHAP from the plan), start it and
 * scan its LUNs in a child of its own, out of the process group, which
 * holds G.scan_fd[1] until the scan is done.  Exits 0 when it is up,
 * else after one line naming the session and why: 8 to try again (no
 * connection, no response, the target busy or not there yet), 12
 * without the iscsi_tcp transport, 24 when the login failed for good
 * (authentication, authorization, a protocol error).  Secrets go only
 * to the kernel, never to output. */
void login_child(unsigned i) NORETURN;
/* -k: the resident child that logs each session's connection in again
 * whenever the kernel reports it failed, and tries again the paths that
 * did not come up on a configured NIC (unless refused for good), with
 * backoff, for as long as it runs. */
void login_keeper(void);

/*** state.c ***/
/* The name in /etc/iscsi/initiatorname.iscsi, or NULL. */
char *initiator_from_file(void);
/* resolv.conf, hostname, initiatorname.iscsi, /run/net-IF.conf: once at
 * least one session is up. */
void write_system_files(void);

POP_SAVED_FUNCTION_VISIBILITY

#endif
