#!/usr/bin/env bats
# A call naming a process outside the instance fails exactly as if that
# process did not exist (ESRCH; ECHILD for waits; the native error for a
# nonexistent process group), never EPERM, and has no effect on it.
#
# OUT is a process of the same user as the instance, outside it, in its
# own session (pgid OPG = sid = OUT), recording every signal it gets.

load helpers

setup() {
	mult_setup
	start_outside
}

# sysout EXPECTED NAME ARGS...: probe-sys NAME ARGS inside, ret=EXPECTED.
sysout() {
	local want=$1
	shift
	sys "$@"
	if [ "$status" -ne 0 ]; then
		fail_note "probe-sys $* exited $status: $output $stderr"
	else
		check ret "$want"
	fi
}

@test "kill, tkill and tgkill of an outside pid fail with ESRCH" {
	sysout -ESRCH kill "$OUT" 0
	sysout -ESRCH kill "$OUT" 10
	sysout -ESRCH tkill "$OUT" 0
	sysout -ESRCH tgkill "$OUT" "$OUT" 0
	sysout -ESRCH kill "-$OPG" 0
	sysout -ESRCH pidfd_kill "$OUT" 0
	sysout -ESRCH rt_sigqueueinfo "$OUT" 0
	sysout -ESRCH rt_tgsigqueueinfo "$OUT" "$OUT" 0
	check_outside_untouched
	verdict
}

@test "getpgid and getsid of an outside pid fail with ESRCH" {
	sysout -ESRCH getpgid "$OUT"
	sysout -ESRCH getsid "$OUT"
	verdict
}

@test "setpgid into an outside process group fails with EPERM as for a nonexistent group" {
	sysout -EPERM setpgid 0 "$OPG"
	verdict
}

@test "setpgid of an outside pid fails with ESRCH" {
	sysout -ESRCH setpgid "$OUT" 0
	sysout -ESRCH setpgid "$OUT" "$OUT"
	check_outside_untouched
	verdict
}

@test "scheduling calls on an outside pid fail with ESRCH" {
	sysout -ESRCH sched_getaffinity "$OUT"
	sysout -ESRCH sched_setaffinity "$OUT"
	sysout -ESRCH sched_getscheduler "$OUT"
	sysout -ESRCH sched_getparam "$OUT"
	sysout -ESRCH sched_getattr "$OUT"
	sysout -ESRCH sched_rr_get_interval "$OUT"
	sysout -ESRCH ioprio_get 1 "$OUT"
	verdict
}

@test "getpriority of an outside pid and process group fails with ESRCH" {
	sysout -ESRCH getpriority 0 "$OUT"
	sysout -ESRCH getpriority 1 "$OPG"
	verdict
}

@test "prlimit64 of an outside pid fails with ESRCH" {
	sysout -ESRCH prlimit64 "$OUT"
	verdict
}

@test "kcmp naming an outside pid fails with ESRCH" {
	sysout -ESRCH kcmp "$OUT" 1 0 0 0
	sysout -ESRCH kcmp 1 "$OUT" 0 0 0
	verdict
}

@test "process_vm_readv, move_pages and migrate_pages of an outside pid fail with ESRCH" {
	sysout -ESRCH process_vm_readv "$OUT"
	sysout -ESRCH move_pages "$OUT"
	sysout -ESRCH migrate_pages "$OUT"
	sysout -ESRCH get_robust_list "$OUT"
	verdict
}

@test "pidfd_open of an outside pid fails with ESRCH" {
	sysout -ESRCH pidfd_open "$OUT"
	verdict
}

@test "capget of an outside pid fails with ESRCH" {
	sysout -ESRCH capget "$OUT"
	verdict
}

@test "wait4 and waitid on an outside pid fail with ECHILD" {
	# wait4(OUT, WNOHANG), waitid(P_PID, OUT, WEXITED|WNOHANG),
	# waitid(P_PGID, OPG, WEXITED|WNOHANG)
	sysout -ECHILD wait4 "$OUT" 1
	sysout -ECHILD wait4 "-$OPG" 1
	sysout -ECHILD waitid 1 "$OUT" 5
	sysout -ECHILD waitid 2 "$OPG" 5
	verdict
}

@test "ptrace attach and seize of an outside pid fail with ESRCH" {
	sysout -ESRCH ptrace 16 "$OUT"
	sysout -ESRCH ptrace 0x4206 "$OUT"
	check_outside_untouched
	verdict
}

