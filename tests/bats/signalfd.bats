#!/usr/bin/env bats
# Records read from a signalfd carry virtual sender pids, however the
# signalfd is read (read, readv, preadv2, the i386 ABI) and however the
# reader came by it (signalfd, dup, fork, exec, SCM_RIGHTS, pidfd_getfd);
# other reads are unaffected.  Each case of probe-sigfd runs in a fresh
# instance: the probe is pid 1 and its children 2, 3, ... in order.

load helpers

@test "probe-sigfd: SIGCHLD read from a signalfd names the child, before and after it is reaped" {
	probe sigfd chld
	check_status 0
	check chld_child 2
	check chld_ssi_signo 17
	check chld_ssi_pid 2
	check chld_ssi_status 7
	check chld_ssi_code 1		# CLD_EXITED
	check chld_reaped_child 3
	check chld_reaped_ssi_pid 3
	check chld_reaped_ssi_status 9
	check chld_killed_child 4
	check chld_killed_ssi_pid 4
	check chld_killed_ssi_code 2	# CLD_KILLED
	check chld_killed_ssi_status 9
	check_all_match
	verdict
}

@test "probe-sigfd: one read returns several records, each with its sender's virtual pid" {
	probe sigfd multi
	check_status 0
	# Three queued SIGRTMIN from children 2, 3 and 4, a 4-record buffer.
	check multi_rt_read 384
	check multi_rt_records 3
	check match_multi_rt_distinct_children 1
	check multi_std_read 256
	check multi_usr1_ssi_pid 5
	check multi_usr2_ssi_pid 6
	check multi_sigqueue_ssi_pid 7
	check multi_sigqueue_ssi_int 5
	check multi_sigqueue_ssi_code -1	# SI_QUEUE
	check_all_match
	verdict
}

@test "probe-sigfd: readv spreads a record over a 60 + 200 byte vector with ssi_pid virtual" {
	probe sigfd readv
	check_status 0
	check readv_child 2
	check readv 128
	check readv_ssi_signo 10
	check readv_ssi_pid 2
	check match_readv_tail_untouched 1
	# 60 + 60 bytes hold no record: EINVAL, and the record stays queued.
	check readv_small -EINVAL
	check readv_after_small 128
	check readv_after_small_ssi_pid 3
	check_all_match
	verdict
}

@test "probe-sigfd: preadv2 at offset -1 reads like readv; positioned reads fail with ESPIPE" {
	probe sigfd preadv
	check_status 0
	check pread -ESPIPE
	check preadv -ESPIPE
	check preadv2_off0 -ESPIPE
	check preadv2 128
	check preadv2_ssi_pid 2
	check preadv2_raw 128
	check preadv2_raw_ssi_pid 3
	check_all_match
	verdict
}

@test "probe-sigfd: a signalfd received with SCM_RIGHTS by a process that made none reads virtual pids" {
	probe sigfd rights
	check_status 0
	check rights_parent 1
	check rights_child 2
	check rights_recv 0
	check rights_child_read 128
	check rights_ssi_signo 10
	check rights_ssi_pid 1
	check rights_child_status 0
	# The premise: the child had no read filter of its own before recvmsg.
	check_same rights_child_filters_before rights_parent_filters_before
	check_all_match
	verdict
}

@test "probe-sigfd: dup'ed signalfds, and one read by a forked child, read virtual pids" {
	probe sigfd dup
	check_status 0
	check dup_ssi_pid 2
	check dup2_ssi_pid 3
	check dupfd_ssi_pid 4
	check dup_fork_child 5
	check dup_fork_read 128
	check dup_fork_ssi_pid 1
	check_all_match
	verdict
}

@test "probe-sigfd: reads of files, pipes and /dev/null work in a process that has a signalfd" {
	probe sigfd plain
	check_status 0
	check plain_file_read 25
	check plain_file_eof 0
	check plain_file_pread 4
	check plain_file_readv 25
	check plain_file_preadv2 20
	check plain_file_preadv2_cur 25
	check plain_pipe_read 5
	check plain_pipe_blocking_read 5
	check plain_devnull_read 0
	check plain_badfd_read -EBADF
	check_all_match
	verdict
}

@test "probe-sigfd: signalfd after giving up root without NO_NEW_PRIVS fails with ENOSYS; unprivileged instances have it" {
	command -v setpriv >/dev/null || skip "setpriv(1) from util-linux is not installed"
	if [ "$MULT_USER" = root ]; then
		# Root may have a signalfd (CAP_SYS_ADMIN).
		probe sigfd nnp
		check_status 0
		check uid 0
		check signalfd 0
		check nnp_ssi_pid 2
		inst -- setpriv --reuid=65534 --regid=65534 --clear-groups \
		    "$PROBES/probe-sigfd" nnp
		check_status 0
		check uid 65534
		check nnp 0
		check signalfd -ENOSYS
		check signalfd4 -ENOSYS
		check_absent nnp_ssi_pid
	else
		# nobody has no groups to clear, and may not call setgroups.
		inst -- setpriv --reuid=65534 --regid=65534 --keep-groups \
		    "$PROBES/probe-sigfd" nnp
		check_status 0
		check uid 65534
		check nnp 1
		check signalfd 0
		check signalfd4 0
		check nnp_child 2
		check nnp_ssi_pid 2
		check_all_match
	fi
	verdict
}

