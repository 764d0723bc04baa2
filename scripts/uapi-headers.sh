#!/usr/bin/env bash
# Make DIR a folder of symlinks to the kernel's UAPI headers only (Debian's
# linux-libc-dev), for libcs that do not ship them: musl and uClibc-ng.
# Never all of /usr/include: glibc's own headers must stay out of sight.
set -eu

dir=$1
multiarch=$(gcc -print-multiarch)

rm -rf "$dir.tmp"
mkdir -p "$dir.tmp"
# The top-level folders linux-libc-dev installs (linux, asm-generic, mtd, ...),
# except the multiarch one, which only holds asm.
for sub in $(dpkg -L linux-libc-dev | sed -n 's@^/usr/include/\([^/]*\)/.*@\1@p' | sort -u); do
	[ "$sub" = "$multiarch" ] && continue
	ln -s "/usr/include/$sub" "$dir.tmp/$sub"
done
ln -s "/usr/include/$multiarch/asm" "$dir.tmp/asm"
rm -rf "$dir"
mv "$dir.tmp" "$dir"
