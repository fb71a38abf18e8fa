#!/usr/bin/env bats
# A process that is not dumpable can be read by a supervisor only with
# CAP_SYS_PTRACE.  Without it (an unprivileged instproc), mult keeps every
# process dumpable: PR_SET_DUMPABLE 0 is emulated, and a process that
# lost the flag at an exec or a change of credentials gets it back before
# its next trapped call.  Either way the instance sees virtual pids.

load helpers

@test "PR_SET_DUMPABLE 0: answered as set, inherited by fork, reset by exec; pids stay virtual" {
	probe dump
	check_status 0
	check before_get 1
	check set 0
	check after_get 0
	check after_stat 1
	check child_get 0
	check child_stat 2
	check exec_get 1
	check exec_stat 2
	check child_status 0
	verdict
}

@test "an execute-only image (not dumpable after exec) still sees virtual pids" {
	cp "$PROBES/probe-dump" ./dump-x
	chmod 111 ./dump-x
	inst -- sh -c './dump-x show; echo sh=$$'
	check_status 0
	check show_stat 2
	# The flag is back (nobody) or was never lost (root reads anything).
	check show_get 1
	verdict
}

@test "a non-dumpable process lists only the instance in /proc" {
	start_outside
	inst -- sh -c "sleep 100 & exec $PROBES/probe-dump list"
	check_status 0
	check set 0
	local got
	got=$(printf '%s\n' "${lines[@]}" | sed -n 's/^entry=//p' | sort -n | tr '\n' ' ')
	[ "$got" = "1 2 " ] || fail_note "entries: $got (want 1 2)"
	check_outside_untouched
	verdict
}

# The answer thread opens these for the instance (openq_held()); the
# kernel lets a process open its own whatever its dumpability, and the
# thread, not of its thread group, may be refused: then the open is
# taken back to a stop, where the process opens it itself.
@test "a non-dumpable process reads its own environ, auxv, maps and cmdline" {
	local f n
	probe dump own
	check_status 0
	check set 0
	for f in environ auxv maps cmdline; do
		n=$(kv "own_$f") || n=missing
		[[ $n =~ ^[1-9][0-9]*$ ]] || fail_note "own_$f=$n (want a byte count)"
	done
	verdict
}
