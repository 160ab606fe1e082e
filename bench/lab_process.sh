# shellcheck shell=bash
# The bench lab's process, for the scripts that start one (sourced by bench/run.sh,
# lab_compare.sh, netns.sh and callgrind.sh).

# wait_for_lab PID OUT ERR: waits, up to 120 s, for the lab process PID to print its
# "ready" line to the file OUT; if it ends or the time runs out first, prints its stderr
# (the file ERR) and exits the script with status 3.
wait_for_lab() {
  local pid=$1 out=$2 err=$3
  for _ in $(seq 1 1200); do
    grep -q '^ready' "$out" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "the lab did not start: $(cat "$err")" >&2
  exit 3
}

# tree_cpu_ticks PID: the CPU that PID and its descendants (the bench lab's nginx master
# and workers) have used so far, utime + stime of /proc/<pid>/stat, in clock ticks.
tree_cpu_ticks() {
  local all=$1 level=$1
  while [ -n "$level" ]; do
    level=$(pgrep -d, -P "$level" || true)
    [ -z "$level" ] || all="$all,$level"
  done
  # shellcheck disable=SC2046
  awk '{ s += $14 + $15 } END { print s + 0 }' $(echo "$all" | tr ',' '\n' | sed 's|.*|/proc/&/stat|') 2>/dev/null
}
