#!/bin/sh
# Build a small gzip'd cpio initrd that brings up iSCSI boot storage with
# BusyBox's iscsi-init: static busybox, the kernel modules for iSCSI over
# virtio (and ext4, 8021q), an /init, and open-iscsi's iscsistart with its
# libraries unless the busybox logs in to the targets itself.
set -eu

usage() {
	cat <<'EOF'
usage: scripts/mkinitrd.sh [OPTIONS]

Build an initrd (gzip'd newc cpio) for booting from iSCSI with iscsi-init.

  -k DIR|VERSION  kernel modules to take, one of:
                    a tree holding lib/modules/VERSION (default build/kernel,
                    as made by scripts/get-kernel.sh),
                    a modules directory (/lib/modules/6.1.0-56-amd64),
                    a version (looked up in build/kernel, then /lib/modules)
  -b BUSYBOX      static busybox with the iscsi-init applet (build/busybox)
  -o OUT          output file (build/initrd.gz)
  -i INIT         script to install as /init (scripts/init.example)
  -m MODULE       also load MODULE (and what it depends on) at boot;
                  repeat for more, e.g. -m e1000 -m virtio_blk
  -a SRC[:DEST]   also copy file SRC into the initrd at DEST (default:
                  same path as SRC); repeatable
  -X              also copy iscsistart when the busybox logs in itself
                  (to log in with iscsi_init="-x iscsistart" after all)
  -x ISCSISTART   copy this iscsistart binary (implies -X; default: from
                  PATH, or /usr/sbin/iscsistart); its libraries come from ldd
  -h, --help      this text

The initrd holds:
  /init                  the -i script
  /bin/busybox + links   every applet the busybox has
  /sbin/iscsistart       (and /usr/sbin/iscsistart), with the libraries and
                         dynamic loader ldd lists for it (about 8 MB before
                         compression): only when the busybox has no built-in
                         login, or with -X or -x
  /lib/modules/VERSION/  the modules below, their dependencies, and a
                         modules.dep made by depmod, so `modprobe NAME` works
  /etc/initrd-modules    the modules to load, in order, one per line
  /etc/initrd-modules.paths  the same with their dependencies, as module
                         files in an order insmod can load them (for a
                         busybox whose modprobe does not work)
  /etc/iscsi/            where iscsi-init writes initiatorname.iscsi

iscsistart or not: a busybox whose iscsi-init logs in itself (built with
FEATURE_ISCSI_INIT_LOGIN) says "built-in login" in `busybox iscsi-init
--help`; then iscsistart is left out, else it is copied. (A busybox built
without FEATURE_VERBOSE_USAGE prints too little to tell: iscsistart is
copied.)

Modules loaded by default, in order:
  virtio_pci virtio_net (virtio NICs), scsi_mod sd_mod, iscsi_tcp
  crc32c_generic (iSCSI digests; login fails without a crc32c driver),
  crc-t10dif and t10-pi (sd_mod), iscsi_boot_sysfs iscsi_ibft (the
  kernel's /sys/firmware/ibft), 8021q (VLANs), ext4 (root file system).
  Missing ones are skipped with a warning; use -m for real hardware NICs.

Example:
  scripts/get-kernel.sh && make && \
  scripts/mkinitrd.sh -o build/initrd.gz -m e1000
  qemu-system-x86_64 -kernel build/kernel/boot/vmlinuz-* \
     -initrd build/initrd.gz -append 'console=ttyS0 root=/dev/sda1' ...
EOF
}

DEFAULT_MODULES="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev
virtio_pci failover net_failover virtio_net scsi_common scsi_mod
scsi_transport_iscsi libiscsi libiscsi_tcp iscsi_tcp crc32c_generic
crct10dif_common crct10dif_generic crc-t10dif crc64 crc64-rocksoft t10-pi
sd_mod iscsi_boot_sysfs iscsi_ibft llc stp garp mrp 8021q
crc16 mbcache jbd2 ext4"

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=
busybox=build/busybox
out=build/initrd.gz
init=$top/scripts/init.example
iscsistart=
want_iscsistart=
extra_modules=
extra_files=

log() { echo "mkinitrd: $*" >&2; }
die() { log "$*"; exit 1; }

# -h and --help before getopts: getopts knows no long options
for a in "$@"; do
	case $a in
	--help|-h) usage; exit 0 ;;
	esac
done
while getopts k:b:o:i:m:a:Xx: opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	b) busybox=$OPTARG ;;
	o) out=$OPTARG ;;
	i) init=$OPTARG ;;
	m) extra_modules="$extra_modules $OPTARG" ;;
	a) extra_files="$extra_files
