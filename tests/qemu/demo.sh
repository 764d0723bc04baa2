#!/bin/bash
# The demo (make demo): boot a QEMU machine whose root file system is an
# iSCSI LUN, found through an iBFT, logged in by iscsi-init from an initrd
# made by scripts/mkinitrd.sh with scripts/init.example as its /init.
#
# What it does, all under build/qemu/demo/:
#   1. a tiny root file system (static busybox, an /sbin/init that prints
#      "iscsi-init demo: root filesystem on iSCSI LUN is up" and powers
#      off) made into an ext4 image with mkfs.ext4 -d, label iscsiroot;
#   2. tgtd serving that image as LUN 1 on the loopback of a network
#      namespace made for the demo (nothing leaves this machine);
#   3. an iBFT (build/tests/mkibft): NIC 10.0.2.15/24, gateway 10.0.2.2,
#      target 10.0.2.100:3260 - QEMU's user network (restrict=on) forwards
#      that address to the tgtd;
#   4. the initrd: scripts/mkinitrd.sh -o build/qemu/demo/initrd.gz (no
#      iscsistart in it when the busybox has the built-in login);
#   5. QEMU with -acpitable file=ibft.bin, kernel command line
#      root=LABEL=iscsiroot iscsi_init="-t 60 -v", console streamed here.
# Exits 0 only when the success line appeared.  Needs root.
# Settings: QT_TIMEOUT (seconds the VM may run, 150), QT_BUSYBOX.
QT_NAME=demo
QT_KEEP=1
. "$(dirname "$0")/lib.sh"

SUCCESS="iscsi-init demo: root filesystem on iSCSI LUN is up"
TGT_IQN=iqn.2025-01.org.busybox.iscsi-init:demo-root
INIT_IQN=iqn.2025-01.org.busybox.iscsi-init:demo-initiator

step() { echo "==> demo: $*"; }

step "checking packages, kernel, busybox, mkibft"
qt_setup
echo "    kernel:  ${QT_KERNEL#"$QT_TOP"/}"
echo "    busybox: ${QT_BUSYBOX#"$QT_TOP"/}"

step "making the root file system image (ext4, label iscsiroot)"
IMG=$QT_DIR/root.img
qt_root_image "$IMG" "$SUCCESS" -L iscsiroot

step "starting tgtd on 127.0.0.1:3260 in a private network namespace"
qt_netns NS
qt_tgtd CTL "$NS" 127.0.0.1:3260
qt_target_file "$CTL" 1 "$TGT_IQN" "$IMG"
echo "    target $TGT_IQN, LUN 1 = ${IMG#"$QT_TOP"/}"

step "writing the iBFT"
qt_ibft "$QT_DIR/ibft.bin" --initiator "$INIT_IQN" \
	--nic mac=52:54:00:12:34:56,ip=10.0.2.15/24,gw=10.0.2.2,dns1=10.0.2.3,origin=1,flags=3 \
	--target nic=0,ip=10.0.2.100,port=3260,lun=1,name=$TGT_IQN,flags=3
echo "    NIC 52:54:00:12:34:56 10.0.2.15/24 gw 10.0.2.2 -> target 10.0.2.100:3260 LUN 1"

step "building the initrd with scripts/mkinitrd.sh"
QT_INITRD=$QT_DIR/initrd.gz
sh "$QT_TOP/scripts/mkinitrd.sh" -k "$QT_TOP/build/kernel" -b "$QT_BUSYBOX" -o "$QT_INITRD" ||
	qt_abort "scripts/mkinitrd.sh failed"

step "booting QEMU (software emulation: this takes a little while)"
QT_APPEND="console=ttyS0 loglevel=3 panic=-1"
LOG=$QT_DIR/console.log
qt_vm -s -n "$NS" \
	-a 'root=LABEL=iscsiroot rootfstype=ext4 iscsi_init="-t 60 -v" iscsi_init_fail=poweroff' \
	"$LOG" -- -acpitable "file=$QT_DIR/ibft.bin" \
	-netdev "user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:3260-cmd:socat - TCP:127.0.0.1:3260" \
	-device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56,romfile=

echo
if grep -qxF "$SUCCESS" "$LOG"; then
	step "SUCCESS: the machine booted from its iSCSI LUN (console: ${LOG#"$QT_TOP"/})"
	exit 0
fi
step "FAILED: no success line on the console (see ${LOG#"$QT_TOP"/})"
QT_FAILED=1
exit 1
