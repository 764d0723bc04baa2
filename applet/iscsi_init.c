/* vi: set sw=4 ts=4: */
/*
 * iscsi-init: bring up iSCSI boot disks from an initrd.  Finds the iSCSI
 * Boot Firmware Table, turns it into a boot plan (plan.c), and applies it:
 * links, addresses, routes, then one iscsistart per boot target.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//applet:IF_ISCSI_INIT(APPLET_ODDNAME(iscsi-init, iscsi_init, BB_DIR_SBIN, BB_SUID_DROP, iscsi_init))

//usage:#define iscsi_init_trivial_usage
//usage:       "[-nv" IF_FEATURE_ISCSI_INIT_PRINT("ps") IF_FEATURE_ISCSI_INIT_DHCP("dk") "] [-f FILE]"
//usage:	IF_FEATURE_ISCSI_INIT_DHCP(" [-i IF[,IF]...]")
//usage:       " [-t SEC] [-x PROG] [-g TPGT] [-I IQN]"
//usage:#define iscsi_init_full_usage "\n\n"
//usage:       "Configure the network from the iSCSI Boot Firmware Table\n"
//usage:       "(or DHCP) and log in to the boot targets with iscsistart\n"
//usage:     "\n	-f FILE	Read a raw table from FILE instead of the firmware"
//usage:	IF_FEATURE_ISCSI_INIT_DHCP(
//usage:     "\n	-i IFS	Without a table: DHCP on these interfaces, target"
//usage:     "\n		from the root-path (option 17)"
//usage:     "\n	-d	DHCP on -i interfaces even when there is a table"
//usage:     "\n	-k	Keep renewing DHCP leases after login"
//usage:	)
//usage:     "\n	-n	Dry run: print the commands, change nothing"
//usage:	IF_FEATURE_ISCSI_INIT_PRINT(
//usage:     "\n	-p	Print the table as iscsistart -f records"
//usage:     "\n	-s	With -p: show CHAP secrets"
//usage:	)
//usage:     "\n	-t SEC	Give up after SEC seconds (default 60)"
//usage:     "\n	-x PROG	Run PROG instead of iscsistart"
//usage:     "\n	-g TPGT	Target portal group tag (default 1)"
//usage:     "\n	-I IQN	Initiator name when the table has none"
//usage:     "\n	-v	Show each command as it runs"

#include "libbb.h"
#include <net/if.h>
#include "../networking/libiproute/ip_common.h"
#include "ibft.h"
#include "plan.h"
#include "lease.h"
#include "rootpath.h"
#include "dns.h"

#define ACPI_TABLES   "/sys/firmware/acpi/tables/"
#define IBFT_SYSFS    "/sys/firmware/ibft"
#define INITIATORNAME "/etc/iscsi/initiatorname.iscsi"

enum {
	OPT_n = 1 << 0,
	OPT_p = 1 << 1,
	OPT_s = 1 << 2,
	OPT_v = 1 << 3,
	OPT_f = 1 << 4,
	OPT_t = 1 << 5,
	OPT_x = 1 << 6,
	OPT_g = 1 << 7,
	OPT_I = 1 << 8,
	OPT_i = 1 << 9,
	OPT_d = 1 << 10,
	OPT_k = 1 << 11,
};

/* udhcpc runs in a child per interface and writes each lease into a pipe
 * on this fd (udhcpc itself takes 3 and 4). */
enum { DHCP_FD = 10, DHCP_REC_MAX = 4096 };

/* patches/0002: udhcpc calls this instead of running a script */
extern void FAST_FUNC (*udhcpc_script_hook)(const char *name);
int udhcpc_main(int argc, char **argv);

/* Low memory the legacy scan reads: 512 KiB below 1 MiB. */
enum { LOWMEM_START = 0x80000, LOWMEM_END = 0x100000 };

enum { NIC_FIND, NIC_CARRIER, NIC_DHCP, NIC_DAD, NIC_READY, NIC_FAILED };
enum { SESS_WAIT, SESS_RUN, SESS_OK, SESS_FAIL };

struct globals {
	unsigned opts;
	smallint rejected;		/* a raw table was found and rejected */
	unsigned long long deadline;
	const char *source;		/* where the table came from, for messages */
	const char *prog;		/* iscsistart */
	struct nic_state {
		uint8_t state;
		uint32_t done;		/* PLAN_STEP_* bits we did: what undo takes back */
		uint32_t skip;		/* ... plus what was so before we came */
		pid_t dhcp_pid;
		int dhcp_fd;
		unsigned rec_len;
		char *rec;		/* the lease record being read */
		unsigned long long fallback_ms;	/* iBFT NIC: give DHCP up then */
		smallint vlan_failed;	/* its VLAN device could not be made */
		uint32_t lease_time;
		char *rootpath;		/* what the lease said, for net-IF.conf */
		struct rootpath *rp;	/* its target, until the NIC is up */
	} nst[PLAN_MAX_NICS];
	const char *iqn;	/* -I */
	char first_ip[16];	/* DHCP child: the address it was bound to */
	char namebuf[256];	/* an initiator name read or made */
	struct sess_state {
		pid_t pid;
		uint8_t state;
		uint8_t timed_out;
		int status;
	} sst[PLAN_MAX_SESSIONS];
	struct ibft_table table;
	struct plan plan;
};
#define G (*ptr_to_globals)
#define INIT_G() do { SET_PTR_TO_GLOBALS(xzalloc(sizeof(G))); } while (0)

static void source_problem(void *ctx UNUSED_PARAM, const char *msg)
{
	bb_error_msg("iBFT %s: %s", G.source, msg);
}

static void plan_warning(void *ctx UNUSED_PARAM, const char *msg)
{
	bb_error_msg("warning: %s", msg);
}

static int time_left(void)
{
	return (long long)(G.deadline - monotonic_ms()) > 0;
}

/* --- Finding the table --------------------------------------------- */

static int parse_buffer(const uint8_t *buf, size_t len)
{
	int rc = ibft_parse(buf, len, &G.table, source_problem, NULL);

	if (rc) {
		bb_error_msg("iBFT %s: table rejected", G.source);
		G.rejected = 1;
	}
	return rc;
}

