# Shared helpers for the BATS behaviour tests of mult.  `load helpers`.
#
# Environment (set by tests/run-bats; defaults let `bats FILE` work from a
# build in /tmp/b):
#	INSTPROC	absolute path of instproc
#	PROBES		absolute directory of the probe-* programs
#	MULT_USER	root or nobody: the user the tests run as
#
# Tests write only under $BATS_TEST_TMPDIR, never depend on the cwd and
# kill only the processes they started, by pid.

: "${INSTPROC:=/tmp/b/instproc}"
: "${PROBES:=/tmp/b/tests/probes}"
if [ -z "${MULT_USER:-}" ]; then
	if [ "$(id -u)" -eq 0 ]; then MULT_USER=root; else MULT_USER=nobody; fi
fi
export INSTPROC PROBES MULT_USER

# Seconds an instance may run before it is considered hung.
: "${MULT_TIMEOUT:=60}"

# Pids to SIGKILL in teardown (processes this test started).
CLEANUP_PIDS=()
# Soft assertion failures of the current test.
FAILED=0
VERDICT_DONE=

# setup and teardown call these; a file that defines its own should too.
setup() {
	mult_setup
}

teardown() {
	mult_teardown
}

mult_setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	[ -x "$INSTPROC" ] || { echo "INSTPROC=$INSTPROC is not executable" >&2; return 1; }
	[ -d "$PROBES" ] || { echo "PROBES=$PROBES is not a directory" >&2; return 1; }
}

mult_teardown() {
	local p c
	for p in "${CLEANUP_PIDS[@]}"; do
		# Take the children first (the recorder's sleep), then the pid.
		if [ -r "/proc/$p/task/$p/children" ]; then
			for c in $(cat "/proc/$p/task/$p/children" 2>/dev/null); do
				kill -KILL "$c" 2>/dev/null || true
			done
		fi
		kill -KILL "$p" 2>/dev/null || true
	done
	CLEANUP_PIDS=()
	if [ -z "$VERDICT_DONE" ] && [ "$FAILED" -ne 0 ]; then
		echo "$FAILED assertion(s) failed (verdict not reached)" >&2
		return 1
	fi
}

# Remember a pid for teardown.
cleanup_pid() {
	CLEANUP_PIDS+=("$@")
}

# Forget a pid once it has been reaped (it could be reused).
forget_pid() {
	local p keep=()
	for p in "${CLEANUP_PIDS[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	CLEANUP_PIDS=("${keep[@]}")
}

# Poll a command until it succeeds: up to N tries (default 500) 20 ms
# apart, i.e. about 10 s.  Returns 1 if it never did.
wait_until() {
	local tries=500 i
	if [ "$1" = -n ]; then tries=$2; shift 2; fi
	for ((i = 0; i < tries; i++)); do
		"$@" && return 0
		sleep 0.02
	done
	echo "wait_until: timed out waiting for: $*" >&2
	return 1
}

# Run instproc (arguments as given) under a timeout with stdin from
# /dev/null, capturing like bats' run --separate-stderr: $status, stdout
# in $output/$lines, stderr in $stderr/$stderr_lines.  MULT_PLACEMENT, if
# set, is given as -p first (a test's own -p comes after it and wins).
inst() {
	capture timeout -k 5 "$MULT_TIMEOUT" "$INSTPROC" \
	    ${MULT_PLACEMENT:+-p "$MULT_PLACEMENT"} "$@"
	if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
		echo "note: instproc $* exited $status (timeout -k 5 $MULT_TIMEOUT?)" >&2
	fi
}

# capture CMD...: run it and set status, output, lines, stderr, stderr_lines.
capture() {
	local so=$BATS_TEST_TMPDIR/.stdout se=$BATS_TEST_TMPDIR/.stderr
	status=0
	"$@" >"$so" 2>"$se" </dev/null || status=$?
	output=$(cat "$so")
	stderr=$(cat "$se")
	lines=()
	stderr_lines=()
	[ -z "$output" ] || mapfile -t lines <<<"$output"
	[ -z "$stderr" ] || mapfile -t stderr_lines <<<"$stderr"
	rm -f "$so" "$se"
}

# Run a probe as pid 1 of a new instance: probe NAME [ARGS...].
probe() {
	local name=$1
	shift
	inst -- "$PROBES/probe-$name" "$@"
}

# Run probe-sys as pid 1 of a new instance: sys [-32] NAME [ARGS...].
sys() {
	inst -- "$PROBES/probe-sys" "$@"
}

# stops_notifs: from instproc -v's last stderr line, set STOPS and NOTIFS.
stops_notifs() {
	local l re='^instproc: ([0-9]+) ptrace stops, ([0-9]+) notifications$'
	STOPS= NOTIFS=
	for l in "${stderr_lines[@]}"; do
		if [[ $l =~ $re ]]; then
			STOPS=${BASH_REMATCH[1]} NOTIFS=${BASH_REMATCH[2]}
		fi
	done
	[ -n "$STOPS" ] || fail_note "no 'N ptrace stops, M notifications' line on stderr"
}

# Print the value of KEY from the key=value lines of $output.
kv() {
	local l
	for l in "${lines[@]}"; do
		if [[ $l == "$1="* ]]; then
			printf '%s\n' "${l#*=}"
			return 0
		fi
	done
	return 1
}

# Soft assertion: record a failure message, keep going.
fail_note() {
	echo "FAIL: $*" >&2
	FAILED=$((FAILED + 1))
}

