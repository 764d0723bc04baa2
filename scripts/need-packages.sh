#!/usr/bin/env bash
# Install those of the Debian packages named as arguments that are missing.
# Usage: need-packages.sh PACKAGE...
set -eu

missing=()
for pkg in "$@"; do
	dpkg -s "$pkg" 2>/dev/null | grep -qx 'Status: install ok installed' ||
		missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "==> installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "need-packages.sh: not root; install them with apt-get and run make again" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Servers the tests start themselves, in their own namespaces (dnsmasq,
# tgt, isc-dhcp-server, kea-dhcp4-server): their packages must not start
# them on the host.  invoke-rc.d and deb-systemd-invoke ask policy-rc.d;
# where there is none (container images have one), one that says no is
# there for the install only.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\n# need-packages.sh: no service starts while it installs\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	trap 'rm -f "$policy"' EXIT
fi
apt-get -q update >/dev/null
apt-get -q -y install --no-install-recommends "${missing[@]}" >/dev/null
