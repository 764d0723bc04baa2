/* vi: set sw=4 ts=4: */
/*
 * iscsi-init: the executor.  Applies G.plan: each NIC goes on as soon as
 * it can (found, link up, carrier, [DHCP lease], configured, [DAD]) and
 * its sessions' logins start at once.  It sleeps in poll() until the
 * kernel reports a link or address change, a DHCP child writes, a child
 * exits, or a deadline passes.  Without a session in the end, everything
 * it did is taken back.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
#include "libbb.h"
#include "iscsi_init.h"

enum {
	STOP_GRACE_MS = 2000,	/* SIGTERM, then SIGKILL */
	RETRY_LAST_MS = 1000,	/* a last login try starts this long before -t */
};

void plan_warning(void *ctx UNUSED_PARAM, const char *msg)
{
	bb_error_msg("warning: %s", msg);
}

/* SIGTERM or SIGINT (a watchdog, timeout(1), ^C): stop as at -t */
static volatile sig_atomic_t stopped;

static void sigchld(int sig UNUSED_PARAM)
{
	int e = errno;
	/* a full pipe is fine: a wakeup is pending anyway */
	ssize_t r = write(G.sig_fd[1], "", 1);

	(void)r;
	errno = e;
}

static void stop_signal(int sig)
{
	stopped = sig;
	sigchld(sig);		/* wakes the poll */
}

/* In a child: the default for what stops the executor. */
void child_signals(void)
{
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
}

/* Sleep until something happens or until (monotonic_ms()); then forget
 * what woke us: everything is looked at again.  dhcp: the DHCP children's
 * pipes count too. */
static void wait_for_events(unsigned long long until, int dhcp)
{
	struct pollfd pfd[2 + PLAN_MAX_NICS];
	unsigned i, n = 0;
	long long left = until - monotonic_ms();
	char buf[64];

	pfd[n].fd = G.sig_fd[0];
	pfd[n++].events = POLLIN;
	if (G.nl_fd >= 0) {
		pfd[n].fd = G.nl_fd;
		pfd[n++].events = POLLIN;
	} else if (left > 100) {
		left = 100;	/* no netlink: look again now and then */
	}
	for (i = 0; dhcp && i < G.plan.nr_nics; i++) {
		if (G.nst[i].rec) {	/* a DHCP child's pipe is open */
			pfd[n].fd = G.nst[i].dhcp_fd;
			pfd[n++].events = POLLIN;
		}
	}
	if (left > 0)
		poll(pfd, n, left);
	while (read(G.sig_fd[0], buf, sizeof(buf)) > 0)
		continue;
	netdev_events_drain();
}

static int time_left(void)
{
	return (long long)(G.deadline - monotonic_ms()) > 0;
}

int configure_nic(unsigned i)
{
	struct plan_nic *n = &G.plan.nic[i];
	struct nic_state *st = &G.nst[i];
	unsigned j;

	if (n->vlan_id && !(G.opts & OPT_n) && netdev_exists(n->dev)) {
		st->skip |= 1 << PLAN_STEP_VLAN;	/* there already: not ours */
		if (netdev_is_up(n->dev))
			st->skip |= 1 << PLAN_STEP_VLINK;
	}
	nic_cmds(i, 0);
	st->state = n->ip.family == IBFT_AF_INET6 ? NIC_DAD : NIC_READY;
	for (j = 0; j < G.plan.nr_nics; j++)	/* a NIC now shares their link? */
		if (j != i && G.nst[j].state == NIC_READY)
			nic_cmds(j, 0);
	if (!st->vlan_failed)
		return 0;
	bb_error_msg("warning: %s: vlan: can't make %s (VLAN %u on %s); is "
		"the 8021q module loaded?", n->label, n->dev, n->vlan_id, n->ifname);
	nic_cmds(i, 1);
	st->state = NIC_FAILED;
	return -1;
}

/* --- Logins ---------------------------------------------------------- */

