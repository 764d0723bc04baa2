#!/usr/bin/env bash
# Configure a BusyBox tree from a fragment: allnoconfig, the fragment on top,
# plus the applet's own bool symbols read from its Kconfig file; then check
# that every requested line survived `make oldconfig`.
# Usage: configure-busybox.sh TREE FRAGMENT APPLET_KCONFIG
set -eu

tree=$1
fragment=$2
kconfig=$3
# Our caller's make flags are not for BusyBox's kconfig.
unset MAKEFLAGS MFLAGS MAKELEVEL

want=$tree/.config.want
# The fragment's settings, then ISCSI_INIT and every FEATURE_ISCSI_INIT_*
# bool the applet's Kconfig declares, all switched on.
{
	grep -E '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set$)' "$fragment"
	awk '$1 == "config" || $1 == "menuconfig" { sym = $2; next }
	     $1 == "help" || $1 == "---help---" { sym = "" }
	     $1 == "bool" && sym ~ /^(ISCSI_INIT|FEATURE_ISCSI_INIT_[A-Za-z0-9_]+)$/ {
		print "CONFIG_" sym "=y"; sym = "" }' "$kconfig"
} > "$want"
grep -qx 'CONFIG_ISCSI_INIT=y' "$want" || {
	echo "configure-busybox.sh: $kconfig declares no 'config ISCSI_INIT' bool" >&2
	exit 1
}

# Keep the old .config (and its time stamp) when nothing changes, so that an
# unchanged configuration rebuilds nothing.
[ -f "$tree/.config" ] && cp -p "$tree/.config" "$tree/.config.prev"

make -C "$tree" -s allnoconfig > "$tree/.config.log" 2>&1
# Drop every symbol the request names, then append the request.
awk 'NR == FNR {
	if ($1 == "#") set[$2]; else { split($0, kv, "="); set[kv[1]] }
	next
     }
     /^CONFIG_/ { split($0, kv, "="); if (kv[1] in set) next }
     /^# CONFIG_.* is not set$/ { if ($2 in set) next }
     { print }' "$want" "$tree/.config" > "$tree/.config.new"
cat "$want" >> "$tree/.config.new"
mv "$tree/.config.new" "$tree/.config"
yes "" | make -C "$tree" oldconfig >> "$tree/.config.log" 2>&1

lost=$(grep -vxF -f "$tree/.config" "$want" || true)
if [ -n "$lost" ]; then
	echo "configure-busybox.sh: these settings did not survive 'make oldconfig'" >&2
	echo "(a missing dependency, or a symbol this BusyBox does not have):" >&2
	echo "$lost" | sed 's/^/    /' >&2
	exit 1
fi

if [ -f "$tree/.config.prev" ] && cmp -s "$tree/.config" "$tree/.config.prev"; then
	mv "$tree/.config.prev" "$tree/.config"
else
	rm -f "$tree/.config.prev"
fi
