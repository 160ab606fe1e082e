#!/usr/bin/env bash
# One certificate decode (d2i_X509) and one signature check (X509_verify) timed against the
# system's libcrypto and, when given, a prefix of bench/openssl-from-source.sh:
#   bash bench/d2i_cost.sh [PREFIX] [ROUNDS]      (e.g. /opt/openssl-3.5 20000)
# The certificate is a self-signed P-256 one made here. Nothing touches the network.
set -euo pipefail
prefix=${1:-}
rounds=${2:-20000}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl ecparam -name prime256v1 -genkey -noout -out "$work/key.pem" 2>/dev/null
openssl req -new -x509 -key "$work/key.pem" -subj /CN=bench.lab.test -days 30 -outform DER -out "$work/cert.der" 2>/dev/null
gcc -O2 -o "$work/system" "$here/d2i_cost.c" -lcrypto
"$work/system" "$work/cert.der" "$rounds"
if [ -n "$prefix" ]; then
  gcc -O2 -o "$work/prefix" "$here/d2i_cost.c" -I"$prefix/include" -L"$prefix/lib" -Wl,-rpath,"$prefix/lib" -lcrypto
  "$work/prefix" "$work/cert.der" "$rounds"
fi
