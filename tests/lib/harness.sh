# tests/lib/harness.sh - the harness shared by the QEMU tests (tests/qemu/)
# and the DHCP tests (tests/dhcp/), in bash.  A suite's lib.sh sets
# QT_SUITE and sources this file; a test sources its suite's lib.sh.
# Here: reporting (qt_plan, qt_check, qt_pass, qt_fail, qt_expect_*),
# cleanup at exit (qt_atexit, qt_stop_pid), packages (qt_need_pkgs), a
# test's directory (qt_begin), network namespaces (qt_netns, qt_host_addr,
# qt_wait_udp) and the servers tests run in them (qt_tgtd, qt_tgtd_stop,
# qt_tgtd_restart, qt_target, qt_tgt_conns, qt_dnsmasq).  Every case prints exactly one "PASS: name" or "FAIL: name"
# line; cases never reached print FAIL at exit.  Everything made is torn
# down at exit, even on failure.  tests/lib/run-suite runs a suite's tests.
#
# Settings (environment):
#   QT_BUSYBOX   busybox with iscsi-init        ($BUSYBOX, or build/busybox)
#   QT_KEEP=1    keep build/SUITE/NAME/ after a passing run (always kept
#                after a failure)

set -u
shopt -s nullglob

QT_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
QT_SUITE=${QT_SUITE:?a suite lib.sh sets QT_SUITE before sourcing tests/lib/harness.sh}
QT_NAME=${QT_NAME:-$(basename "$0" | sed 's/\.\(test\|sh\)$//')}
QT_DIR=$QT_TOP/build/$QT_SUITE/$QT_NAME
QT_BUSYBOX=${QT_BUSYBOX:-${BUSYBOX:-$QT_TOP/build/busybox}}
case $QT_BUSYBOX in /*) ;; *) QT_BUSYBOX=$PWD/$QT_BUSYBOX ;; esac
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

# qt_begin WHY: root (WHY says what for), a fresh QT_DIR, QT_BUSYBOX there
qt_begin() {
	[ "$(id -u)" = 0 ] || qt_abort "needs root ($1)"
	rm -rf "$QT_DIR"
	mkdir -p "$QT_DIR"
	[ -x "$QT_BUSYBOX" ] || qt_abort "no $QT_BUSYBOX (run make)"
}

# qt_need_pkgs PACKAGE...: apt-get install what dpkg lacks
qt_need_pkgs() {
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

# ---------------------------------------------------------------- network

# qt_netns VAR: make a fresh network namespace (loopback up), name into VAR
qt_netns() {
	local ns=qt$$-${#_qt_cleanups[@]}
	ip netns add "$ns" || qt_abort "ip netns add $ns failed"
	qt_atexit "ip netns del $ns"
	ip -n "$ns" link set lo up
	printf -v "$1" '%s' "$ns"
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

# ---------------------------------------------------------------- tgtd

# qt_tgtd VAR NS PORTAL: start a tgtd in network namespace NS listening on
# PORTAL (ADDR:PORT); its control port number goes into VAR.  More portals:
# qt_tgt_portal.  Stopped at exit (targets deleted, then the system), or
# earlier with qt_tgtd_stop; qt_tgtd_restart starts it again.
declare -A _qt_tgtd_pid=() _qt_tgtd_at=()
qt_tgtd() {
	local var=$1 ns=$2 portal=$3 ctl
	mkdir -p "$QT_LOCKDIR" || qt_abort "cannot make $QT_LOCKDIR"
	# a control port no other tgtd on this machine uses (its socket is a
	# file, shared by all namespaces)
	for ((ctl = 2000 + $$ % 4000; ; ctl++)); do
		mkdir "$QT_LOCKDIR/tgtd.$ctl" 2>/dev/null || continue
		# taken by a tgtd that is not ours?
		tgtadm -C "$ctl" --op show --mode system >/dev/null 2>&1 || break
		rmdir "$QT_LOCKDIR/tgtd.$ctl"
	done
	qt_atexit "rmdir $QT_LOCKDIR/tgtd.$ctl"
	qt_atexit "_qt_tgtd_stop $ctl"
	_qt_tgtd_at[$ctl]="$ns $portal"
	_qt_tgtd_start "$ctl"
	printf -v "$var" '%s' "$ctl"
}

_qt_tgtd_start() {	# _qt_tgtd_start CTL: start tgtd CTL where qt_tgtd said
	local ctl=$1 ns portal pid n
	read -r ns portal <<<"${_qt_tgtd_at[$ctl]}"
	ip netns exec "$ns" tgtd -f -C "$ctl" --iscsi "portal=$portal" \
		>>"$QT_DIR/tgtd.$ctl.log" 2>&1 </dev/null &
	pid=$!
	_qt_tgtd_pid[$ctl]=$pid
	for ((n = 0; n < 100; n++)); do
		tgtadm -C "$ctl" --op show --mode system >/dev/null 2>&1 && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	tgtadm -C "$ctl" --op show --mode system >/dev/null 2>&1 ||
		qt_abort "tgtd did not start: $(tail -n 5 "$QT_DIR/tgtd.$ctl.log")"
}

# qt_tgtd_stop CTL: stop tgtd CTL now (its connections close, as when the
# target's host goes down); qt_tgtd_restart CTL: start it again in the
# same namespace on the same portal, with no targets (make them again:
# qt_target_file; accounts too)
qt_tgtd_stop() { _qt_tgtd_stop "$1"; }
qt_tgtd_restart() {
	[ -z "${_qt_tgtd_pid[$1]:-}" ] || qt_abort "qt_tgtd_restart: tgtd $1 is running"
	_qt_tgtd_start "$1"
}

_qt_tgtd_stop() {	# _qt_tgtd_stop CTL
	local tid pid=${_qt_tgtd_pid[$1]:-}
	[ -n "$pid" ] || return 0
	_qt_tgtd_pid[$1]=
	for tid in $(tgtadm -C "$1" --op show --mode target 2>/dev/null |
		sed -n 's/^Target \([0-9]*\):.*/\1/p'); do
		tgtadm -C "$1" --op delete --mode target --tid "$tid" --force
	done
	tgtadm -C "$1" --op delete --mode system
	# tgtd ignores SIGTERM: wait for it to go, SIGKILL as the last resort
	local n=100
	while kill -0 "$pid" 2>/dev/null && [ $n -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
	wait "$pid" 2>/dev/null
	rm -f "/var/run/tgtd/socket.$1" "/var/run/tgtd/socket.$1.lock"
}

qt_tgt_portal() {	# qt_tgt_portal CTL ADDR:PORT
	tgtadm -C "$1" --lld iscsi --op new --mode portal --param "portal=$2" ||
		qt_abort "cannot add portal $2"
}

# qt_tgt_conns CTL TID: the initiator address of each connection target
# TID has now, one per line, sorted (tgtadm --op show --mode conn)
qt_tgt_conns() {
	tgtadm -C "$1" --lld iscsi --op show --mode conn --tid "$2" |
		sed -n 's/^[[:space:]]*IP Address:[[:space:]]*//p' | LC_ALL=C sort
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

# ---------------------------------------------------------------- dnsmasq

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

# ---------------------------------------------------------------- checks

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
