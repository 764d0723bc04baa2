# tests/qemu/lib.sh - harness for the QEMU end-to-end tests (bash).
# A test sources this file, declares its cases with qt_plan, builds what it
# needs (network namespace, taps, tgtd targets, iBFT, initrd), boots one or
# more VMs with qt_vm and checks what the guest reported.  Every case prints
# exactly one "PASS: name" or "FAIL: name" line; cases never reached print
# FAIL at exit.  Everything made is torn down at exit, even on failure.
#
# Settings (environment):
#   QT_BUSYBOX   busybox with iscsi-init        ($BUSYBOX, or build/busybox)
#   QT_MKIBFT    iBFT table writer              (build/tests/mkibft)
#   QT_TIMEOUT   seconds one VM may run         (150)
#   QT_KEEP=1    keep build/qemu/NAME/ after a passing run (always kept
#                after a failure: console.log there shows the guest side)
#   QT_VERBOSE=1 print the guest's console after each VM

set -u
shopt -s nullglob

QT_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
QT_NAME=${QT_NAME:-$(basename "$0" | sed 's/\.\(test\|sh\)$//')}
QT_DIR=$QT_TOP/build/qemu/$QT_NAME
QT_BUSYBOX=${QT_BUSYBOX:-${BUSYBOX:-$QT_TOP/build/busybox}}
case $QT_BUSYBOX in /*) ;; *) QT_BUSYBOX=$PWD/$QT_BUSYBOX ;; esac
QT_MKIBFT=${QT_MKIBFT:-$QT_TOP/build/tests/mkibft}
QT_TIMEOUT=${QT_TIMEOUT:-150}
QT_LOCKDIR=/run/lock/iscsi-init-tests
QT_IQN_BASE=iqn.2025-01.org.busybox.iscsi-init.test

_qt_cleanups=()
_qt_planned=()
_qt_reported=()
QT_FAILED=0

# ---------------------------------------------------------------- reporting

qt_log() { echo "  [$QT_NAME] $*"; }

# qt_plan CASE...: the cases this test reports, each exactly once
qt_plan() { _qt_planned+=("$@"); }

_qt_report() {	# _qt_report PASS|FAIL CASE [DETAIL...]
	local word=$1 name=$2 c
	shift 2
	for c in "${_qt_reported[@]}"; do
		if [ "$c" = "$name" ]; then
			qt_log "BUG: case '$name' reported twice"
			return 0
		fi
	done
	_qt_reported+=("$name")
	echo "$word: $name"
	if [ "$word" = FAIL ]; then
		QT_FAILED=$((QT_FAILED + 1))
		[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/    /'
	fi
}
qt_pass() { _qt_report PASS "$@"; }
qt_fail() { _qt_report FAIL "$@"; }

# qt_check CASE COMMAND...: PASS when COMMAND succeeds.  COMMAND may print
# why it failed; that goes under the FAIL line.
qt_check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		qt_pass "$name"
	else
		qt_fail "$name" "${out:-($* failed)}"
	fi
}

# qt_abort REASON: report every planned case not yet reported as FAIL, exit
qt_abort() {
	qt_log "ABORT: $*"
	exit 1
}

_qt_finish() {
	local rc=$? c r seen
	for c in "${_qt_planned[@]}"; do
		seen=
		for r in "${_qt_reported[@]}"; do
			[ "$r" = "$c" ] && seen=1
		done
		[ -n "$seen" ] || _qt_report FAIL "$c" "(not reached)"
	done
	_qt_run_cleanups
	if [ "$QT_FAILED" -gt 0 ]; then
		qt_log "logs kept in ${QT_DIR#"$QT_TOP"/}/"
		exit 1
	fi
	[ "${QT_KEEP:-0}" = 1 ] || rm -rf "$QT_DIR"
	exit "$rc"
}

# ---------------------------------------------------------------- cleanup

# qt_atexit COMMAND: run COMMAND (a string for eval) at exit, last in first out
qt_atexit() { _qt_cleanups+=("$*"); }

_qt_run_cleanups() {
	local i
	for ((i = ${#_qt_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_qt_cleanups[i]}" >/dev/null 2>&1 || true
	done
	_qt_cleanups=()
}
trap _qt_finish EXIT
trap 'exit 130' INT TERM HUP

# qt_stop_pid PID [GRACE_TICKS]: SIGTERM our child PID, wait, SIGKILL last
qt_stop_pid() {
	local pid=$1 n=${2:-50}
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	kill "$pid" 2>/dev/null
	while kill -0 "$pid" 2>/dev/null && [ "$n" -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# ---------------------------------------------------------------- setup

qt_need_pkgs() {	# qt_need_pkgs PACKAGE...: apt-get install what dpkg lacks
	local p missing=()
	for p in "$@"; do
		dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	qt_log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
		{ apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; } ||
		qt_abort "cannot install ${missing[*]}"
}

# qt_setup: packages, kernel, busybox and mkibft checks, fresh QT_DIR
qt_setup() {
	[ "$(id -u)" = 0 ] || qt_abort "needs root (network namespaces, tgtd)"
	qt_need_pkgs qemu-system-x86 tgt open-iscsi kmod cpio socat e2fsprogs iproute2
	rm -rf "$QT_DIR"
	mkdir -p "$QT_DIR" "$QT_LOCKDIR"
	QT_KERNEL=$(sh "$QT_TOP/scripts/get-kernel.sh" -d "$QT_TOP/build/kernel" 2>"$QT_DIR/get-kernel.log") ||
		qt_abort "scripts/get-kernel.sh failed: $(tail -n 3 "$QT_DIR/get-kernel.log")"
	[ -x "$QT_BUSYBOX" ] || qt_abort "no $QT_BUSYBOX (run make)"
	[ "${QT_PLUMBING:-0}" = 1 ] || "$QT_BUSYBOX" iscsi-init --help >/dev/null 2>&1 ||
		qt_abort "$QT_BUSYBOX has no iscsi-init applet"
	[ -x "$QT_MKIBFT" ] || qt_abort "no $QT_MKIBFT (run make build/tests/mkibft)"
}

# ---------------------------------------------------------------- network

# qt_netns VAR: make a fresh network namespace (loopback up), name into VAR
qt_netns() {
	local ns=qt$$-${#_qt_cleanups[@]}
	ip netns add "$ns" || qt_abort "ip netns add $ns failed"
	qt_atexit "ip netns del $ns"
	ip -n "$ns" link set lo up
	printf -v "$1" '%s' "$ns"
}

# qt_tap NS TAP ADDR/PREFIX: a tap device in NS with ADDR, for QEMU in NS
qt_tap() {
	ip -n "$1" tuntap add dev "$2" mode tap &&
		ip -n "$1" addr add "$3" dev "$2" &&
		ip -n "$1" link set "$2" up ||
		qt_abort "cannot make tap $2 in $1"
}

# qt_host_addr NS ADDR: give NS the address ADDR/32 (a host behind a
# gateway, as seen from the guest) on a dummy device, or on lo
qt_host_addr() {
	if ! ip -n "$1" link show qtdummy >/dev/null 2>&1; then
		if ip -n "$1" link add qtdummy type dummy 2>/dev/null; then
			ip -n "$1" link set qtdummy up
		fi
	fi
	if ip -n "$1" link show qtdummy >/dev/null 2>&1; then
		ip -n "$1" addr add "$2/32" dev qtdummy
	else
		ip -n "$1" addr add "$2/32" dev lo
	fi || qt_abort "cannot add $2 in $1"
}

# ---------------------------------------------------------------- tgtd

# qt_tgtd VAR NS PORTAL: start a tgtd in network namespace NS listening on
# PORTAL (ADDR:PORT); its control port number goes into VAR.  More portals:
# qt_tgt_portal.  Stopped at exit (targets deleted, then the system).
qt_tgtd() {
	local var=$1 ns=$2 portal=$3 ctl pid n
	# a control port no other tgtd on this machine uses (its socket is a
	# file, shared by all namespaces)
	for ((ctl = 2000 + $$ % 4000; ; ctl++)); do
		mkdir "$QT_LOCKDIR/tgtd.$ctl" 2>/dev/null || continue
		# taken by a tgtd that is not ours?
		tgtadm -C "$ctl" --op show --mode system >/dev/null 2>&1 || break
		rmdir "$QT_LOCKDIR/tgtd.$ctl"
	done
	qt_atexit "rmdir $QT_LOCKDIR/tgtd.$ctl"
	ip netns exec "$ns" tgtd -f -C "$ctl" --iscsi "portal=$portal" \
		>"$QT_DIR/tgtd.$ctl.log" 2>&1 </dev/null &
	pid=$!
	qt_atexit "_qt_tgtd_stop $ctl $pid"
	for ((n = 0; n < 100; n++)); do
		tgtadm -C "$ctl" --op show --mode system >/dev/null 2>&1 && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	tgtadm -C "$ctl" --op show --mode system >/dev/null 2>&1 ||
		qt_abort "tgtd did not start: $(tail -n 5 "$QT_DIR/tgtd.$ctl.log")"
	printf -v "$var" '%s' "$ctl"
}

_qt_tgtd_stop() {	# _qt_tgtd_stop CTL PID
	local tid
	for tid in $(tgtadm -C "$1" --op show --mode target 2>/dev/null |
		sed -n 's/^Target \([0-9]*\):.*/\1/p'); do
		tgtadm -C "$1" --op delete --mode target --tid "$tid" --force
	done
	tgtadm -C "$1" --op delete --mode system
	# tgtd ignores SIGTERM: wait for it to go, SIGKILL as the last resort
	local n=100
	while kill -0 "$2" 2>/dev/null && [ $n -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	kill -0 "$2" 2>/dev/null && kill -9 "$2"
	wait "$2" 2>/dev/null
	rm -f "/var/run/tgtd/socket.$1" "/var/run/tgtd/socket.$1.lock"
}

