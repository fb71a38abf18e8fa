#!/usr/bin/env bats
# The file plane, descriptors: an instance starts with 0, 1 and 2 and the
# descriptors named with -f, nothing of its caller's or of instproc's;
# sysinfo() counts the instance's tasks only; kcmp and pidfd_getfd work
# between the instance's processes, and no descriptor of an outside
# process can be reached (see also sockets.bats and outside.bats).

load helpers

# The instance root lists its own descriptors; ls opens /proc/self/fd
# itself, as the lowest free one.
fds() {
	inst "$@" -- ls -v /proc/self/fd
}

@test "an instance starts with 0, 1 and 2 only, whatever its caller had open" {
	exec 5</dev/null 8>"$BATS_TEST_TMPDIR/x" 200</dev/null
	fds
	exec 5<&- 8>&- 200<&-
	check_status 0
	[ "${lines[*]}" = "0 1 2 3" ] ||
		fail_note "descriptors: ${lines[*]} (want 0 1 2 and ls's own 3)"
	verdict
}

@test "-f keeps exactly the descriptors it names, at their numbers" {
	exec 5</dev/null 8>"$BATS_TEST_TMPDIR/x" 200</dev/null
	fds -f 200 -f 8
	exec 5<&- 8>&- 200<&-
	check_status 0
	[ "${lines[*]}" = "0 1 2 3 8 200" ] ||
		fail_note "descriptors: ${lines[*]} (want 0 1 2 3 8 200)"
	verdict
}

@test "-f refuses a descriptor that names a process: /proc/PID and what is in it" {
	start_outside
	local fd
	for fd in "/proc/$OUT" "/proc/$OUT/fdinfo" "/proc/$OUT/status"; do
		exec 7<"$fd"
		inst -f 7 -- true
		exec 7<&-
		check_status 125
		[[ ${stderr_lines[0]:-} == "instproc: -f 7: names a process"* ]] ||
			fail_note "$fd: ${stderr_lines[0]:-no message}"
	done
	# /proc itself is no process: kept, and its entries are translated.
	exec 7</proc
	inst -f 7 -- sh -c "test -e /proc/self/fd/7/$OUT; echo \$?"
	exec 7<&-
	check_status 0
	[ "${lines[0]:-}" = 1 ] || fail_note "outside pid through a kept /proc: ${lines[0]:-} (want 1)"
	check_outside_untouched
	verdict
}

@test "sysinfo() counts the instance's tasks, not the host's" {
	sys sysinfo
	check_status 0
	check ret 0
	check procs 1
	inst -- sh -c "$PROBES/probe-sys sysinfo & wait"
	check_status 0
	check procs 2
	verdict
}

@test "kcmp(KCMP_FILE) and pidfd_getfd work between two processes of the instance" {
	probe sched
	check_status 0
	check pair_child 3
	# fd 1 is shared with the child; its /dev/null is its own.
	check kcmp_pair_same 0
	check kcmp_pair_diff 1 2
	check getfd_pair 0
	check getfd_kcmp 0
	check getfd_pair_badfd -EBADF
	# Once the child is reaped, as natively.
	check getfd_reaped -ESRCH
	check kcmp_reaped -ESRCH
	verdict
}

@test "an outside process's descriptors: pidfd_open and kcmp fail with ESRCH, nothing touches it" {
	start_outside
	sys pidfd_open "$OUT"
	check ret -ESRCH
	sys kcmp "$OUT" 1 0 0 0		# KCMP_FILE, fd 0 of each
	check ret -ESRCH
	sys kcmp 1 "$OUT" 0 0 0
	check ret -ESRCH
	sys kcmp "$OUT" "$OUT" 0 0 0
	check ret -ESRCH
	check_outside_untouched
	verdict
}

@test "with no descriptor free, a /proc snapshot open and a new image's library opens fail with EMFILE, as natively, instead of hanging" {
	# The listener cannot install the descriptor it hands over
	# (scratch, a /proc snapshot): it answers with the error, and a
	# freed descriptor makes the next open work.
	inst -- "$PROBES/probe-restart" -f /bin/true
	check_status 0
	check exec_full 127
	check stat_full -EMFILE
	check stat_free 0
	verdict
}
