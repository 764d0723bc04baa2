/* vi: set sw=4 ts=4: */
/*
 * iscsi-init: what the system that takes over reads.  /etc/resolv.conf,
 * the hostname, /etc/iscsi/initiatorname.iscsi, and /run/net-IF.conf in
 * the format klibc's ipconfig writes (for initramfs-tools and friends).
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
#include "libbb.h"
#include "iscsi_init.h"
#include "lease.h"
#include "iscsi_name.h"

#define INITIATORNAME "/etc/iscsi/initiatorname.iscsi"

char *initiator_from_file(void)
{
	char *buf = G.namebuf, *p, why[120];

	memset(buf, 0, sizeof(G.namebuf));
	if (open_read_close(INITIATORNAME, buf, sizeof(G.namebuf) - 1) <= 0)
		return NULL;
	p = strstr(buf, "InitiatorName=");
	if (!p)
		return NULL;
	p += 14;
	*strchrnul(p, '\n') = '\0';
	if (*p && iscsi_name_check(p, why, sizeof(why)) < 0) {
		bb_error_msg("warning: " INITIATORNAME ": InitiatorName: %s; "
			"not used", why);
		return NULL;
	}
	return *p ? p : NULL;
}

void write_system_files(void)
{
	unsigned i;
	char ip[PLAN_ADDRSTRLEN], *line;

	for (i = 0; i < G.plan.nr_dns; i++) {
		line = xasprintf("nameserver %s\n", ibft_addr_str(&G.plan.dns[i], ip));
		write_text("/etc/resolv.conf", line, i);
		free(line);
	}
	if (G.plan.search[0]) {
		line = xasprintf("search %s\n", G.plan.search);
		write_text("/etc/resolv.conf", line, G.plan.nr_dns);
		free(line);
	}
	if (G.plan.hostname[0]) {
		char *argv[] = { (char*)"hostname", G.plan.hostname, NULL };

		if (show_step(NULL, argv, NULL)
		 && sethostname(G.plan.hostname, strlen(G.plan.hostname)) != 0)
			bb_perror_msg("warning: can't set hostname");
	}
	if (!(G.opts & OPT_n))
		mkdir("/etc/iscsi", 0755);
	line = xasprintf("InitiatorName=%s\n", G.plan.initiator);
	write_text(INITIATORNAME, line, 0);
	free(line);

	if (!(G.opts & OPT_n))
		mkdir("/run", 0755);
	for (i = 0; i < G.plan.nr_nics; i++) {
		const struct plan_nic *n = &G.plan.nic[i];
		char *text, *path;

		if (G.nst[i].state != NIC_READY || n->ip.family != IBFT_AF_INET)
			continue;	/* the format knows IPv4 only */
		text = xmalloc(NETCONF_MAX);
		netconf_format(text, NETCONF_MAX, &G.plan, n,
			n->dhcp_state == PLAN_DHCP_LEASED ? "dhcp" : "none",
			n->rootpath, n->lease_time);
		path = xasprintf("/run/net-%s.conf", n->dev);
		write_text(path, text, 0);
		free(path);
		free(text);
	}
}