static void start_session(unsigned i)
{
	struct plan_argv a;
	char algs[24], *shown = NULL;
	pid_t pid;

	/* the built-in login shows as a comment with iscsistart's words,
	 * and the CHAP algorithms it offers */
	iscsistart_argv(&a, &G.plan, &G.plan.session[i],
		G.prog ? G.prog : "login", 1);
	if (ENABLE_FEATURE_ISCSI_INIT_LOGIN && !G.prog
	 && G.plan.session[i].chap_secret[0]) {
		login_chap_shown(algs, sizeof(algs));
		shown = algs;
	}
	if (!show_step(G.prog ? NULL : "#", a.argv, shown)) {
		G.sst[i].state = SESS_OK;	/* planned */
		return;
	}
	iscsistart_argv(&a, &G.plan, &G.plan.session[i],
		G.prog ? G.prog : "", 0);
	fflush_all();
	pid = xfork();
	if (pid == 0) {
		/* own process group: on timeout we stop it and its daemon half */
		setpgid(0, 0);
		child_signals();
		if (ENABLE_FEATURE_ISCSI_INIT_LOGIN && !G.prog) {
			memset(&a, 0, sizeof(a));
			login_child(i);
		}
		BB_EXECVP(a.argv[0], a.argv);
		bb_perror_msg("can't execute '%s'", a.argv[0]);
		_exit(127);
	}
	memset(&a, 0, sizeof(a));	/* the secrets */
	G.sst[i].pid = pid;
	G.sst[i].state = SESS_RUN;
}

/* Why session i is not up, into buf (48 bytes). */
static const char *session_why(unsigned i, char *buf)
{
	const struct sess_state *ss = &G.sst[i];
	const struct plan_nic *n = &G.plan.nic[G.plan.session[i].nic];

	if (G.nst[G.plan.session[i].nic].state != NIC_READY)
		sprintf(buf, "%s is not up", n->label);
	else if (!plan_session_ready(&G.plan, i))
		return "no IPv6 address for an IPv6 portal (router advertisements)";
	else if ((ss->state == SESS_WAIT && !ss->tries) || ss->timed_out)
		return "no login before the timeout";
	else if (!G.prog)
		return "the login failed";	/* the child said why */
	else if (WIFEXITED(ss->status))
		sprintf(buf, "%.16s failed (exit status %u)", bb_basename(G.prog),
			WEXITSTATUS(ss->status));
	else
		sprintf(buf, "%.16s was killed", bb_basename(G.prog));
	return buf;
}

char *portal_str(const struct ibft_addr *a, unsigned port, char *buf)
{
	char ip[PLAN_ADDRSTRLEN];
	int v6 = a->family == IBFT_AF_INET6;

	sprintf(buf, "%s%s%s:%u", v6 ? "[" : "", ibft_addr_str(a, ip),
		v6 ? "]" : "", port);
	return buf;
}

/* "target0: iqn... at 10.1.0.1:3260 via eth0: WHY" */
static void session_warning(unsigned i, const char *why, const char *then)
{
	const struct plan_session *s = &G.plan.session[i];
	const struct plan_nic *n = &G.plan.nic[s->nic];
	char at[PLAN_PORTALSTRLEN];

	bb_error_msg("warning: %s: %s at %s via %s: %s%s", s->label, s->name,
		portal_str(&s->ip, s->port, at), n->dev[0] ? n->dev : n->label, why, then);
}

/* Session i's login program ended with status: up, failed for good, or
 * tried again after a while if -t leaves time for it. */
static void login_ended(unsigned i, int status)
{
	struct sess_state *ss = &G.sst[i];
	int outcome = PLAN_LOGIN_RETRY;
	long long left;
	unsigned delay;
	char buf[48], then[48];

	ss->status = status;
	if (WIFEXITED(status))
		outcome = plan_login_outcome(WEXITSTATUS(status));
	if (outcome == PLAN_LOGIN_OK) {
		ss->state = SESS_OK;
		return;
	}
	ss->state = SESS_FAIL;
	if (outcome == PLAN_LOGIN_FINAL || ss->timed_out)
		return;
	delay = plan_retry_delay_ms(++ss->tries, random());
	left = G.deadline - monotonic_ms();
	if (left < RETRY_LAST_MS + 500)
		return;		/* no time for one more */
	if (delay > left - RETRY_LAST_MS)
		delay = left - RETRY_LAST_MS;	/* a last try before -t */
	sprintf(then, "; trying again in %u.%u s", delay / 1000, delay % 1000 / 100);
	session_warning(i, session_why(i, buf), then);
	ss->state = SESS_WAIT;
	ss->not_before = monotonic_ms() + delay;
}

