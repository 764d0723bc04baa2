/* vi: set sw=4 ts=4: */
/*
 * iscsi-init: network devices.  Finding the interface a NIC structure
 * names, its link and carrier, IPv6 duplicate address detection, and the
 * netlink socket that wakes the executor when any of these change.
 *
 * Licensed under GPLv2, see file LICENSE in this source tree.
 */
#include "libbb.h"
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include "iscsi_init.h"

static char *sys_net(const char *ifname, const char *attr)
{
	return xasprintf("/sys/class/net/%s/%s", ifname, attr);
}

/* Read /sys/class/net/IF/ATTR into buf (NUL-terminated); bytes or -1. */
static int read_attr(const char *ifname, const char *attr, char *buf, int size)
{
	char *p = sys_net(ifname, attr);
	int n = open_read_close(p, buf, size - 1);

	free(p);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* "52:54:00:12:34:56" into mac; 0 or -1. */
static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned m[6], k;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4],
			&m[5]) != 6)
		return -1;
	for (k = 0; k < 6; k++)
		mac[k] = m[k];
	return 0;
}

/* How well interface name fits NIC n: 3 its MAC on a physical device, 2
 * its MAC on a virtual one, 1 its PCI slot (when the table has no MAC),
 * -1 the PCI slot but another MAC (an offload boot?), 0 not at all.
 * VLANs (which copy their parent's MAC) never fit.  mac: the interface's
 * MAC. */
/* The PCI bus/dev/fn (bus << 8 | dev << 3 | fn, as the iBFT's pci_bdf)
 * of interface name's device, or -1: the last "DDDD:BB:DD.F" in the real
 * path of its device link, so a virtio NIC (.../0000:00:03.0/virtio0)
 * counts as the PCI function it sits on. */
static int pci_bdf_of(const char *name)
{
	char *p = sys_net(name, "device");
	char *path = xmalloc_realpath(p);
	char *c;
	unsigned dom, bus, dev, fn;
	int bdf = -1;

	free(p);
	for (c = path; c && *c; c = strchrnul(c, '/')) {
		c += *c == '/';
		if (sscanf(c, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) == 4
		 && bus < 256 && dev < 32 && fn < 8)
			bdf = bus << 8 | dev << 3 | fn;
	}
	free(path);
	return bdf;
}

/* How well interface name fits NIC n: 3 its MAC on a physical device, 2
 * its MAC on a virtual one, 1 its PCI slot (when the table has no MAC),
 * -1 the PCI slot but another MAC (an offload boot?), 0 not at all.
 * VLANs (which copy their parent's MAC) never fit.  mac: the interface's
 * MAC. */
static int fits(const struct plan_nic *n, const char *name, uint8_t *mac)
{
	static const uint8_t zero[6];
	char buf[128];
	int score = 0, has_device;

	if (read_attr(name, "uevent", buf, sizeof(buf)) > 0
	 && strstr(buf, "DEVTYPE=vlan"))
		return 0;
	memset(mac, 0, 6);
	has_device = read_attr(name, "device/uevent", buf, sizeof(buf)) >= 0;
	if (read_attr(name, "address", buf, sizeof(buf)) >= 17
	 && parse_mac(buf, mac) == 0
	 && memcmp(n->mac, zero, 6) != 0 && memcmp(n->mac, mac, 6) == 0)
		score = has_device ? 3 : 2;
	if (score == 0 && has_device && n->pci_bdf && pci_bdf_of(name) == n->pci_bdf)
		score = memcmp(n->mac, zero, 6) == 0 ? 1 : -1;
	return score;
}

