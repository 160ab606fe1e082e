#!/usr/bin/env bash
# tlsaudit against the tools people would otherwise use, on the same loopback endpoints at
# the same concurrency, in one run. See bench/README.md. Talks only to 127.0.0.0/8.
#
#   bench/run.sh [--endpoints N] [--concurrency C] [--delay-ms D] [--skip-peers] [--memory] [--build DIR]
#                [--testssl-hosts N] [--lab-threads N] [--lab-chains dual|mixed] [--distinct-leaves]
#                [--lab nginx|own]
#   (--build: use the binaries already built in DIR instead of building the release preset;
#    --testssl-hosts: how many endpoints testssl.sh scans, default 5: it takes tens of CPU
#    seconds per host; --lab-threads: the lab server's threads or nginx workers, default one per core; --lab-chains and
#    --distinct-leaves: what the lab serves, see bench/lab_server.cpp: by default every
#    endpoint serves an ECDSA chain and, to RSA-only clients, an RSA chain, with the same
#    leaves everywhere; --lab: who serves them, nginx with --lab-threads workers (the default)
#    or the lab library's own server on --lab-threads threads, which --delay-ms needs)
set -euo pipefail

endpoints=1000
concurrency=100
delay_ms=0
skip_peers=0
memory=0
build=
testssl_hosts=5
lab_threads=$(nproc)
lab_chains=dual
distinct_leaves=
lab_server=
while [ $# -gt 0 ]; do
  case "$1" in
    --endpoints) endpoints=$2; shift 2 ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --delay-ms) delay_ms=$2; shift 2 ;;
    --skip-peers) skip_peers=1; shift ;;
    --memory) memory=1; shift ;;
    --build) build=$2; shift 2 ;;
    --testssl-hosts) testssl_hosts=$2; shift 2 ;;
    --lab-threads) lab_threads=$2; shift 2 ;;
    --lab-chains) lab_chains=$2; shift 2 ;;
    --distinct-leaves) distinct_leaves=--distinct-leaves; shift ;;
    --lab) lab_server=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

if [ -z "$lab_server" ]; then
  if [ "$delay_ms" = 0 ]; then lab_server=nginx; else lab_server=own; fi
fi
case "$lab_server" in
  nginx) command -v nginx >/dev/null || { echo "missing nginx: run bench/setup.sh" >&2; exit 2; }
         [ "$delay_ms" = 0 ] || { echo "--delay-ms needs --lab own" >&2; exit 2; } ;;
  own) ;;
  *) echo "--lab is nginx or own" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
prebuilt=$build
[ -n "$build" ] || build=$root/build/release
tlsaudit=$build/scanner/app/tlsaudit
labbin=$build/bench/tlsaudit-bench-lab

if [ "$skip_peers" = 0 ]; then
  for tool in nmap sslscan testssl openssl; do
    command -v "$tool" >/dev/null || { echo "missing $tool: run bench/setup.sh" >&2; exit 2; }
  done
fi
[ -x /usr/bin/time ] || { echo "missing /usr/bin/time: run bench/setup.sh" >&2; exit 2; }

