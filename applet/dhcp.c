/* vi: set sw=4 ts=4: */
/*
 * iscsi-init: DHCP.  One child per interface runs BusyBox's own
 * udhcpc_main() and hands its lease back through a pipe (patches/0002
 * gives udhcpc the hook); the plan decides what the lease means.  A
 * root-path server named by DNS is asked of the lease's DNS servers.
 * Built with FEATURE_ISCSI_INIT_DHCP only.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
#include "libbb.h"
#include "iscsi_init.h"
#include "lease.h"
#include "dns.h"

/* patches/0002: udhcpc calls this instead of running a script, with the
 * DHCP message (NULL, 0 for deconfig, leasefail) */
extern void FAST_FUNC (*udhcpc_script_hook)(const char *name,
		const void *packet, unsigned size);
int udhcpc_main(int argc, char **argv);

/* In the udhcpc child: hand the lease to the parent as NUL-separated
 * key=value strings ending with an empty one: what udhcpc decoded from
 * its environment, and the message itself as hex for lease_parse() to
 * read the string options from (udhcpc cuts those at the first NUL). */
static void FAST_FUNC dhcp_hook(const char *event, const void *packet,
		unsigned size)
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
	/* the message as udhcpc holds it (struct dhcp_packet) fits */
	BUILD_BUG_ON(548 + CONFIG_UDHCPC_SLACK_FOR_BUGGY_SERVERS > LEASE_PACKET_MAX);
	BUILD_BUG_ON(DHCP_REC_MAX < 2 * LEASE_PACKET_MAX + 2048);
	p = rec = xzalloc(DHCP_REC_MAX);
	p += sprintf(p, "event=%s", event) + 1;
	if (size <= LEASE_PACKET_MAX) {
		p = stpcpy(p, LEASE_PACKET_KEY "=");
		p = bin2hex(p, (const char *)packet, size);
		*p++ = '\0';
	}
	for (k = lease_keys; *k; k += strlen(k) + 1) {
		const char *v = getenv(k);
		if (v && (size_t)(rec + DHCP_REC_MAX - p) > strlen(k) + strlen(v) + 3)
			p += sprintf(p, "%s=%s", k, v) + 1;
	}
	*p++ = '\0';
	full_write(DHCP_FD, rec, p - rec);
	close(DHCP_FD);
	memset(rec, 0, DHCP_REC_MAX);	/* option 175's secrets */
	free(rec);
}

void dhcp_start(unsigned i)
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
			(char*)"-O", (char*)"rootpath", (char*)"-O", (char*)"mtu",
			(char*)"-O", (char*)"staticroutes",
			(char*)"-O", (char*)"msstaticroutes", (char*)"-O", (char*)"203",
			/* by number: "search" is known only with UDHCP_RFC3397 */
			(char*)"-O", (char*)"119", (char*)"-O", (char*)"175",
			(char*)"-T", (char*)"2",
			(char*)"-A", (char*)"2", (char*)"-t", (char*)"1000",
			(G.opts & OPT_k) ? NULL : (char*)"-q", NULL
		};
		close(fds[0]);
		if (G.nl_fd >= 0)
			close(G.nl_fd);
		close(G.sig_fd[0]);
		close(G.sig_fd[1]);
		if (ENABLE_FEATURE_ISCSI_INIT_LOGIN)
			close(G.scan_fd[1]);	/* it outlives the scans */
		child_signals();
		xmove_fd(fds[1], DHCP_FD);
		signal(SIGPIPE, SIG_IGN);
		/* udhcpc's chatter: to stderr (stdout is -n's plan), by name */
		xdup2(STDERR_FILENO, STDOUT_FILENO);
		applet_name = xasprintf("iscsi-init: %s", n->ifname);
		if (G.opts & OPT_k) {
			setsid();	/* outlives us, keeping the lease */
			stay_at_shutdown();
		}
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
	if (G.plan.source == PLAN_SOURCE_IBFT && n->ip.family != IBFT_AF_NONE)
		st->fallback_ms = monotonic_ms() + (G.deadline - monotonic_ms()) / 2;
}

void dhcp_stop(unsigned i)
{
	struct nic_state *st = &G.nst[i];

	if (st->dhcp_pid) {
		kill(st->dhcp_pid, SIGTERM);
		safe_waitpid(st->dhcp_pid, NULL, 0);
		st->dhcp_pid = 0;
	}
	if (st->rec) {		/* the pipe is open while rec is */
		close(st->dhcp_fd);
		memset(st->rec, 0, DHCP_REC_MAX);	/* option 175's secrets */
		free(st->rec);
		st->rec = NULL;
	}
}