$OPTARG" ;;
	X) want_iscsistart=1 ;;
	x) iscsistart=$OPTARG; want_iscsistart=1 ;;
	*) usage >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 0 ] || { usage >&2; exit 2; }

need() {	# need PACKAGE: install it when dpkg says it is absent
	"$(dirname "$0")/need-packages.sh" "$1" >&2
}
need cpio
need kmod

# --- where the modules are: $kbase/lib/modules/$kver ---
find_kernel() {
	k=$1
	if [ -z "$k" ]; then
		k=$top/build/kernel
		[ -f "$k/VERSION" ] || die "no kernel in $k: run scripts/get-kernel.sh or give -k"
	fi
	if [ -d "$k" ] && [ -f "$k/VERSION" ]; then
		kbase=$(cd "$k" && pwd); kver=$(cat "$k/VERSION")
	elif [ -d "$k/lib/modules" ] && [ "$(ls "$k/lib/modules" | wc -l)" -eq 1 ]; then
		kbase=$(cd "$k" && pwd); kver=$(ls "$k/lib/modules")
	elif [ -f "$k/modules.dep" ] || [ -f "$k/modules.order" ]; then
		kver=$(basename "$k")
		kbase=$(cd "$k/../../.." && pwd)
		[ -d "$kbase/lib/modules/$kver" ] ||
			die "-k $k: expected a path ending in lib/modules/VERSION"
	elif [ -d "$top/build/kernel/lib/modules/$k" ]; then
		kbase=$top/build/kernel; kver=$k
	elif [ -d "/lib/modules/$k" ]; then
		kbase=/; kver=$k
	else
		die "-k $k: not a kernel tree, modules directory or known version"
	fi
	mdir=$kbase/lib/modules/$kver
	[ -f "$mdir/modules.dep" ] || depmod -b "$kbase" "$kver" ||
		die "depmod failed for $mdir"
}
find_kernel "$kernel"

[ -f "$busybox" ] || die "no busybox at $busybox (run make, or give -b)"
[ -f "$init" ] || die "no init script at $init"
if ! file_out=$(LC_ALL=C od -An -c -N4 "$busybox" | tr -d ' ') || [ "$file_out" != '177ELF' ]; then
	die "$busybox is not an ELF binary"
fi
if ldd "$busybox" >/dev/null 2>&1 && ! ldd "$busybox" 2>&1 | grep -q 'not a dynamic'; then
	log "warning: $busybox is dynamically linked; its libraries are not copied"
fi

# --- iscsistart: only when the busybox cannot log in itself, or asked for ---
if "$busybox" iscsi-init --help 2>&1 | grep -q 'built-in login'; then
	if [ -n "$want_iscsistart" ]; then
		log "busybox has the built-in login; copying iscsistart too (-X/-x)"
	else
		log "busybox has the built-in login: iscsistart left out (-X puts it in)"
	fi
else
	want_iscsistart=1
fi
if [ -n "$want_iscsistart" ]; then
	if [ -n "$iscsistart" ]; then
		[ -x "$iscsistart" ] || die "-x $iscsistart: not an executable file"
	else
		iscsistart=$(command -v iscsistart 2>/dev/null || echo /usr/sbin/iscsistart)
		[ -x "$iscsistart" ] || { need open-iscsi; iscsistart=/usr/sbin/iscsistart; }
		[ -x "$iscsistart" ] || die "no iscsistart (install open-iscsi or use -x)"
	fi
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/mkinitrd.XXXXXX")
trap 'rm -rf "$stage" "$stage.deps" "$stage.files"' EXIT
trap 'exit 1' INT TERM HUP

mkdir -p "$stage"/bin "$stage"/sbin "$stage"/usr/bin "$stage"/usr/sbin \
	"$stage"/dev "$stage"/proc "$stage"/sys "$stage"/run "$stage"/tmp \
	"$stage"/newroot "$stage"/etc/iscsi "$stage"/var/lock "$stage"/root
chmod 1777 "$stage/tmp"

# --- busybox and its applet links ---
cp "$busybox" "$stage/bin/busybox"
chmod 755 "$stage/bin/busybox"
applets=$("$busybox" --list-full 2>/dev/null) ||
	applets=$("$busybox" --list 2>/dev/null | sed 's,^,bin/,') ||
	die "$busybox --list failed"
for a in $applets; do
	case $a in
	bin/busybox|init|linuxrc) continue ;;
	esac
	d=$(dirname "$a")
	mkdir -p "$stage/$d"
	rel=$(echo "$d" | sed 's,[^/][^/]*,..,g')
	[ -e "$stage/$a" ] || ln -s "$rel/bin/busybox" "$stage/$a"