static int from_file(const char *file)
{
	size_t len = 0xffff + 1;
	uint8_t *buf = xmalloc_open_read_close(file, &len);
	int rc;

	G.source = file;
	if (!buf)
		bb_perror_msg_and_die("iBFT %s", file);
	rc = parse_buffer(buf, len);
	free(buf);
	return rc;
}

/* /sys/firmware/acpi/tables/SIG, then SIG1..SIG9 (more than one instance) */
static int from_acpi(void)
{
	static const char sigs[] ALIGN1 = "iBFT\0IBFT\0BIFT\0";
	const char *sig;
	unsigned n;

	for (sig = sigs; *sig; sig += 5) {
		for (n = 0; n < 10; n++) {
			char *path = xasprintf(ACPI_TABLES "%s%.0u", sig, n);
			size_t len = 0xffff + 1;
			uint8_t *buf = xmalloc_open_read_close(path, &len);

			if (buf) {
				int rc;
				G.source = path;	/* kept for messages */
				rc = parse_buffer(buf, len);
				free(buf);
				if (rc == 0)
					return 0;
			} else {
				free(path);
			}
		}
	}
	return -1;
}

static int from_devmem(void)
{
	uint8_t *mem;
	long off;
	int fd, rc = -1;

	if (!ENABLE_FEATURE_ISCSI_INIT_DEVMEM)
		return -1;
	fd = open("/dev/mem", O_RDONLY);
	if (fd < 0)
		return -1;
	mem = xzalloc(LOWMEM_END - LOWMEM_START);
	if (pread(fd, mem, LOWMEM_END - LOWMEM_START, LOWMEM_START)
			== LOWMEM_END - LOWMEM_START) {
		off = ibft_scan(mem, LOWMEM_END - LOWMEM_START, LOWMEM_START);
		if (off >= 0) {
			G.source = xasprintf("/dev/mem@0x%lx", LOWMEM_START + off);
			rc = parse_buffer(mem + off, LOWMEM_END - LOWMEM_START - off);
		}
	}
	free(mem);
	close(fd);
	return rc;
}

static int from_sysfs(void)
{
	/* The kernel's view of a raw table we rejected is no better. */
	if (!ENABLE_FEATURE_ISCSI_INIT_SYSFS || G.rejected)
		return -1;
	G.source = IBFT_SYSFS;
	return ibft_read_sysfs(IBFT_SYSFS, &G.table, source_problem, NULL);
}

/* --- Finding the NICs ---------------------------------------------- */

static char *sys_net(const char *ifname, const char *attr)
{
	return xasprintf("/sys/class/net/%s/%s", ifname, attr);
}

/* The interface with this MAC, else the one at this PCI bus/dev/fn.  A
 * physical interface wins over a virtual one with the same MAC; VLANs
 * (which copy their parent's MAC) never match.  Fills ifname and dev. */
static int find_ifname(struct plan_nic *n)
{
	static const uint8_t zero[6];
	DIR *dir = opendir("/sys/class/net");
	struct dirent *de;
	char want[18], buf[128];
	int best = 0;

	if (!dir)
		return 0;
	if (n->label[0] && strcmp(n->label, n->ifname) == 0) {
		/* named with -i: it is there when sysfs has it; learn its MAC */
		char *p = sys_net(n->ifname, "address");
		unsigned m[6], k;

		closedir(dir);
		if (open_read_close(p, buf, sizeof(buf) - 1) < 17) {
			free(p);
			return 0;
		}
		free(p);
		buf[17] = '\0';
		if (sscanf(buf, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3],
				&m[4], &m[5]) == 6)
			for (k = 0; k < 6; k++)
				n->mac[k] = m[k];
		strcpy(n->dev, n->ifname);
		return 1;
	}
	sprintf(want, "%02x:%02x:%02x:%02x:%02x:%02x", n->mac[0], n->mac[1],
		n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
	while ((de = readdir(dir)) != NULL) {
		char *p, *link;
		unsigned dom, bus, dev, fn;
		int score = 0;

		if (DOT_OR_DOTDOT(de->d_name) || strlen(de->d_name) >= PLAN_IFNAMSIZ)
			continue;
		p = sys_net(de->d_name, "uevent");
		if (open_read_close(p, buf, sizeof(buf) - 1) > 0
		 && (buf[sizeof(buf) - 1] = '\0', strstr(buf, "DEVTYPE=vlan")))
			score = -1;
		free(p);
		p = sys_net(de->d_name, "device");
		link = xmalloc_readlink(p);
		free(p);
		p = sys_net(de->d_name, "address");
		if (score == 0 && memcmp(n->mac, zero, 6) != 0
		 && open_read_close(p, buf, sizeof(buf) - 1) >= 17
		 && strncasecmp(buf, want, 17) == 0)
			score = link ? 3 : 2;
		free(p);
		if (score == 0 && link && n->pci_bdf
		 && sscanf(bb_basename(link), "%x:%x:%x.%x", &dom, &bus, &dev, &fn) == 4
		 && ((bus << 8) | (dev << 3) | fn) == n->pci_bdf)
			score = 1;
		free(link);
		if (score > best) {
			best = score;
			safe_strncpy(n->ifname, de->d_name, PLAN_IFNAMSIZ);
		}
	}
	closedir(dir);
	if (best > 0) {
		if (n->vlan_id)
			snprintf(n->dev, PLAN_IFNAMSIZ, "%.10s.%u", n->ifname,
				n->vlan_id % 10000);
		else
			strcpy(n->dev, n->ifname);
	}
	return best > 0;
}

static int read_flag(const char *ifname, const char *attr)
{
	char *p = sys_net(ifname, attr);
	char buf[8];
	int v = open_read_close(p, buf, sizeof(buf) - 1) > 0 ? buf[0] == '1' : 0;

	free(p);
	return v;
}

static int link_is_up(const char *ifname)
{
	char *p = sys_net(ifname, "flags");
	char buf[16];
	int up = 0;

	if (open_read_close(p, buf, sizeof(buf) - 1) > 0)
		up = strtoul(buf, NULL, 16) & IFF_UP;
	free(p);
	return up;
}

