/* CHAP from DHCP option 175 (iPXE's sub-options 190-193), from the
 * record udhcpc's child sends to iscsistart's argv: used when the
 * root-path carries no credentials, the root-path's own win, secrets
 * masked in what is printed and absent from /run/net-IF.conf.
 * (applet/lease.c, applet/plan_lease.c, applet/plan_cmd.c) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "../../applet/plan.h"
#include "../../applet/lease.h"

static struct plan plan;
static struct lease l;
static char rec[4096], err[320], warnings[1024];
static const uint8_t mac0[6] = { 0x52, 0x54, 0, 0xaa, 0, 1 };

static void collect(void *ctx, const char *msg)
{
	(void)ctx;
	strcat(warnings, msg);
	strcat(warnings, "\n");
}

/* A lease record for 10.1.0.50/24: root-path rp and option 175 made of
 * the sub-options in sub (n bytes), as udhcpc's child sends it. */
static size_t lease_record(const char *rp, const void *sub, size_t n)
{
	uint8_t m[600];
	size_t len = 0, i;
	char *p = rec;

	memset(m, 0, sizeof(m));
	memcpy(m + 236, "\x63\x82\x53\x63", 4);
	len = 240;
	m[len++] = 17;
	m[len++] = strlen(rp);
	memcpy(m + len, rp, strlen(rp));
	len += strlen(rp);
	if (n) {
		m[len++] = 175;
		m[len++] = n;
		memcpy(m + len, sub, n);
		len += n;
	}
	m[len++] = 255;
	p += sprintf(p, "ip=10.1.0.50") + 1;
	p += sprintf(p, "mask=24") + 1;
	p += sprintf(p, "packet=");
	for (i = 0; i < len; i++)
		p += sprintf(p, "%02x", m[i]);
	p++;
	*p++ = '\0';
	return p - rec;
}

#define SUBS "\xbe\x05" "alice" "\xbf\x06" "s3cret" "\xc0\x03" "tgt" "\xc1\x07" "s3cret2"

/* record -> lease -> plan for a DHCP-only boot on eth0 */
static void apply(size_t n)
{
	memset(&plan, 0, sizeof(plan));
	plan.tpgt = 1;
	warnings[0] = '\0';
	assert_int_equal(lease_parse(rec, n, &l, collect, NULL, err, sizeof(err)), 0);
	assert_int_equal(plan_from_interfaces(&plan, "eth0", err, sizeof(err)), 0);
	plan_nic_found(&plan, 0, "eth0", mac0);
	assert_int_equal(plan_apply_lease(&plan, 0, &l, err, sizeof(err), NULL, NULL), 0);
	assert_int_equal(plan_choose_initiator(&plan, NULL,
		"iqn.2026-11.org.example:node1", NULL), 0);
	assert_int_equal(plan.nr_sessions, 1);
}

static const char *argv_line(int mask)
{
	static char line[1024];
	struct plan_argv a;
	unsigned i;

	iscsistart_argv(&a, &plan, &plan.session[0], "iscsistart", mask);
	line[0] = '\0';
	for (i = 0; a.argv[i]; i++) {
		if (i)
			strcat(line, " ");
		strcat(line, a.argv[i]);
	}
	return line;
}

