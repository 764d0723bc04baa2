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
//usage:       "[-npsv] [-f FILE] [-t SEC] [-x PROG] [-g TPGT] [-I IQN]"
//usage:#define iscsi_init_full_usage "\n\n"
//usage:       "Configure the network from the iSCSI Boot Firmware Table\n"
//usage:       "and log in to its boot targets with iscsistart\n"
//usage:     "\n	-f FILE	Read a raw table from FILE instead of the firmware"
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
};

/* Low memory the legacy scan reads: 512 KiB below 1 MiB. */
enum { LOWMEM_START = 0x80000, LOWMEM_END = 0x100000 };

enum { NIC_FIND, NIC_CARRIER, NIC_READY };
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
	} nst[PLAN_MAX_NICS];
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

/* --- Running commands ---------------------------------------------- */

/* Print argv as a shell would need it typed. */
static void print_cmd(const char *prefix, char **argv)
{
	const char *sep = prefix;

	for (; *argv; argv++, sep = " ") {
		const char *a = *argv;
		fputs(sep, stdout);
		if (a[0] && a[strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:/@%+=,-")] == '\0')
			fputs(a, stdout);
		else {
			putchar('\'');
			for (; *a; a++) {
				if (*a == '\'')
					fputs("'\\'", stdout);
				putchar(*a);
			}
			putchar('\'');
		}
	}
	putchar('\n');
	fflush_all();
}

struct ip_ctx {
	unsigned nic;
	int undo;
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

	if (ctx->undo ? !(st->done & (1 << step)) : (st->skip & (1 << step)))
		return 0;
	if (G.opts & (OPT_n | OPT_v))
		print_cmd(G.opts & OPT_n ? "ip " : "+ ip ", argv);
	if (G.opts & OPT_n)
		return 0;
	fn = argv[0][0] == 'l' ? do_iplink : argv[0][0] == 'a' ? do_ipaddr : do_iproute;
	fflush_all();
	pid = xfork();
	if (pid == 0)
		_exit(fn(argv + 1));
	rc = wait4pid(pid);
	if (rc == 0 && !ctx->undo) {
		st->done |= 1 << step;
		st->skip |= 1 << step;
	}
	return rc;
}

static int nic_cmds(unsigned i, int undo)
{
	struct ip_ctx ctx = { .nic = i, .undo = undo };

	return plan_nic_cmds(&G.plan, i, undo, run_ip, &ctx);
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

/* Move each NIC one step on: found, link up, carrier -> configured and its
 * sessions started.  Each NIC goes on as soon as it can, so a missing or
 * cable-less NIC never holds up a working one. */
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
			if (G.opts & OPT_n) {
				st->state = NIC_READY;
				nic_cmds(i, 0);
			} else {
				char *up[] = { (char*)"link", (char*)"set",
					(char*)"dev", n->ifname, (char*)"up", NULL };
				struct ip_ctx ctx = { .nic = i };

				if (link_is_up(n->ifname))
					st->skip |= 1 << PLAN_STEP_LINK;
				run_ip(&ctx, PLAN_STEP_LINK, up);
			}
		}
		if (st->state == NIC_CARRIER) {
			if (!read_flag(n->ifname, "carrier"))
				continue;
			nic_cmds(i, 0);
			st->state = NIC_READY;
		}
		if (st->state != NIC_READY)
			continue;
		for (j = 0; j < G.plan.nr_sessions; j++)
			if (G.plan.session[j].nic == i && G.sst[j].state == SESS_WAIT)
				start_session(j);
	}
}

static int all_sessions_done(void)
{
	unsigned i;

	for (i = 0; i < G.plan.nr_sessions; i++)
		if (G.sst[i].state < SESS_OK)
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
		n->ifname[0] ? n->ifname : n->label, why);
}

