#!/usr/bin/env bash
# Build a static uClibc-ng sysroot from Debian's uclibc-source and write a gcc
# specs file (in the style of musl-gcc's) that compiles and links against it.
# Usage: build-uclibc.sh OUTDIR UAPI_DIR
#   OUTDIR/sysroot        the installed headers and libraries
#   OUTDIR/uclibc.specs   use as: gcc -specs=OUTDIR/uclibc.specs
set -eu

out=$(realpath -m "$1")
uapi=$(realpath "$2")
tarball=$(ls /usr/src/uClibc-ng-*.tar.* | sort -V | tail -n 1)
jobs=${JOBS:-$(nproc)}
# Our caller's make flags (command-line variables, jobserver) are not for
# uClibc's make.
unset MAKEFLAGS MFLAGS MAKELEVEL

rm -rf "$out"
mkdir -p "$out"
tar -xf "$tarball" -C "$out"
src=$(echo "$out"/uClibc-ng-*)

# Debian's amd64 configuration, with our headers and prefixes, and no
# threads: busybox needs none. HAVE_SHARED stays on (without it libc.a lacks
# _dl_pagesize); we only ever link statically.
sed -e '/^KERNEL_HEADERS=/d' -e '/^RUNTIME_PREFIX=/d' -e '/^DEVEL_PREFIX=/d' \
    -e '/^UCLIBC_HAS_THREADS=/d' -e '/^PTHREADS_DEBUG_SUPPORT=/d' \
    -e '/^LINUXTHREADS_OLD=/d' \
    "$src/debian/config-amd64" > "$src/.config"
cat >> "$src/.config" <<CONF
KERNEL_HEADERS="$uapi"
RUNTIME_PREFIX="/"
DEVEL_PREFIX="/usr/"
HAS_NO_THREADS=y
CONF
make -C "$src" -s olddefconfig >/dev/null
for want in 'HAS_NO_THREADS=y' 'HAVE_SHARED=y' "KERNEL_HEADERS=\"$uapi\""; do
	grep -qx "$want" "$src/.config" || {
		echo "build-uclibc.sh: $want did not survive olddefconfig" >&2
		exit 1
	}
done

# Static only: libc.a, the start files, the headers, and the empty libm.a,
# libcrypt.a, ... that link lines ask for. `make install` would build the
# shared libraries too, which takes half again as long.
make -C "$src" -s -j"$jobs" pregen startfiles lib/libc.a
empty=$(make -C "$src" -s --no-print-directory \
	--eval 'empty-libs: ; @echo $(EMPTY_LIBS)' empty-libs)
make -C "$src" -s $empty install_headers install_startfiles PREFIX="$out/sysroot"
install -m 644 "$src"/lib/*.a "$out/sysroot/usr/lib/"

sysroot=$out/sysroot/usr
cat > "$out/uclibc.specs" <<SPECS
%rename cpp_options old_cpp_options

*cpp_options:
-nostdinc -isystem $sysroot/include -isystem $uapi -isystem include%s %(old_cpp_options)

*cc1:
%(cc1_cpu) -nostdinc -isystem $sysroot/include -isystem $uapi -isystem include%s

*link_libgcc:
-L$sysroot/lib -L .%s

*libgcc:
libgcc.a%s %:if-exists(libgcc_eh.a%s)

*startfile:
$sysroot/lib/crt1.o $sysroot/lib/crti.o crtbeginT.o%s

*endfile:
crtend.o%s $sysroot/lib/crtn.o

*link:
-nostdlib -static %{rdynamic:-export-dynamic}

SPECS

# A last look: a static hello world must build and run.
printf '#include <stdio.h>\nint main(void){puts("uclibc ok");return 0;}\n' > "$out/hello.c"
gcc -specs="$out/uclibc.specs" -static -o "$out/hello" "$out/hello.c"
"$out/hello"
rm -rf "$src" "$out/hello" "$out/hello.c"
