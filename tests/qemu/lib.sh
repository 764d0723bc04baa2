# tests/qemu/lib.sh - harness for the QEMU end-to-end tests (bash).
# A test sources this file, declares its cases with qt_plan, builds what it
# needs (network namespace, taps, tgtd targets, iBFT, initrd), boots one or
# more VMs with qt_vm and checks what the guest reported.  Reporting,
# cleanup, namespaces, tgtd and dnsmasq are tests/lib/harness.sh's (sourced
# here, its settings too); this file adds the VM side: the kernel, iBFT
# tables, initrds, QEMU, and reading the guest's RESULT lines.
#
# Settings (environment), besides tests/lib/harness.sh's:
#   QT_MKIBFT    iBFT table writer              (build/tests/mkibft)
#   QT_TIMEOUT   seconds one VM may run         (150)
#   QT_KEEP=1    keep build/qemu/NAME/ after a passing run (always kept
#                after a failure: console.log there shows the guest side)
#   QT_VERBOSE=1 print the guest's console after each VM
#   QT_INITRD_EXTRA=DIR  qt_initrd adds DIR's tree to the initrd

QT_SUITE=qemu
. "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"
QT_MKIBFT=${QT_MKIBFT:-$QT_TOP/build/tests/mkibft}
QT_TIMEOUT=${QT_TIMEOUT:-150}

# ---------------------------------------------------------------- setup

# qt_setup: packages, kernel, busybox and mkibft checks, fresh QT_DIR
qt_setup() {
	qt_begin "network namespaces, tgtd"
	qt_need_pkgs qemu-system-x86 tgt open-iscsi kmod cpio socat e2fsprogs iproute2
	QT_KERNEL=$(sh "$QT_TOP/scripts/get-kernel.sh" -d "$QT_TOP/build/kernel" 2>"$QT_DIR/get-kernel.log") ||
		qt_abort "scripts/get-kernel.sh failed: $(tail -n 3 "$QT_DIR/get-kernel.log")"
	[ "${QT_PLUMBING:-0}" = 1 ] || "$QT_BUSYBOX" iscsi-init --help >/dev/null 2>&1 ||
		qt_abort "$QT_BUSYBOX has no iscsi-init applet"
	[ -x "$QT_MKIBFT" ] || qt_abort "no $QT_MKIBFT (run make build/tests/mkibft)"
}

# ---------------------------------------------------------------- network

# qt_tap NS TAP ADDR/PREFIX: a tap device in NS with ADDR, for QEMU in NS
qt_tap() {
	ip -n "$1" tuntap add dev "$2" mode tap &&
		ip -n "$1" addr add "$3" dev "$2" &&
		ip -n "$1" link set "$2" up ||
		qt_abort "cannot make tap $2 in $1"
}