/* An IPv6 address is "tentative" until duplicate address detection
 * (about a second) is over; a login from it would fail.  Returns 1 while
 * tentative, -1 when DAD found another host using it, 0 otherwise (also
 * when /proc/net/if_inet6 does not list it). */
static int ipv6_dad(const struct plan_nic *n)
{
	FILE *f = fopen_for_read("/proc/net/if_inet6");
	char line[128], want[33], addr[33], dev[IFNAMSIZ + 1];
	unsigned i, flags;
	int rc = 0;

	if (!f)
		return 0;
	for (i = 0; i < 16; i++)
		sprintf(want + 2 * i, "%02x", n->ip.a[i]);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%32s %*x %*x %*x %x %16s", addr, &flags, dev) != 3
		 || strcmp(addr, want) != 0 || strcmp(dev, n->dev) != 0)
			continue;
		rc = flags & 0x08 ? -1 : flags & 0x40 ? 1 : 0;	/* DADFAILED, TENTATIVE */
		break;
	}
	fclose(f);
	return rc;
}

/* --- Running commands ---------------------------------------------- */

/* Print one word as a shell would need it typed. */
static void print_word(const char *a)
{
	if (a[0] && a[strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:/@%+=,-")] == '\0') {
		fputs(a, stdout);
		return;
	}
	putchar('\'');
	for (; *a; a++) {
		if (*a == '\'')
			fputs("'\\'", stdout);
		putchar(*a);
	}
	putchar('\'');
}

static void print_cmd(const char *prefix, char **argv)
{
	const char *sep = prefix;

	for (; *argv; argv++, sep = " ") {
		fputs(sep, stdout);
		print_word(*argv);
	}
	putchar('\n');
	fflush_all();
}

struct ip_ctx {
	unsigned nic;
	smallint undo;
	smallint force;		/* even with -n: DHCP needs the link up */
	smallint quiet;		/* not part of the plan: not shown */
};

/* Run one "ip" command in a child: libiproute dies on errors, keeps
 * sockets open and keeps state in bb_common_bufsiz1.  Each step is done
 * once, and undone only if it was ours. */
static int run_ip(void *vctx, unsigned step, char **argv)
{
	struct ip_ctx *ctx = vctx;
	struct nic_state *st = &G.nst[ctx->nic];
	int FAST_FUNC (*fn)(char **);
	pid_t pid;
	int rc;

	if (!ctx->quiet
	 && (ctx->undo ? !(st->done & (1 << step)) : (st->skip & (1 << step))))
		return 0;
	if (st->vlan_failed && !ctx->undo && step > PLAN_STEP_LINK)
		return 0;	/* nothing to put on a VLAN that is not there */
	if ((G.opts & (OPT_n | OPT_v)) && !ctx->quiet)
		print_cmd(G.opts & OPT_n ? "ip " : "+ ip ", argv);
	if ((G.opts & OPT_n) && !ctx->force) {
		if (!ctx->undo && !ctx->quiet)
			st->skip |= 1 << step;	/* printed: once is enough */
		return 0;
	}
	fn = argv[0][0] == 'l' ? do_iplink : argv[0][0] == 'a' ? do_ipaddr : do_iproute;
	fflush_all();
	pid = xfork();
	if (pid == 0)
		_exit(fn(argv + 1));
	rc = wait4pid(pid);
	if (rc && !ctx->undo && step == PLAN_STEP_VLAN)
		st->vlan_failed = 1;
	if (rc == 0 && !ctx->quiet) {
		if (!ctx->undo) {
			st->done |= 1 << step;
			st->skip |= 1 << step;
		} else {	/* taken back: a second undo does nothing */
			st->done &= ~(1 << step);
			st->skip &= ~(1 << step);
		}
	}
	return rc;
}

static int nic_cmds(unsigned i, int undo)
{
	struct ip_ctx ctx = { .nic = i, .undo = undo };

	return plan_nic_cmds(&G.plan, i, undo, run_ip, &ctx);
}

/* Apply NIC i's commands; then it is ready (IPv6: after DAD).  A VLAN
 * that cannot be made leaves nothing to log in through: what was done is
 * taken back and the NIC given up.  Returns 0 or -1. */
static int configure_nic(unsigned i)
{
	struct plan_nic *n = &G.plan.nic[i];
	struct nic_state *st = &G.nst[i];

	if (n->vlan_id && !(G.opts & OPT_n)) {
		char *p = sys_net(n->dev, "flags");

		if (access(p, F_OK) == 0) {	/* there already: not ours */
			st->skip |= 1 << PLAN_STEP_VLAN;
			if (link_is_up(n->dev))
				st->skip |= 1 << PLAN_STEP_VLINK;
		}
		free(p);
	}
	nic_cmds(i, 0);
	st->state = n->ip.family == IBFT_AF_INET6 ? NIC_DAD : NIC_READY;
	if (!st->vlan_failed)
		return 0;
	bb_error_msg("warning: %s: vlan: can't make %s (VLAN %u on %s); is "
		"the 8021q module loaded?", n->label, n->dev, n->vlan_id, n->ifname);
	nic_cmds(i, 1);
	st->state = NIC_FAILED;
	return -1;
}

static void start_session(unsigned i)
{
	struct plan_argv a;
	pid_t pid;

	iscsistart_argv(&a, &G.plan, &G.plan.session[i], G.prog, 1);
	if (G.opts & (OPT_n | OPT_v))
		print_cmd(G.opts & OPT_n ? "" : "+ ", a.argv);
	if (G.opts & OPT_n) {
		G.sst[i].state = SESS_OK;	/* planned */
		return;
	}
	iscsistart_argv(&a, &G.plan, &G.plan.session[i], G.prog, 0);
	fflush_all();
	pid = xfork();
	if (pid == 0) {
		/* own process group: on timeout we stop it and its daemon half */
		setpgid(0, 0);
		BB_EXECVP(a.argv[0], a.argv);
		bb_perror_msg("can't execute '%s'", a.argv[0]);
		_exit(127);
	}
	G.sst[i].pid = pid;
	G.sst[i].state = SESS_RUN;
}

static void reap_sessions(void)
{
	unsigned i;
	int status;
	pid_t pid;

	while ((pid = wait_any_nohang(&status)) > 0) {
		for (i = 0; i < G.plan.nr_sessions; i++) {
			if (G.sst[i].pid != pid || G.sst[i].state != SESS_RUN)
				continue;
			G.sst[i].status = status;
			G.sst[i].state = WIFEXITED(status) && WEXITSTATUS(status) == 0
				? SESS_OK : SESS_FAIL;
		}
	}
}

static void stop_session(unsigned i)
{
	unsigned n;

	G.sst[i].timed_out = 1;
	kill(-G.sst[i].pid, SIGTERM);
	for (n = 0; n < 20 && G.sst[i].state == SESS_RUN; n++) {
		msleep(100);
		reap_sessions();
	}
	if (G.sst[i].state == SESS_RUN) {
		kill(-G.sst[i].pid, SIGKILL);
		safe_waitpid(G.sst[i].pid, NULL, 0);
		G.sst[i].state = SESS_FAIL;
	}
}

/* --- The executor ---------------------------------------------------- */

/* --- DHCP ------------------------------------------------------------ */

/* In the udhcpc child: hand the lease to the parent as NUL-separated
 * key=value strings ending with an empty one. */
static void FAST_FUNC dhcp_hook(const char *event)
{
	char *first_ip = G.first_ip;
	char *rec, *p;
	const char *k;

	if (strcmp(event, "bound") != 0 && strcmp(event, "renew") != 0)
		return;	/* deconfig/leasefail: never take an iSCSI root's address away */
	if (first_ip[0]) {
		/* -k: the parent is gone; we only keep the lease alive */
		const char *ip = getenv("ip");
		if (ip && strcmp(ip, first_ip) != 0)
			bb_error_msg("warning: %s: DHCP server moved us from %s to "
				"%s; keeping %s", getenv("interface"), first_ip, ip,
				first_ip);
		return;
	}
	safe_strncpy(first_ip, getenv("ip") ? : "", sizeof(G.first_ip));
	p = rec = xzalloc(DHCP_REC_MAX);
	p += sprintf(p, "event=%s", event) + 1;
	for (k = lease_keys; *k; k += strlen(k) + 1) {
		const char *v = getenv(k);
		if (v && (size_t)(rec + DHCP_REC_MAX - p) > strlen(k) + strlen(v) + 3)
			p += sprintf(p, "%s=%s", k, v) + 1;
	}
	*p++ = '\0';
	full_write(DHCP_FD, rec, p - rec);
	close(DHCP_FD);
	free(rec);
}

static void start_dhcp(unsigned i)
{
	struct plan_nic *n = &G.plan.nic[i];
	struct nic_state *st = &G.nst[i];
	int fds[2];
	pid_t pid;

	xpipe(fds);
	fflush_all();
	pid = xfork();
	if (pid == 0) {
		char *argv[] = {
			(char*)"udhcpc", (char*)"-f", (char*)"-i", n->ifname,
			(char*)"-O", (char*)"rootpath", (char*)"-O", (char*)"staticroutes",
			(char*)"-O", (char*)"msstaticroutes", (char*)"-O", (char*)"203",
			(char*)"-T", (char*)"2",
			(char*)"-A", (char*)"2", (char*)"-t", (char*)"1000",
			(G.opts & OPT_k) ? NULL : (char*)"-q", NULL
		};
		close(fds[0]);
		xmove_fd(fds[1], DHCP_FD);
		signal(SIGPIPE, SIG_IGN);
		/* udhcpc's chatter: to stderr (stdout is -n's plan), by name */
		xdup2(STDERR_FILENO, STDOUT_FILENO);
		applet_name = xasprintf("iscsi-init: %s", n->ifname);
		if (G.opts & OPT_k)
			setsid();	/* outlives us, keeping the lease */
		udhcpc_script_hook = dhcp_hook;
		_exit(udhcpc_main(ARRAY_SIZE(argv) - 1, argv));
	}
	close(fds[1]);
	ndelay_on(fds[0]);
	close_on_exec_on(fds[0]);
	st->dhcp_pid = pid;
	st->dhcp_fd = fds[0];
	st->rec = xzalloc(DHCP_REC_MAX);
	st->state = NIC_DHCP;
	/* An iBFT NIC the firmware configured by DHCP also holds the
	 * address it was given: half the time left is for a new lease,
	 * then that address is used. */
	if (G.table.nr_nics && n->ip.family != IBFT_AF_NONE)
		st->fallback_ms = monotonic_ms() + (G.deadline - monotonic_ms()) / 2;
}

/* No lease in time on an iBFT NIC: configure it as the table says. */
static void dhcp_fallback(unsigned i)
{
	struct plan *p = &G.plan;
	struct plan_nic *n = &p->nic[i];
	struct nic_state *st = &G.nst[i];
	char a[PLAN_ADDRSTRLEN];

	bb_error_msg("warning: %s: no DHCP lease on %s yet; using the "
		"table's address %s/%u", n->label, n->ifname,
		ibft_addr_str(&n->ip, a), n->prefix);
	kill(st->dhcp_pid, SIGTERM);
	safe_waitpid(st->dhcp_pid, NULL, 0);
	st->dhcp_pid = 0;
	close(st->dhcp_fd);
	n->use_dhcp = 0;
	plan_take_nic(p, n);
	plan_routes(p, plan_warning, NULL);
	configure_nic(i);
}

static void nic_gives_up(unsigned i)
{
	struct nic_state *st = &G.nst[i];

	st->state = NIC_FAILED;
	if (st->dhcp_pid) {	/* no usable lease: nothing to keep, even with -k */
		kill(st->dhcp_pid, SIGTERM);
		safe_waitpid(st->dhcp_pid, NULL, 0);
	}
	st->dhcp_pid = 0;
}

/* Ask the lease's DNS servers for name's address (2 s each). */
static int resolve(const char *name, struct ibft_addr *out)
{
	uint8_t q[DNS_PACKET_MAX], r[DNS_PACKET_MAX];
	unsigned i, try;
	int qlen, rc = -1;
	uint16_t id = monotonic_us();

	qlen = dns_query(q, sizeof(q), id, name);
	for (try = 0; try < 2 && rc != 0 && qlen > 0; try++) {
		for (i = 0; i < G.plan.nr_dns && rc != 0; i++) {
			struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
			struct pollfd pfd;
			int fd = socket(AF_INET, SOCK_DGRAM, 0);
			ssize_t got;

			if (fd < 0)
				continue;
			memcpy(&sa.sin_addr, G.plan.dns[i].a, 4);
			pfd.fd = fd;
			pfd.events = POLLIN;
			if (connect(fd, (void*)&sa, sizeof(sa)) == 0
			 && send(fd, q, qlen, 0) == qlen
			 && poll(&pfd, 1, 2000) == 1
			 && (got = recv(fd, r, sizeof(r), 0)) > 0)
				rc = dns_answer(r, got, id, out);
			close(fd);
		}
	}
	return rc;
}

static const char *initiator_name(const struct lease *l);

/* A lease arrived on NIC i: fill the plan from it and, without a table,
 * add the session its root-path names.  Returns -1 (after one error line)
 * when the interface cannot be used. */
static int apply_lease(unsigned i, const struct lease *l)
{
	struct plan *p = &G.plan;
	struct plan_nic *n = &p->nic[i];
	struct nic_state *st = &G.nst[i];
	struct rootpath rp;
	char err[160];
	unsigned k;

	n->ip = l->ip;
	n->prefix = l->prefix;
	n->use_dhcp = 2;
	memset(&n->gateway, 0, sizeof(n->gateway));
	/* RFC 3442: with classless routes, the router option is ignored */
	if (!l->nr_routes)
		n->gateway = l->router;
	n->dns1 = l->dns[0];
	n->dns2 = l->dns[1];
	n->origin = IBFT_ORIGIN_DHCP;
	n->dhcp = l->server;
	safe_strncpy(n->hostname, l->hostname, sizeof(n->hostname));
	st->lease_time = l->lease_time;

	if (!p->initiator[0])
		safe_strncpy(p->initiator, initiator_name(l), sizeof(p->initiator));
	/* DNS servers in the order leases came (resolve() asks them) */
	for (k = 0; k < l->nr_dns; k++)
		plan_add_dns(p, &l->dns[k]);

	if (G.table.nr_nics == 0) {	/* no table: the root-path says it all */
		if (!l->rootpath[0]) {
			bb_error_msg("DHCP %s: no root-path (option 17) in the lease",
				n->ifname);
			return -1;
		}
		if (rootpath_parse(l->rootpath, strlen(l->rootpath), &rp, err,
				sizeof(err)) != 0) {
			bb_error_msg("DHCP %s: %s", n->ifname, err);
			return -1;
		}
		if (p->nr_sessions == PLAN_MAX_SESSIONS)
			return -1;
		if (rp.addr.family == IBFT_AF_INET6) {
			bb_error_msg("DHCP %s: root-path: server: IPv6 target on an "
				"IPv4 lease", n->ifname);
			return -1;
		}
		/* the file keeps no credentials: "iscsi:" and what follows '@' */
		st->rootpath = rp.user[0]
			? xasprintf("iscsi:%s", strchr(l->rootpath, '@') + 1)
			: xstrdup(l->rootpath);
		st->rp = xmemdup(&rp, sizeof(rp));
	}
	for (k = 0; k < l->nr_routes && p->nr_routes < PLAN_MAX_ROUTES; k++) {
		const struct lease_route *lr = &l->route[k];
		struct plan_route *r;

		if (lr->prefix == 0) {	/* 0.0.0.0/0: the default route */
			n->gateway = lr->gw;
			continue;
		}
		r = &p->route[p->nr_routes++];
		r->nic = i;
		r->dst = lr->net;
		r->prefix = lr->prefix;
		r->via = lr->gw;
	}
	plan_take_nic(p, n);	/* after the lease's DNS servers: they go first */
	plan_routes(p, plan_warning, NULL);
	return 0;
}

/* The session a root-path names, once NIC i is configured: a DNS name is
 * asked of the lease's DNS servers only now, when they can be reached.
 * With -n nothing is configured, so the lease's address is put on the
 * interface just for the question and taken off again. */
static int add_rootpath_session(unsigned i)
{
	struct plan *p = &G.plan;
	struct plan_nic *n = &p->nic[i];
	struct rootpath *rp = G.nst[i].rp;
	struct plan_session *s;

	if (!rp->addr.family) {
		char a[PLAN_ADDRSTRLEN], ip[PLAN_ADDRSTRLEN];
		char *addr[] = { (char*)"addr", (char*)"add", ip, (char*)"dev",
			n->dev, NULL };
		struct ip_ctx ctx = { .nic = i, .force = 1, .quiet = 1 };
		int rc;

		sprintf(ip, "%s/%u", ibft_addr_str(&n->ip, a), n->prefix);
		if (G.opts & OPT_n)
			run_ip(&ctx, PLAN_STEP_ADDR, addr);
		rc = resolve(rp->server, &rp->addr);
		if (G.opts & OPT_n) {
			addr[1] = (char*)"del";
			ctx.undo = 1;
			run_ip(&ctx, PLAN_STEP_ADDR, addr);
		}
		if (rc != 0 || rp->addr.family != IBFT_AF_INET) {
			bb_error_msg("DHCP %s: root-path: server: can't resolve '%s' "
				"through the lease's DNS servers", n->ifname, rp->server);
			return -1;
		}
	}
	s = &p->session[p->nr_sessions];
	memset(s, 0, sizeof(*s));
	safe_strncpy(s->label, n->ifname, sizeof(s->label));
	s->nic = i;
	s->ip = rp->addr;
	s->port = rp->port;
	memcpy(s->lun, rp->lun, 8);
	strcpy(s->name, rp->target);
	strcpy(s->chap_name, rp->user);
	strcpy(s->chap_secret, rp->pass);
	strcpy(s->rchap_name, rp->in_user);
	strcpy(s->rchap_secret, rp->in_pass);
	G.sst[p->nr_sessions].state = SESS_WAIT;
	p->nr_sessions++;
	plan_routes(p, plan_warning, NULL);
	nic_cmds(i, 0);		/* the host route, if any */
	return 0;
}

/* Read what the udhcpc child sent; returns 1 once a whole lease is in. */
static int read_lease(unsigned i, struct lease *l)
{
	struct nic_state *st = &G.nst[i];
	char err[120];
	ssize_t got;

	got = safe_read(st->dhcp_fd, st->rec + st->rec_len,
		DHCP_REC_MAX - 1 - st->rec_len);
	if (got < 0 && errno == EAGAIN)
		return 0;
	if (got <= 0) {
		bb_error_msg("DHCP %s: the DHCP client stopped without a lease",
			G.plan.nic[i].ifname);
		nic_gives_up(i);
		return 0;
	}
	st->rec_len += got;
	if (st->rec_len < 2 || st->rec[st->rec_len - 1] || st->rec[st->rec_len - 2])
		return 0;
	close(st->dhcp_fd);
	if (!(G.opts & OPT_k)) {
		safe_waitpid(st->dhcp_pid, NULL, 0);	/* -q: it exits now */
		st->dhcp_pid = 0;
	}
	if (lease_parse(st->rec, st->rec_len, l, err, sizeof(err)) != 0) {
		bb_error_msg("DHCP %s: %s", G.plan.nic[i].ifname, err);
		nic_gives_up(i);
		return 0;
	}
	return 1;
}

/* --- The executor ---------------------------------------------------- */

/* Move each NIC one step on: found, link up, carrier, [DHCP lease] ->
 * configured and its sessions started.  Each NIC goes on as soon as it
 * can, so a missing, cable-less or silent NIC never holds up a working
 * one. */
static void advance_nics(void)
{
	unsigned i, j;

	for (i = 0; i < G.plan.nr_nics; i++) {
		struct plan_nic *n = &G.plan.nic[i];
		struct nic_state *st = &G.nst[i];

		if (st->state == NIC_FIND) {
			if (!find_ifname(n))
				continue;
			st->state = NIC_CARRIER;
			if ((G.opts & OPT_n) && !n->use_dhcp) {
				st->state = NIC_READY;
				nic_cmds(i, 0);
			} else {
				char *up[] = { (char*)"link", (char*)"set",
					(char*)"dev", n->ifname, (char*)"up", NULL };
				struct ip_ctx ctx = { .nic = i, .force = 1 };

				if (link_is_up(n->ifname))
					st->skip |= 1 << PLAN_STEP_LINK;
				run_ip(&ctx, PLAN_STEP_LINK, up);
			}
		}
		if (st->state == NIC_CARRIER) {
			if (!read_flag(n->ifname, "carrier"))
				continue;
			if (ENABLE_FEATURE_ISCSI_INIT_DHCP && n->use_dhcp) {
				start_dhcp(i);
				continue;
			}
			if (configure_nic(i) != 0)
				continue;
		}
		if (st->state == NIC_DAD) {
			int dad = ipv6_dad(n);

			if (dad > 0)
				continue;
			st->state = NIC_READY;
			if (dad < 0) {
				char a[PLAN_ADDRSTRLEN];

				bb_error_msg("warning: %s: ip-addr: %s is in use by "
					"another host on %s (duplicate address "
					"detection)", n->label,
					ibft_addr_str(&n->ip, a), n->dev);
				nic_cmds(i, 1);
				st->state = NIC_FAILED;
				continue;
			}
		}
		if (ENABLE_FEATURE_ISCSI_INIT_DHCP && st->state == NIC_DHCP
		 && st->fallback_ms && monotonic_ms() >= st->fallback_ms)
			dhcp_fallback(i);
		if (ENABLE_FEATURE_ISCSI_INIT_DHCP && st->state == NIC_DHCP) {
			struct lease *l;

			l = xmalloc(sizeof(*l));
			if (read_lease(i, l)) {
				if (apply_lease(i, l) == 0 && configure_nic(i) == 0) {
					if (st->rp && add_rootpath_session(i) != 0) {
						/* nothing half-done: no session, no config */
						if (!(G.opts & OPT_n))
							nic_cmds(i, 1);
						st->state = NIC_FAILED;
					}
				} else {
					st->state = NIC_FAILED;
				}
			}
			free(l);
		}
		if (st->state != NIC_READY)
			continue;
		for (j = 0; j < G.plan.nr_sessions; j++)
			if (G.plan.session[j].nic == i && G.sst[j].state == SESS_WAIT)
				start_session(j);
	}
}

/* Done when every session ended and, without a table, every interface
 * has had its lease (or failed): a late lease may still add a session. */
static int all_done(void)
{
	unsigned i;

	for (i = 0; i < G.plan.nr_sessions; i++)
		if (G.sst[i].state < SESS_OK)
			return 0;
	for (i = 0; i < G.plan.nr_nics; i++)
		if (G.table.nr_nics == 0 && G.nst[i].state < NIC_READY)
			return 0;
	return 1;
}

static void session_failed(unsigned i)
{
	const struct plan_session *s = &G.plan.session[i];
	const struct plan_nic *n = &G.plan.nic[s->nic];
	char ip[48], buf[48];
	const char *why = buf;

	if (G.nst[s->nic].state != NIC_READY)
		sprintf(buf, "%s is not up", n->label);
	else if (G.sst[i].state == SESS_WAIT || G.sst[i].timed_out)
		why = "no login before the timeout";
	else if (WIFEXITED(G.sst[i].status))
		sprintf(buf, "iscsistart failed (exit status %u)",
			WEXITSTATUS(G.sst[i].status));
	else
		why = "iscsistart was killed";
	bb_error_msg("warning: %s: %s at %s:%u via %s: %s", s->label, s->name,
		ibft_addr_str(&s->ip, ip), s->port,
		n->dev[0] ? n->dev : n->label, why);
}

static void nic_failed(unsigned i)
{
	const struct plan_nic *n = &G.plan.nic[i];

	if (G.nst[i].state == NIC_FIND && strcmp(n->label, n->ifname) == 0)
		bb_error_msg("warning: %s: no such network interface", n->label);
	else if (G.nst[i].state == NIC_FIND)
		bb_error_msg("warning: %s: no network interface with MAC "
			"%02x:%02x:%02x:%02x:%02x:%02x or PCI slot %02x:%02x.%x",
			n->label, n->mac[0], n->mac[1], n->mac[2], n->mac[3],
			n->mac[4], n->mac[5], n->pci_bdf >> 8,
			(n->pci_bdf >> 3) & 31, n->pci_bdf & 7);
	else if (G.nst[i].state == NIC_CARRIER)
		bb_error_msg("warning: %s: no link on %s", n->label, n->ifname);
	else if (G.nst[i].state == NIC_DAD)
		bb_error_msg("warning: %s: ip-addr: still tentative on %s "
			"(duplicate address detection)", n->label, n->dev);
	else if (G.nst[i].state == NIC_DHCP) {
		bb_error_msg("warning: %s: no DHCP lease on %s in time", n->label,
			n->ifname);
		nic_gives_up(i);
	}
}

static void write_file(const char *path, const char *text, int append)
{
	int fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);

	if (fd < 0 || full_write(fd, text, strlen(text)) < 0)
		bb_perror_msg("warning: can't write %s", path);
	if (fd >= 0)
		close(fd);
}

