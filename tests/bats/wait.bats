#!/usr/bin/env bats
# Every flavour of wait reports virtual pids, and waits on outside
# processes fail with ECHILD as for a process that is not a child.

load helpers

@test "probe-wait: wait4, waitid, pidfd and SIGCHLD report the child's virtual pid" {
	probe wait
	check_status 0
	check_all_match
	check fork1 2
	check fork2 3
	check fork3 4
	check wnohang_live 0
	check waitid_badopt -EINVAL
	check waitid_badopt_si_pid 0
	check getpgid_child3 4
	check wait4_pid 2
	check wait4_pid_status 11
	check waitid_pid 0
	check waitid_pid_si_pid 3
	check waitid_pid_si_status 12
	check waitid_pid_si_code 1
	check waitid_pid_tail 90
	check waitid_pgid 0
	check waitid_pgid_si_pid 4
	check waitid_all 0
	check waitid_all_si_pid 5
	check wait4_any 6
	check wait4_pgrp0 7
	check wait4_negpgid 8
	check kill_child 0
	check wait4_killed 9
	check wait4_killed_termsig 9
	if ! kv pidfd >/dev/null; then
		check pidfd_open 0
		check waitid_pidfd 0
		check waitid_pidfd_si_pid 10
	fi
	check sigchld_si_pid 11
	check wait4_sigchld 11
	check wait4_none -ECHILD
	verdict
}

@test "probe-wait: waits on an outside pid or group fail with ECHILD, pidfd_open with ESRCH" {
	start_outside
	probe wait "$OUT" "$OPG"
	check_status 0
	check_all_match
	check wait4_outside -ECHILD
	check waitid_outside -ECHILD
	check pidfd_open_outside -ESRCH
	check wait4_outside_pgid -ECHILD
	check waitid_outside_pgid -ECHILD
	check_outside_untouched
	verdict
}

@test "probe-wait -c: a process with no child gets each wait's native error, one stop a wait" {
	capture "$PROBES/probe-wait" -c 0
	check_status 0
	native=$output
	inst -v -- "$PROBES/probe-wait" -c 0
	check_status 0
	stops_notifs
	stops0=$STOPS
	inst -v -- "$PROBES/probe-wait" -c 300
	check_status 0
	check loop 300
	[ "$(printf '%s\n' "${lines[@]}" | grep -v '^loop=')" = \
	    "$(printf '%s\n' "$native" | grep -v '^loop=')" ] ||
	    fail_note "answers differ from native: '$(echo $output)' against '$(echo $native)'"
	check wait4_any -ECHILD
	check wait4_intmin -ESRCH
	check waitid_all_si_pid 0
	stops_notifs
	n=$((STOPS - stops0))
	[ "$n" -ge 300 ] && [ "$n" -le 310 ] ||
	    fail_note "$n more ptrace stops for 300 more waits (want 300: no exit stop, the result can carry no pid)"
	verdict
}

@test "probe-wait -t: a thread waits from before the other thread's first fork: every pid is a fork's" {
	probe wait -t 500
	check_status 0
	check reaped 500
	check bad 0
	check dup 0
	check wait4_after -ECHILD
	verdict
}