# qt_bridge NS BR ADDR/PREFIX TAP...: a bridge BR in NS holding ADDR, with
# new tap devices TAP... as its ports (one link shared by several NICs)
qt_bridge() {
	local ns=$1 br=$2 addr=$3 t
	shift 3
	ip -n "$ns" link add "$br" type bridge &&
		ip -n "$ns" addr add "$addr" dev "$br" &&
		ip -n "$ns" link set "$br" up ||
		qt_abort "cannot make bridge $br in $ns"
	for t in "$@"; do
		ip -n "$ns" tuntap add dev "$t" mode tap &&
			ip -n "$ns" link set "$t" master "$br" &&
			ip -n "$ns" link set "$t" up ||
			qt_abort "cannot make tap $t on $br in $ns"
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

# qt_base_initrd: build/qemu/base-initrd.gz (busybox, modules,
# tests/qemu/test-init as /init; no iscsistart when the busybox logs in
# itself, as scripts/mkinitrd.sh makes it for users), or with
# QT_ISCSISTART=1 build/qemu/base-initrd-iscsistart.gz (iscsistart and its
# libraries too: mkinitrd.sh -X); rebuilt when an input is newer or
# QT_BUSYBOX is another busybox
qt_base_initrd() {
	local base=$QT_TOP/build/qemu/base-initrd.gz f stale= x= id
	if [ "${QT_ISCSISTART:-0}" = 1 ]; then
		base=$QT_TOP/build/qemu/base-initrd-iscsistart.gz
		x=-X
	fi
	QT_BASE_INITRD=$base
	# which busybox it holds: another one (QT_BUSYBOX) is no newer file
	id=$(md5sum <"$QT_BUSYBOX")
	if [ -f "$base" ] && [ "$(cat "$base.id" 2>/dev/null)" = "$id" ]; then
		for f in "$QT_TOP/tests/qemu/test-init" "$QT_TOP/scripts/mkinitrd.sh" \
			"$QT_KERNEL" /usr/sbin/iscsistart; do
			[ "$f" -nt "$base" ] && stale=1
		done
		[ -z "$stale" ] && return 0
	fi
	sh "$QT_TOP/scripts/mkinitrd.sh" -k "$QT_TOP/build/kernel" -b "$QT_BUSYBOX" $x \
		-i "$QT_TOP/tests/qemu/test-init" -o "$base.$$" >"$QT_DIR/mkinitrd.log" 2>&1 ||
		{ rm -f "$base.$$"; qt_abort "mkinitrd.sh failed: $(tail -n 5 "$QT_DIR/mkinitrd.log")"; }
	mv "$base.$$" "$base"
	echo "$id" >"$base.id"
}

# qt_initrd OUT RUN [POST]: the base initrd plus /etc/qt.conf saying what
# the guest runs (RUN) and what it reports afterwards (POST), both shell
# text for the test /init, which modules it must not load
# ($QT_NO_MODULES) and how long it waits for a disk per session
# ($QT_DISK_WAIT s, default 20); with QT_INITRD_EXTRA=DIR, DIR's tree
# too (files a test adds: programs, /etc files; see qt_initrd_prog).
# The kernel unpacks concatenated archives.
qt_initrd() {
	local out=$1 d=$QT_DIR/initrd-extra
	qt_base_initrd
	rm -rf "$d"
	mkdir -p "$d"
	if [ -n "${QT_INITRD_EXTRA:-}" ]; then
		cp -a "$QT_INITRD_EXTRA/." "$d/" || qt_abort "qt_initrd: cannot copy $QT_INITRD_EXTRA"
	fi
	mkdir -p "$d/etc"
	{
		printf 'QT_RUN=%q\n' "$2"
		printf 'QT_POST=%q\n' "${3:-:}"
		printf 'QT_NO_MODULES=%q\n' "${QT_NO_MODULES:-}"
		printf 'QT_DISK_WAIT=%q\n' "${QT_DISK_WAIT:-20}"
	} >"$d/etc/qt.conf"
	# printf %q may use bash-only $'..' quoting: keep plain text only
	grep -q "\\$'" "$d/etc/qt.conf" && qt_abort "qt_initrd: use plain text in RUN/POST"
	cp "$QT_BASE_INITRD" "$out"
	(cd "$d" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 | gzip -n) >>"$out"
}

# qt_initrd_prog DIR PROG...: copy each program PROG (a path) into the
# tree DIR at the same path, with the shared libraries and the dynamic
# loader ldd lists for it (for QT_INITRD_EXTRA=DIR)
qt_initrd_prog() {
	local dir=$1 p l
	shift
	for p in "$@"; do
		[ -x "$p" ] || qt_abort "qt_initrd_prog: no program $p"
		mkdir -p "$dir$(dirname "$p")"
		cp -L "$p" "$dir$p" || qt_abort "qt_initrd_prog: cannot copy $p"
		for l in $(ldd "$p" | sed -n 's/.*=> *\(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
			[ -e "$dir$l" ] && continue
			mkdir -p "$dir$(dirname "$l")"
			cp -L "$l" "$dir$l" || qt_abort "qt_initrd_prog: cannot copy $l (for $p)"
		done
	done
}

# qt_vm [-n NS] [-a APPEND] [-N] [-s] [-M] [-C] [-w LINE COMMAND]... LOG --
# QEMU-ARGS...: boot the test kernel with $QT_INITRD and "$QT_APPEND
# APPEND" (-N: boot from the network instead; QT_APPEND is then for the
# boot script), serial console into LOG (-s: and onto stdout as it comes);
# wait until the guest powers off (at most QT_TIMEOUT s, then kill it,
# setting QT_VM_TIMED_OUT=1).  Returns non-zero when it timed out or never
# reported "RESULT: end".  To act while the VM runs:
#   -M  a QMP socket (QEMU's machine protocol) for qt_qmp
#   -w  when the guest's console shows LINE (a whole line, e.g.
#       "RESULT: ready"), run COMMAND (eval'd in the test's shell, once)
#   -C  a second serial port (the guest's ttyS1) on which each -w hook
#       answers "done STATUS" once its COMMAND has run: test-init's
#       ask_host prints LINE and waits for that (a guest that asks
#       without -C waits 60 s for nothing)
QT_APPEND="console=ttyS0 loglevel=1 panic=-1"
qt_vm() {
	local ns= append= log pid start netboot= stream= tailpid= qmp=() ctl= i st
	local hook_lines=() hook_cmds=() hook_done=()
	while [ $# -gt 0 ]; do
		case $1 in
		-n) ns=$2; shift 2 ;;
		-a) append=$2; shift 2 ;;
		-N) netboot=1; shift ;;
		-s) stream=1; shift ;;
		-M)
			QT_QMP=$QT_DIR/qmp.sock
			rm -f "$QT_QMP"
			qmp=(-qmp "unix:$QT_QMP,server=on,wait=off")
			shift
			;;
		-w) hook_lines+=("$2"); hook_cmds+=("$3"); shift 3 ;;
		-C)
			ctl=$QT_DIR/ctl.sock
			rm -f "$ctl"
			shift
			;;
		*) break ;;
		esac
	done
	log=$1
	shift
	[ "${1:-}" = -- ] && shift
	local cmd=(qemu-system-x86_64 -accel tcg -m 256 -nodefaults -display none
		-no-reboot -monitor none "${qmp[@]}" -serial "file:$log")
	[ -n "$ctl" ] && cmd+=(-serial "unix:$ctl,server=on,wait=off")
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
		for i in "${!hook_lines[@]}"; do
			[ -z "${hook_done[i]:-}" ] || continue
			[ -f "$log" ] && tr -d '\r' <"$log" | grep -qxF -- "${hook_lines[i]}" || continue
			hook_done[i]=1
			qt_log "guest: '${hook_lines[i]}', so: ${hook_cmds[i]}"
			eval "${hook_cmds[i]}"
			st=$?
			[ -z "$ctl" ] || printf 'done %s\n' "$st" |
				socat -t 1 - "UNIX-CONNECT:$ctl" >/dev/null 2>&1 ||
				qt_log "cannot answer the guest on $ctl"
		done
		sleep 0.1
	done
	for i in "${!hook_lines[@]}"; do
		[ -n "${hook_done[i]:-}" ] || qt_log "the guest never said '${hook_lines[i]}'"
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