/* One line of text into path, shown as the echo that does it. */
static void write_text(const char *path, const char *text, int append)
{
	if (G.opts & (OPT_n | OPT_v))
		printf("%secho '%.*s' %s%s\n", G.opts & OPT_n ? "" : "+ ",
			(int)strlen(text) - 1, text, append ? ">>" : ">", path);
	if (!(G.opts & OPT_n))
		write_file(path, text, append);
}

/* System-wide results, once at least one session is up. */
static void write_system_files(void)
{
	unsigned i;
	char ip[48];

	for (i = 0; i < G.plan.nr_dns; i++) {
		char *line = xasprintf("nameserver %s\n", ibft_addr_str(&G.plan.dns[i], ip));
		write_text("/etc/resolv.conf", line, i);
		free(line);
	}
	if (G.plan.hostname[0]) {
		if (G.opts & (OPT_n | OPT_v))
			printf("%shostname %s\n", G.opts & OPT_n ? "" : "+ ",
				G.plan.hostname);
		if (!(G.opts & OPT_n)
		 && sethostname(G.plan.hostname, strlen(G.plan.hostname)) != 0)
			bb_perror_msg("warning: can't set hostname");
	}
	if (!(G.opts & OPT_n))
		mkdir("/etc/iscsi", 0755);
	{
		char *line = xasprintf("InitiatorName=%s\n", G.plan.initiator);
		write_text(INITIATORNAME, line, 0);
		free(line);
	}
	/* klibc ipconfig's state files, for initramfs-tools and friends */
	if (!(G.opts & OPT_n))
		mkdir("/run", 0755);
	for (i = 0; i < G.plan.nr_nics; i++) {
		const struct plan_nic *n = &G.plan.nic[i];
		char *text, *path;

		if (G.nst[i].state != NIC_READY || n->ip.family != IBFT_AF_INET)
			continue;	/* the format knows IPv4 only */
		text = xmalloc(NETCONF_MAX);
		netconf_format(text, NETCONF_MAX, &G.plan, n, n->use_dhcp ? "dhcp" : "none",
			G.nst[i].rootpath, G.nst[i].lease_time);
		path = xasprintf("/run/net-%s.conf", n->dev);
		if (G.opts & (OPT_n | OPT_v)) {
			/* one line: printf '%s\n' LINE... >path, each LINE quoted */
			char *line, *nl;

			printf("%sprintf '%%s\\n'", G.opts & OPT_n ? "" : "+ ");
			for (line = text; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
				*nl = '\0';
				putchar(' ');
				print_word(line);
				*nl = '\n';
			}
			printf(" >%s\n", path);
		}
		if (!(G.opts & OPT_n))
			write_file(path, text, 0);
		free(path);
		free(text);
	}
}

