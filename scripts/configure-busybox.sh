#!/usr/bin/env bash
# Configure a BusyBox tree from a fragment: allnoconfig, the fragment on top,
# plus the applet's own bool symbols read from its Kconfig file; then check
# that every requested line survived `make oldconfig`.
# Usage: configure-busybox.sh TREE FRAGMENT APPLET_KCONFIG [OFF...]
# OFF: applet symbols (ISCSI_INIT, FEATURE_ISCSI_INIT_*) to switch off
# instead of on, as `make size` does for its reduced configurations;
# ISCSI_INIT off leaves every feature out with it.
set -eu

tree=$1
fragment=$2
kconfig=$3
shift 3
off=" ${*#CONFIG_} "
# Our caller's make flags are not for BusyBox's kconfig.
unset MAKEFLAGS MFLAGS MAKELEVEL

want=$tree/.config.want
# The applet's symbols: ISCSI_INIT and every FEATURE_ISCSI_INIT_* bool its
# Kconfig declares.
syms=$(awk '$1 == "config" || $1 == "menuconfig" { sym = $2; next }
	$1 == "help" || $1 == "---help---" { sym = "" }
	$1 == "bool" && sym ~ /^(ISCSI_INIT|FEATURE_ISCSI_INIT_[A-Za-z0-9_]+)$/ {
		print sym; sym = "" }' "$kconfig" | xargs)
case " $syms " in *" ISCSI_INIT "*) ;; *)
	echo "configure-busybox.sh: $kconfig declares no 'config ISCSI_INIT' bool" >&2
	exit 1
esac
for s in $off; do
	case " $syms " in *" $s "*) ;; *)
		echo "configure-busybox.sh: $s: not a bool symbol of $kconfig" >&2
		exit 1
	esac
done

# The fragment's settings, then the applet's symbols: on, or off when named
# in OFF.  Without ISCSI_INIT none of its features can be on, so then only
# ISCSI_INIT's own line is asked for.
{
	grep -E '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set$)' "$fragment"
	for s in $syms; do
		case "$off" in
		*" ISCSI_INIT "*) if [ "$s" = ISCSI_INIT ]; then echo "# CONFIG_$s is not set"; fi ;;
		*" $s "*) echo "# CONFIG_$s is not set" ;;
		*) echo "CONFIG_$s=y" ;;
		esac
	done
} > "$want"

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