# qt_qmp COMMAND [ARGUMENTS-JSON]: run a QMP command in the VM qt_vm -M
# runs, e.g. qt_qmp set_link '{"name": "nic0", "up": false}'; prints
# QEMU's answers; fails unless QEMU answered the command with "return"
qt_qmp() {
	local out
	out=$(printf '{"execute": "qmp_capabilities"}\n{"execute": "%s"%s}\n' \
		"$1" "${2:+, \"arguments\": $2}" | socat -t 5 - "UNIX-CONNECT:$QT_QMP" 2>&1)
	printf '%s\n' "$out"
	# the greeting, the answer to qmp_capabilities, then the command's
	# answer; events ({"event": ...}) may come in between
	[ "$(printf '%s\n' "$out" | grep -c '^{"return"')" -ge 2 ] &&
		! printf '%s\n' "$out" | grep -q '^{"error"'
}

# qt_root_image IMG LINE [MKFS-OPTION...]: an ext4 image holding a tiny
# root file system (the static busybox, an /sbin/init that prints LINE and
# some facts about the boot, "  uptime at init: SEC s" (the guest's
# /proc/uptime when it started) among them, then powers off)
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
# how long the guest took to get here (make bench reads this line)
up=\$(\$b cut -d ' ' -f 1 /proc/uptime)
echo
echo "$line"
echo "  uptime at init: \$up s"
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

# ---------------------------------------------------------------- multipath

# qt_ifname LOG MAC: the guest's interface with MAC (its "RESULT: link" lines)
qt_ifname() {
	qt_results "$1" link | sed -n "s/^[0-9]*: \([^:@ ]*\)[:@].* link\/ether $2 .*/\1/p"
}

# qt_path_field LOG DISK FIELD: FIELD (src, session, wwid, ...) of DISK's
# "RESULT: path" line (test-init's report_paths)
qt_path_field() {
	qt_results "$1" path | awk -v d="$2" -v f="$3=" '$1 == d {
		for (i = 2; i <= NF; i++) if (index($i, f) == 1) print substr($i, length(f) + 1) }'
}

# qt_expect_one_lun LOG N: N disks, all with one WWID (one LUN, N paths)
qt_expect_one_lun() {
	local paths n w
	paths=$(qt_results "$1" path)
	n=$(printf '%s' "$paths" | grep -c .)
	w=$(printf '%s\n' "$paths" | sed -n 's/.* wwid=\(.*\)/\1/p' | LC_ALL=C sort -u)
	if [ "$n" = "$2" ] && [ -n "$w" ] && [ "$(printf '%s\n' "$w" | wc -l)" = 1 ]; then
		return 0
	fi
	echo "want $2 disks with one WWID; the guest reported $n disk(s):"
	printf '%s\n' "${paths:-(none)}" | sed 's/^/      /'
	return 1
}