static void reap_sessions(void)
{
	unsigned i;
	int status;
	pid_t pid;

	while ((pid = wait_any_nohang(&status)) > 0) {
		for (i = 0; i < G.plan.nr_nics; i++)
			if (G.nst[i].dhcp_pid == pid)
				G.nst[i].dhcp_pid = 0;	/* never kill a stale pid */
		for (i = 0; i < G.plan.nr_sessions; i++)
			if (G.sst[i].pid == pid && G.sst[i].state == SESS_RUN)
				login_ended(i, status);
	}
}

static unsigned running_sessions(void)
{
	unsigned i, n = 0;

	for (i = 0; i < G.plan.nr_sessions; i++)
		n += G.sst[i].state == SESS_RUN;
	return n;
}

/* Time is up: every login still running is stopped, with its group. */
static void stop_sessions(void)
{
	unsigned long long until = monotonic_ms() + STOP_GRACE_MS;
	unsigned i;

	for (i = 0; i < G.plan.nr_sessions; i++) {
		if (G.sst[i].state == SESS_RUN) {
			G.sst[i].timed_out = 1;
			kill(-G.sst[i].pid, SIGTERM);
		}
	}
	while (running_sessions() && monotonic_ms() < until) {
		wait_for_events(until, 0);
		reap_sessions();
	}
	for (i = 0; i < G.plan.nr_sessions; i++) {
		if (G.sst[i].state == SESS_RUN) {
			kill(-G.sst[i].pid, SIGKILL);
			safe_waitpid(G.sst[i].pid, NULL, 0);
			G.sst[i].state = SESS_FAIL;
		}
	}
}

/* --- NICs ------------------------------------------------------------ */

/* NIC i's address passed DAD (or needs none): ready. */
static void check_dad(unsigned i)
{
	struct plan_nic *n = &G.plan.nic[i];
	int dad = netdev_dad(n);
	char a[PLAN_ADDRSTRLEN];

	if (dad > 0)
		return;
	G.nst[i].state = NIC_READY;
	if (dad == 0)
		return;
	bb_error_msg("warning: %s: ip-addr: %s is in use by another host on %s "
		"(duplicate address detection)", n->label,
		ibft_addr_str(&n->ip, a), n->dev);
	nic_cmds(i, 1);
	G.nst[i].state = NIC_FAILED;
}

/* An IPv4 NIC whose sessions have IPv6 portals: once router
 * advertisements gave it a global address, the plan routes them.
 * Returns 1 then. */
static int nic_ipv6(unsigned i)
{
	struct ibft_addr ip, router;
	unsigned prefix;

	if (!netdev_ipv6_global(G.plan.nic[i].dev, &ip, &prefix, &router))
		return 0;
	plan_nic_ipv6(&G.plan, i, &ip, prefix,
		router.family ? &router : NULL, plan_warning, NULL);
	nic_cmds(i, 0);		/* host routes to them, if any */
	return 1;
}

/* Move each NIC on as far as it goes now.  Each NIC goes on as soon as it
 * can, so a missing, cable-less or silent NIC never holds up a working
 * one. */