qt_tgt_portal() {	# qt_tgt_portal CTL ADDR:PORT
	tgtadm -C "$1" --lld iscsi --op new --mode portal --param "portal=$2" ||
		qt_abort "cannot add portal $2"
}

# qt_target CTL TID IQN MARKER [chap=USER:SECRET] [rchap=USER:SECRET]:
# target TID named IQN, LUN 1 an 8 MiB file whose byte 4096 starts with
# the line MARKER; open to every initiator (or to CHAP users)
qt_target() {
	local f=$QT_DIR/lun-$1-$2.img
	rm -f "$f"
	truncate -s 8M "$f"
	printf '%s\n' "$4" | dd of="$f" bs=512 seek=8 conv=notrunc status=none
	qt_target_file "$1" "$2" "$3" "$f" "${@:5}"
}

# qt_target_file CTL TID IQN FILE [chap=USER:SECRET] [rchap=USER:SECRET]:
# the same with FILE as LUN 1
qt_target_file() {
	local ctl=$1 tid=$2 iqn=$3 f=$4 arg u p
	shift 4
	tgtadm -C "$ctl" --lld iscsi --op new --mode target --tid "$tid" -T "$iqn" &&
		tgtadm -C "$ctl" --lld iscsi --op new --mode logicalunit --tid "$tid" --lun 1 -b "$f" &&
		tgtadm -C "$ctl" --lld iscsi --op bind --mode target --tid "$tid" -I ALL ||
		qt_abort "cannot make target $iqn"
	for arg in "$@"; do
		u=${arg#*=}
		p=${u#*:}
		u=${u%%:*}
		tgtadm -C "$ctl" --lld iscsi --op new --mode account --user "$u" --password "$p" ||
			qt_abort "cannot make account $u"
		case $arg in
		chap=*) tgtadm -C "$ctl" --lld iscsi --op bind --mode account --tid "$tid" --user "$u" ;;
		rchap=*) tgtadm -C "$ctl" --lld iscsi --op bind --mode account --tid "$tid" --user "$u" --outgoing ;;
		esac || qt_abort "cannot bind account $u"
	done
}