/* lease_parse()'s findings: "warning: DHCP eth0: option 203 ..." */
static void lease_warning(void *ifname, const char *msg)
{
	bb_error_msg("warning: DHCP %s: %s", (const char *)ifname, msg);
}

/* The plan's findings about a lease ("eth0: router: ..."), as
 * "warning: DHCP eth0: router: ..." */
static void plan_lease_warning(void *ctx UNUSED_PARAM, const char *msg)
{
	bb_error_msg("warning: DHCP %s", msg);
}

/* Read what the udhcpc child sent; returns 1 once a whole lease is in. */
static int read_lease(unsigned i, struct lease *l)
{
	struct nic_state *st = &G.nst[i];
	const char *ifname = G.plan.nic[i].ifname;
	char err[120];
	ssize_t got;

	got = safe_read(st->dhcp_fd, st->rec + st->rec_len,
		DHCP_REC_MAX - 1 - st->rec_len);
	if (got < 0 && errno == EAGAIN)
		return 0;
	if (got <= 0) {
		bb_error_msg("DHCP %s: the DHCP client stopped without a lease",
			ifname);
		dhcp_stop(i);
		nic_give_up(i, 0);
		return 0;
	}
	st->rec_len += got;
	if (st->rec_len < 2 || st->rec[st->rec_len - 1] || st->rec[st->rec_len - 2])
		return 0;
	if (!(G.opts & OPT_k) && st->dhcp_pid) {
		safe_waitpid(st->dhcp_pid, NULL, 0);	/* -q: it exits now */
		st->dhcp_pid = 0;
	}	/* else it keeps the lease */
	if (lease_parse(st->rec, st->rec_len, l, lease_warning, (void*)ifname,
			err, sizeof(err)) != 0) {
		bb_error_msg("DHCP %s: %s", ifname, err);
		dhcp_stop(i);
		nic_give_up(i, 0);
		return 0;
	}
	close(st->dhcp_fd);
	memset(st->rec, 0, DHCP_REC_MAX);	/* option 175's secrets */
	free(st->rec);
	st->rec = NULL;
	return 1;
}

void dhcp_advance(unsigned i)
{
	struct plan_nic *n = &G.plan.nic[i];
	struct nic_state *st = &G.nst[i];
	struct lease *l;
	char err[160];

	if (st->fallback_ms && monotonic_ms() >= st->fallback_ms) {
		/* no lease in time on an iBFT NIC: as the table says */
		char a[PLAN_ADDRSTRLEN];

		bb_error_msg("warning: %s: no DHCP lease on %s yet; using the "
			"table's address %s/%u", n->label, n->ifname,
			ibft_addr_str(&n->ip, a), n->prefix);
		dhcp_stop(i);
		plan_nic_static(&G.plan, i, plan_warning, NULL);
		configure_nic(i);
		return;
	}
	l = xmalloc(sizeof(*l));
	if (read_lease(i, l)) {
		if (plan_apply_lease(&G.plan, i, l, err, sizeof(err),
				plan_lease_warning, NULL) != 0) {
			bb_error_msg("DHCP %s: %s", n->ifname, err);
			nic_give_up(i, 0);
		} else {
			plan_choose_initiator(&G.plan, l->initiator, G.iqn,
				initiator_from_file());
			configure_nic(i);
		}
	}
	memset(l, 0, sizeof(*l));	/* option 175's secrets */
	free(l);
}

/* Ask the lease's DNS servers for one name's address (2 s each, twice,
 * never past -t).  Returns 0 (found), 1 (no such name or no address),
 * -1 (no answer). */
static int resolve_one(const char *name, struct ibft_addr *out)
{
	uint8_t q[DNS_PACKET_MAX], r[DNS_PACKET_MAX];
	unsigned i, try;
	int qlen, rc = -1;
	uint16_t id = monotonic_us();

	qlen = dns_query(q, sizeof(q), id, name);
	for (try = 0; try < 2 && rc < 0 && qlen > 0; try++) {
		for (i = 0; i < G.plan.nr_dns && rc != 0; i++) {
			struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
			struct pollfd pfd;
			long long left = G.deadline - monotonic_ms();
			int fd;
			ssize_t got;

			if (left <= 0)	/* -t bounds the whole wait */
				break;
			fd = socket(AF_INET, SOCK_DGRAM, 0);
			if (fd < 0)
				continue;
			memcpy(&sa.sin_addr, G.plan.dns[i].a, 4);
			pfd.fd = fd;
			pfd.events = POLLIN;
			if (connect(fd, (void*)&sa, sizeof(sa)) == 0
			 && send(fd, q, qlen, 0) == qlen
			 && poll(&pfd, 1, left < 2000 ? left : 2000) == 1
			 && (got = recv(fd, r, sizeof(r), 0)) > 0) {
				int a = dns_answer(r, got, id, out);
				if (a >= 0)
					rc = a;
			}
			close(fd);
		}
	}
	return rc;
}

