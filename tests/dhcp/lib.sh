# tests/dhcp/lib.sh - harness for the DHCP tests of iscsi-init (bash), on
# the host, no VM.  Each test makes two network namespaces joined by veth
# pairs: a "server" one with a DHCP server (BusyBox udhcpd or dnsmasq, also
# as DNS server where needed) and a "client" one where
#     busybox iscsi-init -i IF[,IF...] -n -t N ...
# runs, with the client ends named eth0, eth1 (fixed MACs).  iscsi-init
# runs there in a mount namespace of its own (`ip netns exec` makes it and
# remounts /sys) and a UTS namespace (its hostname), with empty tmpfs over
# /etc and /run, so the host's
# /etc/iscsi/initiatorname.iscsi and resolv.conf do not leak in, and a dry
# run that wrote anything could not touch the host: what it left there is
# recorded and checked.
#
# The reporting, cleanup and namespace helpers are tests/lib/harness.sh's
# (qt_plan, qt_check, qt_expect_*, qt_atexit, qt_netns, qt_dnsmasq): this
# file sources it.  Settings (environment): QT_BUSYBOX (or BUSYBOX),
# QT_KEEP=1 (keep build/dhcp/NAME/ after a passing run).

QT_SUITE=dhcp
. "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

DT_MAC0=52:54:00:aa:00:01
DT_MAC1=52:54:00:aa:00:02
DT_IQN=$QT_IQN_BASE

# dt_setup [-u]: root, packages, a busybox whose iscsi-init has -i (-u:
# one with udhcpc instead), fresh QT_DIR, the server and client namespaces
# (DT_SRV, DT_CLI)
dt_setup() {
	local udhcpc=
	[ "${1:-}" = -u ] && udhcpc=1
	qt_begin "network namespaces"
	qt_need_pkgs iproute2 dnsmasq-base coreutils
	# BusyBox's udhcpd: the build's own when it has one, else Debian's
	# package (which is BusyBox's udhcpd, see dpkg -L udhcpd)
	if "$QT_BUSYBOX" udhcpd --help >/dev/null 2>&1; then
		DT_UDHCPD=("$QT_BUSYBOX" udhcpd)
	else
		qt_need_pkgs udhcpd
		DT_UDHCPD=(/usr/sbin/udhcpd)
	fi
	if [ -n "$udhcpc" ]; then
		"$QT_BUSYBOX" udhcpc --help >/dev/null 2>&1 || qt_abort "$QT_BUSYBOX has no udhcpc"
	else
		"$QT_BUSYBOX" iscsi-init --help >/dev/null 2>&1 ||
			qt_abort "$QT_BUSYBOX has no iscsi-init applet"
		"$QT_BUSYBOX" iscsi-init --help 2>&1 | grep -qE '^[[:space:]]+-i[[:space:]]' ||
			qt_abort "$QT_BUSYBOX: iscsi-init has no DHCP mode yet (no -i in --help)"
	fi
	qt_netns DT_SRV
	qt_netns DT_CLI
}

# dt_veth IF MAC SERVER-ADDR/PREFIX: a veth pair, IF (with MAC) in the
# client namespace, s-IF (with SERVER-ADDR, up) in the server namespace.
# IF stays down: iscsi-init brings it up.
dt_veth() {
	ip link add "$1" netns "$DT_CLI" address "$2" type veth peer name "s-$1" netns "$DT_SRV" &&
		ip -n "$DT_SRV" addr add "$3" dev "s-$1" &&
		ip -n "$DT_SRV" link set "s-$1" up ||
		qt_abort "cannot make veth $1 / s-$1"
}

# dt_client_reset: take back what a real (not -n) run configured in the
# client namespace: addresses, routes (with them), links down
dt_client_reset() {
	local i
	for i in $(ip -n "$DT_CLI" -o link show | awk -F': ' '$2 != "lo" { sub(/@.*/, "", $2); print $2 }'); do
		ip -n "$DT_CLI" addr flush dev "$i"
		ip -n "$DT_CLI" link set "$i" down
	done
}