/* -n: DHCP needed the link up; it goes down again as it was. */
static void dry_run_links_down(void)
{
	unsigned i;

	for (i = 0; i < G.plan.nr_nics; i++) {
		struct plan_nic *n = &G.plan.nic[i];
		char *down[] = { (char*)"link", (char*)"set", (char*)"dev",
			n->ifname, (char*)"down", NULL };
		struct ip_ctx ctx = { .nic = i, .force = 1, .quiet = 1, .undo = 1 };

		if (G.nst[i].dhcp_pid) {
			kill(G.nst[i].dhcp_pid, SIGTERM);
			safe_waitpid(G.nst[i].dhcp_pid, NULL, 0);
			G.nst[i].dhcp_pid = 0;
		}
		if (G.nst[i].done & (1 << PLAN_STEP_LINK))
			run_ip(&ctx, PLAN_STEP_LINK, down);
	}
}

static int execute(void)
{
	unsigned i, ok = 0;

	for (;;) {
		advance_nics();
		reap_sessions();
		if (all_done() || !time_left())
			break;
		msleep(100);
	}
	for (i = 0; i < G.plan.nr_sessions; i++) {
		if (G.sst[i].state == SESS_RUN)
			stop_session(i);
		if (G.sst[i].state != SESS_OK)
			session_failed(i);
		else if (ok++, !(G.opts & OPT_n)) {
			const struct plan_session *s = &G.plan.session[i];
			char ip[48];
			bb_error_msg("%s: logged in to %s at %s:%u via %s", s->label,
				s->name, ibft_addr_str(&s->ip, ip), s->port,
				G.plan.nic[s->nic].dev);
		}
	}
	for (i = 0; i < G.plan.nr_nics; i++)
		nic_failed(i);
	if (G.opts & OPT_n)
		dry_run_links_down();
	if (!ok) {
		/* Leave nothing half-done: take back what we configured. */
		for (i = G.plan.nr_nics; i--; ) {
			if (G.nst[i].dhcp_pid) {	/* -k: a lease for nothing */
				kill(G.nst[i].dhcp_pid, SIGTERM);
				G.nst[i].dhcp_pid = 0;
			}
			if (G.nst[i].state != NIC_FIND && !(G.opts & OPT_n))
				nic_cmds(i, 1);
		}
		bb_simple_error_msg_and_die("no iSCSI boot session came up");
	}
	write_system_files();
	return EXIT_SUCCESS;
}

