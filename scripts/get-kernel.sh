#!/bin/sh
# Fetch the Debian kernel that linux-image-amd64 currently depends on,
# unpack it (no install) under build/kernel/ and run depmod; print the
# vmlinuz path on stdout.  Used by the QEMU tests, the demo and `make initrd`.
#
# usage: scripts/get-kernel.sh [-d DIR]     (default DIR: build/kernel)
# env:   KERNEL_PKG=linux-image-X-amd64 to pick another package.
set -eu

dir=build/kernel
while getopts d:h opt; do
	case $opt in
	d) dir=$OPTARG ;;
	h) sed -n '2,8s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) exit 2 ;;
	esac
done

log() { echo "get-kernel: $*" >&2; }
die() { log "$*"; exit 1; }

need() {	# need PACKAGE: install it when dpkg says it is absent
	"$(dirname "$0")/need-packages.sh" "$1" >&2
}
need kmod

# The package that linux-image-amd64 depends on, e.g. linux-image-6.1.0-56-amd64.
resolve() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: *\(linux-image-[0-9][^ ]*\).*/\1/p' | head -n 1
}
pkg=${KERNEL_PKG:-}
if [ -z "$pkg" ]; then
	pkg=$(resolve)
	if [ -z "$pkg" ]; then
		log "apt lists have no linux-image-amd64; running apt-get update"
		apt-get update -q >&2 || true
		pkg=$(resolve)
	fi
fi
[ -n "$pkg" ] || die "cannot resolve the package linux-image-amd64 depends on"
kver=${pkg#linux-image-}
case $kver in
*-unsigned) kver=${kver%-unsigned} ;;
esac

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
vmlinuz=$dir/boot/vmlinuz-$kver

if [ -f "$vmlinuz" ] && [ -f "$dir/lib/modules/$kver/modules.dep" ]; then
	echo "$vmlinuz"
	exit 0
fi

dl=$dir/deb
mkdir -p "$dl"
if ! ls "$dl/${pkg}_"*.deb >/dev/null 2>&1; then
	log "downloading $pkg"
	# apt's _apt user must be able to write here; otherwise apt warns and
	# downloads as root, which is fine too.
	(cd "$dl" && apt-get download -q "$pkg" >&2) ||
		{ apt-get update -q >&2 && (cd "$dl" && apt-get download -q "$pkg" >&2); } ||
		die "apt-get download $pkg failed"
fi
deb=$(ls "$dl/${pkg}_"*.deb | tail -n 1)
log "unpacking $(basename "$deb")"
rm -rf "${dir:?}/boot" "${dir:?}/lib" "${dir:?}/usr"
dpkg -x "$deb" "$dir"
# trixie and later ship modules under usr/lib; keep one path: lib/modules
if [ ! -d "$dir/lib/modules/$kver" ] && [ -d "$dir/usr/lib/modules/$kver" ]; then
	mkdir -p "$dir/lib"
	ln -s ../usr/lib/modules "$dir/lib/modules"
fi
[ -f "$vmlinuz" ] || die "no boot/vmlinuz-$kver in $deb"
[ -d "$dir/lib/modules/$kver" ] || die "no lib/modules/$kver in $deb"
depmod -b "$dir" "$kver"
echo "$kver" >"$dir/VERSION"
log "kernel $kver ready"
echo "$vmlinuz"