static void nic_failed(unsigned i)
{
	const struct plan_nic *n = &G.plan.nic[i];

	if (G.nst[i].state == NIC_FIND)
		bb_error_msg("warning: %s: no network interface with MAC "
			"%02x:%02x:%02x:%02x:%02x:%02x or PCI slot %02x:%02x.%x",
			n->label, n->mac[0], n->mac[1], n->mac[2], n->mac[3],
			n->mac[4], n->mac[5], n->pci_bdf >> 8,
			(n->pci_bdf >> 3) & 31, n->pci_bdf & 7);
	else if (G.nst[i].state == NIC_CARRIER)
		bb_error_msg("warning: %s: no link on %s", n->label, n->ifname);
}

static void write_text(const char *path, const char *text, int append)
{
	int fd;

	if (G.opts & (OPT_n | OPT_v))
		printf("%secho '%.*s' %s%s\n", G.opts & OPT_n ? "" : "+ ",
			(int)strlen(text) - 1, text, append ? ">>" : ">", path);
	if (G.opts & OPT_n)
		return;
	fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
	if (fd < 0 || full_write(fd, text, strlen(text)) < 0)
		bb_perror_msg("warning: can't write %s", path);
	if (fd >= 0)
		close(fd);
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
}

static int execute(void)
{
	unsigned i, ok = 0;

	for (;;) {
		advance_nics();
		reap_sessions();
		if (all_sessions_done() || !time_left())
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
				G.plan.nic[s->nic].ifname);
		}
	}
	for (i = 0; i < G.plan.nr_nics; i++)
		nic_failed(i);
	if (!ok) {
		/* Leave nothing half-done: take back what we configured. */
		for (i = G.plan.nr_nics; i--; )
			if (G.nst[i].state != NIC_FIND && !(G.opts & OPT_n))
				nic_cmds(i, 1);
		bb_simple_error_msg_and_die("no iSCSI boot session came up");
	}
	write_system_files();
	return EXIT_SUCCESS;
}

static void initiator_fallback(const char *iqn)
{
	char buf[256], *p, *e;

	if (G.plan.initiator[0])
		return;
	if (iqn) {
		safe_strncpy(G.plan.initiator, iqn, sizeof(G.plan.initiator));
		return;
	}
	if (open_read_close(INITIATORNAME, buf, sizeof(buf) - 1) > 0) {
		buf[sizeof(buf) - 1] = '\0';
		p = strstr(buf, "InitiatorName=");
		if (p) {
			p += 14;
			e = strchrnul(p, '\n');
			*e = '\0';
			safe_strncpy(G.plan.initiator, p, sizeof(G.plan.initiator));
		}
	}
	if (!G.plan.initiator[0])
		bb_error_msg_and_die("iBFT %s: initiator: initiator-name: not set "
			"(and no -I or %s)", G.source, INITIATORNAME);
}

int iscsi_init_main(int argc, char **argv) MAIN_EXTERNALLY_VISIBLE;
int iscsi_init_main(int argc UNUSED_PARAM, char **argv)
{
	const char *file, *iqn = NULL;
	unsigned timeout = 60, tpgt = 1, i;

	INIT_G();
	G.prog = "iscsistart";
	G.opts = getopt32(argv, "^npsvf:t:+x:g:+I:" "\0" "n--p:p--n", &file,
		&timeout, &G.prog, &tpgt, &iqn);
	if (!ENABLE_FEATURE_ISCSI_INIT_PRINT)
		G.opts &= ~(OPT_p | OPT_s);
	G.deadline = monotonic_ms() + timeout * 1000ULL;

	if (G.opts & OPT_f) {
		if (from_file(file))
			return EXIT_FAILURE;
	} else if (from_acpi() && from_devmem() && from_sysfs()) {
		/* each rejected table was reported where it was found */
		bb_simple_error_msg_and_die("no usable iSCSI Boot Firmware Table "
			"(looked in the ACPI tables, low memory, " IBFT_SYSFS ")");
	}

	if (G.opts & OPT_v)
		bb_error_msg("iBFT from %s: %u NIC(s), %u target(s)", G.source,
			G.table.nr_nics, G.table.nr_targets);
	G.plan.tpgt = tpgt;
	if (!plan_from_ibft(&G.plan, &G.table, plan_warning, NULL))
		bb_error_msg_and_die("iBFT %s: no valid boot target", G.source);
	initiator_fallback(iqn);

	if (G.opts & OPT_p) {
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
