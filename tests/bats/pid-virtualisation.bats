#!/usr/bin/env bats
# Inside an instance every pid, tid, pgid and sid is virtual: the root is
# 1 (its parent 0), then 2, 3, ... in creation order.

load helpers

@test "the command runs as pid 1" {
	inst -- sh -c 'echo $$'
	check_status 0
	[ "$output" = 1 ] || fail_note "sh printed \$\$='$output' (want 1)"
	verdict
}

@test "the parent of pid 1 is 0" {
	sys getppid
	check_status 0
	check ret 0
	verdict
}

@test "probe-ids: own ids, fork, setpgid and setsid are consistent and virtual" {
	probe ids
	check_status 0
	check_all_match
	check pid 1
	check tid 1
	check ppid 0
	check pgrp 1
	# The session leader is outside the instance: invisible, hence 0,
	# as in a PID namespace.
	check sid 0
	check getpgid0 1
	check getsid0 0
	check getpgid_self 1
	check getsid_self 0
	check fork_ret 2
	check child_pid 2
	check child_ppid 1
	check child_pgrp 1
	check child_setpgid 0
	check child_pgrp_after 2
	check child_setsid -EPERM
	check parent_getpgid_child 2
	check wait_ret 2
	check wait_status 0
	check getpgid_reaped -ESRCH
	check fork2_ret 3
	check child2_setsid 3
	check child2_sid 3
	check child2_pgrp 3
	check wait2_ret 3
	verdict
}

@test "descendants get pids 2, 3, 4 in creation order" {
	inst -- sh -c 'echo $$; sh -c "echo \$\$"; sh -c "echo \$\$"; sh -c "echo \$\$"; echo end'
	check_status 0
	[ "$(echo $output)" = "1 2 3 4 end" ] || fail_note "pids printed: '$(echo $output)' (want 1 2 3 4 end)"
	verdict
}