int netdev_find(unsigned i)
{
	struct plan_nic *n = &G.plan.nic[i];
	char best_name[PLAN_IFNAMSIZ], slot_name[PLAN_IFNAMSIZ];
	uint8_t mac[6], slot_mac[6] = { 0 };
	struct dirent *de;
	DIR *dir;
	int best = 0;

	if (G.plan.source == PLAN_SOURCE_DHCP) {
		/* named with -i: it is there when sysfs has it; learn its MAC */
		char buf[32];

		if (read_attr(n->ifname, "address", buf, sizeof(buf)) < 17
		 || parse_mac(buf, mac) != 0 || !if_nametoindex(n->ifname))
			return 0;
		plan_nic_found(&G.plan, i, n->ifname, mac);
		return 1;
	}
	dir = opendir("/sys/class/net");
	if (!dir)
		return 0;
	while ((de = readdir(dir)) != NULL) {
		int score;

		/* A new device is in sysfs a moment before the kernel knows its
		 * name (register_netdevice): "ip link set" would fail.  Its
		 * RTM_NEWLINK comes after, and we look again then. */
		if (DOT_OR_DOTDOT(de->d_name) || strlen(de->d_name) >= PLAN_IFNAMSIZ
		 || !if_nametoindex(de->d_name))
			continue;
		score = fits(n, de->d_name, mac);
		if (score < 0 && best == 0) {
			best = score;
			strcpy(slot_name, de->d_name);
			memcpy(slot_mac, mac, 6);
		}
		if (score > 0 && score > best) {
			best = score;
			strcpy(best_name, de->d_name);
		}
	}
	closedir(dir);
	if (best > 0)
		plan_nic_found(&G.plan, i, best_name, NULL);
	if (best < 0) {
		/* Broadcom and friends: the iSCSI function's own MAC, the
		 * PCI address of the card whose network function has another */
		bb_error_msg("warning: %s: mac: no interface has %02x:%02x:%02x:"
			"%02x:%02x:%02x; %s in its PCI slot %02x:%02x.%x has "
			"%02x:%02x:%02x:%02x:%02x:%02x: this looks like an iSCSI "
			"offload (HBA) boot, which iscsi-init does not drive",
			n->label, n->mac[0], n->mac[1], n->mac[2], n->mac[3],
			n->mac[4], n->mac[5], slot_name, n->pci_bdf >> 8,
			(n->pci_bdf >> 3) & 31, n->pci_bdf & 7, slot_mac[0],
			slot_mac[1], slot_mac[2], slot_mac[3], slot_mac[4],
			slot_mac[5]);
	}
	return best;
}

int netdev_is_up(const char *ifname)
{
	char buf[16];

	return read_attr(ifname, "flags", buf, sizeof(buf)) > 0
		&& (strtoul(buf, NULL, 16) & IFF_UP);
}

int netdev_carrier(const char *ifname)
{
	char buf[8];

	return read_attr(ifname, "carrier", buf, sizeof(buf)) > 0 && buf[0] == '1';
}

int netdev_mtu(const char *ifname)
{
	char buf[16];

	return read_attr(ifname, "mtu", buf, sizeof(buf)) > 0 ? atoi(buf) : -1;
}

int netdev_exists(const char *ifname)
{
	char buf[16];

	return read_attr(ifname, "flags", buf, sizeof(buf)) > 0;
}

int netdev_dad(const struct plan_nic *n)
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

/* 32 hex digits into a 16-byte address; 0 or -1. */
static int hex_addr(const char *h, struct ibft_addr *a)
{
	unsigned i, b;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < 16; i++) {
		if (sscanf(h + 2 * i, "%2x", &b) != 1)
			return -1;
		a->a[i] = b;
	}
	a->family = IBFT_AF_INET6;
	return 0;
}

int netdev_ipv6_global(const char *dev, struct ibft_addr *ip, unsigned *prefix,
		struct ibft_addr *router)
{
	FILE *f = fopen_for_read("/proc/net/if_inet6");
	char line[160], addr[33], name[IFNAMSIZ + 1], hop[33];
	unsigned plen, scope, flags;
	int found = 0;

	memset(router, 0, sizeof(*router));
	while (f && !found && fgets(line, sizeof(line), f)) {
		/* global scope, neither tentative, failed nor deprecated */
		found = sscanf(line, "%32s %*x %x %x %x %16s", addr, &plen, &scope,
				&flags, name) == 5
			&& strcmp(name, dev) == 0 && scope == 0
			&& !(flags & (0x40 | 0x08 | 0x20))
			&& hex_addr(addr, ip) == 0;
		*prefix = plen;
	}
	if (f)
		fclose(f);
	/* its default router: "0...0 00 0...0 00 NEXTHOP metric refcnt use
	 * flags DEV" in /proc/net/ipv6_route */
	f = found ? fopen_for_read("/proc/net/ipv6_route") : NULL;
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%32s %x %*s %*x %32s %*x %*x %*x %*x %16s", addr,
				&plen, hop, name) == 4
		 && plen == 0 && strspn(addr, "0") == 32 && strspn(hop, "0") != 32
		 && strcmp(name, dev) == 0 && hex_addr(hop, router) == 0)
			break;
	}
	if (f)
		fclose(f);
	return found;
}

void netdev_events_open(void)
{
	struct sockaddr_nl sa;
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);

	G.nl_fd = -1;
	if (fd < 0)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR
		| RTMGRP_IPV6_ROUTE;	/* RA: an address, then a default route */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return;
	}
	ndelay_on(fd);
	close_on_exec_on(fd);
	G.nl_fd = fd;
}

void netdev_events_drain(void)
{
	char buf[4096];

	/* ENOBUFS (we fell behind) is fine: everything is looked at again */
	while (G.nl_fd >= 0 && (recv(G.nl_fd, buf, sizeof(buf), MSG_DONTWAIT) > 0
			|| errno == ENOBUFS))
		continue;
}
