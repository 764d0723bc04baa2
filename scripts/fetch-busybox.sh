#!/usr/bin/env bash
# Fetch BusyBox's pristine upstream tarball from Debian's source package and
# check it against a pinned sha256. Uses a private apt folder, so the
# system's apt sources, lists and cache stay untouched.
# Usage: fetch-busybox.sh VERSION SUITE SHA256 OUTFILE
set -eu

version=$1
suite=$2
sha256=$3
out=$4

apt=$(realpath -m "$(dirname "$out")/apt")
rm -rf "$apt"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts" "$apt/src"
# The archive and key the system already trusts, for source packages only.
uris=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
cat > "$apt/parts/src.sources" <<SOURCES
Types: deb-src
URIs: ${uris:-http://deb.debian.org/debian}
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
# apt downloads as its _apt user.
chmod -R a+rX "$apt"
chmod a+w "$apt/src"

opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt/parts"
      -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
      -q)
apt-get "${opts[@]}" update >/dev/null
# The newest Debian revision packaging this upstream version.
pkgver=$(apt-cache "${opts[@]}" showsrc busybox |
	sed -n 's/^Version: //p' | grep -E "^([0-9]+:)?${version//./\\.}-" |
	sort -V | tail -n 1)
if [ -z "$pkgver" ]; then
	echo "fetch-busybox.sh: Debian $suite has no busybox $version source package" >&2
	exit 1
fi
(cd "$apt/src" && apt-get "${opts[@]}" source --download-only "busybox=$pkgver" >/dev/null)

orig=$apt/src/busybox_$version.orig.tar.bz2
echo "$sha256  $orig" | sha256sum -c --quiet - || {
	echo "fetch-busybox.sh: $(basename "$orig") does not match the pinned sha256 $sha256" >&2
	exit 1
}
mv "$orig" "$out"
rm -rf "$apt"