done
[ -e "$stage/bin/sh" ] || ln -s busybox "$stage/bin/sh"
for a in iscsi-init sh mount modprobe insmod switch_root; do
	"$busybox" --list 2>/dev/null | grep -qx "$a" ||
		log "warning: $busybox has no $a applet"
done

# --- iscsistart and what ldd says it needs (when wanted) ---
copy_lib() {	# copy_lib PATH: keep the path, resolve symlinks
	[ -e "$stage$1" ] && return 0
	mkdir -p "$stage$(dirname "$1")"
	cp -L "$1" "$stage$1"
}
if [ -n "$want_iscsistart" ]; then
	cp -L "$iscsistart" "$stage/sbin/iscsistart"
	ln -sf ../../sbin/iscsistart "$stage/usr/sbin/iscsistart"
	libs=$(ldd "$iscsistart" | sed -n 's/.*=> *\(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p')
	[ -n "$libs" ] || die "ldd $iscsistart listed no libraries"
	for l in $libs; do
		copy_lib "$l"
	done
fi

# --- kernel modules ---
modlist=$stage/etc/initrd-modules
modpaths=$stage/etc/initrd-modules.paths
: >"$modlist"
: >"$modpaths"
mkdir -p "$stage/lib/modules/$kver"
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "$mdir/$f" ] && cp "$mdir/$f" "$stage/lib/modules/$kver/"
done
add_module() {	# add_module NAME REQUIRED
	if ! deps=$(modprobe -d "$kbase" -S "$kver" --show-depends "$1" 2>/dev/null); then
		[ "$2" = yes ] && die "module $1 not found in $mdir"
		log "note: module $1 not in $kver, skipped"
		return 0
	fi
	echo "$deps" >"$stage.deps"
	while read -r kind path _; do
		[ "$kind" = insmod ] || continue	# "builtin NAME"
		rel=${path#"$kbase"}
		rel=${rel#/}
		case $rel in
		lib/modules/*) ;;
		usr/lib/modules/*) rel=${rel#usr/} ;;
		*) die "module path $path is outside $kbase" ;;
		esac
		# Newer kernels ship .ko.xz/.ko.zst/.ko.gz: store them plain,
		# so BusyBox's modprobe needs no decompressor built in.
		plain=${rel%.xz}; plain=${plain%.zst}; plain=${plain%.gz}
		if [ ! -e "$stage/$plain" ]; then
			mkdir -p "$stage/$(dirname "$rel")"
			case $rel in
			*.xz)  xz -dc "$path" >"$stage/$plain" ;;
			*.zst) zstd -qdc "$path" >"$stage/$plain" ;;
			*.gz)  gzip -dc "$path" >"$stage/$plain" ;;
			*)     cp -L "$path" "$stage/$plain" ;;
			esac || die "can't copy module $path"
			echo "/$plain" >>"$modpaths"
		fi
	done <"$stage.deps"
	if [ "$(tail -n 1 "$stage.deps" | cut -d ' ' -f 1)" = builtin ]; then
		log "note: module $1 is built into $kver"
	else
		echo "$1" >>"$modlist"
	fi
	rm -f "$stage.deps"
}
for m in $DEFAULT_MODULES; do
	add_module "$m" no
done
for m in $extra_modules; do
	add_module "$m" yes
done
depmod -b "$stage" "$kver"

# --- extra files, then /init ---
echo "$extra_files" >"$stage.files"
while IFS= read -r spec; do
	[ -n "$spec" ] || continue
	src=${spec%%:*}
	dest=${spec#*:}
	[ "$dest" != "$spec" ] || dest=$src
	[ -f "$src" ] || die "-a $spec: no file $src"
	mkdir -p "$stage/$(dirname "/$dest")"
	cp -L "$src" "$stage/$dest"
done <"$stage.files"
rm -f "$stage.files"
cp "$init" "$stage/init"
chmod 755 "$stage/init"

# The kernel opens /dev/console for /init before devtmpfs is mounted.
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 "$stage/dev/console" c 5 1
	mknod -m 666 "$stage/dev/null" c 1 3
else
	log "note: not root, no /dev/console in the initrd (init reopens it after mounting devtmpfs)"
fi

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9n >"$out.tmp"
mv "$out.tmp" "$out"
login="built-in login, no iscsistart"
[ -z "$want_iscsistart" ] || login="with iscsistart"
log "wrote $out ($(wc -c <"$out") bytes, kernel $kver, $(wc -l <"$modlist") modules, $login)"
