/* vi: set sw=4 ts=4: */
/*
 * iscsi-init: bring up iSCSI boot disks from an initrd.  Finds the iSCSI
 * Boot Firmware Table (source.c) or, without one, names the interfaces
 * for DHCP; turns that into a boot plan (plan.c) and has the executor
 * (exec.c) apply it: links, addresses, routes, then one iscsistart per
 * boot target.  The file map is in iscsi_init.h.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
//applet:IF_ISCSI_INIT(APPLET_ODDNAME(iscsi-init, iscsi_init, BB_DIR_SBIN, BB_SUID_DROP, iscsi_init))

//usage:#define iscsi_init_trivial_usage
//usage:       "[-nv" IF_FEATURE_ISCSI_INIT_PRINT("ps") IF_FEATURE_ISCSI_INIT_DHCP("d")
//usage:	IF_FEATURE_ISCSI_INIT_DHCP("k")
//usage:	IF_NOT_FEATURE_ISCSI_INIT_DHCP(IF_FEATURE_ISCSI_INIT_LOGIN("k")) "] [-f FILE]"
//usage:	IF_FEATURE_ISCSI_INIT_DHCP(" [-i IF[,IF]...]")
//usage:       " [-t SEC] [-x PROG] [-g TPGT] [-I IQN]" IF_FEATURE_ISCSI_INIT_LOGIN(" [-A ALGS]")
//usage:#define iscsi_init_full_usage "\n\n"
//usage:       "Configure the network from the iSCSI Boot Firmware Table"
//usage:	IF_FEATURE_ISCSI_INIT_DHCP(" or DHCP")
//usage:	IF_FEATURE_ISCSI_INIT_LOGIN(
//usage:       "\nand log in to the boot targets (built-in login)\n"
//usage:	)
//usage:	IF_NOT_FEATURE_ISCSI_INIT_LOGIN(
//usage:       "\nand log in to the boot targets with iscsistart\n"
//usage:	)
//usage:     "\n	-f FILE	Read a raw table from FILE instead of the firmware"
//usage:	IF_FEATURE_ISCSI_INIT_DHCP(
//usage:     "\n	-i IFS	Without a table: DHCP on these interfaces, target"
//usage:     "\n		from the root-path (option 17)"
//usage:     "\n	-d	DHCP on -i interfaces even when there is a table"
//usage:     "\n	-k	Stay: keep renewing DHCP leases"
//usage:	IF_FEATURE_ISCSI_INIT_LOGIN(", log lost sessions in again")
//usage:	)
//usage:	IF_NOT_FEATURE_ISCSI_INIT_DHCP(IF_FEATURE_ISCSI_INIT_LOGIN(
//usage:     "\n	-k	Stay: log lost sessions in again"
//usage:	))
//usage:     "\n	-n	Dry run: print the commands, change nothing"
//usage:	IF_FEATURE_ISCSI_INIT_PRINT(
//usage:     "\n	-p	Print the table as iscsistart -f records"
//usage:     "\n	-s	With -p: show CHAP secrets"
//usage:	)
//usage:     "\n	-t SEC	Give up after SEC seconds (default 60)"
//usage:	IF_FEATURE_ISCSI_INIT_LOGIN(
//usage:     "\n	-x PROG	Log in with PROG (iscsistart) instead of the built-in login"
//usage:     "\n	-A ALGS	CHAP algorithms the built-in login offers, in order:"
//usage:     "\n		md5,sha1,sha256,sha3-256 or 5-8 (default md5)"
//usage:	)
//usage:	IF_NOT_FEATURE_ISCSI_INIT_LOGIN(
//usage:     "\n	-x PROG	Run PROG instead of iscsistart"
//usage:	)
//usage:     "\n	-g TPGT	Target portal group tag (default 1)"
//usage:     "\n	-I IQN	Initiator name when the table has none"
//usage:     "\n	-v	Show each command as it runs"

#include "libbb.h"
#include "iscsi_init.h"
#include "iscsi_name.h"

#define INIT_G() do { \
	SET_PTR_TO_GLOBALS(xzalloc(sizeof(G))); \
	G.nl_fd = -1; \
} while (0)

/* What the table's plan warns about: "warning: iBFT SOURCE: MSG". */
static void table_warning(void *ctx UNUSED_PARAM, const char *msg)
{
	bb_error_msg("warning: iBFT %s: %s", G.source, msg);
}

/* "ethernet0 ethernet1 target1": the structures left out because the
 * firmware marked them neither valid nor boot-selected, into buf. */
static char *unused_structures(char *buf, const struct ibft_table *t)
{
	char *p = buf;
	unsigned i;

	*p = '\0';
	for (i = 0; i < 32; i++)
		if (t->unused_nics & (1u << i))
			p += sprintf(p, " ethernet%u", i);
	for (i = 0; i < 32; i++)
		if (t->unused_targets & (1u << i))
			p += sprintf(p, " target%u", i);
	return buf;
}