@test "the ancestors of the instance are outside it: calls naming them fail with ESRCH" {
	# $$ is this test's shell, an ancestor of instproc.
	sysout -ESRCH kill "$$" 0
	sysout -ESRCH getpgid "$$"
	sysout -ESRCH getsid "$$"
	sysout -ESRCH ptrace 16 "$$"
	sysout -ESRCH sched_getaffinity "$$"
	sysout -ESRCH prlimit64 "$$"
	verdict
}

@test "the supervisor (instproc itself) cannot be named from inside" {
	local d=$BATS_TEST_TMPDIR pid
	chmod 755 "$d"
	# The root waits for the test to tell it instproc's real pid.
	timeout -k 5 "$MULT_TIMEOUT" "$INSTPROC" -- sh -c '
		i=0
		while [ ! -s "$0/sup" ] && [ $i -lt 1000 ]; do
			sleep 0.01; i=$((i + 1))
		done
		p=$(cat "$0/sup")
		for c in "kill $p 0" "getpgid $p" "getsid $p" "ptrace 16 $p" \
		    "capget $p" "pidfd_open $p" "process_vm_readv $p"; do
			set -- $c
			echo "$1=$("$PROBES/probe-sys" "$@" | sed -n "s/^ret=//p")"
		done
	' "$d" >"$d/out" 2>"$d/err" </dev/null &
	pid=$!
	cleanup_pid "$pid"
	echo "$pid" >"$d/sup.tmp"
	mv "$d/sup.tmp" "$d/sup"
	status=0
	wait "$pid" || status=$?
	forget_pid "$pid"
	output=$(cat "$d/out")
	mapfile -t lines <"$d/out"
	check_status 0
	check kill -ESRCH
	check getpgid -ESRCH
	check getsid -ESRCH
	check ptrace -ESRCH
	check capget -ESRCH
	check pidfd_open -ESRCH
	check process_vm_readv -ESRCH
	verdict
}

@test "calls through the i386 ABI naming an outside pid fail as for a nonexistent one" {
	sysout -ESRCH -32 kill "$OUT" 0
	sysout -ESRCH -32 tkill "$OUT" 0
	sysout -ESRCH -32 tgkill "$OUT" "$OUT" 0
	sysout -ESRCH -32 getpgid "$OUT"
	sysout -ESRCH -32 getsid "$OUT"
	sysout -EPERM -32 setpgid 0 "$OPG"
	sysout -ESRCH -32 kill "-$OPG" 0
	check_outside_untouched
	verdict
}

@test "kill(-1) from pid 1 alone in its instance reaches nobody and fails with ESRCH" {
	# SIGWINCH: harmless to any process should it escape.
	sysout -ESRCH kill -1 28
	check_outside_untouched
	verdict
}

@test "kill(-1) reaches the other processes of the instance but not the outside one" {
	local d=$BATS_TEST_TMPDIR
	chmod 755 "$d"
	# pid 1 (sh) starts a recorder (pid 2) that traps WINCH, waits until
	# it is ready, then probe-sys (pid 3) sends WINCH to -1, which (as in a
	# PID namespace) skips pid 1 and the sender.
	inst -- sh -c '
		sh -c "trap \"echo WINCH >> $0/inner\" WINCH; echo ready > $0/ready; i=0; while [ ! -s $0/inner ] && [ \$i -lt 1000 ]; do sleep 0.01; i=\$((i + 1)); done" &
		i=0
		while [ ! -s "$0/ready" ] && [ $i -lt 1000 ]; do
			sleep 0.01; i=$((i + 1))
		done
		"$PROBES/probe-sys" kill -1 28
		wait
		echo "inner=$(cat "$0/inner" 2>/dev/null)"
	' "$d"
	check_status 0
	check ret 0
	check inner WINCH
	check_outside_untouched
	verdict
}

@test "every *_outside key of the probes fails as for a nonexistent pid and the outsider receives nothing" {
	local l k v want
	for p in wait signal sched owner sock timer; do
		probe "$p" "$OUT" "$OPG"
		[ "$status" -eq 0 ] || fail_note "probe-$p exited $status"
		for l in "${lines[@]}"; do
			k=${l%%=*}
			v=${l#*=}
			case $k in
			*_outside*) ;;
			*) continue ;;
			esac
			case $p:$k in
			wait:wait*_outside*) want=-ECHILD ;;
			sched:cpuclock_raw_*_outside) want=-EINVAL ;;
			timer:timer_outside) want=-EINVAL ;;
			owner:getown_after_outside | owner:getownex_* | \
			    owner:get_fioown_outside* | owner:get_siocpgrp_outside*)
				continue ;;	# read-backs: see owners.bats
			*) want=-ESRCH ;;
			esac
			[ "$v" = "$want" ] || fail_note "probe-$p: $k=$v (want $want)"
		done
	done
	check_outside_untouched
	verdict
}