# ---------------------------------------------------------------- guest

# qt_ibft OUT MKIBFT-ARGS...: write an iBFT with build/tests/mkibft
qt_ibft() {
	local out=$1
	shift
	"$QT_MKIBFT" -o "$out" "$@" >"$QT_DIR/mkibft.log" 2>&1 ||
		qt_abort "mkibft failed: $(cat "$QT_DIR/mkibft.log")"
}

# qt_base_initrd: build/qemu/base-initrd.gz (busybox, iscsistart, modules,
# tests/qemu/test-init as /init), rebuilt when an input is newer
qt_base_initrd() {
	local base=$QT_TOP/build/qemu/base-initrd.gz f stale=
	QT_BASE_INITRD=$base
	if [ -f "$base" ]; then
		for f in "$QT_BUSYBOX" "$QT_TOP/tests/qemu/test-init" "$QT_TOP/scripts/mkinitrd.sh" \
			"$QT_KERNEL" /usr/sbin/iscsistart; do
			[ "$f" -nt "$base" ] && stale=1
		done
		[ -z "$stale" ] && return 0
	fi
	sh "$QT_TOP/scripts/mkinitrd.sh" -k "$QT_TOP/build/kernel" -b "$QT_BUSYBOX" \
		-i "$QT_TOP/tests/qemu/test-init" -o "$base.$$" >"$QT_DIR/mkinitrd.log" 2>&1 ||
		{ rm -f "$base.$$"; qt_abort "mkinitrd.sh failed: $(tail -n 5 "$QT_DIR/mkinitrd.log")"; }
	mv "$base.$$" "$base"
}