/* The name in /etc/iscsi/initiatorname.iscsi, or NULL. */
static char *initiator_from_file(void)
{
	char *buf = G.namebuf, *p;

	memset(buf, 0, sizeof(G.namebuf));
	if (open_read_close(INITIATORNAME, buf, sizeof(G.namebuf) - 1) <= 0)
		return NULL;
	p = strstr(buf, "InitiatorName=");
	if (!p)
		return NULL;
	p += 14;
	*strchrnul(p, '\n') = '\0';
	return *p ? p : NULL;
}

/* DHCP: option 203, else -I, else the file, else one made from the first
 * interface's MAC (open-iscsi's own prefix). */
static const char *initiator_name(const struct lease *l)
{
	char *made = G.namebuf;
	const char *name = l->initiator[0] ? l->initiator : G.iqn;
	const uint8_t *m = G.plan.nic[0].mac;
	unsigned i;

	for (i = 0; i < G.plan.nr_nics && !(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]); i++)
		m = G.plan.nic[i].mac;	/* the first interface that we know */

	if (!name)
		name = initiator_from_file();
	if (!name) {
		sprintf(made, "iqn.2005-03.org.open-iscsi:%02x%02x%02x%02x%02x%02x",
			m[0], m[1], m[2], m[3], m[4], m[5]);
		name = made;
	}
	return name;
}

