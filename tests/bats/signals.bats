#!/usr/bin/env bats
# The sender pid seen by the receiver of a signal is virtual, whatever
# the delivery path; signals to outside processes fail with ESRCH.

load helpers

@test "probe-signal: si_pid is virtual for kill, sigqueue, tgkill and pidfd_send_signal" {
	probe signal
	check_status 0
	check pid 1
	check kill_self 0
	check kill_self_si_pid 1
	check kill_self_si_code 0
	check sigqueue_self 0
	check sigqueue_self_si_pid 1
	check sigqueue_self_si_code -1
	check sigqueue_self_value 42
	check tgkill_self 0
	check tgkill_self_si_pid 1
	check tgkill_self_si_code -6
	check kill_zero 0
	# kill(-getpgrp()) is kill(-1) for pid 1 of group 1: alone in its
	# instance, pid 1 has nobody to signal (ESRCH, as in a PID namespace).
	check kill_pgrp -ESRCH
	if ! kv pidfd >/dev/null; then
		check pidfd_open_self 0
		check pidfd_send_self 0
		check pidfd_send_self_si_pid 1
		check pidfd_send_self_si_code 0
	fi
	verdict
}

@test "probe-signal: sigtimedwait reports the sending child's virtual pid" {
	probe signal
	check_status 0
	check sigtimedwait 12
	check sigtimedwait_child 2
	check sigtimedwait_si_pid 2
	check match_sigtimedwait_si_pid 1
	verdict
}

@test "probe-signal: signalfd reports the sending child's virtual pid" {
	probe signal
	check_status 0
	check signalfd_child 3
	check signalfd_ssi_pid 3
	check match_signalfd_ssi_pid 1
	verdict
}

@test "probe-signal: all match_* keys are 1" {
	probe signal
	check_status 0
	check_all_match
	verdict
}

@test "probe-signal: every way of signalling an outside pid or group fails with ESRCH and delivers nothing" {
	start_outside
	probe signal "$OUT" "$OPG"
	check_status 0
	check kill_outside -ESRCH
	check tkill_outside -ESRCH
	check tgkill_outside -ESRCH
	check rt_sigqueueinfo_outside -ESRCH
	check rt_tgsigqueueinfo_outside -ESRCH
	check pidfd_open_outside -ESRCH
	check_absent pidfd_send_outside
	check kill_outside_sigcont -ESRCH
	check killpg_outside -ESRCH
	check_outside_untouched
	verdict
}

@test "probe-fan: kill(-1) from pid 1 reaches every child while their SIGCHLDs interrupt it" {
	probe fan 10 20
	check_status 0
	check rounds 10
	check reaped 200
	check kill_errors 0
	check handler_bad_pid 0
	verdict
}