# qt_initrd OUT RUN [POST]: the base initrd plus /etc/qt.conf saying what
# the guest runs (RUN) and what it reports afterwards (POST), both shell
# text for the test /init, and which modules it must not load
# ($QT_NO_MODULES).  The kernel unpacks concatenated archives.
qt_initrd() {
	local out=$1 d=$QT_DIR/initrd-extra
	qt_base_initrd
	rm -rf "$d"
	mkdir -p "$d/etc"
	{
		printf 'QT_RUN=%q\n' "$2"
		printf 'QT_POST=%q\n' "${3:-:}"
		printf 'QT_NO_MODULES=%q\n' "${QT_NO_MODULES:-}"
	} >"$d/etc/qt.conf"
	# printf %q may use bash-only $'..' quoting: keep plain text only
	grep -q "\\$'" "$d/etc/qt.conf" && qt_abort "qt_initrd: use plain text in RUN/POST"
	cp "$QT_BASE_INITRD" "$out"
	(cd "$d" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 | gzip -n) >>"$out"
}

# qt_vm [-n NS] [-a APPEND] [-N] [-s] LOG -- QEMU-ARGS...: boot the test
# kernel with $QT_INITRD and "$QT_APPEND APPEND" (-N: boot from the network
# instead; QT_APPEND is then for the boot script), serial console into LOG
# (-s: and onto stdout as it comes); wait until the guest powers off (at
# most QT_TIMEOUT s, then kill it, setting QT_VM_TIMED_OUT=1).  Returns
# non-zero when it timed out or never reported "RESULT: end".
QT_APPEND="console=ttyS0 loglevel=1 panic=-1"
qt_vm() {
	local ns= append= log pid start netboot= stream= tailpid=
	while [ $# -gt 0 ]; do
		case $1 in
		-n) ns=$2; shift 2 ;;
		-a) append=$2; shift 2 ;;
		-N) netboot=1; shift ;;
		-s) stream=1; shift ;;
		*) break ;;
		esac
	done
	log=$1
	shift
	[ "${1:-}" = -- ] && shift
	local cmd=(qemu-system-x86_64 -accel tcg -m 256 -nodefaults -display none
		-no-reboot -monitor none -serial "file:$log")
	if [ -n "$netboot" ]; then
		cmd+=(-boot n "$@")
	else
		cmd+=(-kernel "$QT_KERNEL" -initrd "$QT_INITRD"
			-append "$QT_APPEND${append:+ $append}" "$@")
	fi
	[ -n "$ns" ] && cmd=(ip netns exec "$ns" "${cmd[@]}")
	rm -f "$log"
	printf '%q ' "${cmd[@]}" >"$log.cmd"
	qt_log "booting VM (${log##*/})"
	"${cmd[@]}" </dev/null >"$log.qemu" 2>&1 &
	pid=$!
	qt_atexit "qt_stop_pid $pid"
	if [ -n "$stream" ]; then
		tail -n +1 -F --pid="$pid" "$log" 2>/dev/null &
		tailpid=$!
		qt_atexit "qt_stop_pid $tailpid"
	fi
	start=$SECONDS
	QT_VM_TIMED_OUT=0
	while kill -0 "$pid" 2>/dev/null; do
		if [ $((SECONDS - start)) -ge "$QT_TIMEOUT" ]; then
			qt_log "VM still running after ${QT_TIMEOUT}s: stopping it"
			echo "(test harness: VM killed after ${QT_TIMEOUT}s)" >>"$log.qemu"
			QT_VM_TIMED_OUT=1
			qt_stop_pid "$pid"
			break
		fi
		sleep 0.1
	done
	wait "$pid" 2>/dev/null
	[ -n "$stream" ] && wait "$tailpid" 2>/dev/null
	tr -d '\r' <"$log" >"$log.txt" 2>/dev/null
	mv "$log.txt" "$log"
	qt_log "VM done after $((SECONDS - start))s"
	[ -s "$log.qemu" ] && sed 's/^/    qemu: /' "$log.qemu"
	[ "${QT_VERBOSE:-0}" = 1 ] && sed 's/^/    | /' "$log"
	grep -qx 'RESULT: end' "$log"
}

