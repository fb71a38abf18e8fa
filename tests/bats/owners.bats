#!/usr/bin/env bats
# Pids stored in and read back from file owners (F_SETOWN, F_SETOWN_EX,
# FIOSETOWN, SIOCSPGRP), record locks (F_GETLK l_pid) and terminals
# (TIOCGPGRP, TIOCGSID) are virtual; outside owners are refused with
# ESRCH as for a nonexistent process and leave the owner unset.

load helpers

@test "probe-owner: F_SETOWN and F_GETOWN round-trip our virtual pid and group" {
	probe owner
	check_status 0
	check pid 1
	check pgrp 1
	check setown_pid 0
	check getown_pid 1
	check getown_raw_pid 1
	check setown_pgrp 0
	check getown_pgrp -1
	check getown_raw_pgrp -1
	verdict
}

@test "probe-owner: F_SETOWN_EX and F_GETOWN_EX round-trip tid, pid and group" {
	probe owner
	check_status 0
	check setownex_tid 0
	check getownex_tid 0
	check getownex_tid_type 0
	check getownex_tid_pid 1
	check setownex_pid 0
	check getownex_pid 0
	check getownex_pid_type 1
	check getownex_pid_pid 1
	check setownex_pgrp 0
	check getownex_pgrp 0
	check getownex_pgrp_type 2
	check getownex_pgrp_pid 1
	verdict
}

@test "probe-owner: FIOSETOWN and SIOCSPGRP on a socket round-trip virtual ids" {
	probe owner
	check_status 0
	check set_fioown_pid 0
	check get_fioown_pid 0
	check get_fioown_pid_val 1
	check set_siocpgrp_pid 0
	check get_siocpgrp_pid 0
	check get_siocpgrp_pid_val 1
	check set_siocpgrp_pgrp 0
	check get_siocpgrp_pgrp 0
	check get_siocpgrp_pgrp_val -1
	verdict
}

@test "probe-owner: F_GETLK and F_OFD_GETLK report the lock holder's virtual pid" {
	probe owner
	check_status 0
	check getlk 0
	check getlk_child 2
	check getlk_pid 2
	check ofd_getlk 0
	check ofd_getlk_pid 2
	check ofd_setlk 0
	check getlk_ofd_holder_pid -1
	verdict
}

@test "probe-owner: TIOCGPGRP and TIOCGSID on a new pty report the virtual session" {
	probe owner
	check_status 0
	if [ "$(kv pty)" = none ]; then
		skip "no pty available (posix_openpt failed)"
	fi
	check pty_child 4
	check pty_child_tiocgpgrp 4
	check pty_child_tiocgsid 4
	check pty_master_tiocgpgrp 0
	check pty_master_tiocgpgrp_val 4
	check pty_master_tiocgsid 0
	check pty_master_tiocgsid_val 4
	verdict
}

@test "probe-owner: all match_* keys are 1" {
	probe owner
	check_status 0
	check_all_match
	verdict
}

@test "on a controlling terminal, the foreground group is the root's (1) and the outside session reads as 0" {
	command -v script >/dev/null || skip "script(1) from util-linux is not installed"
	capture timeout -k 5 "$MULT_TIMEOUT" script -qec "$INSTPROC -- $PROBES/probe-owner" /dev/null
	output=$(tr -d '\r' <<<"$output")
	mapfile -t lines <<<"$output"
	check_status 0
	check tiocgpgrp 0
	check tiocgpgrp_val 1
	check tiocgsid 0
	check tiocgsid_val 0
	verdict
}

@test "probe-owner: outside owners are refused with ESRCH and leave no owner" {
	start_outside
	probe owner "$OUT" "$OPG"
	check_status 0
	check setown_outside -ESRCH
	check getown_after_outside 0
	check setownex_outside -ESRCH
	check getownex_outside 0
	check getownex_outside_type 1
	check getownex_outside_pid 0
	check setownex_outside_tid -ESRCH
	check getownex_outside_tid 0
	check getownex_outside_tid_type 1
	check getownex_outside_tid_pid 0
	check set_fioown_outside -ESRCH
	check get_fioown_outside 0
	check get_fioown_outside_val 0
	check set_siocpgrp_outside -ESRCH
	check get_siocpgrp_outside 0
	check get_siocpgrp_outside_val 0
	check setown_outside_pgrp -ESRCH
	check setownex_outside_pgrp -ESRCH
	check getownex_outside_pgrp 0
	check getownex_outside_pgrp_type 1
	check getownex_outside_pgrp_pid 0
	check_outside_untouched
	verdict
}