# qt_expect_path_io LOG MIB ADDR=MAC...: after test-init's disk_io (MIB MiB
# written, then read, per disk), every disk's session left from one of
# the ADDRs, each ADDR from exactly one disk, and during that disk's I/O
# the NIC with the ADDR's MAC received and sent at least MIB MiB while
# every other NIC moved less than a quarter of that
qt_expect_path_io() {
	local log=$1 min=$(($2 * 1048576)) bad=0 d src want pair used= m rx tx st disks io
	shift 2
	io=$(qt_results "$log" io)
	disks=$(qt_results "$log" path | awk '{ print $1 }')
	[ -n "$disks" ] || { echo "the guest reported no disks"; return 1; }
	for d in $disks; do
		src=$(qt_path_field "$log" "$d" src)
		want=
		for pair in "$@"; do
			[ "${pair%%=*}" = "$src" ] && want=${pair#*=}
		done
		if [ -z "$want" ]; then
			echo "$d: its session leaves from '$src', no test NIC's address ($*)"
			bad=1
			continue
		fi
		used="$used $src"
		st=$(printf '%s\n' "$io" | awk -v d="$d" '$1 == d && $2 ~ /^write=/ { print $2, $3 }')
		if [ "$st" != "write=0 read=0" ]; then
			echo "$d: O_DIRECT dd ${st:-not reported (the guest did not get that far)} (want write=0 read=0)"
			bad=1
			continue
		fi
		while read -r m rx tx; do
			rx=${rx#rx=} tx=${tx#tx=}
			if [ "$m" = "$want" ]; then
				[ "$rx" -ge "$min" ] && [ "$tx" -ge "$min" ] && continue
				echo "$d (from $src): its NIC $m moved rx=$rx tx=$tx bytes, want both >= $min"
			else
				[ "$rx" -lt $((min / 4)) ] && [ "$tx" -lt $((min / 4)) ] && continue
				echo "$d (from $src): NIC $m, not its own ($want), moved rx=$rx tx=$tx bytes"
			fi
			bad=1
		done < <(printf '%s\n' "$io" | awk -v d="$d" '$1 == d && $2 ~ /:/ { print $2, $3, $4 }')
	done
	for pair in "$@"; do
		[ "$(printf '%s\n' $used | grep -cxF -- "${pair%%=*}")" = 1 ] && continue
		echo "want exactly one disk whose session leaves from ${pair%%=*}; sources:$used"
		bad=1
	done
	if [ $bad != 0 ]; then
		echo "what the guest reported:"
		qt_results "$log" path | sed 's/^/      path /'
		printf '%s\n' "$io" | sed 's/^/      io /'
	fi
	return $bad
}

# qt_expect_logins LOG IQN PORTAL ADDR=MAC...: iscsi-init's output says,
# for each ADDR, "logged in to IQN at PORTAL via IF (ADDR)", IF being the
# guest's interface with MAC
qt_expect_logins() {
	local log=$1 iqn=$2 portal=$3 out pair ifn line bad=0
	shift 3
	out=$(qt_section "$log" "iscsi-init output")
	for pair in "$@"; do
		ifn=$(qt_ifname "$log" "${pair#*=}")
		line="logged in to $iqn at $portal via ${ifn:-?} (${pair%%=*})"
		printf '%s\n' "$out" | grep -qF -- "$line" && continue
		echo "no message '$line'"
		bad=1
	done
	[ $bad = 0 ] && return 0
	echo "iscsi-init said:"
	printf '%s\n' "$out" | sed 's/^/      /'
	return 1
}

# qt_expect_path_survives LOG MAC ADDR: after qt_vm -w ... set_link and
# test-init's path_loss, the guest saw the NIC with MAC lose its link, and
# the disk whose session leaves from ADDR read with O_DIRECT right after
# that, while a read hung on the lost path, and again 3 s later
qt_expect_path_survives() {
	local log=$1 lost bad=0 k re
	lost=$(qt_results "$log" link-lost)
	if [ "$(printf '%s\n' "$lost" | awk '{ print $2 }')" != "$2" ]; then
		echo "the guest saw link loss: '${lost:-(not reported)}'; want the NIC with $2"
		[ -f "$QT_DIR/qmp.log" ] && sed 's/^/      qmp: /' "$QT_DIR/qmp.log"
		return 1
	fi
	re="^sd[a-z]+ src=${3//./\\.} read=ok\$"
	for k in after-link-loss still; do
		qt_results "$log" $k | grep -qE -- "$re" && continue
		echo "$k: no disk from $3 read ok"
		bad=1
	done
	[ $bad = 0 ] && return 0
	echo "what the guest reported:"
	qt_results "$log" | grep -E '^(link-lost|after-link-loss|still|dead-session) ' |
		sed 's/^/      /'
	return 1
}
