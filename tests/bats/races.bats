#!/usr/bin/env bats
# A sibling thread rewriting a memory argument between one of our pids
# and an outside one (or a /proc path between ours and the outside
# process's), while the call is in flight, never makes the call reach
# the outside process (time-of-check/time-of-use).

load helpers

N=2000

# race WHAT [OPTION...]: run probe-race WHAT OUT N inside (instproc given
# the options) and check its verdict.
race() {
	local what=$1
	shift
	start_outside
	SECONDS=0
	# Races need the threads to run at once: not all on one CPU.
	inst -p any "$@" -- "$PROBES/probe-race" "$what" "$OUT" "$N"
	echo "probe-race $what: ${SECONDS}s" >&2
	check_status 0
	check tries "$N"
	check outside_effect 0
	local s e p o
	s=$(kv successes) e=$(kv esrch) p=$(kv eperm) o=$(kv other)
	if [ -n "$s" ] && [ $((s + e + p + o)) -ne "$N" ]; then
		fail_note "successes+esrch+eperm+other=$((s + e + p + o)) (want $N)"
	fi
	check_outside_untouched
}

@test "capget: a racing header pid never reads the outside process's capabilities" {
	race capget
	check distinguishable 1
	verdict
}

@test "F_SETOWN_EX: a racing owner pid never makes the outside process the owner" {
	race ownerex
	verdict
}

@test "SCM_CREDENTIALS: a racing credential pid never reaches the receiver" {
	race scmcreds
	verdict
}

@test "open: a racing /proc path never opens the outside process's entry" {
	race procopen
	verdict
}

@test "clone3: racing flags never yield an untraced child" {
	start_outside
	probe race clone3 "$OUT" "$N"
	if [ "$status" -eq 77 ]; then
		# clone3 failing with ENOSYS inside is an allowed design choice
		# (libc falls back to clone), but only if the kernel has it.
		capture "$PROBES/probe-race" clone3 "$OUT" 1
		[ "$status" -ne 77 ] || skip "clone3 is not supported by this kernel"
		check_status 0
		verdict
		return
	fi
	check_status 0
	check tries "$N"
	check parent_traced 0 1
	check untraced_children 0
	check outside_effect 0
	check_outside_untouched
	verdict
}

@test "stat, statx, access: a racing /proc path never finds the outside process" {
	N=10000
	race procstat
	verdict
}

@test "stat, statx, readlink, access: a link swapped to the outside process never finds it" {
	N=10000
	race procswap
	verdict
}

# The walk goes through a directory of ours; the kernel's open must not
# follow the link swapped in after it (openat2 RESOLVE_NO_SYMLINKS), and
# no thread may read an outside entry in the moment before a check
# closes it.  Natively about 1 open in 2 reads the outsider's cmdline.
@test "openswap: a directory swapped for a link to an outside pid never opens it, not even for a moment" {
	race openswap
	check window 0
	verdict
}

# The open is relative: the kernel's walk must not depend on a working
# directory a sibling thread switches to /proc after the supervisor's.
@test "cwdswap: a working directory switched to /proc never opens an outside entry" {
	race cwdswap
	check window 0
	verdict
}

# The queries: the kernel must not read the path again after the walk.
@test "prefixswap: a path whose first bytes flip to /proc never stats an outside pid" {
	race prefixswap
	verdict
}

# With other rights than the supervisor's, the kernel answers the query:
# on the string the supervisor walked, not on the instance's memory.
@test "prefixswap under -u nobody (the kernel answers): never an outside pid" {
	[ "$(id -u)" -eq 0 ] || skip "-u needs a root caller (MULT_USER=$MULT_USER)"
	race prefixswap -u nobody
	verdict
}

# An empty path (AT_EMPTY_PATH: the descriptor itself) must not be left
# to the kernel to read again: by then it may be "/proc/OUT".
@test "emptyswap: an empty path flipping to /proc/OUT never stats an outside pid" {
	race emptyswap
	verdict
}

@test "emptyswap under -u nobody (the kernel answers): never an outside pid" {
	[ "$(id -u)" -eq 0 ] || skip "-u needs a root caller (MULT_USER=$MULT_USER)"
	race emptyswap -u nobody
	verdict
}
