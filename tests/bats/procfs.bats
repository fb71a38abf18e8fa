#!/usr/bin/env bats
# /proc inside an instance: its own processes only, by virtual pid, with
# the pid fields of stat and status virtual; outside processes are not
# there.  (First part: see CAVEATS for what is not covered yet.)

load helpers

# The numeric entries of a listing, sorted, on one line.
numeric() {
	local l out=()
	for l in "${lines[@]}"; do
		[[ $l =~ ^[0-9]+$ ]] && out+=("$l")
	done
	printf '%s\n' "${out[@]}" | sort -n | tr '\n' ' '
}

@test "listing /proc shows exactly the instance's processes, by virtual pid" {
	start_outside
	# pid 1 forks sleep (2) and becomes ls.
	inst -- sh -c 'sleep 100 & exec ls /proc'
	check_status 0
	[ "$(numeric)" = "1 2 " ] || fail_note "numeric entries: $(numeric) (want 1 2)"
	printf '%s\n' "${lines[@]}" | grep -qx self || fail_note "no self entry"
	printf '%s\n' "${lines[@]}" | grep -qx meminfo || fail_note "no meminfo entry"
	check_outside_untouched
	verdict
}

@test "/proc/self and /proc/thread-self resolve to the virtual ids" {
	inst -- sh -c 'readlink /proc/self; readlink /proc/thread-self; exec readlink /proc/self'
	check_status 0
	[ "${lines[0]:-}" = 2 ] || fail_note "readlink /proc/self in a child: ${lines[0]:-} (want 2)"
	[ "${lines[1]:-}" = 3/task/3 ] || fail_note "thread-self: ${lines[1]:-} (want 3/task/3)"
	[ "${lines[2]:-}" = 1 ] || fail_note "readlink /proc/self as pid 1: ${lines[2]:-} (want 1)"
	verdict
}

@test "stat and status carry virtual pid, ppid, pgrp, session and no tracer" {
	inst -- sh -c 'sleep 100 & cat /proc/$!/stat; grep -E "^(Tgid|Pid|PPid|TracerPid|NStgid|NSpid|NSpgid|NSsid):" /proc/$!/status; exec cat /proc/self/stat'
	check_status 0
	local f
	read -r -a f <<<"${lines[0]:-}"
	[ "${f[0]:-}" = 2 ] || fail_note "stat pid ${f[0]:-} (want 2)"
	[ "${f[3]:-}" = 1 ] || fail_note "stat ppid ${f[3]:-} (want 1)"
	[ "${f[4]:-}" = 1 ] || fail_note "stat pgrp ${f[4]:-} (want 1)"
	[ "${f[5]:-}" = 0 ] || fail_note "stat session ${f[5]:-} (want 0: the session is outside)"
	local want
	for want in "Tgid:	2" "Pid:	2" "PPid:	1" "TracerPid:	0" "NStgid:	2" "NSpid:	2" "NSpgid:	1" "NSsid:	0"; do
		printf '%s\n' "${lines[@]}" | grep -qxF "$want" || fail_note "status lacks '$want'"
	done
	read -r -a f <<<"${lines[-1]:-}"
	[ "${f[0]:-}" = 1 ] && [ "${f[2]:-}" = R ] && [ "${f[3]:-}" = 0 ] ||
		fail_note "pid 1's own stat: ${f[*]:0:4} (want 1 (cat) R 0)"
	verdict
}

@test "an outside process is not in /proc, by absolute or relative path" {
	start_outside
	inst -- sh -c "test -e /proc/$OUT; echo abs=\$?; cat /proc/$OUT/status; echo cat=\$?; cd /proc && test -d $OUT; echo rel=\$?; ls /proc/$OUT/task >/dev/null 2>&1; echo task=\$?"
	check_status 0
	printf '%s\n' "${lines[@]}" | grep -qx abs=1 || fail_note "test -e /proc/$OUT succeeded"
	printf '%s\n' "${lines[@]}" | grep -qx cat=1 || fail_note "cat /proc/$OUT/status succeeded"
	printf '%s\n' "${lines[@]}" | grep -qx rel=1 || fail_note "test -d $OUT in /proc succeeded"
	printf '%s\n' "${lines[@]}" | grep -qx task=2 || fail_note "ls /proc/$OUT/task did not fail"
	check_outside_untouched
	verdict
}

@test "ps ax, ps -ef, pgrep and pkill see and act on the instance only" {
	start_outside
	inst -- sh -c 'sleep 100 & ps -e -o pid=,ppid=,comm=; pgrep -x sleep; pkill -x sleep; wait $!; echo status=$?'
	check_status 0
	local ps
	ps=$(printf '%s\n' "${lines[@]:0:3}" | tr -s ' ' | sed 's/^ //' | tr '\n' ',')
	[ "$ps" = "1 0 sh,2 1 sleep,3 1 ps," ] || fail_note "ps -e: $ps (want 1 0 sh,2 1 sleep,3 1 ps)"
	[ "${lines[3]:-}" = 2 ] || fail_note "pgrep -x sleep: ${lines[3]:-} (want 2)"
	[ "${lines[4]:-}" = status=143 ] || fail_note "sleep ended with ${lines[4]:-} (want status=143, SIGTERM)"
	check_outside_untouched
	verdict
}

@test "a symbolic link to an outside process's /proc entry opens nothing" {
	start_outside
	ln -s "/proc/$OUT/status" "$BATS_TEST_TMPDIR/flink"
	ln -s "/proc/$OUT" "$BATS_TEST_TMPDIR/dlink"
	inst -- sh -c "cat '$BATS_TEST_TMPDIR/flink'; echo file=\$?; cat '$BATS_TEST_TMPDIR/dlink/cmdline'; echo dir=\$?; cd '$BATS_TEST_TMPDIR' && cat dlink/environ; echo rel=\$?"
	check_status 0
	local k
	for k in file=1 dir=1 rel=1; do
		printf '%s\n' "${lines[@]}" | grep -qx "$k" || fail_note "want $k: ${lines[*]}"
	done
	printf '%s\n' "${stderr_lines[@]}" | grep -q "No such file or directory" ||
		fail_note "no ENOENT reported: $stderr"
	check_outside_untouched
	verdict
}

@test "paths relative to a directory in /proc use virtual ids" {
	inst -- sh -c 'cd /proc/self && echo task/*; cut -d" " -f1 task/1/stat; cd task/1 && grep "^Pid:" status'
	check_status 0
	[ "${lines[0]:-}" = task/1 ] || fail_note "task/* in /proc/self: ${lines[0]:-} (want task/1)"
	[ "${lines[1]:-}" = 1 ] || fail_note "task/1/stat pid: ${lines[1]:-} (want 1)"
	[ "${lines[2]:-}" = "Pid:	1" ] || fail_note "status in task/1: ${lines[2]:-} (want Pid: 1)"
	verdict
}