# dt_fake_iscsistart FILE [EXIT]: a stand-in for iscsistart (for -x) that
# appends its arguments as one line to FILE.args and exits EXIT (0)
dt_fake_iscsistart() {
	printf '#!%s sh\necho "$*" >>%q\nexit %s\n' "$QT_BUSYBOX" "$1.args" "${2:-0}" >"$1"
	chmod 755 "$1"
	rm -f "$1.args"
}

# dt_udhcpd IFACE START END [CONFIG-LINE...]: BusyBox udhcpd in the
# foreground in the server namespace on IFACE, leasing START-END, plus
# CONFIG-LINEs (udhcpd.conf syntax: "opt router 10.1.0.1", "opt 203 'x'").
# Returns once it listens; sets DT_SERVER_PID (stop it early with
# qt_stop_pid "$DT_SERVER_PID").  Log and config in $QT_DIR/udhcpd-N.*.
dt_udhcpd() {
	local ifc=$1 n=${#_qt_cleanups[@]} conf log
	conf=$QT_DIR/udhcpd-$n.conf
	log=$QT_DIR/udhcpd-$n.log
	{
		printf '%s\n' "interface $ifc" "start $2" "end $3" "max_leases 16" \
			"lease_file $QT_DIR/udhcpd-$n.leases" "pidfile $QT_DIR/udhcpd-$n.pid"
		printf '%s\n' "${@:4}"
	} >"$conf"
	: >"$QT_DIR/udhcpd-$n.leases"
	# -a 100: 0.1 s ARP probe for a free address instead of 2 s
	ip netns exec "$DT_SRV" "${DT_UDHCPD[@]}" -f -a 100 "$conf" >"$log" 2>&1 </dev/null &
	DT_SERVER_PID=$!
	qt_atexit "qt_stop_pid $DT_SERVER_PID"
	qt_wait_udp "$DT_SRV" 67 "$DT_SERVER_PID" ||
		qt_abort "udhcpd did not start: $(tail -n 5 "$log")"
}

# dt_dnsmasq IFACE DNSMASQ-ARG...: dnsmasq as DHCP server on IFACE in the
# server namespace (qt_dnsmasq); sets DT_SERVER_PID too
dt_dnsmasq() {
	qt_dnsmasq "$DT_SRV" "$@"
	DT_SERVER_PID=$QT_DNSMASQ_PID
}

# dt_srv_subnet IFACE: IFACE's IPv4 subnet in the server namespace as
# "NETWORK PREFIX NETMASK" (10.1.0.0 24 255.255.255.0)
dt_srv_subnet() {
	local a p n m i=0 out=()
	read -r a p < <(ip -n "$DT_SRV" -4 -o addr show dev "$1" |
		awk '{ split($4, x, "/"); print x[1], x[2]; exit }')
	[ -n "${p:-}" ] || return 1
	IFS=. read -r -a n <<<"$a"
	m=$(((0xffffffff << (32 - p)) & 0xffffffff))
	for i in 0 1 2 3; do
		out+=($((n[i] & (m >> (24 - 8 * i)) & 255)))
	done
	echo "$(IFS=.; echo "${out[*]}") $p $((m >> 24 & 255)).$((m >> 16 & 255)).$((m >> 8 & 255)).$((m & 255))"
}

# dt_isc_dhcpd IFACE[,IFACE...] START END [CONFIG-LINE...]: ISC dhcpd
# (Debian's isc-dhcp-server) in the foreground in the server namespace on
# the IFACEs, leasing START-END in the first one's subnet, plus
# CONFIG-LINEs, global dhcpd.conf statements with their ';' ('option
# routers 10.1.0.1;', 'option iscsi-initiator code 203 = text;'; the
# other IFACEs' subnet declarations).  Config, lease, pid file
# and log are $QT_DIR/dhcpd-N.*.  Returns once it listens; sets
# DT_SERVER_PID, stopped at exit (or earlier: qt_stop_pid).
dt_isc_dhcpd() {
	local ifc=$1 n=${#_qt_cleanups[@]} conf log net pfx mask
	qt_need_pkgs isc-dhcp-server
	read -r net pfx mask < <(dt_srv_subnet "${ifc%%,*}") || qt_abort "no IPv4 address on ${ifc%%,*}"
	conf=$QT_DIR/dhcpd-$n.conf
	log=$QT_DIR/dhcpd-$n.log
	{
		# no DNS updates, no ping before an offer (1 s each), answers
		# (and NAKs) as the one server of the subnet
		printf '%s\n' "ddns-update-style none;" "authoritative;" "ping-check false;" \
			"default-lease-time 600;" "max-lease-time 600;"
		printf '%s\n' "${@:4}"
		printf 'subnet %s netmask %s {\n\trange %s %s;\n}\n' "$net" "$mask" "$2" "$3"
	} >"$conf"
	: >"$QT_DIR/dhcpd-$n.leases"
	# -d: its log to stderr (and the foreground, as -f)
	ip netns exec "$DT_SRV" dhcpd -4 -f -d -cf "$conf" -lf "$QT_DIR/dhcpd-$n.leases" \
		-pf "$QT_DIR/dhcpd-$n.pid" ${ifc//,/ } >"$log" 2>&1 </dev/null &
	DT_SERVER_PID=$!
	qt_atexit "qt_stop_pid $DT_SERVER_PID"
	qt_wait_udp "$DT_SRV" 67 "$DT_SERVER_PID" ||
		qt_abort "ISC dhcpd did not start: $(tail -n 5 "$log")"
}

# dt_kea IFACE START END [JSON-MEMBER...]: Kea's DHCPv4 server (Debian's
# kea-dhcp4-server) in the foreground in the server namespace on IFACE,
# one subnet (IFACE's) leasing START-END, plus JSON-MEMBERs of its Dhcp4
# object ('"option-data": [ { "name": "routers", "data": "10.1.0.1" } ]',
# '"option-def": [...]').  Leases in a memfile, no lease file cleanup
# process (kea-lfc), no control socket; its pid and lock files go to
# $QT_DIR (KEA_PIDFILE_DIR, KEA_LOCKFILE_DIR); config, leases and log
# are $QT_DIR/kea-N.*.  Returns once it listens; sets DT_SERVER_PID,
# stopped at exit (or earlier: qt_stop_pid).
dt_kea() {
	local ifc=$1 n=${#_qt_cleanups[@]} conf log net pfx mask m
	qt_need_pkgs kea-dhcp4-server
	read -r net pfx mask < <(dt_srv_subnet "$ifc") || qt_abort "no IPv4 address on $ifc"
	conf=$QT_DIR/kea-$n.conf
	log=$QT_DIR/kea-$n.log
	mkdir -p "$QT_DIR/kea-$n.run"
	{
		printf '{ "Dhcp4": {\n'
		printf '  "interfaces-config": { "interfaces": [ "%s" ] },\n' "$ifc"
		printf '  "lease-database": { "type": "memfile", "persist": true, "name": "%s", "lfc-interval": 0 },\n' \
			"$QT_DIR/kea-$n.leases"
		printf '  "valid-lifetime": 600,\n'
		printf '  "loggers": [ { "name": "kea-dhcp4", "severity": "INFO", "output_options": [ { "output": "stdout" } ] } ],\n'
		for m in "${@:4}"; do
			printf '  %s,\n' "$m"
		done
		printf '  "subnet4": [ { "id": 1, "subnet": "%s/%s", "interface": "%s", "pools": [ { "pool": "%s - %s" } ] } ]\n' \
			"$net" "$pfx" "$ifc" "$2" "$3"
		printf '} }\n'
	} >"$conf"
	# Kea opens no socket on an interface without carrier ("not
	# running"), as IFACE is while its client end (dt_veth: IFACE is
	# s-PEER) waits down for iscsi-init: that end goes up for Kea's start
	# and down again (Kea keeps its socket), as a switch port would be.
	local peer=${ifc#s-} was_down=
	ip -n "$DT_CLI" -o link show "$peer" 2>/dev/null | grep -q '[<,]UP[,>]' || was_down=1
	[ -z "$was_down" ] || ip -n "$DT_CLI" link set "$peer" up 2>/dev/null
	KEA_PIDFILE_DIR=$QT_DIR/kea-$n.run KEA_LOCKFILE_DIR=$QT_DIR/kea-$n.run \
		ip netns exec "$DT_SRV" kea-dhcp4 -c "$conf" >"$log" 2>&1 </dev/null &
	DT_SERVER_PID=$!
	qt_atexit "qt_stop_pid $DT_SERVER_PID"
	qt_wait_udp "$DT_SRV" 67 "$DT_SERVER_PID"
	local rc=$?
	[ -z "$was_down" ] || ip -n "$DT_CLI" link set "$peer" down 2>/dev/null
	[ $rc = 0 ] || qt_abort "kea-dhcp4 did not start: $(tail -n 5 "$log")"
}

# dt_dns NS DNSMASQ-ARG...: dnsmasq as a DNS server only (no DHCP) in
# namespace NS on port 53, for a server that gives no DNS (ISC dhcpd,
# Kea): --address=/NAME/ADDR.  Sets DT_DNS_PID; stopped at exit.
dt_dns() {
	local ns=$1 n=${#_qt_cleanups[@]} log
	shift
	log=$QT_DIR/dns-$n.log
	ip netns exec "$ns" dnsmasq --keep-in-foreground --log-facility=- --conf-file=/dev/null \
		--no-resolv --no-hosts --pid-file= --port=53 --log-queries "$@" \
		>"$log" 2>&1 </dev/null &
	DT_DNS_PID=$!
	qt_atexit "qt_stop_pid $DT_DNS_PID"
	qt_wait_udp "$ns" 53 "$DT_DNS_PID" || qt_abort "dnsmasq (DNS) did not start: $(tail -n 5 "$log")"
}

# dt_iscsi_init [-c] [-f INITIATOR-NAME] NAME ARG...: run
# `busybox iscsi-init ARG...` in the client namespace under empty /etc
# and /run (-f: with /etc/iscsi/initiatorname.iscsi naming
# INITIATOR-NAME).  dt_run takes a whole command instead of ARGs (it
# must need nothing from /etc: the static busybox).  Results:
#   DT_RC, $QT_DIR/NAME.rc  its exit status
#   $QT_DIR/NAME.out      its stdout, NAME.err its stderr; with -c both
#                         go to NAME.out in the order written (2>&1) and
#                         there is no NAME.err
#   $QT_DIR/NAME.state    after it ended: the client's IPv4 addresses,
#                         routes, hostname, links up, MTUs ("eth0 1500"),
#                         the files under /etc and /run
#                         and the text of those it may write (dt_state)
# It is stopped (its whole process group) if it runs 60 s past its -t.
DT_RESOLV_SENTINEL='# dhcp test: resolv.conf as the test left it'
dt_iscsi_init() {
	local o=()
	while [ $# -gt 0 ]; do
		case $1 in
		-c) o+=("$1"); shift ;;
		-f) o+=("$1" "$2"); shift 2 ;;
		*) break ;;
		esac
	done
	# The DHCP side is what these tests look at: the login line they read
	# is iscsistart's (-x; a test's own -x comes later and wins).  The
	# built-in login is the QEMU suite's.
	dt_run "${o[@]}" "$1" "$QT_BUSYBOX" iscsi-init -x iscsistart "${@:2}"
}
dt_run() {
	local combined='' ifile='' name limit=60 a prev=''
	while [ $# -gt 0 ]; do
		case $1 in
		-c) combined=1; shift ;;
		-f) ifile=$2; shift 2 ;;
		*) break ;;
		esac
	done
	name=$1
	shift
	for a in "$@"; do
		[ "$prev" = -t ] && limit=$((a + 60))
		prev=$a
	done
	local out=$QT_DIR/$name.out err=$QT_DIR/$name.err
	rm -f "$out" "$err" "$QT_DIR/$name.state" "$QT_DIR/$name.rc"
	[ -n "$combined" ] && err=
	printf '%q ' "$@" >"$QT_DIR/$name.cmd"
	# Inside: private mounts (ip netns exec made the mount namespace) and
	# hostname (unshare --uts: a real run sets the lease's hostname), then
	# only the static busybox runs.
	timeout -k 5 "$limit" ip netns exec "$DT_CLI" unshare --uts sh -c '
		bb=$1 ifile=$2 out=$3 err=$4 state=$5 sentinel=$6
		shift 6
		"$bb" mount -t tmpfs -o mode=755 dt-run /run &&
			"$bb" mount -t tmpfs -o mode=755 dt-etc /etc &&
			"$bb" mkdir -p /etc/iscsi &&
			echo "$sentinel" >/etc/resolv.conf || exit 125
		[ -z "$ifile" ] || echo "InitiatorName=$ifile" >/etc/iscsi/initiatorname.iscsi
		if [ -n "$err" ]; then
			"$@" >"$out" 2>"$err" </dev/null
		else
			"$@" >"$out" 2>&1 </dev/null
		fi
		rc=$?
		{
			echo "== addr"
			"$bb" ip -4 -o addr show
			echo "== route"
			"$bb" ip route show
			echo "== files"
			"$bb" find /etc /run -type f | "$bb" sort
			echo "== resolv.conf"
			"$bb" cat /etc/resolv.conf
			echo "== hostname"
			"$bb" hostname
			echo "== up"
			for l in /sys/class/net/*; do
				[ $(($("$bb" cat "$l/flags") & 1)) = 1 ] && echo "${l##*/}"
			done
			echo "== mtu"
			for l in /sys/class/net/*; do
				echo "${l##*/} $("$bb" cat "$l/mtu")"
			done
			for f in /etc/iscsi/initiatorname.iscsi /run/net-*.conf; do
				[ -f "$f" ] || continue
				echo "== file $f"
				"$bb" cat "$f"
			done
		} >"$state" 2>&1
		exit $rc
	' dt-client "$QT_BUSYBOX" "$ifile" "$out" "$err" "$QT_DIR/$name.state" \
		"$DT_RESOLV_SENTINEL" "$@"
	DT_RC=$?
	echo "$DT_RC" >"$QT_DIR/$name.rc"
	[ "$DT_RC" = 124 ] && qt_log "$name: still running ${limit}s after start: stopped"
	[ "$DT_RC" = 125 ] && qt_abort "$name: cannot set up the client's /etc and /run"
	qt_log "$name: exit $DT_RC"
	return 0
}

