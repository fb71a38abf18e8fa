#!/usr/bin/env bats
# Unix socket credentials (SO_PEERCRED, SCM_CREDENTIALS, SO_PEERPIDFD)
# carry virtual pids; credentials naming a process that is not in the
# instance are refused as for a nonexistent one.

load helpers

@test "probe-sock: SO_PEERCRED reports virtual pids on both sides" {
	probe sock
	check_status 0
	check pid 1
	check child_pid 2
	check peercred_pair_pid 1
	check peercred_child_pid 2
	check child_peercred_pid 1
	verdict
}

@test "probe-sock: SCM_CREDENTIALS, explicit and automatic, carry the sender's virtual pid" {
	probe sock
	check_status 0
	check recv_cred_pid 2
	check recv_autocred_pid 2
	verdict
}

@test "probe-sock: SO_PEERPIDFD yields a pidfd of the virtual peer, or is refused with ENOPROTOOPT" {
	# Refusing it (as a kernel without it would) is allowed: fail closed.
	probe sock
	check_status 0
	check peerpidfd ok -ENOPROTOOPT
	if [ "$(kv peerpidfd)" = ok ]; then
		check peerpidfd_waitid 0
		check peerpidfd_waitid_si_pid 2
	else
		check_absent peerpidfd_waitid
	fi
	verdict
}

@test "probe-sock: all match_* keys are 1 (nl_pid aside, informational)" {
	probe sock
	check_status 0
	check_all_match match_nl_pid
	verdict
}

@test "probe-sock: SCM_CREDENTIALS naming a reaped child's pid is refused as for a nonexistent one" {
	# Without an argument the probe names pid 2, its child, reaped by then.
	probe sock
	check_status 0
	if [ "$MULT_USER" = root ]; then
		check send_bad_cred -ESRCH	# CAP_SYS_ADMIN: pid looked up
	else
		check send_bad_cred -EPERM	# not our pid, no capability
	fi
	check_absent recv_bad_cred_pid
	verdict
}

@test "probe-sock: SCM_CREDENTIALS naming an outside pid is refused as for a nonexistent one" {
	start_outside
	probe sock "$OUT"
	check_status 0
	if [ "$MULT_USER" = root ]; then
		check send_bad_cred -ESRCH
	else
		check send_bad_cred -EPERM
	fi
	check_absent recv_bad_cred_pid
	check_outside_untouched
	verdict
}

@test "probe-sock: the netlink autobind port id does not reveal a real pid" {
	# Natively the kernel autobinds to the caller's pid as seen in its
	# PID namespace (here 1), or, if taken, to a negative rover value
	# (printed as an unsigned 32-bit number >= 2^31).
	probe sock
	check_status 0
	if [ "$(kv netlink)" = unsupported ]; then
		skip "NETLINK_ROUTE sockets are not available"
	fi
	local v
	v=$(kv nl_pid) || fail_note "nl_pid missing"
	if [ -n "$v" ] && [ "$v" != 1 ] && [ "$v" -lt 2147483648 ]; then
		fail_note "nl_pid=$v (want 1 or a kernel rover value >= 2147483648)"
	fi
	verdict
}
