/* vi: set sw=4 ts=4: */
/*
 * iscsi-init: print or do.  Every step (an "ip" command, a login, a file
 * written, the hostname) is shown by show_step(), which alone decides
 * from -n and -v whether it is printed, done, or both.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
#include "libbb.h"
#include "../networking/libiproute/ip_common.h"
#include "../networking/libiproute/utils.h"
#include "iscsi_init.h"

/* Print one word as a shell would need it typed. */
static void print_word(const char *a)
{
	if (a[0] && a[strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:/@%+,-")] == '\0') {
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

int show_step(const char *cmd, char **argv, const char *redir)
{
	if (G.opts & (OPT_n | OPT_v)) {
		const char *sep = "";

		if (!(G.opts & OPT_n))
			fputs("+ ", stdout);
		if (cmd) {
			fputs(cmd, stdout);
			sep = " ";
		}
		for (; *argv; argv++, sep = " ") {
			fputs(sep, stdout);
			print_word(*argv);
		}
		if (redir)
			printf(" %s", redir);
		putchar('\n');
		fflush_all();
	}
	return !(G.opts & OPT_n);
}

/* Run one "ip" command in a child: libiproute dies on errors, keeps
 * sockets open and keeps state in bb_common_bufsiz1.  Its messages come
 * through a pipe, passed on unless the kernel answered EEXIST: an "add"
 * of what is there already (a second run) is no error; with why, the
 * reason a failure's first line ends with goes there instead (why[0]
 * '\0' when none).  Returns its exit status, EEXIST for
 * that. */
static int ip_child(char **argv, char *why, size_t whylen)
{
	int FAST_FUNC (*fn)(char **);
	int p[2], rc;
	char *msg;
	pid_t pid;

	fflush_all();
	xpipe(p);
	pid = xfork();
	if (pid == 0) {
		close(p[0]);
		xmove_fd(p[1], STDERR_FILENO);
		if (strcmp(argv[0], "-6") == 0) {	/* "ip -6 rule ..." */
			preferred_family = AF_INET6;
			argv++;
		}
		fn = argv[0][0] == 'l' ? do_iplink : argv[0][0] == 'a' ? do_ipaddr
			: argv[0][1] == 'u' ? do_iprule : do_iproute;
		rc = fn(argv + 1);	/* errno: what rtnl_talk() heard */
		_exit(rc && errno == EEXIST ? EEXIST : rc);
	}
	close(p[1]);
	msg = xmalloc_read(p[0], NULL);
	close(p[0]);
	rc = wait4pid(pid);
	if (why) {
		/* the reason at the end of the first line: "iscsi-init: ioctl
		 * 0x8922 failed: Invalid argument", "...answers: File exists" */
		char *m = msg ? msg : (char*)"", *colon;

		if (msg)	/* never a write into the literal */
			msg[strcspn(msg, "\n")] = '\0';
		colon = strrchr(m, ':');
		snprintf(why, whylen, "%s", colon ? skip_whitespace(colon + 1) : m);
	} else if (msg && rc != EEXIST)
		fputs(msg, stderr);
	free(msg);
	return rc;
}

struct ip_ctx {
	unsigned nic;
	smallint undo;
	smallint force;		/* done even with -n: DHCP needs the link */
};

/* 1 when another NIC of the plan on the same device (two NIC structures
 * for one port) has done step there, found it done, or printed it. */
static int step_seen(unsigned nic, unsigned step, const char *dev)
{
	unsigned j;

	for (j = 0; j < G.plan.nr_nics; j++)
		if (j != nic && strcmp(step == PLAN_STEP_LINK ? G.plan.nic[j].ifname
				: G.plan.nic[j].dev, dev) == 0
		 && (G.nst[j].skip & ((uint64_t)1 << step)))
			return 1;
	return 0;
}

/* The number in /proc/sys/KEY (KEY: n bytes of a "net/ipv4/conf/DEV/
 * NAME" path), or -1. */
static int sysctl_get(const char *key, int n)
{
	char *path = xasprintf("/proc/sys/%.*s", n, key);
	char buf[16];
	int v = open_read_close(path, buf, sizeof(buf) - 1) > 0 ? atoi(buf) : -1;

	free(path);
	return v;
}

/* Write VALUE to /proc/sys/KEY for kv "KEY=VALUE"; 0 or -1. */
static int sysctl_set(const char *kv)
{
	const char *eq = strchr(kv, '=');
	char *path = xasprintf("/proc/sys/%.*s", (int)(eq - kv), kv);
	int fd = open(path, O_WRONLY), rc = -1;

	if (fd >= 0) {
		rc = full_write(fd, eq + 1, strlen(eq + 1)) > 0 ? 0 : -1;
		close(fd);
	}
	if (rc)
		bb_perror_msg("warning: can't set %s", path);
	free(path);
	return rc;
}

/* A "sysctl -w net/ipv4/conf/DEV/NAME=VALUE" step: wanted only where the
 * setting does not hold yet (the kernel uses the larger of conf/all and
 * conf/DEV; rp_filter is only in the way when strict, 1).  Fills
 * argv[2] anew for an undo (the value found before).  Returns 1 when the
 * step is to be shown and done, 0 when not. */
static int sysctl_wanted(struct ip_ctx *ctx, unsigned step, char **argv,
		char *buf)
{
	struct nic_state *st = &G.nst[ctx->nic];
	uint8_t *old = &st->sysctl_old[step - PLAN_STEP_RP_FILTER];
	char *key = argv[2], *eq = strchr(key, '='), *name = strrchr(key, '/');
	char *all = xasprintf("net/ipv4/conf/all%.*s", (int)(eq - name), name);
	int want = atoi(eq + 1), now = sysctl_get(key, eq - key);
	int eff = MAX(now, sysctl_get(all, strlen(all)));

	free(all);
	if (!ctx->undo && step_seen(ctx->nic, step, G.plan.nic[ctx->nic].dev))
		return 0;	/* another structure of this port set it */
	if (ctx->undo) {
		sprintf(buf, "%.*s=%u", (int)(eq - key), key, *old);
		argv[2] = buf;
		return 1;
	}
	if (now < 0 || (step == PLAN_STEP_RP_FILTER ? eff != 1 : eff >= want))
		return 0;	/* holds already */
	*old = now;
	return 1;
}

/* The MTU step, "link set dev DEV mtu N": wanted only where the link's
 * MTU is another.  Fills argv[5] anew for an undo (the MTU found).
 * Returns 1 when the step is to be shown and done, 0 when not. */
static int mtu_wanted(struct ip_ctx *ctx, char **argv, char *buf)
{
	struct nic_state *st = &G.nst[ctx->nic];
	int now;

	if (ctx->undo) {
		sprintf(buf, "%u", st->mtu_old);
		argv[5] = buf;
		return st->mtu_old != 0;
	}
	now = netdev_mtu(argv[3]);
	if (now == atoi(argv[5])
	 || step_seen(ctx->nic, PLAN_STEP_MTU, argv[3]))
		return 0;
	st->mtu_old = now > 0 && now <= 0xffff ? now : 0; /* 0: unknown */
	return 1;
}

/* One step of NIC ctx->nic's plan: done once, undone only if it was ours;
 * printed once under -n. */
static int plan_step(void *vctx, unsigned step, char **argv)
{
	struct ip_ctx *ctx = vctx;
	struct nic_state *st = &G.nst[ctx->nic];
	uint64_t bit = (uint64_t)1 << step;
	int sysctl = strcmp(argv[0], "sysctl") == 0;
	char buf[128];
	int rc;

	if (ctx->undo ? !(st->done & bit) : (st->skip & bit))
		return 0;
	if (step == PLAN_STEP_LINK && !ctx->undo
	 && step_seen(ctx->nic, step, G.plan.nic[ctx->nic].ifname)) {
		st->skip |= bit;	/* one port, two NIC structures: once */
		return 0;
	}
	if (st->vlan_failed && !ctx->undo && step > PLAN_STEP_LINK)
		return 0;	/* nothing to put on a VLAN that is not there */
	if (sysctl && !sysctl_wanted(ctx, step, argv, buf)) {
		st->skip |= bit;	/* it holds: not ours to undo */
		return 0;
	}
	if (step == PLAN_STEP_MTU && !mtu_wanted(ctx, argv, buf)) {
		if (!ctx->undo)
			st->skip |= bit;	/* it holds: not ours to undo */
		else			/* nothing known to go back to */
			st->done &= ~bit, st->skip &= ~bit;
		return 0;
	}
	if (!show_step(sysctl ? NULL : "ip", argv, NULL) && !ctx->force) {
		if (!ctx->undo)
			st->skip |= bit;	/* printed: once is enough */
		return 0;
	}
	if (sysctl)
		rc = sysctl_set(argv[2]);
	else if (step == PLAN_STEP_MTU && !ctx->undo) {
		/* one line: the MTU stays as it was, the NIC works on */
		rc = ip_child(argv, buf, sizeof(buf));
		if (rc) {
			bb_error_msg("warning: %s: DHCP option 26 (interface "
				"MTU): can't set %s: %s; the link keeps its own",
				argv[3], argv[5], buf[0] ? buf : "failed");
			st->skip |= bit;	/* said once: not tried again */
			return 0;
		}
	} else
		rc = ip_child(argv, NULL, 0);
	if (rc == EEXIST) {
		st->skip |= bit;	/* there already: not ours to undo */
		return 0;
	}
	if (rc && !ctx->undo && step == PLAN_STEP_VLAN)
		st->vlan_failed = 1;
	if (rc == 0) {
		if (!ctx->undo) {
			st->done |= bit;
			st->skip |= bit;
		} else {	/* taken back: a second undo does nothing */
			st->done &= ~bit;
			st->skip &= ~bit;
		}
	}
	return rc;
}

int nic_cmds(unsigned i, int undo)
{
	struct ip_ctx ctx = { .nic = i, .undo = undo };

	return plan_nic_cmds(&G.plan, i, undo, plan_step, &ctx);
}

int nic_link_up(unsigned i)
{
	struct ip_ctx ctx = { .nic = i, .force = 1 };
	char *argv[] = { (char*)"link", (char*)"set", (char*)"dev",
		G.plan.nic[i].ifname, (char*)"up", NULL };

	if (netdev_is_up(G.plan.nic[i].ifname))
		G.nst[i].skip |= 1 << PLAN_STEP_LINK;	/* not ours to undo */
	return plan_step(&ctx, PLAN_STEP_LINK, argv);
}

int ip_quiet(char **argv)
{
	return ip_child(argv, NULL, 0);
}

void write_text(const char *path, const char *text, int append)
{
	char *redir = xasprintf("%s%s", append ? ">>" : ">", path);
	char *copy = xstrdup(text);
	char *argv[2 + 16], *line, *nl;
	unsigned n = 0;
	int fd;

	/* one line: echo LINE; more: printf '%s\n' LINE... */
	argv[n++] = (char*)(strchr(text, '\n')[1] ? "printf" : "echo");
	if (argv[0][0] == 'p')
		argv[n++] = (char*)"%s\\n";
	for (line = copy; n < ARRAY_SIZE(argv) - 1
			&& (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		*nl = '\0';
		argv[n++] = line;
	}
	argv[n] = NULL;
	if (show_step(NULL, argv, redir)) {
		fd = open(path, O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC), 0644);
		if (fd < 0 || full_write(fd, text, strlen(text)) < 0)
			bb_perror_msg("warning: can't write %s", path);
		if (fd >= 0)
			close(fd);
	}
	free(copy);
	free(redir);
}