# ---------------------------------------------------------------- checks
# For qt_check: each prints why it failed.

# dt_out NAME: the output of run NAME (stdout, or stdout+stderr with -c)
dt_out() { cat "$QT_DIR/$1.out" 2>/dev/null; }
dt_err() { cat "$QT_DIR/$1.err" 2>/dev/null; }

dt_rc() { cat "$QT_DIR/$1.rc" 2>/dev/null || echo none; }

# dt_show NAME: both outputs and the exit status, for a failure message
dt_show() {
	echo "    exit status: $(dt_rc "$1"); command: $(cat "$QT_DIR/$1.cmd" 2>/dev/null)"
	echo "    stdout:"
	sed 's/^/      /' "$QT_DIR/$1.out" 2>/dev/null
	if [ -s "$QT_DIR/$1.err" ]; then
		echo "    stderr:"
		sed 's/^/      /' "$QT_DIR/$1.err"
	fi
}

# dt_expect_rc NAME 0|nonzero: NAME's exit status (stopped for running too
# long is neither)
dt_expect_rc() {
	local rc
	rc=$(dt_rc "$1")
	case $2:$rc in
	0:0) return 0 ;;
	nonzero:0|nonzero:124|nonzero:137|*:none) ;;
	nonzero:*) return 0 ;;
	esac
	echo "exit status $rc, want $2"
	dt_show "$1"
	return 1
}

