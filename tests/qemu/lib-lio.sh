# tests/qemu/lib-lio.sh - a second iSCSI target for the QEMU tests: the
# Linux kernel's own (LIO), configured through configfs in a QEMU guest of
# its own, on a link in the test's namespace.  Source it after lib.sh;
# call qt_setup and qt_netns first.
#
#   qt_lio_target NAME NS LINK ADDR/PREFIX TARGET_IQN MARKER [OPTION...]
#       one target in a new guest NAME (qt_lio_add, then qt_lio_start;
#       OPTIONs of either)
#   qt_lio_add NAME TARGET_IQN MARKER [OPTION...]
#       one more target for guest NAME (several share one guest and its
#       portal ADDR:3260: cheaper than one guest each)
#   qt_lio_start NAME NS LINK ADDR/PREFIX [gw=ADDR] [mac=MAC] [mem=MIB]
#       boot guest NAME with its targets, its NIC on LINK in NS: a bridge
#       (the guest gets a new tap port of it) or a tap device nobody uses;
#       returns once the guest said "LIO: ready" and its portal accepts
#       TCP from NS (qt_abort otherwise).  Stopped at exit (by its PID), or
#       earlier with qt_lio_stop NAME; qt_lio_start NAME ... again boots it
#       anew (fresh LUNs: what was written is gone).
# Target OPTIONs:
#   acl=INITIATOR_IQN  only that initiator may log in (an ACL mapping LUN
#                      0); without it demo mode: generate_node_acls=1,
#                      cache_dynamic_acls=1, demo_mode_write_protect=0
#   chap=USER:SECRET   the initiator must pass CHAP (authentication=1)
#   rchap=USER:SECRET  mutual CHAP: the target answers with these
#   size=MIB           LUN 0's size (default 4; held in the guest's RAM)
# LUN 0's byte 4096 starts with the line MARKER, as qt_target's LUN 1.
# CHAP goes into the ACL's auth/ (or the TPG's auth/ in demo mode).  LIO
# has no setting for the CHAP algorithms it accepts: it takes the first
# value of the initiator's CHAP_A list that it knows (5 MD5, 6 SHA-1,
# 7 SHA-256, 8 SHA3-256); qt_lio_chap_a tells which it took.
#
# After the initiator's VM:
#   qt_lio_log NAME       the guest's console log (its last boot's; kernel
#                         messages too)
#   qt_lio_chap_a NAME    the CHAP_A value of each CHAP login, one a line
#   qt_lio_logins NAME    the initiator's address of each login that
#                         succeeded, one a line
#
# Settings (environment):
#   QT_LIO_TIMEOUT  seconds the guest may take to be ready (120)
#   QT_LIO_MEM      its memory in MiB (160)

QT_LIO_TIMEOUT=${QT_LIO_TIMEOUT:-120}
QT_LIO_MEM=${QT_LIO_MEM:-160}
# the modules the guest loads, with what they depend on; the CHAP hashes
# too (LIO skips an algorithm it cannot allocate): Debian's kernel has
# md5, sha1_generic and sha256_generic built in, sha3_generic a module
QT_LIO_MODULES="virtio_pci virtio_net configfs crct10dif_generic
target_core_mod target_core_file iscsi_target_mod crc32c_generic
md5 sha1_generic sha256_generic sha3_generic"

# per guest NAME: its targets' settings and count, QEMU's PID while it
# runs, its number (for tap name and MAC), tap, boots so far
declare -A _qt_lio_conf=() _qt_lio_n=() _qt_lio_pid=() _qt_lio_k=() _qt_lio_tap=() _qt_lio_boots=()
_qt_lio_guests=0

# qt_lio_initrd: build/qemu/lio-initrd.gz (busybox, the LIO modules,
# tests/qemu/lio-init as /init), rebuilt when an input is newer
qt_lio_initrd() {
	local out=$QT_TOP/build/qemu/lio-initrd.gz d=$QT_DIR/lio-initrd f m stale= kver kdir
	QT_LIO_INITRD=$out
	if [ -f "$out" ]; then
		for f in "$QT_BUSYBOX" "$QT_TOP/tests/qemu/lio-init" "${BASH_SOURCE[0]}" "$QT_KERNEL"; do
			[ "$f" -nt "$out" ] && stale=1
		done
		[ -z "$stale" ] && return 0
	fi
	kver=$(cat "$QT_TOP/build/kernel/VERSION") || qt_abort "no build/kernel/VERSION"
	kdir=$QT_TOP/build/kernel
	rm -rf "$d"
	# /etc/target: LIO's db_root (it logs an error when that is missing)
	mkdir -p "$d/bin" "$d/sbin" "$d/usr/bin" "$d/usr/sbin" "$d/dev" "$d/proc" \
		"$d/sys" "$d/tmp" "$d/etc/target" "$d/lib/lio"
	cp "$QT_BUSYBOX" "$d/bin/busybox"
	for f in $("$QT_BUSYBOX" --list-full); do
		[ -e "$d/$f" ] || ln -s /bin/busybox "$d/$f"
	done
	[ -e "$d/bin/sh" ] || ln -s busybox "$d/bin/sh"
	cp "$QT_TOP/tests/qemu/lio-init" "$d/init"
	chmod 755 "$d/init"
	mknod -m 600 "$d/dev/console" c 5 1
	# each module file once, in an order insmod can load them
	: >"$d/etc/lio-modules"
	for m in $QT_LIO_MODULES; do
		modprobe -d "$kdir" -S "$kver" --show-depends "$m" >"$d/deps" 2>&1 ||
			qt_abort "module $m: $(cat "$d/deps")"
		while read -r w f _; do
			[ "$w" = insmod ] || continue	# "builtin NAME"
			m=${f##*/}
			m=${m%.xz} m=${m%.zst} m=${m%.gz}
			[ -e "$d/lib/lio/$m" ] && continue
			case $f in
			*.xz) xz -dc "$f" ;;
			*.zst) zstd -qdc "$f" ;;
			*.gz) gzip -dc "$f" ;;
			*) cat "$f" ;;
			esac >"$d/lib/lio/$m" || qt_abort "cannot copy $f"
			echo "$m" >>"$d/etc/lio-modules"
		done <"$d/deps"
	done
	rm -f "$d/deps"
	mkdir -p "${out%/*}"
	(cd "$d" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 | gzip -n) >"$out.$$" ||
		{ rm -f "$out.$$"; qt_abort "cannot write $out"; }
	mv "$out.$$" "$out"
	rm -rf "$d"
}