/* Without a table: one DHCP NIC per -i name. */
static void plan_from_interfaces(char *list)
{
	char *name;

	while ((name = strsep(&list, ",")) != NULL) {
		struct plan_nic *n;

		if (!*name)
			continue;
		if (strlen(name) >= PLAN_IFNAMSIZ)
			bb_error_msg_and_die("-i: '%s' is not an interface name", name);
		if (G.plan.nr_nics == PLAN_MAX_NICS)
			bb_error_msg_and_die("-i: more than %u interfaces", PLAN_MAX_NICS);
		n = &G.plan.nic[G.plan.nr_nics++];
		strcpy(n->label, name);
		strcpy(n->ifname, name);
		n->use_dhcp = 1;
	}
	if (!G.plan.nr_nics)
		bb_simple_error_msg_and_die("-i: no interface named");
}

int iscsi_init_main(int argc, char **argv) MAIN_EXTERNALLY_VISIBLE;
int iscsi_init_main(int argc UNUSED_PARAM, char **argv)
{
	const char *file, *iqn = NULL;
	char *ifs = NULL;
	unsigned timeout = 60, tpgt = 1, i;

	INIT_G();
	G.prog = "iscsistart";
	G.opts = getopt32(argv, "^npsvf:t:+x:g:+I:i:dk" "\0" "n--p:p--n:=0", &file,
		&timeout, &G.prog, &tpgt, &iqn, &ifs);
	if (!ENABLE_FEATURE_ISCSI_INIT_PRINT)
		G.opts &= ~(OPT_p | OPT_s);
	if (!ENABLE_FEATURE_ISCSI_INIT_DHCP)
		G.opts &= ~(OPT_i | OPT_d | OPT_k);
	G.deadline = monotonic_ms() + timeout * 1000ULL;

	G.plan.tpgt = tpgt;
	G.iqn = iqn;
	if (!ENABLE_FEATURE_ISCSI_INIT_DHCP)
		G.opts &= ~(OPT_i | OPT_d | OPT_k);
	if ((G.opts & (OPT_d | OPT_i)) == (OPT_d | OPT_i)) {
		/* DHCP whatever the firmware says */
	} else if (G.opts & OPT_f) {
		if (from_file(file))
			return EXIT_FAILURE;
	} else if (from_acpi() && from_devmem() && from_sysfs()) {
		/* each rejected table was reported where it was found */
		if (!(G.opts & OPT_i))
			bb_simple_error_msg_and_die("no usable iSCSI Boot Firmware "
				"Table (looked in the ACPI tables, low memory, "
				IBFT_SYSFS ") and no -i interfaces for DHCP");
		if (G.opts & OPT_v)
			bb_simple_error_msg("no iBFT: DHCP on the -i interfaces");
	}

	if (G.table.nr_nics || G.table.nr_targets) {
		if (G.opts & OPT_v)
			bb_error_msg("iBFT from %s: %u NIC(s), %u target(s)", G.source,
				G.table.nr_nics, G.table.nr_targets);
		if (!plan_from_ibft(&G.plan, &G.table, plan_warning, NULL))
			bb_error_msg_and_die("iBFT %s: no valid boot target", G.source);
		G.table.nr_nics += !G.table.nr_nics;	/* "there is a table" */
		if (!G.plan.initiator[0])
			safe_strncpy(G.plan.initiator, iqn ? : initiator_from_file() ? : "",
				sizeof(G.plan.initiator));
		if (!G.plan.initiator[0] && !(G.opts & OPT_p))
			bb_error_msg_and_die("iBFT %s: initiator: initiator-name: not "
				"set (and no -I or %s)", G.source, INITIATORNAME);
		for (i = 0; !ENABLE_FEATURE_ISCSI_INIT_DHCP && i < G.plan.nr_nics; i++) {
			if (G.plan.nic[i].use_dhcp) {	/* no DHCP: as the table says */
				G.plan.nic[i].use_dhcp = 0;
				plan_take_nic(&G.plan, &G.plan.nic[i]);
				plan_routes(&G.plan, plan_warning, NULL);
			}
		}
	} else {
		if (G.opts & OPT_p)
			bb_simple_error_msg_and_die("-p needs a table");
		plan_from_interfaces(ifs);
	}

	if (ENABLE_FEATURE_ISCSI_INIT_PRINT && (G.opts & OPT_p)) {
		char *rec = xmalloc(4096);

		for (i = 0; i < G.plan.nr_nics; i++)
			find_ifname(&G.plan.nic[i]);
		for (i = 0; i < G.plan.nr_sessions; i++) {
			plan_record(rec, 4096, &G.plan, &G.plan.session[i],
				G.opts & OPT_s);
			fputs(rec, stdout);
		}
		return EXIT_SUCCESS;
	}
	return execute();
}
