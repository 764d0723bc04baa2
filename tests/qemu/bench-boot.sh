#!/bin/bash
# make bench's boot figures (run by tests/bench): QEMU boot to the iSCSI
# root, measured as the guest's uptime when the root's /sbin/init starts,
# for two initrds from scripts/mkinitrd.sh that differ only in the login:
#   built-in    the busybox logs in itself (FEATURE_ISCSI_INIT_LOGIN), no
#               iscsistart in the initrd; skipped, with a SKIP line, when
#               the busybox has no built-in login
#   iscsistart  the same initrd with iscsistart (-X), which iscsi-init
#               runs (-x /sbin/iscsistart when the busybox has both)
# booted alternately, BENCH_BOOTS times each (5); prints each boot and the
# median next to the aim.  Figures only, nothing timed is asserted; exits
# non-zero only when a boot did not reach the root (console kept in
# build/qemu/bench-boot/).  The setup is the demo's (tests/qemu/demo.sh):
# tgtd in a private network namespace, an iBFT, QEMU's user network with
# restrict=on.  Needs root.  Settings: BENCH_BOOTS, QT_BUSYBOX, QT_TIMEOUT.
QT_NAME=bench-boot
. "$(dirname "$0")/lib.sh"

BOOTS=${BENCH_BOOTS:-5}
case $BOOTS in
'' | *[!0-9]* | 0) qt_abort "BENCH_BOOTS=$BOOTS: want a number of boots, 1 or more" ;;
esac
AIM=2.5		# seconds, issue 10
LINE="iscsi-init bench: root filesystem on iSCSI LUN is up"
TGT_IQN=iqn.2025-01.org.busybox.iscsi-init:bench-root
INIT_IQN=iqn.2025-01.org.busybox.iscsi-init:bench-initiator

qt_setup
if "$QT_BUSYBOX" iscsi-init --help 2>&1 | grep -q 'built-in login'; then
	variants="built-in iscsistart"
	iscsistart_args=" -x /sbin/iscsistart"
else
	echo "   SKIP: busybox has no built-in login (built-in side not measured)"
	variants=iscsistart
	iscsistart_args=
fi

IMG=$QT_DIR/root.img
qt_root_image "$IMG" "$LINE" -L iscsiroot
qt_netns NS
qt_tgtd CTL "$NS" 127.0.0.1:3260
qt_target_file "$CTL" 1 "$TGT_IQN" "$IMG"
qt_ibft "$QT_DIR/ibft.bin" --initiator "$INIT_IQN" \
	--nic mac=52:54:00:12:34:56,ip=10.0.2.15/24,gw=10.0.2.2,dns1=10.0.2.3,origin=1,flags=3 \
	--target nic=0,ip=10.0.2.100,port=3260,lun=1,name=$TGT_IQN,flags=3

# the two initrds: the same modules and /init, with and without iscsistart
for v in $variants; do
	flags=
	[ "$v" = iscsistart ] && flags=-X
	sh "$QT_TOP/scripts/mkinitrd.sh" -k "$QT_TOP/build/kernel" -b "$QT_BUSYBOX" $flags \
		-o "$QT_DIR/initrd-$v.gz" >"$QT_DIR/mkinitrd-$v.log" 2>&1 ||
		qt_abort "scripts/mkinitrd.sh $flags failed: $(tail -n 5 "$QT_DIR/mkinitrd-$v.log")"
done

QT_APPEND="console=ttyS0 loglevel=3 panic=-1"
# boot VARIANT N: boot once; BOOT_UP = the uptime at the root's init
# (no subshell: qt_vm's cleanups must stay in this shell)
boot() {
	local v=$1 n=$2 log=$QT_DIR/console-$1-$2.log args="-t 60"
	[ "$v" = iscsistart ] && args="$args$iscsistart_args"
	QT_INITRD=$QT_DIR/initrd-$v.gz
	qt_vm -n "$NS" \
		-a "root=LABEL=iscsiroot rootfstype=ext4 iscsi_init=\"$args\" iscsi_init_fail=poweroff" \
		"$log" -- -acpitable "file=$QT_DIR/ibft.bin" \
		-netdev "user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:3260-cmd:socat - TCP:127.0.0.1:3260" \
		-device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56,romfile= >>"$QT_DIR/vm.log"
	BOOT_UP=$(sed -n 's/^  uptime at init: \([0-9.]*\) s$/\1/p' "$log")
	if ! grep -qxF "$LINE" "$log" || [ -z "$BOOT_UP" ]; then
		echo "   boot $n, $v: the root's init never ran (console: ${log#"$QT_TOP"/})"
		return 1
	fi
}

# stats FILE: "median min max" of the numbers in FILE, one per line
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		      printf "%.2f %.2f %.2f\n", m, v[1], v[NR] }'
}

for v in $variants; do : >"$QT_DIR/uptimes-$v"; done
for ((i = 1; i <= BOOTS; i++)); do
	line="   boot $i:"
	for v in $variants; do
		boot "$v" "$i" || { QT_FAILED=1; exit 1; }
		echo "$BOOT_UP" >>"$QT_DIR/uptimes-$v"
		line="$line  $v $BOOT_UP s"
	done
	echo "$line"
done
for v in $variants; do
	read -r med min max < <(stats "$QT_DIR/uptimes-$v")
	if [ "$v" = built-in ]; then
		aim="aim: at most $AIM s"
	else
		aim="(today's initrd; issue 10 measured about 4.4 s)"
	fi
	printf '   %-11s median %s s (min %s, max %s) over %d boot(s)  %s\n' \
		"$v:" "$med" "$min" "$max" "$BOOTS" "$aim"
done