@test "an orphan is reparented to pid 1" {
	local d=$BATS_TEST_TMPDIR
	# pid 1 runs B (pid 2) in the foreground.  B starts C (pid 3), which
	# records its parent as seen at start ($PPID), then blocks on a fifo;
	# B exits.  Once B is reaped, pid 1 opens the fifo and C execs
	# probe-sys getppid, in the same process, now an orphan.
	mkfifo "$d/go"
	cat >"$d/b.sh" <<-'EOF'
		sh -c 'echo "$PPID" > "$D/first"; read x < "$D/go"; exec "$PROBES/probe-sys" getppid > "$D/second"' &
		i=0
		while [ ! -s "$D/first" ] && [ $i -lt 1000 ]; do
			sleep 0.01; i=$((i + 1))
		done
		exit 0
	EOF
	cat >"$d/a.sh" <<-'EOF'
		sh "$D/b.sh"
		echo go > "$D/go"
		i=0
		while ! grep -q '^ret=' "$D/second" 2>/dev/null && [ $i -lt 1000 ]; do
			sleep 0.01; i=$((i + 1))
		done
		echo "first=$(cat "$D/first")"
		sed 's/^ret=/second=/' "$D/second"
	EOF
	chmod 755 "$d"
	chmod 644 "$d"/*.sh
	chmod 666 "$d/go"
	inst -- env D="$d" PROBES="$PROBES" sh "$d/a.sh"
	check_status 0
	check first 2
	check second 1
	verdict
}

# Pids of live processes whose command line is exactly "sleep MARKER".
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

@test "when pid 1 exits, every other process of the instance is killed" {
	local d=$BATS_TEST_TMPDIR m1 m2 m3 left=
	m1=1000$RANDOM$RANDOM
	m2=2000$RANDOM$RANDOM
	m3=3000$RANDOM$RANDOM
	chmod 755 "$d"
	# A child, an orphaned grandchild, and a grandchild in a session of
	# its own; pid 1 exits as soon as all three have started.
	inst -- sh -c '
		sh -c "echo x > $0/s1; exec sleep $1" &
		(sh -c "echo x > $0/s2; exec sleep $2" &)
		(setsid sh -c "echo x > $0/s3; exec sleep $3" &)
		i=0
		while [ $i -lt 1000 ]; do
			[ -s $0/s1 ] && [ -s $0/s2 ] && [ -s $0/s3 ] && break
			sleep 0.01; i=$((i + 1))
		done
		echo started
		exit 0
	' "$d" "$m1" "$m2" "$m3"
	check_status 0
	[ "$output" = started ] || fail_note "stdout '$output' (want started)"
	# A PID namespace kills the rest before its init is reaped; allow
	# the kernel a moment to finish SIGKILLed tasks.
	wait_until -n 100 test -z "$(marked "$m1")$(marked "$m2")$(marked "$m3")" || true
	for m in "$m1" "$m2" "$m3"; do
		for p in $(marked "$m"); do
			left="$left $p(sleep $m)"
			cleanup_pid "$p"
		done
	done
	[ -z "$left" ] || fail_note "still running after pid 1 exited:$left"
	verdict
}

@test "getpid through the i386 ABI (int 0x80) returns 1" {
	sys -32 getpid
	check_status 0
	check ret 1
	sys -32 gettid
	check ret 1
	sys -32 getppid
	check ret 0
	sys -32 getpgrp
	check ret 1
	sys -32 set_tid_address 0
	check ret 1
	verdict
}

# The kernel clears a thread's tid word (set_tid_address) at its end
# only if it was given the address: mult keeps the address of a caller
# alone in its address space and gives it at the first thread (without
# that, get_tid_address, cleared_pthread_create, cleared_clone and
# join_main fail), or when a vfork child leaves it a process sharing
# its space (without that, cleared_vfork_clone and cleared_vfork_clone3
# fail, and do one run in three if the injection is not tried again
# after a signal cuts it short), and lets a caller that shares its space make the call (kept
# instead, cleared_set_after fails).  A case that fails says 1 after 5 s.
@test "probe-tidaddr: set_tid_address answers the virtual tid and its word is cleared" {
	probe tidaddr
	check_status 0
	check settid_is_gettid 1
	check settid_ret 1
	check get_tid_address 1
	check cleared_pthread_create 0
	check cleared_clone 0
	check cleared_set_after 0
	check join_main 0
	check cleared_vfork_clone 0
	check cleared_vfork_clone3 0
	sys set_tid_address 0
	check ret 1
	verdict
}

@test "probe-threads: tids are virtual for the kernel, glibc and futexes" {
	probe threads
	check_status 0
	check_all_match
	check pid 1
	check main_tid 1
	check thread_tid 2
	check thread_getpid 1
	check tkill_thread0 0
	check tgkill_thread 0
	check handler_tid_tgkill 2
	check pthread_kill 0
	check handler_tid_pthread_kill 2
	check glibc_tid 2
	check thread_cpuclock_gettime 0
	# A PI lock the kernel cannot resolve correctly must fail cleanly.
	check pi_futex_contended -ETIMEDOUT -ENOSYS -EOPNOTSUPP
	check robust_lock -EOWNERDEAD
	check robust_pshared_lock -EOWNERDEAD
	check pi_lock 0 -EOPNOTSUPP
	if [ "$(kv pi_lock)" = 0 ]; then
		check pi_unlock 0
	else
		# glibc checks ownership first: unlocking an unowned PI mutex.
		check pi_unlock -EPERM
	fi
	# worker thread 2, locker thread 3, fork child 4, then the clones.
	check clone_ret 5
	check parent_settid 5
	check child_settid 5
	check child_gettid 5
	if ! kv pidfd >/dev/null; then
		check clone_pidfd_ret 6
		check pidfd_ok 1
		check pidfd_waitid 0
		check pidfd_waitid_si_pid 6
		check pidfd_child_gettid 6
	fi
	verdict
}

@test "exec from a second thread keeps pid 1 and gives it tid 1" {
	probe exec
	check_status 0
	check_all_match
	check before_pid 1
	check before_tid 1
	check before_ppid 0
	check before_thread_tid 2
	check from_thread 1
	check old_pid 1
	check old_tid 2
	check after_pid 1
	check after_tid 1
	check after_ppid 0
	verdict
}

@test "exec from the main thread keeps pid 1" {
	probe exec --main
	check_status 0
	check_all_match
	check from_thread 0
	check old_pid 1
	check after_pid 1
	check after_tid 1
	check after_ppid 0
	verdict
}