static void option_175_chap_reaches_iscsistart_masked_when_shown(void **state)
{
	size_t n = lease_record("iscsi:10.1.0.9::::iqn.2026-11.org.example:disk",
		SUBS, sizeof(SUBS) - 1);

	(void)state;
	apply(n);
	assert_string_equal(warnings, "");
	assert_string_equal(plan.session[0].chap_name, "alice");
	assert_string_equal(plan.session[0].chap_secret, "s3cret");
	assert_string_equal(plan.session[0].rchap_name, "tgt");
	assert_string_equal(plan.session[0].rchap_secret, "s3cret2");
	assert_string_equal(argv_line(1), "iscsistart -i iqn.2026-11.org.example:node1 "
		"-t iqn.2026-11.org.example:disk -g 1 -a 10.1.0.9 -p 3260 "
		"-u alice -w *** -U tgt -W *** "
		"-P iface.iscsi_ifacename=iscsi-init.eth0 -P iface.net_ifacename=eth0 "
		"-P iface.ipaddress=10.1.0.50");
	assert_string_equal(argv_line(0), "iscsistart -i iqn.2026-11.org.example:node1 "
		"-t iqn.2026-11.org.example:disk -g 1 -a 10.1.0.9 -p 3260 "
		"-u alice -w s3cret -U tgt -W s3cret2 "
		"-P iface.iscsi_ifacename=iscsi-init.eth0 -P iface.net_ifacename=eth0 "
		"-P iface.ipaddress=10.1.0.50");
}

/* dracut-style credentials in the root-path win, all four of them */
static void root_path_credentials_win_over_option_175(void **state)
{
	size_t n = lease_record("iscsi:bob:pw1@10.1.0.9::::iqn.2026-11.org.example:disk",
		SUBS, sizeof(SUBS) - 1);

	(void)state;
	apply(n);
	assert_string_equal(plan.session[0].chap_name, "bob");
	assert_string_equal(plan.session[0].chap_secret, "pw1");
	assert_string_equal(plan.session[0].rchap_name, "");
	assert_string_equal(plan.session[0].rchap_secret, "");
}

/* CHAP without reverse CHAP; no option 175 at all: no CHAP */
static void one_way_chap_and_none(void **state)
{
	static const char one[] = "\xbe\x05" "alice" "\xbf\x07" "s3cret\0";
	size_t n = lease_record("iscsi:10.1.0.9::::iqn.2026-11.org.example:disk",
		one, sizeof(one) - 1);

	(void)state;
	apply(n);
	assert_string_equal(argv_line(1), "iscsistart -i iqn.2026-11.org.example:node1 "
		"-t iqn.2026-11.org.example:disk -g 1 -a 10.1.0.9 -p 3260 -u alice -w *** "
		"-P iface.iscsi_ifacename=iscsi-init.eth0 -P iface.net_ifacename=eth0 "
		"-P iface.ipaddress=10.1.0.50");
	assert_string_equal(plan.session[0].chap_secret, "s3cret");
	n = lease_record("iscsi:10.1.0.9::::iqn.2026-11.org.example:disk", NULL, 0);
	apply(n);
	assert_string_equal(argv_line(0), "iscsistart -i iqn.2026-11.org.example:node1 "
		"-t iqn.2026-11.org.example:disk -g 1 -a 10.1.0.9 -p 3260 "
		"-P iface.iscsi_ifacename=iscsi-init.eth0 -P iface.net_ifacename=eth0 "
		"-P iface.ipaddress=10.1.0.50");
}

static void no_secret_in_net_conf(void **state)
{
	char out[NETCONF_MAX];
	size_t n = lease_record("iscsi:10.1.0.9::::iqn.2026-11.org.example:disk",
		SUBS, sizeof(SUBS) - 1);

	(void)state;
	apply(n);
	netconf_format(out, sizeof(out), &plan, &plan.nic[0], "dhcp",
		plan.nic[0].rootpath, 600);
	assert_non_null(strstr(out, "ROOTPATH='iscsi:10.1.0.9::::iqn.2026-11.org.example:disk'\n"));
	assert_null(strstr(out, "s3cret"));
	assert_null(strstr(out, "alice"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(option_175_chap_reaches_iscsistart_masked_when_shown),
		cmocka_unit_test(root_path_credentials_win_over_option_175),
		cmocka_unit_test(one_way_chap_and_none),
		cmocka_unit_test(no_secret_in_net_conf),
	};
	return cmocka_run_group_tests_name("lease_chap", tests, NULL, NULL);
}