# qt_lio_add NAME TARGET_IQN MARKER [OPTION...]: see the top
qt_lio_add() {
	local name=$1 iqn=$2 marker=$3 arg i acl= user= secret= ruser= rsecret= mib=4 v
	shift 3
	for arg in "$@"; do
		v=${arg#*=}
		case $arg in
		acl=?*) acl=$v ;;
		chap=?*:?*) user=${v%%:*} secret=${v#*:} ;;
		rchap=?*:?*) ruser=${v%%:*} rsecret=${v#*:} ;;
		size=[1-9]*) mib=$v ;;
		*) qt_abort "qt_lio_add: bad option '${arg%%=*}=...'" ;;
		esac
	done
	[ -z "$ruser" ] || [ -n "$user" ] || qt_abort "qt_lio_add: rchap= needs chap="
	i=$((${_qt_lio_n[$name]:-0} + 1))
	_qt_lio_n[$name]=$i
	_qt_lio_conf[$name]+=$(
		printf 'LIO_IQN_%d=%q\n' $i "$iqn"
		printf 'LIO_MARKER_%d=%q\n' $i "$marker"
		printf 'LIO_MIB_%d=%q\n' $i "$mib"
		printf 'LIO_ACL_%d=%q\n' $i "$acl"
		printf 'LIO_USER_%d=%q\n' $i "$user"
		printf 'LIO_SECRET_%d=%q\n' $i "$secret"
		printf 'LIO_RUSER_%d=%q\n' $i "$ruser"
		printf 'LIO_RSECRET_%d=%q\n' $i "$rsecret"
	)$'\n'
}