/* name's address, as a stub resolver configured from the leases would
 * find it: each name plan_query_names() gives, in turn, until -t.  0, 1
 * (not found), or -1 when no DNS server answered at all. */
static int resolve(const char *name, struct ibft_addr *out)
{
	char (*names)[PLAN_SERVER_MAX + 1] = xmalloc(PLAN_MAX_QUERIES * sizeof(*names));
	unsigned i, n = plan_query_names(&G.plan, name, names, PLAN_MAX_QUERIES);
	int rc = -1;

	for (i = 0; i < n && rc != 0 && monotonic_ms() < G.deadline; i++) {
		int a;

		if (G.opts & OPT_v)
			bb_error_msg("asking the lease's DNS servers for %s", names[i]);
		a = resolve_one(names[i], out);
		if (a >= 0)
			rc = a;
	}
	free(names);
	return rc;
}

/* -n: the DNS servers outside NIC i's subnet get a host route through
 * it, as its lease's routes would take them (sites keep DNS servers
 * behind the router), for the question only: op "add" returns those
 * added (bit k: G.plan.dns[k]; one there already is not ours), "del"
 * takes those of mask away. */
static unsigned dry_dns_routes(unsigned i, const char *op, unsigned mask)
{
	struct plan_nic *n = &G.plan.nic[i];
	unsigned k, done = 0;

	for (k = 0; k < G.plan.nr_dns; k++) {
		char dst[PLAN_ADDRSTRLEN + 3], gw[PLAN_ADDRSTRLEN];
		char *argv[] = { (char*)"route", (char*)op, dst, (char*)"via", gw,
			(char*)"dev", n->dev, (char*)"onlink", NULL };
		struct ibft_addr via;

		if ((op[0] == 'd' && !(mask & 1 << k))
		 || plan_next_hop(&G.plan, i, &G.plan.dns[k], &via) != 1)
			continue;
		sprintf(dst, "%s/32", ibft_addr_str(&G.plan.dns[k], gw));
		ibft_addr_str(&via, gw);
		if (addr_is_zero(&via)) {	/* on the link: "dev DEV" */
			argv[3] = argv[5];
			argv[4] = n->dev;
			argv[5] = NULL;
		}
		if (ip_quiet(argv) == 0)
			done |= 1 << k;
	}
	return done;
}

int dhcp_resolve_sessions(unsigned i)
{
	struct plan_nic *n = &G.plan.nic[i];
	unsigned j;

	for (j = 0; j < G.plan.nr_sessions; j++) {
		struct plan_session *s = &G.plan.session[j];
		char ip[PLAN_ADDRSTRLEN], err[320];
		char *addr[] = { (char*)"addr", (char*)"add", ip, (char*)"dev",
			n->dev, NULL };
		struct ibft_addr a;
		int rc, added = 0;
		unsigned routed = 0;

		if (s->nic != i || !s->server[0] || s->ip.family
		 || G.sst[j].state != SESS_WAIT)
			continue;
		/* -n configured nothing: the lease's address is put on the
		 * interface just for the question */
		sprintf(ip, "%s/%u", ibft_addr_str(&n->ip, err), n->prefix);
		if (G.opts & OPT_n) {	/* there already (EEXIST): not ours */
			added = ip_quiet(addr) == 0;
			routed = dry_dns_routes(i, "add", 0);
		}
		rc = resolve(s->server, &a);
		if (routed)
			dry_dns_routes(i, "del", routed);
		if (added) {
			addr[1] = (char*)"del";
			ip_quiet(addr);
		}
		if (plan_session_resolved(&G.plan, j, rc == 0 ? &a : NULL, err,
				sizeof(err)) != 0) {
			bb_error_msg("DHCP %s: %s%s", n->ifname, err,
				rc < 0 ? ": none answered" : "");
			G.sst[j].state = SESS_DROPPED;
			nic_give_up(i, 1);
			return -1;
		}
		nic_cmds(i, 0);		/* the host route, if any */
	}
	return 0;
}
