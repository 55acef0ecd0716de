# CPU accounting for the benchmark scripts (sourced, not run). On a machine where the source, the
# target and the tool share the cores, wall time follows the CPU everything needs, so the scripts
# print, besides wall times, the CPU seconds each party used:
#   cpu_mark NAME DATADIR...   remembers the CPU of each server's finished backends (a postmaster's
#                              reaped children: user + system, from /proc/PID/stat) under NAME
#   cpu_since NAME DATADIR...  prints the seconds each server's backends used since the mark, one
#                              number per server, space-separated; backends still running are not
#                              counted, so call it after the consumer's connections have closed
#   timed_cpu FILE CMD...      runs CMD, writes its own user + system CPU seconds (with its children)
#                              to FILE, returns CMD's status
# Linux only (/proc); needs bc.

_children_cpu() {
  local pid hz
  pid=$(head -1 "$1/postmaster.pid")
  hz=$(getconf CLK_TCK)
  awk -v hz="$hz" '{ printf "%.2f", ($16 + $17) / hz }' "/proc/$pid/stat"
}

cpu_mark() {
  local name=$1 dir values=()
  shift
  for dir in "$@"; do values+=("$(_children_cpu "$dir")"); done
  printf -v "_cpu_mark_$name" '%s' "${values[*]}"
}

cpu_since() {
  local name=$1 mark i=0 dir out=()
  shift
  sleep 0.3 # let each postmaster reap the backends that just exited
  mark="_cpu_mark_$name"
  read -r -a before <<<"${!mark}"
  for dir in "$@"; do
    out+=("$(echo "$(_children_cpu "$dir") - ${before[$i]}" | bc | awk '{ printf "%.2f", $1 }')")
    i=$((i + 1))
  done
  echo "${out[*]}"
}

timed_cpu() {
  local file=$1 status
  shift
  local TIMEFORMAT='%U %S'
  { time "$@" 2>&3 ; } 3>&2 2>"$file.raw" && status=0 || status=$?
  awk '{ printf "%.2f", $1 + $2 }' "$file.raw" >"$file"
  rm -f "$file.raw"
  return "$status"
}