static void advance_nics(void)
{
	unsigned i, j;

	for (i = 0; i < G.plan.nr_nics; i++) {
		struct plan_nic *n = &G.plan.nic[i];
		struct nic_state *st = &G.nst[i];

		if (st->state == NIC_FIND) {
			int found = netdev_find(i);

			if (found < 0)
				nic_give_up(i, 0);
			if (found <= 0)
				continue;
			st->state = NIC_CARRIER;
			if ((G.opts & OPT_n) && n->dhcp_state != PLAN_DHCP_WAIT) {
				st->state = NIC_READY;
				nic_cmds(i, 0);
			} else if (nic_link_up(i) != 0 && !netdev_is_up(n->ifname)) {
				/* seen in sysfs a moment before the kernel finds it
				 * by name: look again shortly */
				st->state = NIC_FIND;
				G.soon = monotonic_ms() + 100;
				continue;
			}
		}
		if (st->state == NIC_CARRIER) {
			if (!netdev_carrier(n->ifname))
				continue;
			if (ENABLE_FEATURE_ISCSI_INIT_DHCP
			 && n->dhcp_state == PLAN_DHCP_WAIT) {
				dhcp_start(i);
				continue;
			}
			if (configure_nic(i) != 0)
				continue;
		}
		if (ENABLE_FEATURE_ISCSI_INIT_DHCP && st->state == NIC_DHCP)
			dhcp_advance(i);
		if (st->state == NIC_DAD)
			check_dad(i);
		if (st->state != NIC_READY)
			continue;
		if (ENABLE_FEATURE_ISCSI_INIT_DHCP && dhcp_resolve_sessions(i) != 0)
			continue;
		for (j = 0; j < G.plan.nr_sessions; j++) {
			if (G.plan.session[j].nic != i || G.sst[j].state != SESS_WAIT
			 || monotonic_ms() < G.sst[j].not_before)
				continue;
			if (!plan_session_ready(&G.plan, j) && !nic_ipv6(i))
				continue;	/* an IPv6 portal: wait for RAs */
			start_session(j);
		}
	}
}

int session_retryable(unsigned i)
{
	const struct sess_state *ss = &G.sst[i];

	return ss->state != SESS_OK && ss->state != SESS_DROPPED
		&& G.nst[G.plan.session[i].nic].state == NIC_READY
		&& plan_session_ready(&G.plan, i)
		&& !(ss->state == SESS_FAIL && !ss->timed_out && WIFEXITED(ss->status)
			&& plan_login_outcome(WEXITSTATUS(ss->status)) == PLAN_LOGIN_FINAL);
}

/* -k with the built-in login, for real (not -n): a resident child is to
 * run once a session is up (login_keeper()). */
static int keeping(void)
{
	return ENABLE_FEATURE_ISCSI_INIT_LOGIN && (G.opts & OPT_k) && !G.prog
		&& !(G.opts & OPT_n);
}

/* -k with the built-in login: session i, on a configured NIC, failed a
 * login (its first try is waited for: it may be just slower) and is a
 * path to a target that is up through another session.  The boot need
 * not wait for it: the resident child keeps trying it (multipath: it
 * joins the disk later). */
static int left_to_keeper(unsigned i)
{
	unsigned j;

	if (!keeping() || !session_retryable(i)
	 || (G.sst[i].state != SESS_FAIL && !G.sst[i].tries))
		return 0;
	for (j = 0; j < G.plan.nr_sessions; j++)
		if (G.sst[j].state == SESS_OK
		 && strcmp(G.plan.session[j].name, G.plan.session[i].name) == 0)
			return 1;
	return 0;
}

/* Done when every session ended and, without a table, every interface
 * has had its lease (or failed): a late lease may still add a session. */
static int all_done(void)
{
	unsigned i;

	for (i = 0; i < G.plan.nr_sessions; i++)
		if (G.sst[i].state < SESS_OK && !left_to_keeper(i)
		 && G.nst[G.plan.session[i].nic].state != NIC_FAILED)
			return 0;	/* (a failed NIC's sessions wait for nothing) */
	for (i = 0; i < G.plan.nr_nics; i++)
		if (G.plan.source == PLAN_SOURCE_DHCP && G.nst[i].state < NIC_READY)
			return 0;
	return 1;
}

/* The next time something is due without an event: -t, a fallback. */
static unsigned long long next_deadline(void)
{
	unsigned long long t = G.deadline;
	unsigned i;

	for (i = 0; i < G.plan.nr_nics; i++)
		if (G.nst[i].state == NIC_DHCP && G.nst[i].fallback_ms
		 && G.nst[i].fallback_ms < t)
			t = G.nst[i].fallback_ms;
	for (i = 0; i < G.plan.nr_sessions; i++)
		if (G.sst[i].state == SESS_WAIT && G.sst[i].not_before
		 && G.sst[i].not_before < t)
			t = G.sst[i].not_before;	/* a login to try again */
	if (G.soon && G.soon < t)
		t = G.soon;
	G.soon = 0;
	return t;
}

/* --- What came of it ------------------------------------------------- */

