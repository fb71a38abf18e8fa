#!/usr/bin/env bats
# Scheduling, priorities, limits, kcmp, capabilities and cpu clocks work
# on virtual pids, and fail with ESRCH on outside ones.

load helpers

@test "probe-sched: calls on our own virtual pid, 0 and our tid succeed and agree" {
	probe sched
	check_status 0
	check_nonneg affinity
	check_same affinity affinity_0
	check_same affinity affinity_tid
	check_same getscheduler getscheduler_0
	check_nonneg getscheduler
	check getparam 0
	check getattr 0
	check rr_interval 0
	check_nonneg prio_process
	check_same prio_process prio_process_0
	check_same prio_pgrp_0 prio_process_0
	check_same prio_pgrp prio_process_0
	check_nonneg prio_user
	check_nonneg ioprio
	check prlimit_nofile 0
	check get_robust_list 0
	check capget 0
	check getpgid 1
	# The session leader is outside the instance, hence invisible.
	check getsid 0
	check cpuclock 0
	check cpuclock_gettime 0
	check cpuclock_raw_gettime 0
	check cpuclock_raw_getres 0
	check setpriority 0
	check_same prio_pgrp_child prio_process_0
	check setpriority_pgrp_child 0
	check kcmp_file 0
	check get_robust_list_0 0
	check capget_0 0
	check clock_getres_process 0
	verdict
}

@test "probe-sched: every call on an outside pid or group fails as for a nonexistent one" {
	start_outside
	probe sched "$OUT" "$OPG"
	check_status 0
	for k in affinity getscheduler getparam getattr rr_interval \
	    prio_process ioprio prlimit_nofile get_robust_list capget \
	    getpgid getsid cpuclock setpriority setaffinity kcmp \
	    process_vm_readv move_pages migrate_pages perf pidfd_open \
	    prio_pgrp setpriority_pgrp; do
		check "${k}_outside" -ESRCH
	done
	# A cpu clock id naming a nonexistent process is EINVAL natively.
	check cpuclock_raw_gettime_outside -EINVAL
	check cpuclock_raw_getres_outside -EINVAL
	check_absent cpuclock_gettime_outside
	check_outside_untouched
	verdict
}
