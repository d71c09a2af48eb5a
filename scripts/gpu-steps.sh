# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154  # variables shared with the sourcing script

# The step harness of scripts/gpu-check.sh and scripts/gpu-bench.sh, sourced
# by both (from the repository root, once OUTDIR and its summary exist; not
# run on its own): each step runs under a watchdog with its output in a log
# of its own and leaves a line in the summary, whatever the others did.
#
# Set before sourcing:
#   out          OUTDIR: the logs, OUTDIR/<step>.log
#   summary      the summary file (OUTDIR/summary.txt), every line of which
#                is also printed
#   limit        the watchdog: seconds a step may run
#   name_width   the width of the summary's step-name column
#   excerpt      an extended regular expression: the lines of a failed
#                step's log (its first 6 matches) quoted under its line
# Sourcing sets the state the functions keep: count (steps recorded),
# failures (of them FAIL), last_verdict (the last one's PASS, FAIL or
# SKIP), child (the running step's process), interrupted (1 after a
# signal); and traps INT and TERM with on_signal.
#
# Functions:
#   on_signal                      INT and TERM: set interrupted and stop
#                                  the running step (timeout passes the
#                                  signal on to it); no step runs after it
#   record VERDICT SECONDS NAME TEXT [NOTE]
#                                  a line of the summary (and NOTE in
#                                  parentheses under it); a FAIL's log
#                                  excerpt under it
#   skip NAME WHY...               record NAME as SKIP, WHY as its text
#                                  (nothing once interrupted)
#   quote WORD...                  the words as a command line, quoted where
#                                  they need it
#   step [--fail-if REGEX WHY] NAME COMMAND...
#                                  run COMMAND under `timeout` with its
#                                  output in OUTDIR/NAME.log and record it:
#                                  PASS if it exits 0 (and its log does not
#                                  match REGEX), FAIL otherwise (nothing
#                                  once interrupted)

failures=0
count=0
last_verdict=
child=
interrupted=0
# Ctrl-C or a TERM stops the step that runs (timeout passes the signal on
# to it) and then the script.
on_signal() {
  interrupted=1
  [[ -n $child ]] && kill -TERM "$child" 2> /dev/null
}
trap on_signal INT TERM

# record VERDICT SECONDS NAME TEXT [NOTE]: a line of the summary; a failed
# step's log excerpt under it.
record() {
  local verdict=$1 seconds=$2 name=$3 text=$4 note=${5:-}
  count=$((count + 1))
  last_verdict=$verdict
  [[ $verdict == FAIL ]] && failures=$((failures + 1))
  printf '%-4s %5ss  %-*s %s\n' "$verdict" "$seconds" "$name_width" "$name" \
    "$text" | tee -a "$summary"
  [[ -n $note ]] && echo "            ($note)" | tee -a "$summary"
  if [[ $verdict == FAIL && -f $out/$name.log ]]; then
    # The first failure the log tells of, in place.
    tail -n +2 "$out/$name.log" |
      grep -m 6 -E "$excerpt" |
      cut -c 1-200 | sed 's/^/            /' |
      tee -a "$summary"
  fi
}

# skip NAME WHY...
skip() {
  ((interrupted)) && return
  local name=$1
  shift
  record SKIP 0 "$name" "($*)"
}

# quote WORD...: the words as a command line, quoted where they need it.
quote() {
  local word line=''
  for word; do
    [[ $word =~ ^[][A-Za-z0-9_@%+=:,./^-]+$ ]] || word=$(printf '%q' "$word")
    line+=" $word"
  done
  echo "${line# }"
}

# step [--fail-if REGEX WHY] NAME COMMAND...: runs COMMAND under the
# watchdog with its output in OUTDIR/NAME.log; PASS if it exits 0 (and its
# log does not match REGEX), FAIL otherwise.
step() {
  local fail_regex='' fail_why=''
  if [[ $1 == --fail-if ]]; then
    fail_regex=$2
    fail_why=$3
    shift 3
  fi
  local name=$1
  shift
  local log=$out/$name.log start status verdict=PASS note='' shown
  ((interrupted)) && return
  shown=$(quote "$@")
  start=$(date +%s)
  echo "\$ $shown" > "$log"
  timeout --kill-after=30 "$limit" "$@" >> "$log" 2>&1 < /dev/null &
  child=$!
  wait "$child"
  status=$?
  if ((interrupted)); then
    wait "$child" 2> /dev/null
    status=130
  fi
  child=
  if ((status != 0)); then
    verdict=FAIL
    case $status in
      124 | 137) note="timed out after ${limit} s" ;;
      130) note="interrupted" ;;
      *) note="exit status $status" ;;
    esac
  elif [[ -n $fail_regex ]] && grep -qE "$fail_regex" "$log"; then
    verdict=FAIL
    note=$fail_why
  fi
  record "$verdict" "$(($(date +%s) - start))" "$name" "$shown" "$note"
}