# qt_root_image IMG LINE [MKFS-OPTION...]: an ext4 image holding a tiny
# root file system (the static busybox, an /sbin/init that prints LINE and
# some facts about the boot, then powers off)
qt_root_image() {
	local img=$1 line=$2 root=$QT_DIR/rootfs
	shift 2
	rm -rf "$root" "$img"
	mkdir -p "$root"/bin "$root"/sbin "$root"/proc "$root"/sys "$root"/dev "$root"/etc
	cp "$QT_BUSYBOX" "$root/bin/busybox"
	ln -s busybox "$root/bin/sh"
	cat >"$root/sbin/init" <<EOF
#!/bin/busybox sh
# the root file system's init: show where / is, then power off
b=/bin/busybox
# /init moved its /proc and /sys here; mount them when it did not
[ -e /proc/mounts ] || \$b mount -t proc proc /proc
[ -d /sys/class ] || \$b mount -t sysfs sysfs /sys
echo
echo "$line"
echo "  / is: \$(\$b grep ' / ' /proc/mounts)"
for s in /sys/class/iscsi_session/session*; do
	echo "  iSCSI session: \$(\$b cat \$s/targetname)"
done
\$b ip -o -4 addr show | while read -r n dev fam addr rest; do
	echo "  network: \$dev \$addr"
done
echo
\$b sync
\$b poweroff -f
EOF
	chmod 755 "$root/sbin/init"
	mkfs.ext4 -q -F "$@" -d "$root" "$img" 16M >"$QT_DIR/mkfs.log" 2>&1 ||
		qt_abort "mkfs.ext4 -d failed (e2fsprogs 1.43 or later needed)"
}

# ---------------------------------------------------------------- results

