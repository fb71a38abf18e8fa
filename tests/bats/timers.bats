#!/usr/bin/env bats
# Tids inside struct sigevent (timer_create with SIGEV_THREAD_ID) are
# virtual, and so is the sender pid of an mq_notify signal.

load helpers

@test "probe-timer: SIGEV_THREAD_ID aimed at our own tid (1) fires" {
	probe timer
	[ "$status" -ne 77 ] || skip "$(kv skip): not supported by this kernel"
	check_status 0
	check timer_create 0
	check timer_settime 0
	check timer_sig 10
	check timer_ok 1
	check timer_si_code -2
	verdict
}

@test "probe-timer: SIGEV_THREAD_ID aimed at a second thread (tid 2) fires in that thread" {
	probe timer
	[ "$status" -ne 77 ] || skip "$(kv skip): not supported by this kernel"
	check_status 0
	check thread_tid 2
	check timer_thread_create 0
	check timer_thread_settime 0
	check timer_thread_seen_tid 2
	check timer_thread_si_code -2
	# The thread is gone: as natively, its tid is refused.
	check timer_dead_thread -EINVAL
	verdict
}

@test "probe-timer: mq_notify's signal carries the sender's virtual pid" {
	probe timer
	[ "$status" -ne 77 ] || skip "$(kv skip): not supported by this kernel"
	check_status 0
	[ "$(kv mq)" != unsupported ] || skip "POSIX message queues are not available"
	check mq_notify 0
	check mq_sig 12
	check mq_child 3
	check mq_si_pid 3
	check mq_si_code -3
	verdict
}

@test "probe-timer: all match_* keys are 1" {
	probe timer
	[ "$status" -ne 77 ] || skip "$(kv skip): not supported by this kernel"
	check_status 0
	check_all_match
	verdict
}

@test "probe-timer: SIGEV_THREAD_ID aimed at an outside tid fails with EINVAL as natively" {
	start_outside
	probe timer "$OUT"
	[ "$status" -ne 77 ] || skip "$(kv skip): not supported by this kernel"
	check_status 0
	check timer_outside -EINVAL
	check_outside_untouched
	verdict
}