# check KEY VALUE [VALUE...]: KEY must be present with one of the values.
check() {
	local key=$1 got v
	shift
	if ! got=$(kv "$key"); then
		fail_note "$key missing (want $*)"
		return 0
	fi
	for v in "$@"; do
		[ "$got" = "$v" ] && return 0
	done
	fail_note "$key=$got (want $*)"
}

# check_same KEY1 KEY2: both present and equal.
check_same() {
	local a b
	a=$(kv "$1") || { fail_note "$1 missing"; return 0; }
	b=$(kv "$2") || { fail_note "$2 missing"; return 0; }
	[ "$a" = "$b" ] || fail_note "$1=$a but $2=$b (want equal)"
}

# check_nonneg KEY: an integer >= 0 (a successful call).
check_nonneg() {
	local v
	v=$(kv "$1") || { fail_note "$1 missing"; return 0; }
	[[ $v =~ ^[0-9]+$ ]] || fail_note "$1=$v (want a result >= 0)"
}

# check_absent KEY: no such key in the output.
check_absent() {
	local v
	if v=$(kv "$1"); then fail_note "$1=$v present (want absent)"; fi
}

# check_status N: the exit status of the last run.
check_status() {
	[ "$status" -eq "$1" ] || fail_note "exit status $status (want $1)"
}

# check_all_match [EXCEPT_KEY...]: every match_* line is 1 and there is
# at least one.
check_all_match() {
	local l k n=0 skip e
	for l in "${lines[@]}"; do
		[[ $l == match_*=* ]] || continue
		k=${l%%=*}
		skip=
		for e in "$@"; do [ "$k" = "$e" ] && skip=1; done
		[ -n "$skip" ] && continue
		n=$((n + 1))
		[ "${l#*=}" = 1 ] || fail_note "$l (want 1: $(explain_match "$k"))"
	done
	[ "$n" -gt 0 ] || fail_note "no match_* line in the output"
}

# For match_X, show X and X_expect (or the probe's related keys) if any.
explain_match() {
	local base=${1#match_} v out=
	v=$(kv "$base") && out="$base=$v"
	v=$(kv "${base}_expect") && out="$out ${base}_expect=$v"
	printf '%s' "${out:-see output}"
}

# End of a test made of soft assertions: fail with the whole output if
# any assertion failed.
verdict() {
	VERDICT_DONE=1
	if [ "$FAILED" -ne 0 ]; then
		echo "$FAILED assertion(s) failed; exit status ${status:-?}; stdout:" >&2
		printf '  %s\n' "${lines[@]}" >&2
		if [ -n "${stderr:-}" ]; then
			echo "stderr:" >&2
			printf '  %s\n' "${stderr_lines[@]}" >&2
		fi
		return 1
	fi
}

# Start a process outside any instance, in its own session, that records
# every catchable signal it receives in $OUTREC.  Sets OUT (its pid), OPG
# (its process group, = OUT) and OSID (its session, = OUT).
start_outside() {
	local pidf=$BATS_TEST_TMPDIR/outside.pid
	OUTREC=$BATS_TEST_TMPDIR/outside.rec
	: >"$OUTREC"
	rm -f "$pidf"
	# shellcheck disable=SC2016
	setsid sh -c '
		rec=$2
		for s in HUP INT QUIT USR1 USR2 PIPE ALRM TERM CONT WINCH URG \
		    TSTP TTIN TTOU; do
			trap "echo $s >> \"$rec\"" $s
		done
		trap "echo SYNC >> \"$rec\"" PROF
		echo $$ > "$1.tmp" && mv "$1.tmp" "$1"
		while :; do sleep 1 & wait $!; done
	' outside "$pidf" "$OUTREC" </dev/null >/dev/null 2>&1 &
	local job=$!
	disown "$job"
	if ! wait_until test -s "$pidf"; then
		kill -KILL "$job" 2>/dev/null
		return 1
	fi
	OUT=$(cat "$pidf")
	cleanup_pid "$OUT"
	OPG=$(proc_stat_field "$OUT" 5)
	OSID=$(proc_stat_field "$OUT" 6)
	if [ "$OPG" != "$OUT" ] || [ "$OSID" != "$OUT" ]; then
		echo "start_outside: pid $OUT pgid $OPG sid $OSID: not its own session" >&2
		return 1
	fi
}

# proc_stat_field PID N: field N (1-based, as in proc(5)) of /proc/PID/stat.
proc_stat_field() {
	local pid=$1 n=$2 s
	s=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
	s=${s##*) }
	local -a f
	read -r -a f <<<"$s"
	printf '%s\n' "${f[$((n - 3))]}"
}

# Assert (softly) that the outside process is alive, not stopped, not
# traced, and received no signal: a SIGPROF sentinel is sent and, once
# its trap ran (every signal pending before it has been handled by then),
# the record must hold exactly that sentinel.
check_outside_untouched() {
	local st tracer rec
	if ! kill -0 "$OUT" 2>/dev/null; then
		fail_note "outside process $OUT is gone"
		return 0
	fi
	st=$(proc_stat_field "$OUT" 3)
	case $st in
	S | R) ;;
	*) fail_note "outside process $OUT is in state $st (want S or R)" ;;
	esac
	tracer=$(awk '/^TracerPid:/ { print $2 }' "/proc/$OUT/status")
	[ "$tracer" = 0 ] || fail_note "outside process $OUT is traced by $tracer"
	kill -PROF "$OUT"
	if ! wait_until grep -q SYNC "$OUTREC"; then
		fail_note "outside process $OUT does not handle signals any more"
		return 0
	fi
	rec=$(grep -v '^SYNC$' "$OUTREC" | tr '\n' ' ')
	[ -z "$rec" ] || fail_note "outside process $OUT received: $rec"
	: >"$OUTREC"
}