/* Session i's line; keeper: a -k resident child will run, which tries
 * again what did not come up (unless refused for good). */
static void session_result(unsigned i, int keeper)
{
	const struct plan_session *s = &G.plan.session[i];
	char at[PLAN_PORTALSTRLEN], buf[48];

	if (G.sst[i].state == SESS_DROPPED)
		return;		/* its error line was said */
	if (left_to_keeper(i)) {
		session_warning(i, "not up yet; -k keeps trying", "");
		return;
	}
	if (G.sst[i].state == SESS_OK) {
		const struct ibft_addr *src = plan_session_source(&G.plan, s);
		char ip[PLAN_ADDRSTRLEN];

		if (!(G.opts & OPT_n))	/* the NIC and address it is bound to */
			bb_error_msg("%s: logged in to %s at %s via %s (%s)", s->label,
				s->name, portal_str(&s->ip, s->port, at), G.plan.nic[s->nic].dev,
				src ? ibft_addr_str(src, ip) : "no address");
		return;
	}
	session_warning(i, session_why(i, buf),
		keeper && session_retryable(i) ? "; -k keeps trying" : "");
}

static void nic_result(unsigned i)
{
	const struct plan_nic *n = &G.plan.nic[i];
	/* " on eth0" for a table's NIC; a -i interface is named already */
	char on[PLAN_IFNAMSIZ + 4] = "";

	if (strcmp(n->label, n->ifname) != 0)
		sprintf(on, " on %s", n->ifname);

	switch (G.nst[i].state) {
	case NIC_FIND:
		if (G.plan.source == PLAN_SOURCE_DHCP)
			bb_error_msg("warning: %s: no such network interface", n->label);
		else if (n->mac[0] | n->mac[1] | n->mac[2] | n->mac[3] | n->mac[4]
				| n->mac[5])
			bb_error_msg("warning: %s: no network interface with MAC "
				"%02x:%02x:%02x:%02x:%02x:%02x", n->label, n->mac[0],
				n->mac[1], n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
		else
			bb_error_msg("warning: %s: no network interface in PCI slot "
				"%02x:%02x.%x (the table gives no MAC)", n->label,
				n->pci_bdf >> 8, (n->pci_bdf >> 3) & 31, n->pci_bdf & 7);
		break;
	case NIC_CARRIER:
		bb_error_msg("warning: %s: no link%s", n->label, on);
		break;
	case NIC_DAD:
		bb_error_msg("warning: %s: ip-addr: still tentative on %s "
			"(duplicate address detection)", n->label, n->dev);
		break;
	case NIC_DHCP:
		bb_error_msg("warning: %s: no DHCP lease%s in time", n->label, on);
		if (ENABLE_FEATURE_ISCSI_INIT_DHCP)
			dhcp_stop(i);
		break;
	}
}

/* -n: DHCP needed the links up; they go down again as they were. */
static void dry_run_links_down(void)
{
	unsigned i;

	for (i = 0; i < G.plan.nr_nics; i++) {
		char *down[] = { (char*)"link", (char*)"set", (char*)"dev",
			G.plan.nic[i].ifname, (char*)"down", NULL };

		if (ENABLE_FEATURE_ISCSI_INIT_DHCP)
			dhcp_stop(i);
		if (G.nst[i].done & (1 << PLAN_STEP_LINK))
			ip_quiet(down);
	}
}

/* As iscsistart, we are done once the LUNs of the sessions that came up
 * are scanned: each built-in login's scan (login_child()) holds the write
 * end of G.scan_fd; the read end sees its end when they all ended.  Not
 * past -t, nor after a SIGTERM (a stop as at -t): the scans then go on
 * without us. */
static void wait_for_scans(void)
{
	struct pollfd pfd[2];
	char buf[64];

	close(G.scan_fd[1]);
	pfd[0].fd = G.scan_fd[0];
	pfd[0].events = POLLIN;
	pfd[1].fd = G.sig_fd[0];
	pfd[1].events = POLLIN;
	while (!stopped && time_left()
	 && read(G.scan_fd[0], buf, sizeof(buf)) != 0) {
		poll(pfd, 2, 1000);	/* (then -t is looked at again) */
		while (read(G.sig_fd[0], buf, sizeof(buf)) > 0)
			continue;
	}
	if (!stopped && read(G.scan_fd[0], buf, sizeof(buf)) != 0)
		bb_simple_error_msg("warning: -t ran out while LUNs were being "
			"scanned: their disks may come later");
	close(G.scan_fd[0]);
}

int execute(void)
{
	unsigned i, ok = 0;

	xpipe(G.sig_fd);
	if (ENABLE_FEATURE_ISCSI_INIT_LOGIN)
		xpipe(G.scan_fd);
	for (i = 0; i < 2; i++) {
		ndelay_on(G.sig_fd[i]);
		close_on_exec_on(G.sig_fd[i]);
		if (ENABLE_FEATURE_ISCSI_INIT_LOGIN) {
			ndelay_on(G.scan_fd[i]);
			close_on_exec_on(G.scan_fd[i]);
		}
	}
	signal_SA_RESTART_empty_mask(SIGCHLD, sigchld);
	bb_signals((1 << SIGTERM) | (1 << SIGINT), stop_signal);
	/* retry delays differ between hosts that boot together */
	srandom(monotonic_us() ^ getpid() ^ G.plan.nic[0].mac[5] << 16
		^ G.plan.nic[0].mac[4] << 24);
	netdev_events_open();	/* before looking: no change is missed */

	for (;;) {
		advance_nics();
		reap_sessions();
		if (all_done() || !time_left() || stopped)
			break;
		wait_for_events(next_deadline(), 1);
	}
	/* logins still going on are stopped (a path -k keeps trying, when
	 * all else is done): they hold the scans' pipe too */
	stop_sessions();
	if (ENABLE_FEATURE_ISCSI_INIT_LOGIN)
		wait_for_scans();
	if (stopped) {
		/* what is up stays; the rest is given up as at -t, and no
		 * child stays behind (-k's are not started) */
		bb_error_msg("warning: SIG%s: stopping as at -t", get_signame(stopped));
		G.opts &= ~OPT_k;
		for (i = 0; ENABLE_FEATURE_ISCSI_INIT_DHCP && i < G.plan.nr_nics; i++)
			dhcp_stop(i);
	}
	for (i = 0; i < G.plan.nr_sessions; i++)
		ok += G.sst[i].state == SESS_OK;
	for (i = 0; i < G.plan.nr_sessions; i++)
		session_result(i, ok && keeping());
	for (i = 0; i < G.plan.nr_nics; i++)
		nic_result(i);
	if (G.opts & OPT_n)
		dry_run_links_down();
	if (!ok) {
		/* Leave nothing half-done: take back what we configured. */
		for (i = G.plan.nr_nics; i--; ) {
			if (ENABLE_FEATURE_ISCSI_INIT_DHCP)
				dhcp_stop(i);	/* -k: a lease for nothing */
			if (G.nst[i].state != NIC_FIND && !(G.opts & OPT_n))
				nic_cmds(i, 1);
		}
		bb_simple_error_msg_and_die("no iSCSI boot session came up");
	}
	write_system_files();
	if (keeping())
		login_keeper();	/* stays, logging lost sessions in again */
	return EXIT_SUCCESS;
}

void stay_at_shutdown(void)
{
	char first[256], *a = G.argv0;
	int n = open_read_close("/proc/self/cmdline", first, sizeof(first) - 1);
	size_t len;

	if (!a || n <= 0)
		return;
	first[n] = '\0';
	len = strlen(first);
	if (len >= sizeof(first) - 2)
		return;		/* cut: cannot be compared */
	/* "busybox iscsi-init ...": our argv[0] is the process's second
	 * word, the first lies just before it (the kernel puts them in a
	 * row); it is the first byte of that one that systemd reads */
	if (strcmp(a, first) != 0) {
		a -= len + 1;
		if (memcmp(a, first, len + 1) != 0)
			return;
	}
	a[0] = '@';
}

/* NIC i cannot be used after all: nothing half-done is left (undo:
 * take its configuration back). */
void nic_give_up(unsigned i, int undo)
{
	if (undo && !(G.opts & OPT_n))
		nic_cmds(i, 1);
	G.nst[i].state = NIC_FAILED;
}
