#!/usr/bin/env bats
# An interactive shell as pid 1 on a terminal has working job control:
# it sees itself as pid 1, lists, kills, stops, resumes and foregrounds
# its jobs (TIOCSPGRP/TIOCGPGRP with virtual process groups).
#
# The terminal is a pty from script(1); the test writes the keystrokes
# into a fifo and polls the transcript for the shell's answers, and polls
# /proc (outside the instance) for the foreground group before typing
# ^Z or ^C, so nothing depends on timing.

load helpers

setup() {
	mult_setup
	command -v script >/dev/null || skip "script(1) from util-linux is not installed"
	command -v bash >/dev/null || skip "bash is not installed"
	D=$BATS_TEST_TMPDIR
	R=$RANDOM$RANDOM
	mkfifo "$D/in"
	: >"$D/out"
	# A background job of a non-interactive shell (bats) starts with
	# SIGINT and SIGQUIT ignored; restore them so ^C can work inside.
	env --default-signal=INT,QUIT -i PATH="$PATH" HOME="$D" TERM=dumb HISTFILE=/dev/null PS1='bash$ ' \
	    script -qfec "$INSTPROC -- bash --norc --noprofile -i" /dev/null \
	    <"$D/in" >"$D/out" 2>&1 &
	SPID=$!
	cleanup_pid "$SPID"
	exec {FIFO_FD}>"$D/in"
}

teardown() {
	[ -z "${FIFO_FD:-}" ] || exec {FIFO_FD}>&- || true
	local p
	for p in $(marked "3000$R") $(marked "4000$R"); do cleanup_pid "$p"; done
	mult_teardown
}

# The transcript without carriage returns and escape sequences.
transcript() {
	tr -d '\r' <"$D/out" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g'
}

has() {
	transcript | grep -Eq -- "$1"
}

# type LINE: send LINE and a newline to the terminal.
type_line() {
	printf '%s\n' "$1" >&"$FIFO_FD"
}

# expect_out REGEX WHAT: wait for the shell's output to match.
expect_out() {
	if ! wait_until has "$1"; then
		echo "FAIL: $2: no output matching /$1/; transcript:" >&2
		transcript | sed 's/^/  | /' >&2
		return 1
	fi
}

# Pids of live processes whose command line is exactly "sleep ARG".
marked() {
	local f p
	for f in /proc/[0-9]*/cmdline; do
		p=${f#/proc/}
		p=${p%/cmdline}
		if [ "$(tr '\0' ' ' 2>/dev/null <"$f")" = "sleep $1 " ]; then
			echo "$p"
		fi
	done
}

# The process "sleep ARG" exists and its group is the foreground group
# of its terminal (stat field 8, tpgid, equals field 5, pgrp).
in_foreground() {
	local p
	p=$(marked "$1")
	[ -n "$p" ] && [ "$(proc_stat_field "$p" 8)" = "$(proc_stat_field "$p" 5)" ]
}

# The process "sleep ARG" is stopped (T; t when a tracer holds the stop).
stopped() {
	local p s
	p=$(marked "$1")
	s=$(proc_stat_field "$p" 3)
	[ -n "$p" ] && { [ "$s" = T ] || [ "$s" = t ]; }
}

# The process "sleep ARG" is sleeping or running, i.e. not stopped.
running() {
	local p s
	p=$(marked "$1")
	s=$(proc_stat_field "$p" 3)
	[ -n "$p" ] && { [ "$s" = S ] || [ "$s" = R ]; }
}

state_of() {
	local p
	p=$(marked "$1")
	[ -n "$p" ] && proc_stat_field "$p" 3 || echo gone
}

# sync N: a marker the shell prints as @@N@@ (the typed line does not
# contain it), so the transcript shows when the shell got this far.
sync_point() {
	type_line "echo @@\$(($1 + 0))@@"
	expect_out "@@$1@@" "sync point $1"
}

# end_session N: type "exit N"; script must end with status N.
end_session() {
	type_line "exit $1"
	if ! wait_until script_gone; then
		fail_note "the session did not end after 'exit $1'"
		return 0
	fi
	status=0
	wait "$SPID" || status=$?
	forget_pid "$SPID"
	check_status "$1"
}

script_gone() {
	! kill -0 "$SPID" 2>/dev/null || [ "$(proc_stat_field "$SPID" 3)" = Z ]
}

@test "an interactive bash inside sees \$\$ = 1 and \$PPID = 0, with job control on" {
	type_line 'echo "PID=$$ PPID=$PPID"'
	expect_out '^PID=1 PPID=0$' "echo \$\$ \$PPID"
	sync_point 1
	if has 'no job control|cannot set terminal process group'; then
		fail_note "bash reports no job control: $(transcript | grep -E 'job control|terminal process group')"
	fi
	end_session 3
	verdict
}

@test "a background job gets pid 2, is listed by jobs and killed by kill %1" {
	type_line "sleep 3000$R &"
	expect_out '^\[1\] 2$' "the job's pid"
	type_line 'jobs'
	expect_out "^\[1\]\+ +Running +sleep 3000$R &" "jobs lists the job"
	type_line 'kill %1'
	sync_point 1
	type_line 'jobs'
	expect_out "^\[1\]\+ +Terminated +sleep 3000$R" "jobs reports the job terminated"
	[ -z "$(marked "3000$R")" ] || fail_note "sleep 3000$R still runs after kill %1"
	end_session 0
	verdict
}

@test "^Z stops the foreground job, bg resumes it, fg and ^C end it" {
	type_line "sleep 4000$R"
	wait_until in_foreground "4000$R" ||
	    fail_note "sleep 4000$R never became the terminal's foreground group"
	printf '\032' >&"$FIFO_FD"
	expect_out "^\[1\]\+ +Stopped +sleep 4000$R" "^Z stops the job"
	stopped "4000$R" || fail_note "after ^Z, sleep 4000$R is in state $(state_of "4000$R") (want T or t)"
	type_line 'bg'
	expect_out "^\[1\]\+ sleep 4000$R &" "bg resumes the job"
	type_line 'jobs'
	expect_out "^\[1\]\+ +Running +sleep 4000$R &" "jobs shows it running"
	wait_until running "4000$R" ||
	    fail_note "after bg, sleep 4000$R is in state $(state_of "4000$R") (want S or R)"
	type_line 'fg'
	expect_out "^sleep 4000$R$" "fg names the job"
	wait_until in_foreground "4000$R" ||
	    fail_note "after fg, sleep 4000$R is not the foreground group"
	wait_until running "4000$R" ||
	    fail_note "after fg, sleep 4000$R is in state $(state_of "4000$R") (want S or R)"
	printf '\003' >&"$FIFO_FD"
	type_line 'echo "ST=$?"'
	expect_out '^ST=130$' "^C ends the job with status 130"
	end_session 0
	verdict
}