if [ -z "$prebuilt" ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release -j2 --target tlsaudit tlsaudit-bench-lab tlsaudit-bench-bare >/dev/null
fi

work=$(mktemp -d /tmp/tlsaudit-bench.XXXXXX)
lab_pid=
cleanup() {
  # Closing the lab's stdin ends it (and its nginx); a signal only if it does not go.
  exec 9>&- 2>/dev/null || true
  if [ -n "$lab_pid" ]; then
    for _ in $(seq 1 100); do kill -0 "$lab_pid" 2>/dev/null || break; sleep 0.1; done
    kill "$lab_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The lab runs in its own process; its stdin is a FIFO held open until we are done.
mkfifo "$work/lab.in"
lab_args=(--chains "$lab_chains")
[ -z "$distinct_leaves" ] || lab_args+=("$distinct_leaves")
[ "$lab_server" != nginx ] || lab_args+=(--nginx "$work/nginx")
"$labbin" --endpoints "$endpoints" --threads "$lab_threads" --delay-ms "$delay_ms" --targets "$work/targets.txt" \
  "${lab_args[@]}" --hosts-file "$work/hosts.txt" <"$work/lab.in" >"$work/lab.out" 2>"$work/lab.err" &
lab_pid=$!
exec 9>"$work/lab.in"
# shellcheck source=bench/lab_process.sh
. "$root/bench/lab_process.sh"
wait_for_lab "$lab_pid" "$work/lab.out" "$work/lab.err"
read -r _ n first_port last_port _ <"$work/lab.out"
sed 's/ sni=.*//' "$work/targets.txt" >"$work/hostports.txt"

# The lab's own CPU seconds so far (utime + stime of /proc/PID/stat): it shares the cores
# with the tool measured, and is reported apart from the tool's.
ticks=$(getconf CLK_TCK)
# With nginx, the lab is the process and its descendants (nginx's master and workers).
lab_seconds() { awk -v n="$(tree_cpu_ticks "$lab_pid")" -v t="$ticks" 'BEGIN { printf "%.2f", n / t }'; }

# measure NAME COMMAND...: wall seconds, user+sys CPU seconds, peak RSS (KiB) of the command
# and everything it waited for; the lab's CPU during the run.
declare -A lab_before lab_after
measure() {
  local name=$1; shift
  lab_before[$name]=$(lab_seconds)
  /usr/bin/time -f '%e %U %S %M' -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" || true
  lab_after[$name]=$(lab_seconds)
}

declare -A ok wall cpu user sys rss lab_cpu
record() {  # NAME SUCCESSES
  local name=$1
  read -r w u s m < <(tail -n 1 "$work/$name.time")  # after "Command exited with ..." if any
  ok[$name]=$2
  wall[$name]=$w
  cpu[$name]=$(echo "$u + $s" | bc -l)
  user[$name]=$u
  sys[$name]=$s
  rss[$name]=$m
  lab_cpu[$name]=$(printf "%.2f" "$(echo "${lab_after[$name]} - ${lab_before[$name]}" | bc -l)")
}

# Crypto floor on this machine: what one client handshake must compute at least (one X25519
# key agreement incl. key generation, one signature verification), from `openssl speed`.
# This VM's speed drifts by a quarter within minutes, so the floor is measured before the
# tools and again after them, and the lower of the two is used (the faster machine: the
# harder floor to meet).
declare -a floors
measure_floor() {
  local speed x25519_ops p256_verify rsa_verify floor
  speed=$(openssl speed -seconds 2 ecdhx25519 ecdsap256 rsa2048 2>/dev/null)
  x25519_ops=$(echo "$speed" | awk '/X25519/ && /ecdh/ {print $NF}' | tail -1)
  p256_verify=$(echo "$speed" | awk '/nistp256/ && /ecdsa/ {print $NF}' | tail -1)
  rsa_verify=$(echo "$speed" | awk '/^rsa 2048 bits/ {print $NF}' | tail -1)
  # Two X25519 operations and the verification of the chain a modern client receives: ECDSA
  # from every endpoint of a dual lab; half ECDSA, half RSA from a mixed one.
  if [ "$lab_chains" = dual ]; then
    floor=$(echo "1000 * (2 / $x25519_ops + 1 / $p256_verify)" | bc -l)
  else
    floor=$(echo "1000 * (2 / $x25519_ops + 0.5 / $p256_verify + 0.5 / $rsa_verify)" | bc -l)
  fi
  floors+=("$floor")
  floor_lines+=("X25519 $x25519_ops op/s, ECDSA P-256 verify $p256_verify/s, RSA-2048 verify $rsa_verify/s: $(printf '%.3f' "$floor") ms")
}
declare -a floor_lines
measure_floor

# tlsaudit's fixed cost, paid once per run whatever the number of targets: an empty target
# list (the GeoIP databases are opened and checked, the trust store loaded, the threads started).
: >"$work/empty.txt"
measure tlsaudit-startup "$tlsaudit" scan "$work/empty.txt" --fail-on none --fail-on-errors none --ndjson /dev/null
record tlsaudit-startup 0

# tlsaudit three ways: the capture engine with one (modern) probe, as the peers make one
# handshake; the default probes (modern + the RSA-only TLS 1.2 probe); libssl (--tls-engine
# openssl) with one probe. "handshakes ok" counts endpoints with a chain captured.
variants=(tlsaudit tlsaudit-default tlsaudit-openssl)
declare -A variant_args=([tlsaudit]="--probes modern" [tlsaudit-default]=""
                         [tlsaudit-openssl]="--tls-engine openssl --probes modern")
for v in "${variants[@]}"; do
  # shellcheck disable=SC2086
  measure "$v" "$tlsaudit" scan "$work/targets.txt" --concurrency "$concurrency" ${variant_args[$v]} \
    --handshake-timeout 30 --fail-on none --ndjson "$work/$v.ndjson"
  record "$v" "$(grep -c '"error":null' "$work/$v.ndjson" || true)"
done

# tlsaudit given one CPU (taskset; its default is then one scan thread, cpu_limit.hpp): on a
# machine whose other CPU the lab needs, a second scan thread mostly waits for the lab, and
# each of its waits in epoll_wait is a sleep and a wakeup in the kernel.
last_cpu=$(awk '/^Cpus_allowed_list/ { n = split($2, c, /[-,]/); print c[n] }' /proc/self/status)
measure tlsaudit-1cpu taskset -c "$last_cpu" "$tlsaudit" scan "$work/targets.txt" --concurrency "$concurrency" \
  --probes modern --handshake-timeout 30 --fail-on none --ndjson "$work/tlsaudit-1cpu.ndjson"
record tlsaudit-1cpu "$(grep -c '"error":null' "$work/tlsaudit-1cpu.ndjson" || true)"
variants+=(tlsaudit-1cpu)

# The floor of the connection itself: a client that connects, sends tlsaudit's ClientHello,
# reads the flight up to CertificateVerify, sends the closing alerts and resets, computing and
# parsing nothing (bench/bare_client.cpp). Its CPU is what any scanner making one TCP
# connection per endpoint spends on this machine; its hosts/s is the ceiling the lab sets.
measure bare "$build/bench/tlsaudit-bench-bare" --targets "$work/targets.txt" --concurrency "$concurrency"
record bare "$(awk '/^ok/ {print $2}' "$work/bare.out")"
variants+=(bare)

peers=()
if [ "$skip_peers" = 0 ]; then
  measure nmap nmap -Pn -n -sT --script ssl-cert -p "$first_port-$last_port" --min-parallelism "$concurrency" \
    -iL "$work/hosts.txt" -oX "$work/nmap.xml"
  record nmap "$(grep -c 'id="ssl-cert"' "$work/nmap.xml" || true)"

  measure openssl sh -c "xargs -P $concurrency -I{} sh -c \
    'openssl s_client -connect {} -servername bench.lab.test -showcerts </dev/null >/dev/null 2>&1 && echo ok' \
    <'$work/hostports.txt'"
  record openssl "$(grep -c '^ok' "$work/openssl.out" || true)"

  measure sslscan sh -c "xargs -P $concurrency -I{} sh -c \
    'sslscan --no-ciphersuites --no-renegotiation --no-compression --no-heartbleed --no-groups --no-fallback \
     --no-check-certificate --show-certificate --sni-name=bench.lab.test {} 2>/dev/null | grep -q \"Subject:\" && echo ok' \
    <'$work/hostports.txt'"
  record sslscan "$(grep -c '^ok' "$work/sslscan.out" || true)"

  # testssl.sh is slow by design (many probes per host): a subset, scaled per host below.
  head -n "$testssl_hosts" "$work/hostports.txt" >"$work/testssl-hosts.txt"
  measure testssl sh -c "xargs -P $testssl_hosts -I{} sh -c \
    'testssl --quiet --color 0 --warnings off --fast -S {} >/dev/null 2>&1 && echo ok' <'$work/testssl-hosts.txt'"
  record testssl "$(grep -c '^ok' "$work/testssl.out" || true)"
  peers=(nmap openssl sslscan testssl)
fi


measure_floor
floor_ms=$(printf '%s\n' "${floors[@]}" | sort -g | head -1)

rate() { echo "scale=1; $1 / $2" | bc -l; }
fmt() { printf '%.3f' "$1"; }
ta_rate=$(rate "${ok[tlsaudit]}" "${wall[tlsaudit]}")

echo "## $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores: $n endpoints, concurrency $concurrency, delay ${delay_ms} ms, lab chains $lab_chains${distinct_leaves:+, distinct leaves}, served by $([ "$lab_server" = nginx ] && echo "nginx with $lab_threads workers" || echo "the lab's own server on $lab_threads threads")"
echo
echo "| tool | handshakes ok | wall s | hosts/s | CPU ms per handshake | of which kernel | peak RSS MiB | tlsaudit is N× faster | lab CPU s |"
echo "|---|---|---|---|---|---|---|---|---|"
for name in "${variants[@]}" "${peers[@]}"; do
  done_count=${ok[$name]}
  [ "$done_count" -gt 0 ] || done_count=1
  r=$(rate "${ok[$name]}" "${wall[$name]}")
  per=$(echo "1000 * ${cpu[$name]} / $done_count" | bc -l)
  ratio=$( [ "$name" = tlsaudit ] && echo "-" || echo "scale=2; $ta_rate / $r" | bc -l 2>/dev/null || echo "n/a")
  kper=$(echo "1000 * ${sys[$name]} / $done_count" | bc -l)
  echo "| $name | ${ok[$name]} | ${wall[$name]} | $r | $(fmt "$per") | $(fmt "$kper") | $(echo "${rss[$name]} / 1024" | bc) | $ratio | ${lab_cpu[$name]} |"
done
ta_per=$(echo "1000 * ${cpu[tlsaudit]} / ${ok[tlsaudit]}" | bc -l)
echo
echo "Crypto floor (openssl speed), before the tools: ${floor_lines[0]}; after them: ${floor_lines[1]}"
echo "=> $(fmt "$floor_ms") ms per handshake; tlsaudit (capture engine, --probes modern) uses $(fmt "$ta_per") ms = $(printf '%.2f' "$(echo "$ta_per / $floor_ms" | bc -l)")× the floor."
startup=${cpu[tlsaudit-startup]}
ta_marginal=$(echo "1000 * (${cpu[tlsaudit]} - $startup) / ${ok[tlsaudit]}" | bc -l)
echo "   of which $(fmt "$(echo "1000 * $startup" | bc -l)") ms of CPU once per run (an empty target list: GeoIP check, trust store,"
echo "   threads); each handshake beyond it costs $(fmt "$ta_marginal") ms = $(printf '%.2f' "$(echo "$ta_marginal / $floor_ms" | bc -l)")× the floor."
ta_user=$(echo "1000 * (${user[tlsaudit]} - ${user[tlsaudit-startup]}) / ${ok[tlsaudit]}" | bc -l)
ta_sys=$(echo "1000 * (${sys[tlsaudit]} - ${sys[tlsaudit-startup]}) / ${ok[tlsaudit]}" | bc -l)
echo "   of that, $(fmt "$ta_user") ms in user space ($(printf '%.2f' "$(echo "$ta_user / $floor_ms" | bc -l)")× the floor) and $(fmt "$ta_sys") ms in the kernel"
echo "   (the loopback TCP connection: connect, send, receive, close; $(printf '%.2f' "$(echo "$ta_sys / $floor_ms" | bc -l)")× the floor by itself)."
ssl_per=$(echo "1000 * ${cpu[tlsaudit-openssl]} / ${ok[tlsaudit-openssl]}" | bc -l)
echo "   the openssl engine uses $(fmt "$ssl_per") ms = $(printf '%.2f' "$(echo "$ssl_per / $floor_ms" | bc -l)")× the floor."
bare_per=$(echo "1000 * ${cpu[bare]} / ${ok[bare]}" | bc -l)
bare_sys=$(echo "1000 * ${sys[bare]} / ${ok[bare]}" | bc -l)
beyond=$(echo "$ta_marginal - $bare_per" | bc -l)
echo "   a bare connection (tlsaudit-bench-bare: the same ClientHello, the flight, the alerts, the reset;"
echo "   no crypto, no parsing) costs $(fmt "$bare_per") ms of CPU, $(fmt "$bare_sys") ms of it in the kernel; beyond it,"
echo "   each tlsaudit handshake costs $(fmt "$beyond") ms = $(printf '%.2f' "$(echo "$beyond / $floor_ms" | bc -l)")× the floor."
one_cpu=$(echo "1000 * (${cpu[tlsaudit-1cpu]} - $startup) / ${ok[tlsaudit-1cpu]}" | bc -l)
echo "   given one CPU (tlsaudit-1cpu: one scan thread), each handshake costs $(fmt "$one_cpu") ms = $(printf '%.2f' "$(echo "$one_cpu / $floor_ms" | bc -l)")× the floor;"
echo "   beyond the bare connection, $(fmt "$(echo "$one_cpu - $bare_per" | bc -l)") ms = $(printf '%.2f' "$(echo "($one_cpu - $bare_per) / $floor_ms" | bc -l)")× the floor."
rsa_extra=$(echo "1000 * (${cpu[tlsaudit-default]} - ${cpu[tlsaudit]}) / $n" | bc -l)
echo "   the RSA-only probe (default --probes modern,rsa) adds $(fmt "$rsa_extra") ms of CPU per endpoint."

if [ "$memory" = 1 ]; then
  echo
  echo "Peak RSS against input length (targets that are refused at once; records to /dev/null):"
  for lines in 100000 1000000; do
    awk -v n="$lines" 'BEGIN { for (i = 0; i < n; i++) printf "127.%d.%d.%d:9\n", 2 + int(i / 65536), int(i / 256) % 256, i % 256 }' \
      >"$work/refused.txt"
    measure "memory$lines" "$tlsaudit" scan "$work/refused.txt" --concurrency "$concurrency" --retries 0 --ndjson /dev/null
    read -r w u s m < <(tail -n 1 "$work/memory$lines.time")
    echo "- $lines lines: ${w} s wall, peak RSS $((m / 1024)) MiB (budget 64 MiB + 32 KiB x $concurrency = $((64 + concurrency * 32 / 1024)) MiB)"
  done
fi