/* The table chooses the plan; without one, the -i interfaces do. */
static void make_plan(struct ibft_table *t, int have_table, const char *ifs)
{
	char err[80], unused[64 * 11];
	unsigned i;

	unused_structures(unused, t);
	if (have_table && (t->nr_nics || t->nr_targets)) {
		if (G.opts & OPT_v)
			bb_error_msg("iBFT from %s: %u NIC(s), %u target(s)", G.source,
				t->nr_nics, t->nr_targets);
		if (!plan_from_ibft(&G.plan, t, table_warning, NULL))
			bb_error_msg_and_die("iBFT %s: no usable target structure%s%s",
				G.source, unused[0] ? "; not marked valid:" : "",
				unused);
		if (plan_choose_initiator(&G.plan, NULL, G.iqn,
				initiator_from_file()) != 0 && !(G.opts & OPT_p))
			bb_error_msg_and_die("iBFT %s: initiator: initiator-name: not "
				"set (and no -I or /etc/iscsi/initiatorname.iscsi)",
				G.source);
		for (i = 0; !ENABLE_FEATURE_ISCSI_INIT_DHCP && i < G.plan.nr_nics; i++)
			if (G.plan.nic[i].dhcp_state == PLAN_DHCP_WAIT)	/* as the table says */
				plan_nic_static(&G.plan, i, table_warning, NULL);
		return;
	}
	if (!(G.opts & OPT_i))	/* each refused structure was reported */
		bb_error_msg_and_die("iBFT %s: no usable NIC or target structure%s%s",
			G.source, unused[0] ? "; not marked valid:" : "", unused);
	if (G.opts & OPT_p)
		bb_simple_error_msg_and_die("-p needs a table");
	if (plan_from_interfaces(&G.plan, ifs, err, sizeof(err)) != 0)
		bb_simple_error_msg_and_die(err);
}

int iscsi_init_main(int argc, char **argv) MAIN_EXTERNALLY_VISIBLE;
int iscsi_init_main(int argc UNUSED_PARAM, char **argv)
{
	const char *file;
	char *ifs = NULL;
	const char *algs = NULL;
	unsigned timeout = 60, tpgt = 1, i;
	struct ibft_table *t;
	int have_table = 0;

	INIT_G();
	G.argv0 = argv[0];
	/* the built-in login, unless -x names a program */
	G.prog = ENABLE_FEATURE_ISCSI_INIT_LOGIN ? NULL : "iscsistart";
	G.opts = getopt32(argv, "^" ISCSI_INIT_OPTSTR "\0" "=0"
			IF_FEATURE_ISCSI_INIT_PRINT(":n--p:p--n"),
		&file, &timeout, &G.prog, &tpgt, &G.iqn
		IF_FEATURE_ISCSI_INIT_DHCP(, &ifs)
		IF_FEATURE_ISCSI_INIT_LOGIN(, &algs));
	(void)algs;
	if (ENABLE_FEATURE_ISCSI_INIT_LOGIN && algs && login_chap_list(algs) != 0)
		bb_error_msg_and_die("-A: %s: CHAP algorithms are md5, sha1, sha256, "
			"sha3-256 (or 5-8), each once", algs);
	if (ENABLE_FEATURE_ISCSI_INIT_LOGIN && algs && G.prog)
		bb_simple_error_msg("warning: -A is for the built-in login; -x's "
			"program does its own CHAP");
	/* -s shows what -p prints; -d says which DHCP: without them, no use */
	if (((G.opts & OPT_s) && !(G.opts & OPT_p))
	 || ((G.opts & OPT_d) && !(G.opts & OPT_i)))
		bb_show_usage();
	if (tpgt > 0xffff)	/* RFC 7143: a 16-bit tag */
		bb_error_msg_and_die("-g: %u is not a portal group tag (0-65535)", tpgt);
	G.deadline = monotonic_ms() + timeout * 1000ULL;
	G.plan.tpgt = tpgt;
	if (G.iqn) {	/* RFC 3720 section 3.2.6 */
		char why[120];
		int rc = iscsi_name_check(G.iqn, why, sizeof(why));

		if (rc < 0)
			bb_error_msg_and_die("-I: %s", why);
		if (rc > 0)
			bb_error_msg("warning: -I: %s", why);
	}

	t = xzalloc(sizeof(*t));
	if ((G.opts & (OPT_d | OPT_i)) == (OPT_d | OPT_i) && OPT_i) {
		/* DHCP whatever the firmware says */
	} else if (G.opts & OPT_f) {
		if (table_from_file(t, file))
			return EXIT_FAILURE;
		have_table = 1;
	} else if (table_find(t) == 0) {
		have_table = 1;
	} else {
		/* each rejected table was reported where it was found */
		if (!(G.opts & OPT_i))
			bb_simple_error_msg_and_die("no usable iSCSI Boot Firmware "
				"Table (looked in the ACPI tables, low memory, "
				"/sys/firmware/ibft)"
				IF_FEATURE_ISCSI_INIT_DHCP(" and no -i interfaces for DHCP"));
		if (G.opts & OPT_v)
			bb_simple_error_msg("no iBFT: DHCP on the -i interfaces");
	}
	make_plan(t, have_table, ifs);
	free(t);

	if (G.opts & OPT_p) {
		char *rec = xmalloc(4096);

		for (i = 0; i < G.plan.nr_nics; i++)
			netdev_find(i);
		for (i = 0; i < G.plan.nr_sessions; i++) {
			plan_record(rec, 4096, &G.plan, &G.plan.session[i],
				G.opts & OPT_s);
			fputs(rec, stdout);
		}
		return EXIT_SUCCESS;
	}
	return execute();
}