# dt_expect_out NAME ERE...: each ERE matches some line of NAME's stdout
dt_expect_out() {
	local e bad=0
	for e in "${@:2}"; do
		dt_out "$1" | grep -qE -- "$e" && continue
		echo "no line matching /$e/"
		bad=1
	done
	[ $bad = 0 ] || dt_show "$1"
	return $bad
}

# dt_expect_no_out NAME ERE...: no line of NAME's stdout matches ERE
dt_expect_no_out() {
	local e bad=0
	for e in "${@:2}"; do
		dt_out "$1" | grep -qE -- "$e" || continue
		echo "a line matches /$e/ and should not:"
		dt_out "$1" | grep -E -- "$e" | sed 's/^/      /'
		bad=1
	done
	[ $bad = 0 ] || dt_show "$1"
	return $bad
}

# dt_expect_once NAME: no line of NAME's stdout comes twice (a dry run
# prints each action once)
dt_expect_once() {
	local dup
	dup=$(dt_out "$1" | sort | uniq -d)
	[ -z "$dup" ] && return 0
	echo "printed more than once:"
	echo "$dup" | sed 's/^/      /'
	dt_show "$1"
	return 1
}

# dt_expect_err NAME ERE...: each ERE matches some line of NAME's stderr
# (case-insensitive)
dt_expect_err() {
	local e bad=0
	for e in "${@:2}"; do
		dt_err "$1" | grep -qiE -- "$e" && continue
		echo "no stderr line matching /$e/ (ignoring case)"
		bad=1
	done
	[ $bad = 0 ] || dt_show "$1"
	return $bad
}

