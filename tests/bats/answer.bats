#!/usr/bin/env bats
# The getters (getpid, gettid, getppid, getpgrp, getpgid, getsid) are
# answered through the seccomp listener by the supervisor's answer
# thread, with no ptrace stop; instproc -N answers them at ptrace stops
# instead.  Both must give the same virtual ids.

load helpers

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

@test "getters from 8 threads are answered by notifications, not ptrace stops, and are right" {
	inst -v -- "$PROBES/probe-getters" 8 500
	check_status 0
	check threads 8
	check bad 0
	check bad_children 0
	calls=$(kv calls) || calls=0
	[ "$calls" -ge 24000 ] || fail_note "calls=$calls (want >= 8 x 500 x 6)"
	stops_notifs
	[ "${NOTIFS:-0}" -ge "$calls" ] || fail_note "$NOTIFS notifications for $calls getter calls (want at least as many)"
	[ "${STOPS:-0}" -lt "$calls" ] || fail_note "$STOPS ptrace stops for $calls getter calls (want fewer: the getters take none)"
	verdict
}

@test "-N: the same getters at ptrace stops, no notification, the same answers" {
	inst -N -v -- "$PROBES/probe-getters" 4 200
	check_status 0
	check bad 0
	check bad_children 0
	calls=$(kv calls) || calls=0
	stops_notifs
	[ "${NOTIFS:-x}" = 0 ] || fail_note "$NOTIFS notifications under -N (want 0)"
	[ "${STOPS:-0}" -ge "$calls" ] || fail_note "$STOPS ptrace stops for $calls getter calls under -N (want at least as many)"
	verdict
}

@test "-N: probe-ids gives the ids it gives through the listener" {
	inst -- "$PROBES/probe-ids"
	check_status 0
	a=$output
	inst -N -- "$PROBES/probe-ids"
	check_status 0
	[ "$output" = "$a" ] || fail_note "probe-ids differs under -N: '$(echo $output)' against '$(echo $a)'"
	check pid 1
	check ppid 0
	check child_pid 2
	verdict
}

@test "i386 getters (int \$0x80) are answered through the listener and under -N" {
	inst -- "$PROBES/probe-getters" 1 1
	[ "$(kv i386)" = 1 ] || skip "this kernel does not run i386 system calls (no IA32 emulation)"
	for f in "" -N; do
		inst $f -- "$PROBES/probe-sys" -32 getpid
		check ret 1
		inst $f -- "$PROBES/probe-sys" -32 getppid
		check ret 0
		inst $f -- "$PROBES/probe-sys" -32 gettid
		check ret 1
	done
	verdict
}

@test "a forged getppid(MAGIC0, MAGIC1) is refused with ENOSYS, not answered with an id" {
	# The supervisor's own getppid(0x6d756c74, 0x73637231) installs a
	# descriptor through the listener; an instance task must not get one.
	inst -- "$PROBES/probe-getters" 1 1
	check_status 0
	check forged -ENOSYS
	verdict
}

# A kernel fact the listener will need to hand a call it cannot answer
# back to ptrace (see bench/README.md): run natively, no instance.
@test "kernel: a tracer takes a task back from an unanswered notification (SIGSTOP, PTRACE_INTERRUPT) and the call restarts into TRACE" {
	for how in sigstop interrupt; do
		capture "$PROBES/probe-takeback" "$how"
		[ "$status" -ne 77 ] || skip "$(kv skip)"
		check_status 0
		if [ "$how" = sigstop ]; then
			check stop 19
			check ours 1
		else
			check stop 128
		fi
		check stop_rax -512
		check stop_nr 110
		check id_valid -ENOENT
		check restart 7
		check restart_a0 57005
		check result_ok 1
	done
	verdict
}
