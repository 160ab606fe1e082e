#!/usr/bin/env bash
# DNS throughput: tlsaudit resolving N distinct names through c-ares against a loopback
# unbound that this script starts and stops. First the resolver alone (tlsaudit-bench-dns:
# scanner/net's dns_resolver, no connections), then whole scans: every name resolves to an
# address in 127.3.0.0/16 whose port 9 refuses at once, so a scan is bound by resolution
# and connection set-up, not by handshakes; the same addresses as IP literals give the
# resolver-free baseline.
# Talks only to 127.0.0.0/8. See bench/README.md.
#
#   bench/dns.sh [--names N] [--concurrency C] [--build DIR]
set -euo pipefail

names=100000
concurrency=1000
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/release
while [ $# -gt 0 ]; do
  case "$1" in
    --names) names=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
tlsaudit=$build/scanner/app/tlsaudit
command -v unbound >/dev/null || { echo "missing unbound: run bench/setup.sh" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "missing /usr/bin/time: run bench/setup.sh" >&2; exit 2; }
resolver_bench=$build/bench/tlsaudit-bench-dns
if [ ! -x "$tlsaudit" ] || [ ! -x "$resolver_bench" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release -j2 --target tlsaudit tlsaudit-bench-dns >/dev/null
fi

work=$(mktemp -d /tmp/tlsaudit-dns.XXXXXX)
dns_pid=
cleanup() {
  if [ -n "$dns_pid" ]; then kill "$dns_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

awk -v n="$names" 'BEGIN { for (i = 0; i < n; i++) printf "127.3.%d.%d n%d.dnsbench.test\n", int(i / 250) % 250, 1 + i % 250, i }' \
  >"$work/hosts"
awk '{ print $2 ":9" }' "$work/hosts" >"$work/names.txt"
awk '{ print $1 ":9" }' "$work/hosts" | sort -u >"$work/addresses.txt"

# Local answers only: no upstream, no /etc/hosts, no recursion (every name is local-data).
# unbound rather than dnsmasq: it answers on every core (so-reuseport) and takes a large
# receive buffer; single-threaded dnsmasq dropped queries under 1,000 in flight and was
# the ceiling of the measurement (bench/RESULTS.md, section 4).
port=$((20000 + RANDOM % 20000))
awk '{ printf "  local-data: \"%s. 300 IN A %s\"\n", $2, $1 }' "$work/hosts" >"$work/local-data.conf"
cat >"$work/unbound.conf" <<CONF
server:
  interface: 127.0.3.53
  port: $port
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "$work"
  pidfile: ""
  use-syslog: no
  logfile: ""
  num-threads: $(nproc)
  so-reuseport: yes
  so-rcvbuf: 4m
  so-sndbuf: 4m
  num-queries-per-thread: 4096
  do-ip6: no
  do-tcp: no
  access-control: 127.0.0.0/8 allow
  local-zone: "dnsbench.test." static
  include: "$work/local-data.conf"
remote-control:
  control-enable: no
CONF
unbound -c "$work/unbound.conf" -d >"$work/unbound.err" 2>&1 &
dns_pid=$!
for _ in $(seq 1 100); do
  if dig +short +time=1 +tries=1 -p "$port" @127.0.3.53 n0.dnsbench.test >/dev/null 2>&1; then break; fi
  kill -0 "$dns_pid" 2>/dev/null || { cat "$work/unbound.err" >&2; exit 3; }
  sleep 0.1
done

run() {  # NAME FILE EXTRA...: wall s, user+sys s, peak RSS KiB
  local name=$1 file=$2; shift 2
  /usr/bin/time -f '%e %U %S %M' -o "$work/$name.time" "$tlsaudit" scan "$file" -c "$concurrency" --retries 0 \
    --resolver "127.0.3.53:$port" --ndjson "$work/$name.ndjson" --no-revocation --no-geoip --fail-on none -q "$@" \
    2>"$work/$name.err" || true
  read -r w u s m <"$work/$name.time"
  local dns_errors refused
  dns_errors=$(grep -c '"code":"dns"' "$work/$name.ndjson" || true)
  refused=$(grep -c '"code":"refused"' "$work/$name.ndjson" || true)
  printf '| %s | %s | %s | %s | %s | %.0f | %s |\n' "$name" "$(wc -l <"$file")" "$refused" "$dns_errors" "$w" \
    "$(echo "$(wc -l <"$file") / $w" | bc -l)" "$((m / 1024))"
}

echo "## $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores: $names names, concurrency $concurrency, unbound on 127.0.3.53"
echo
awk '{ print $2 }' "$work/hosts" >"$work/bare-names.txt"
resolve_only() {  # NAME FAMILY
  /usr/bin/time -f '%e %U %S %M' -o "$work/resolver.time" "$resolver_bench" --resolver "127.0.3.53:$port" \
    --names "$work/bare-names.txt" --concurrency "$concurrency" --family "$2" >"$work/resolver.out" 2>&1 || true
  read -r _ n _ ok _ errors _ seconds _ rate <"$work/resolver.out"
  read -r _ u s m <"$work/resolver.time"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$n" "$ok" "$errors" "$seconds" "$rate" \
    "$(printf '%.1f' "$(echo "1000000 * ($u + $s) / $n" | bc -l)")" "$((m / 1024))"
}
echo "Resolver alone (tlsaudit-bench-dns, $(nproc) threads):"
echo
echo "| run | names | resolved | errors | wall s | names/s | CPU µs per name | peak RSS MiB |"
echo "|---|---|---|---|---|---|---|---|"
resolve_only "A" 4
resolve_only "A + AAAA" any
echo
echo "Whole scans (tlsaudit scan, records to a file):"
echo
echo "| run | targets | resolved (refused at port 9) | dns errors | wall s | targets/s | peak RSS MiB |"
echo "|---|---|---|---|---|---|---|"
run "names, A only (-4)" "$work/names.txt" -4
run "names, A + AAAA" "$work/names.txt"
run "IP literals (no DNS)" "$work/addresses.txt"
