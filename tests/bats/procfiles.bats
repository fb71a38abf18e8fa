#!/usr/bin/env bats
# /proc files whose contents carry pids, beyond stat and status: inside
# an instance they show only virtual, instance-visible ids, as in a
# fresh PID namespace with its own procfs (children, sched, loadavg,
# ns_last_pid, locks, fdinfo of a pidfd, net/netlink), whichever way
# they are opened.

load helpers

# Field N (0-based) of line L of the output.
field() {
	local f
	read -r -a f <<<"${lines[$1]:-}"
	printf '%s\n' "${f[$2]:-}"
}

@test "task/T/children lists a thread's children by virtual pid" {
	inst -- sh -c 'sleep 100 & sleep 100 & exec cat /proc/self/task/1/children /proc/thread-self/children'
	check_status 0
	[ "${lines[0]:-}" = "2 3 2 3 " ] ||
		fail_note "children: '${lines[0]:-}' (want '2 3 ' twice)"
	verdict
}

@test "sched's first line names the virtual pid" {
	[ -r /proc/self/sched ] || skip "no /proc/PID/sched on this kernel (CONFIG_SCHED_DEBUG)"
	inst -- sh -c 'sleep 100 & head -n1 /proc/$!/sched; exec head -n1 /proc/self/task/1/sched'
	check_status 0
	[ "${lines[0]:-}" = "sleep (2, #threads: 1)" ] ||
		fail_note "sched of sleep: '${lines[0]:-}' (want 'sleep (2, #threads: 1)')"
	[ "${lines[1]:-}" = "head (1, #threads: 1)" ] ||
		fail_note "sched of pid 1: '${lines[1]:-}' (want 'head (1, #threads: 1)')"
	verdict
}

@test "loadavg counts the instance's tasks and ends with its last pid" {
	start_outside
	inst -- sh -c 'sleep 100 & sleep 100 & exec cat /proc/loadavg'
	check_status 0
	[[ $(field 0 3) =~ ^[123]/3$ ]] ||
		fail_note "running/total: '$(field 0 3)' (want at most 3 of 3)"
	[ "$(field 0 4)" = 3 ] || fail_note "last pid: '$(field 0 4)' (want 3)"
	check_outside_untouched
	verdict
}

@test "ns_last_pid reads the instance's last pid and cannot be written" {
	inst -- sh -c 'sleep 100 & cat /proc/sys/kernel/ns_last_pid; echo 500 >/proc/sys/kernel/ns_last_pid; echo write=$?; sleep 0 & echo next=$!'
	check_status 0
	[ "${lines[0]:-}" = 3 ] || fail_note "ns_last_pid: '${lines[0]:-}' (want 3: sleep 2, cat 3)"
	[ "${lines[1]:-}" = write=2 ] || fail_note "the write: ${lines[1]:-} (want write=2)"
	printf '%s\n' "${stderr_lines[@]}" | grep -q "Operation not permitted" ||
		fail_note "no EPERM reported: $stderr"
	[ "${lines[2]:-}" = next=4 ] || fail_note "next pid: ${lines[2]:-} (want next=4)"
	verdict
}

@test "/proc/locks shows the instance's locks by virtual pid and no outside lock" {
	flock "$BATS_TEST_TMPDIR/outside.lock" sleep 1000 </dev/null >/dev/null 2>&1 &
	local ol=$!
	disown "$ol"
	cleanup_pid "$ol"
	wait_until grep -q "WRITE $ol " /proc/locks || fail_note "the outside lock never showed natively"
	# pid 2 (flock) holds the lock; pid 1 polls until it shows.
	inst -- sh -c 'flock "$1" sleep 100 & i=0; until grep -q FLOCK /proc/locks || [ $i -ge 500 ]; do sleep 0.02; i=$((i + 1)); done; exec cat /proc/locks' sh "$BATS_TEST_TMPDIR/inside.lock"
	check_status 0
	[ "${#lines[@]}" -eq 1 ] || fail_note "want exactly one lock, got: ${lines[*]}"
	[[ ${lines[0]:-} =~ ^[0-9]+:\ FLOCK\ \ ADVISORY\ \ WRITE\ 2\  ]] ||
		fail_note "the instance's lock: '${lines[0]:-}' (want FLOCK ... WRITE 2)"
	printf '%s\n' "${lines[@]}" | grep -q " $ol " && fail_note "the outside lock's pid $ol is shown"
	verdict
}