# qt_lio_start NAME NS LINK ADDR/PREFIX [gw=ADDR] [mac=MAC] [mem=MIB]: see the top
qt_lio_start() {
	local name=$1 ns=$2 link=$3 addr=$4 gw= mac= mem=$QT_LIO_MEM arg tap log pid start d n
	shift 4
	for arg in "$@"; do
		case $arg in
		gw=?*) gw=${arg#*=} ;;
		mac=?*) mac=${arg#*=} ;;
		mem=[1-9]*) mem=${arg#*=} ;;
		*) qt_abort "qt_lio_start: bad option '$arg'" ;;
		esac
	done
	[ -n "${_qt_lio_n[$name]:-}" ] || qt_abort "qt_lio_start: no target for $name (qt_lio_add)"
	[ -z "${_qt_lio_pid[$name]:-}" ] || qt_abort "qt_lio_start: $name runs already"
	qt_lio_initrd

	# its NIC: a new port of bridge LINK, or tap LINK itself (both kept
	# for a restart), and a MAC of its own
	if [ -z "${_qt_lio_k[$name]:-}" ]; then
		_qt_lio_k[$name]=$_qt_lio_guests
		_qt_lio_guests=$((_qt_lio_guests + 1))
	fi
	tap=${_qt_lio_tap[$name]:-}
	if [ -z "$tap" ]; then
		if ip netns exec "$ns" test -d "/sys/class/net/$link/bridge"; then
			tap=qtlio${_qt_lio_k[$name]}
			ip -n "$ns" tuntap add dev "$tap" mode tap &&
				ip -n "$ns" link set "$tap" master "$link" &&
				ip -n "$ns" link set "$tap" up ||
				qt_abort "cannot make tap $tap on $link in $ns"
		else
			ip -n "$ns" link show "$link" >/dev/null 2>&1 ||
				qt_abort "qt_lio_start: no bridge or tap $link in $ns"
			tap=$link
		fi
		_qt_lio_tap[$name]=$tap
	fi
	[ -n "$mac" ] || mac=$(printf '52:54:00:4c:49:%02x' "${_qt_lio_k[$name]}")

	# the guest's settings: a second archive after the shared initrd
	d=$QT_DIR/lio-$name
	rm -rf "$d"
	mkdir -p "$d/etc"
	{
		printf 'LIO_ADDR=%q\nLIO_GW=%q\nLIO_TARGETS=%q\n' "$addr" "$gw" "${_qt_lio_n[$name]}"
		printf '%s' "${_qt_lio_conf[$name]}"
	} >"$d/etc/lio.conf"
	grep -q "\\$'" "$d/etc/lio.conf" && qt_abort "qt_lio_add: use plain text"
	cp "$QT_LIO_INITRD" "$QT_DIR/lio-$name.initrd.gz"
	(cd "$d" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 | gzip -n) \
		>>"$QT_DIR/lio-$name.initrd.gz"
	chmod 600 "$QT_DIR/lio-$name.initrd.gz"
	rm -rf "$d"

	# a restart: the last boot's console log becomes lio-NAME.console.N.log
	log=$(qt_lio_log "$name")
	n=${_qt_lio_boots[$name]:-0}
	[ "$n" = 0 ] || mv -f "$log" "${log%.log}.$n.log" 2>/dev/null
	_qt_lio_boots[$name]=$((n + 1))
	rm -f "$log"
	local cmd=(ip netns exec "$ns" qemu-system-x86_64 -accel tcg -m "$mem" -nodefaults
		-display none -no-reboot -monitor none -serial "file:$log"
		-kernel "$QT_KERNEL" -initrd "$QT_DIR/lio-$name.initrd.gz"
		-append "console=ttyS0 loglevel=1 panic=-1"
		-netdev "tap,id=n0,ifname=$tap,script=no,downscript=no"
		-device "virtio-net-pci,netdev=n0,mac=$mac,romfile=")
	printf '%q ' "${cmd[@]}" >"$log.cmd"
	qt_log "booting LIO target guest $name ($addr on $link)"
	"${cmd[@]}" </dev/null >"$log.qemu" 2>&1 &
	pid=$!
	_qt_lio_pid[$name]=$pid
	qt_atexit "qt_stop_pid $pid"

	start=$SECONDS
	while ! grep -q '^LIO: ready' "$log" 2>/dev/null; do
		if grep -q '^LIO: failed' "$log" 2>/dev/null || ! kill -0 "$pid" 2>/dev/null; then
			qt_abort "LIO guest $name: $(grep -a '^LIO: failed' "$log" 2>/dev/null | tr -d '\r')" \
				"$(cat "$log.qemu" 2>/dev/null) (log: ${log#"$QT_TOP"/})"
		fi
		[ $((SECONDS - start)) -lt "$QT_LIO_TIMEOUT" ] ||
			qt_abort "LIO guest $name not ready after ${QT_LIO_TIMEOUT}s (log: ${log#"$QT_TOP"/})"
		sleep 0.2
	done
	# the portal, as seen from the namespace (10 s at most)
	for ((n = 0; n < 20; n++)); do
		ip netns exec "$ns" socat -T 1 /dev/null "TCP:${addr%/*}:3260,connect-timeout=1" \
			>/dev/null 2>&1 && break
		sleep 0.5
	done
	[ "$n" -lt 20 ] || qt_abort "LIO guest $name: no TCP answer from ${addr%/*}:3260 in $ns"
	qt_log "LIO target guest $name ready after $((SECONDS - start))s" \
		"(guest uptime $(tr -d '\r' <"$log" | sed -n 's/^LIO: ready uptime=//p')s)"
}

# qt_lio_target NAME NS LINK ADDR/PREFIX TARGET_IQN MARKER [OPTION...]: see the top
# (gw=, mac= and mem= go to qt_lio_start, the other OPTIONs to qt_lio_add)
qt_lio_target() {
	local arg add=() start=()
	for arg in "${@:7}"; do
		case $arg in
		gw=*|mac=*|mem=*) start+=("$arg") ;;
		*) add+=("$arg") ;;
		esac
	done
	qt_lio_add "$1" "$5" "$6" "${add[@]}"
	qt_lio_start "$1" "$2" "$3" "$4" "${start[@]}"
}

# qt_lio_stop NAME: stop guest NAME now (its tap stays, for a restart)
qt_lio_stop() {
	[ -n "${_qt_lio_pid[$1]:-}" ] || return 0
	qt_stop_pid "${_qt_lio_pid[$1]}"
	unset "_qt_lio_pid[$1]"
}

qt_lio_log() { echo "$QT_DIR/lio-$1.console.log"; }

qt_lio_chap_a() {
	tr -d '\r' <"$(qt_lio_log "$1")" 2>/dev/null | sed -n 's/.*\[server\] Got CHAP_A=\([0-9]*\).*/\1/p'
}

qt_lio_logins() {
	# "iSCSI Login successful on CID: 1 from 10.1.0.2:NNN to 10.1.0.3:3260,1"
	tr -d '\r' <"$(qt_lio_log "$1")" 2>/dev/null | sed -n \
		's/.*iSCSI Login successful on CID: [0-9]* from \([0-9.]*\):[0-9]* to .*/\1/p'
}