# dt_iscsistart_arg NAME OPTION: OPTION's value on the (first) iscsistart
# line of NAME's stdout, e.g. dt_iscsistart_arg run1 -i
dt_iscsistart_arg() {
	dt_out "$1" | grep -m1 -E '^iscsistart ' | tr -s ' ' '\n' |
		awk -v o="$2" 'take { gsub(/^'\''|'\''$/, ""); print; exit } $0 == o { take = 1 }'
}

# dt_expect_dry NAME [FILE]: the dry run changed nothing in the client
# namespace: no IPv4 address but lo's, no route, no file under /etc and
# /run but the resolv.conf the test put there, unchanged (and FILE, the
# initiator name file, when the test made one); the hostname untouched;
# no link but lo up (the links start down)
dt_expect_dry() {
	local st=$QT_DIR/$1.state want got
	[ -s "$st" ] || { echo "no state recorded ($st)"; return 1; }
	got=$(dt_state "$1" addr | awk '$2 != "lo"')
	[ -z "$got" ] || { echo "IPv4 addresses configured: $got"; return 1; }
	got=$(dt_state "$1" route)
	[ -z "$got" ] || { echo "routes configured: $got"; return 1; }
	want=$(printf '%s\n' /etc/resolv.conf ${2:+"$2"} | sort)
	got=$(dt_state "$1" files)
	[ "$got" = "$want" ] || { echo "files under /etc, /run: '$got', want '$want'"; return 1; }
	got=$(dt_state "$1" resolv.conf)
	[ "$got" = "$DT_RESOLV_SENTINEL" ] || { echo "/etc/resolv.conf changed: $got"; return 1; }
	got=$(dt_state "$1" hostname)
	[ "$got" = "$(hostname)" ] || { echo "hostname changed: $got"; return 1; }
	got=$(dt_state "$1" up | grep -vx lo)
	[ -z "$got" ] || { echo "links left up: $got"; return 1; }
}

# dt_state NAME SECTION: a section of NAME.state (addr, route, files,
# resolv.conf, hostname, "file /run/net-eth0.conf", ...)
dt_state() {
	awk -v s="== $2" '/^== / { on = ($0 == s); next } on' "$QT_DIR/$1.state" 2>/dev/null
}

# dt_line_no NAME ERE: number of the first line of NAME.out matching ERE
dt_line_no() { grep -nE -m1 -- "$2" "$QT_DIR/$1.out" | cut -d: -f1; }
