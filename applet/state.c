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
	char *text, *line, *next, why[120];
	size_t len = 64 * 1024;
	char *name = NULL;

	text = xmalloc_open_read_close(INITIATORNAME, &len);
	if (!text)
		return NULL;
	/* As open-iscsi reads it: a line starting "InitiatorName=", the
	 * value up to the first white space; the last such line wins. */
	for (line = text; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strncmp(line, "InitiatorName=", 14) == 0) {
			line += 14;
			line[strcspn(line, " \t\r")] = '\0';
			name = line;
		}
	}
	if (name && name[0]) {
		if (iscsi_name_check(name, why, sizeof(why)) < 0) {
			bb_error_msg("warning: " INITIATORNAME ": InitiatorName: "
				"%s; not used", why);
			name = NULL;
		} else {
			safe_strncpy(G.namebuf, name, sizeof(G.namebuf));
			name = G.namebuf;
		}
	} else {
		name = NULL;
	}
	free(text);
	return name;
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
	for (i = 0; i < 2 * G.plan.nr_nics; i++) {
		/* boot-selected NICs first; one file per device (two NIC
		 * structures may describe one port): the first one's */
		const struct plan_nic *n = &G.plan.nic[i % G.plan.nr_nics];
		char *text, *path;
		unsigned j;

		if (n->boot == (i >= G.plan.nr_nics)
		 || G.nst[i % G.plan.nr_nics].state != NIC_READY
		 || n->ip.family != IBFT_AF_INET)
			continue;	/* the format knows IPv4 only */
		for (j = 0; j < i; j++) {
			const struct plan_nic *o = &G.plan.nic[j % G.plan.nr_nics];

			if (strcmp(o->dev, n->dev) == 0 && o->boot == (j < G.plan.nr_nics)
			 && G.nst[j % G.plan.nr_nics].state == NIC_READY
			 && o->ip.family == IBFT_AF_INET)
				break;
		}
		if (j < i)
			continue;
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
