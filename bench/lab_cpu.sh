# shellcheck shell=bash
# Sourced by bench/run.sh and bench/lab_compare.sh.
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
