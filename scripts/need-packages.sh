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
apt-get -q update >/dev/null
apt-get -q -y install --no-install-recommends "${missing[@]}" >/dev/null