# qt_results LOG [KEY]: the guest's RESULT lines (without "RESULT: "),
# or the values of "RESULT: KEY=value" / "RESULT: KEY value" lines
qt_results() {
	if [ $# -eq 1 ]; then
		sed -n 's/^RESULT: //p' "$1"
	else
		sed -n "s/^RESULT: $2[= ]//p" "$1"
	fi
}

# qt_section LOG NAME: the lines between "===== BEGIN NAME" and "===== END NAME"
qt_section() {
	awk -v b="===== BEGIN $2" -v e="===== END $2" '$0 == e { on = 0 } on { print } $0 == b { on = 1 }' "$1"
}

# Checks for qt_check: print why on failure.
qt_expect_eq() {	# qt_expect_eq WHAT GOT WANT
	[ "$2" = "$3" ] && return 0
	echo "$1: got '$2', want '$3'"
	return 1
}
qt_expect_line() {	# qt_expect_line WHAT TEXT LINE: TEXT has LINE (exactly)
	printf '%s\n' "$2" | grep -qxF -- "$3" && return 0
	echo "$1: no line '$3' in:"
	printf '%s\n' "$2" | sed 's/^/      /'
	return 1
}
qt_expect_match() {	# qt_expect_match WHAT TEXT ERE: some line of TEXT matches ERE
	printf '%s\n' "$2" | grep -qE -- "$3" && return 0
	echo "$1: no line matching /$3/ in:"
	printf '%s\n' "$2" | sed 's/^/      /'
	return 1
}
qt_expect_absent() {	# qt_expect_absent WHAT FILE STRING...: no STRING in FILE
	local s bad=0
	for s in "${@:3}"; do
		if grep -qF -- "$s" "$2"; then
			echo "$1: '$s' found in ${2##*/} at line(s) $(grep -nF -- "$s" "$2" | cut -d: -f1 | tr '\n' ' ')"
			bad=1
		fi
	done
	return $bad
}

# qt_expect_markers LOG MARKER...: the guest read each MARKER from some disk
qt_expect_markers() {
	local log=$1 m got bad=0
	got=$(qt_results "$log" marker | sed 's/^[^=]*=//')
	for m in "${@:2}"; do
		printf '%s\n' "$got" | grep -qxF -- "$m" && continue
		echo "marker '$m' not read back; the guest read:"
		printf '%s\n' "$got" | sed 's/^/      /'
		bad=1
	done
	return $bad
}

# ================================================================ DHCP
# Helpers for the DHCP tests (tests/qemu/1[0-9]-*.test and tests/dhcp/).
# Added as a block of their own: nothing above depends on them.

# qt_wait_udp NS PORT PID: wait until something in NS listens on UDP PORT
# (at most 5 s); fails when it does not or when PID has gone
qt_wait_udp() {
	local n
	for ((n = 0; n < 100; n++)); do
		ip netns exec "$1" ss -Hlun "sport = :$2" 2>/dev/null | grep -q . && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# qt_dnsmasq NS IFACE[,IFACE...] DNSMASQ-ARG...: run dnsmasq in the
# foreground in NS as a DHCP server on IFACE (bound to it, no ping check,
# no config file, no upstream DNS; DNS off unless an ARG says --port=N),
# leases in $QT_DIR/dnsmasq-N.leases, log in $QT_DIR/dnsmasq-N.log.
# Returns once it listens; sets QT_DNSMASQ_PID, QT_DNSMASQ_LEASES,
# QT_DNSMASQ_LOG.  Stopped at exit (by its PID), or earlier with
# qt_stop_pid "$QT_DNSMASQ_PID".
qt_dnsmasq() {
	local ns=$1 ifs=$2 n=${#_qt_cleanups[@]} port=--port=0 a i
	shift 2
	for a in "$@"; do
		case $a in --port=0) ;; --port=*) port= ;; esac
	done
	QT_DNSMASQ_LEASES=$QT_DIR/dnsmasq-$n.leases
	QT_DNSMASQ_LOG=$QT_DIR/dnsmasq-$n.log
	rm -f "$QT_DNSMASQ_LEASES"
	local cmd=(dnsmasq --keep-in-foreground --log-facility=- --conf-file=/dev/null
		--no-resolv --no-hosts --bind-interfaces --no-ping --pid-file= --log-dhcp
		"--dhcp-leasefile=$QT_DNSMASQ_LEASES" $port)
	for i in ${ifs//,/ }; do
		cmd+=("--interface=$i")
	done
	cmd+=("$@")
	printf '%q ' "${cmd[@]}" >"$QT_DNSMASQ_LOG.cmd"
	ip netns exec "$ns" "${cmd[@]}" >"$QT_DNSMASQ_LOG" 2>&1 </dev/null &
	QT_DNSMASQ_PID=$!
	qt_atexit "qt_stop_pid $QT_DNSMASQ_PID"
	qt_wait_udp "$ns" 67 "$QT_DNSMASQ_PID" ||
		qt_abort "dnsmasq did not start: $(tail -n 5 "$QT_DNSMASQ_LOG")"
	if [ -z "$port" ]; then
		qt_wait_udp "$ns" 53 "$QT_DNSMASQ_PID" ||
			qt_abort "dnsmasq does not serve DNS: $(tail -n 5 "$QT_DNSMASQ_LOG")"
	fi
}

# qt_dnsmasq_lease LEASES MAC: the address dnsmasq leased to MAC
qt_dnsmasq_lease() {
	awk -v m="$2" 'tolower($2) == tolower(m) { print $3 }' "$1" 2>/dev/null
}