@test "probe-sigfd: a signalfd kept across execve reads virtual pids" {
	probe sigfd exec
	check_status 0
	check exec_child 2
	check exec_pid 1
	check exec_ssi_pid 2
	check_all_match
	verdict
}

@test "probe-sigfd: a thread started before the signalfd existed reads virtual pids" {
	probe sigfd thread
	check_status 0
	check thread_read 128
	check thread_ssi_pid 3		# the thread took tid 2
	check_all_match
	verdict
}

@test "probe-sigfd: a signalfd taken with pidfd_getfd reads virtual pids" {
	probe sigfd getfd
	check_status 0
	[ "$(kv getfd)" != -ENOSYS ] || skip "pidfd_getfd is not supported by this kernel"
	check getfd_child 2
	check getfd 0
	check getfd_ssi_pid 2
	check_all_match
	verdict
}

@test "probe-sigfd: read and readv of a signalfd through the i386 ABI read virtual pids" {
	[ "$(uname -m)" = x86_64 ] || skip "int \$0x80 from a 64-bit process is x86_64 only"
	probe sigfd int80
	check_status 0
	check int80_read 128
	check int80_read_ssi_pid 2
	check int80_readv 128
	check int80_readv_ssi_pid 3
	check_all_match
	verdict
}

@test "probe-sigfd: SIGCHLD records for a child that stops, continues and exits name it" {
	probe sigfd stop
	check_status 0
	check stop_child 2
	check stop_stopped_ssi_pid 2
	check stop_stopped_ssi_code 5	# CLD_STOPPED
	check stop_continued_ssi_pid 2
	check stop_continued_ssi_code 6	# CLD_CONTINUED
	check stop_exited_ssi_pid 2
	check stop_exited_ssi_code 1	# CLD_EXITED
	check_all_match
	verdict
}

@test "probe-sigfd: EAGAIN, EINVAL, EFAULT and rounding down to whole records are as without mult" {
	probe sigfd edge
	check_status 0
	check edge_eagain -EAGAIN
	check edge_read0 -EINVAL
	check edge_read100 -EINVAL
	check edge_read200 128
	check edge_read200_ssi_pid 2
	check edge_read_second 128
	check edge_read_second_ssi_pid 3
	check edge_empty -EAGAIN
	check edge_efault -EFAULT
	check_all_match
	verdict
}

@test "probe-sigfd: a record sent from outside the instance reads as sender pid 0" {
	local out=$BATS_TEST_TMPDIR/sigfd-outside.out job rp
	timeout -k 5 "$MULT_TIMEOUT" "$INSTPROC" -- "$PROBES/probe-sigfd" \
	    outside >"$out" 2>"$out.err" </dev/null &
	job=$!
	cleanup_pid "$job"
	wait_until grep -q '^ready=1$' "$out" || fail_note "the probe never got ready"
	# The probe's real pid, seen from the host: timeout's grandchild.
	rp=$(cat "/proc/$job/task/$job/children" 2>/dev/null)
	rp=$(cat "/proc/${rp% }/task/${rp% }/children" 2>/dev/null)
	rp=${rp% }
	if [[ $rp =~ ^[0-9]+$ ]]; then
		kill -USR1 "$rp" || fail_note "kill -USR1 $rp failed"
	else
		fail_note "no real pid for the probe under $job"
		kill -KILL "$job" 2>/dev/null
	fi
	status=0
	wait "$job" || status=$?
	forget_pid "$job"
	output=$(cat "$out")
	stderr=$(cat "$out.err")
	lines=()
	stderr_lines=()
	[ -z "$output" ] || mapfile -t lines <<<"$output"
	# shellcheck disable=SC2034 # verdict prints stderr_lines
	[ -z "$stderr" ] || mapfile -t stderr_lines <<<"$stderr"
	check_status 0
	check outside_ssi_signo 10
	check outside_ssi_code 0	# SI_USER
	check outside_ssi_pid 0
	check outside_done 1
	verdict
}

@test "probe-sigfd: a process that gave up root without NO_NEW_PRIVS and receives a signalfd never reads a real pid" {
	probe sigfd droprights
	check_status 0
	check droprights_child 2
	check droprights_child_uid 65534
	if [ "$MULT_USER" = root ]; then
		check droprights_child_nnp 0
	fi
	# Refusing the descriptor, or failing the read, would do too.
	if [ "$(kv droprights_read)" = 128 ]; then
		check droprights_ssi_pid 1
	fi
	check_all_match
	verdict
}

@test "probe-sigfd: a signalfd kept open into the instance with -f never reads a real pid" {
	capture timeout -k 5 "$MULT_TIMEOUT" "$PROBES/probe-sigfd" passin "$INSTPROC"
	check_status 0
	check inherited_pid 1
	check inherited_child 2
	# Failing the read would do too.
	if [ "$(kv inherited_read)" = 128 ]; then
		check inherited_ssi_signo 10
		check inherited_ssi_pid 2
	fi
	verdict
}
