#!/usr/bin/env bats
# Unix socket credentials (SO_PEERCRED, SCM_CREDENTIALS, SO_PEERPIDFD)
# carry virtual pids; credentials naming a process that is not in the
# instance are refused as for a nonexistent one; a peer outside shows pid
# 0, and no pidfd of it (SO_PEERPIDFD, SCM_PIDFD, SCM_RIGHTS) arrives.

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

# A netlink port the kernel chose in its fallback range [INT32_MIN, -4097],
# printed unsigned: 2147483648 .. 4294963199.  No pid can be there.
nl_port_ok() {
	[ -n "$1" ] && [ "$1" -ge 2147483648 ] && [ "$1" -le 4294963199 ]
}

@test "probe-sock: netlink port ids are never pids, and netlink still works" {
	probe sock
	check_status 0
	if [ "$(kv netlink)" = unsupported ]; then
		skip "NETLINK_ROUTE sockets are not available"
	fi
	local k
	# bind(nl_pid = 0), a socket autobound by its first send, and a
	# bind asking for the caller's own pid: all get ports no pid has.
	for k in nl_pid nl2_pid nl3_pid; do
		nl_port_ok "$(kv $k)" || fail_note "$k=$(kv $k): not in the fallback range"
	done
	check nl_reply_match 1
	check nl2_differs 1
	check nl3_bind_pid 0
	check nl3_groups 1
	[ "$(kv nl2_reply_pid)" = "$(kv nl2_pid)" ] ||
		fail_note "the kernel answered port $(kv nl2_reply_pid), not $(kv nl2_pid)"
	verdict
}

@test "probe-sock: a pidfd of an instance process sent in SCM_RIGHTS arrives whole and works" {
	probe sock
	check_status 0
	check own_rights 1
	check own_ctrunc 0
	check own_pidfd_signal 0
	verdict
}

# Start probe-sock serve outside any instance on a fresh abstract name:
# SRVNAME, SRV (its pid).
start_server() {
	local pidf=$BATS_TEST_TMPDIR/server.pid
	SRVNAME=mult-bats-$$-$RANDOM$RANDOM
	"$PROBES/probe-sock" serve "$SRVNAME" "$pidf" \
	    >"$BATS_TEST_TMPDIR/server.out" 2>&1 </dev/null &
	SRV=$!
	cleanup_pid "$SRV"
	wait_until test -s "$pidf" || return 1
	[ "$(cat "$pidf")" = "$SRV" ] || return 1
}

# The server has exited (a zombie until waited for).
server_gone() {
	! kill -0 "$SRV" 2>/dev/null || [ "$(proc_stat_field "$SRV" 3)" = Z ]
}

@test "a unix peer outside: SO_PEERCRED and SCM_CREDENTIALS show pid 0, and no handle on it arrives" {
	start_outside
	start_server
	probe sock client "$SRVNAME" "$SRV"
	check_status 0
	# The connected socket: credentials without the pid, no pidfd.
	check peercred_outside 0
	check msg_cred_cred 0
	check peerpidfd_outside -ENOPROTOOPT
	check passpidfd_outside -ENOPROTOOPT
	check pidfd_open_outside -ESRCH
	check msg_cred_pidfd none
	# A socket the server set to SO_PASSPIDFD and passed in: its
	# messages carry no SCM_PIDFD, its peer reads as pid 0.
	check msg_pair_rights 1
	check pair_peercred_outside 0
	check pair_peerpidfd_outside -ENOPROTOOPT
	check scm_pidfd none
	check scm_cred 0
	check_absent scm_pidfd_signal
	# A pidfd and a /proc/PID directory of the server in SCM_RIGHTS
	# are taken out (MSG_CTRUNC, as for descriptors the kernel could
	# not install) and closed.
	check rights_rights 0
	check rights_ctrunc 1
	check_absent rights_pidfd_signal
	check procdir_rights 0
	check procdir_ctrunc 1
	check_absent procdir_signal
	# Twenty in one message: every one taken out and closed.
	check many_rights 0
	check many_ctrunc 1
	check_absent many_pidfd_signal
	check pidfds_held 0
	# The server saw the client hang up and ended normally.
	wait_until server_gone ||
		fail_note "the outside server $SRV did not end"
	local st=0
	wait "$SRV" || st=$?
	forget_pid "$SRV"
	[ "$st" -eq 0 ] || fail_note "the outside server exited $st: $(cat "$BATS_TEST_TMPDIR/server.out")"
	grep -qx passpidfd=1 "$BATS_TEST_TMPDIR/server.out" ||
		fail_note "the server could not set SO_PASSPIDFD: $(cat "$BATS_TEST_TMPDIR/server.out")"
	check_outside_untouched
	verdict
}