@test "fdinfo of a pidfd names the virtual pid, and -1 once it is reaped" {
	probe procfd
	check_status 0
	local k want
	for want in child_pid=2 fdinfo_pid=2 fdinfo_nspid=2 nspid_n=1 gone_pid=-1; do
		k=${want%%=*}
		[ "$(kv "$k")" = "${want#*=}" ] || fail_note "$k=$(kv "$k") (want $want)"
	done
	verdict
}

@test "/proc/net/netlink lists no socket by a pid-derived port" {
	command -v ip >/dev/null || skip "no ip(8) to hold an outside netlink socket"
	ip monitor link </dev/null >/dev/null 2>&1 &
	local im=$!
	disown "$im"
	cleanup_pid "$im"
	wait_until awk -v p="$im" 'NR > 1 && $3 == p { f = 1 } END { exit !f }' /proc/net/netlink ||
		fail_note "the outside socket (port $im) never showed natively"
	probe procfd
	check_status 0
	[ "$(kv nl_listed)" = 1 ] || fail_note "the instance's own socket is not listed"
	[ "$(kv nl_pidports)" = 0 ] || fail_note "$(kv nl_pidports) lines with a pid-derived port"
	local port
	port=$(kv nl_port)
	[ "${port:-0}" -ge 2147483648 ] || fail_note "the instance's port $port is not in [INT32_MIN, -4097]"
	verdict
}

# The supervisor walks the link itself (h_path.c) and serves what it
# names; a reopen through /proc/self/fd of a served file reopens the
# snapshot.
@test "a symbolic link or a reopen through /proc/self/fd never yields the real file" {
	ln -s /proc/loadavg "$BATS_TEST_TMPDIR/la"
	ln -s /proc/sys/kernel/ns_last_pid "$BATS_TEST_TMPDIR/nl"
	inst -- sh -c 'cat "$1/la"; echo link=$?; cat "$1/nl"; echo nslink=$?; echo 9 >"$1/nl"; echo nswrite=$?; exec 3</proc/loadavg; exec cat /proc/self/fd/3' sh "$BATS_TEST_TMPDIR"
	check_status 0
	local k
	for k in link=0 nslink=0 nswrite=2; do
		printf '%s\n' "${lines[@]}" | grep -qx "$k" || fail_note "want $k: ${lines[*]}"
	done
	# sh is 1; cat (2) read loadavg through the link, cat (3) ns_last_pid.
	# (running is the host's, capped at the total: not asserted)
	[ "$(field 0 3 | cut -d/ -f2) $(field 0 4)" = "2 2" ] ||
		fail_note "loadavg through a link: '${lines[0]:-}' (want N/2 2 at the end)"
	[ "${lines[2]:-}" = 3 ] || fail_note "ns_last_pid through a link: '${lines[2]:-}' (want 3)"
	printf '%s\n' "${stderr_lines[@]}" | grep -q "Operation not permitted" ||
		fail_note "no EPERM reported for the write: $stderr"
	# Opened by pid 1 alone, after the two cats.
	[ "$(field 5 3) $(field 5 4)" = "1/1 3" ] ||
		fail_note "loadavg through /proc/self/fd/3: '${lines[5]:-}' (want 1/1 3 at the end)"
	verdict
}

@test "/proc/sysvipc/shm and msg show creators and senders by virtual pid, outside ones as 0" {
	local out_id
	out_id=$(ipcmk -M 4096 | awk '{ print $NF }')
	# shellcheck disable=SC2016
	inst -- sh -c 'id=$(ipcmk -M 4096 | awk "{ print \$NF }")
	    q=$(ipcmk -Q | awk "{ print \$NF }")
	    awk -v a="$id" -v b="$1" "\$2 == a { print \"own\", \$5, \$6 } \$2 == b { print \"out\", \$5, \$6 }" /proc/sysvipc/shm
	    awk -v q="$q" "\$2 == q { print \"msg\", \$6, \$7 }" /proc/sysvipc/msg
	    ipcrm -m "$id" -q "$q"' sh "$out_id"
	ipcrm -m "$out_id"
	check_status 0
	local want
	# sh is 1; the segment's creator, ipcmk, is 2 or 3 (after the
	# subshell of $(...)), and has exited: the kernel keeps its pid.
	printf '%s\n' "${lines[@]}" | grep -Eqx "own [23] 0" ||
		fail_note "want 'own 2|3 0': ${lines[*]}"
	for want in "out 0 0" "msg 0 0"; do
		printf '%s\n' "${lines[@]}" | grep -qx "$want" ||
			fail_note "want '$want': ${lines[*]}"
	done
	verdict
}
