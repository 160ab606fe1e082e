#!/usr/bin/env bash
# Builds a newer OpenSSL into a prefix of its own, for benchmarking tlsaudit against it
# (bench/README.md, "Against a newer OpenSSL"). Nothing is installed system-wide and
# nothing of the project changes: CMake picks the prefix up with -DOPENSSL_ROOT_DIR.
#
#   bench/openssl-from-source.sh [PREFIX]      (default /opt/openssl-3.5)
#
# The source is Debian 13's upstream tarball of OpenSSL 3.5.7 from Debian's archive,
# checked against the SHA-256 that Debian's Sources index lists for it. Debian 12, which
# the project builds on, ships 3.0; 3.2 and later cache the provider decoders that 3.0 sets
# up for every certificate's public key (openssl/openssl#21426). About 6 minutes on 2 cores.
set -euo pipefail

prefix=${1:-/opt/openssl-3.5}
version=3.5.7
sha256=a8c0d28a529ca480f9f36cf5792e2cd21984552a3c8e4aa11a24aa31aeac98e8
url=http://deb.debian.org/debian/pool/main/o/openssl/openssl_${version}.orig.tar.gz

if [ -f "$prefix/lib/libssl.so.3" ]; then
  echo "openssl-from-source: $prefix already holds a build; remove it to rebuild" >&2
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl -fsS --max-time 600 -o "$work/openssl.tar.gz" "$url"
echo "$sha256  $work/openssl.tar.gz" | sha256sum -c --quiet
tar -xzf "$work/openssl.tar.gz" -C "$work"
cd "$work/openssl-$version"
# step LOG COMMAND...: quiet unless it fails, then the end of its log
step() {
  local log=$work/$1; shift
  "$@" >"$log" 2>&1 || { tail -n 30 "$log" >&2; echo "openssl-from-source: '$*' failed" >&2; exit 1; }
}
step configure.log ./Configure --prefix="$prefix" --libdir=lib shared no-tests no-docs
step make.log make -j"$(nproc)" build_libs
step install.log make install_dev
echo "openssl-from-source: OpenSSL $version in $prefix"
