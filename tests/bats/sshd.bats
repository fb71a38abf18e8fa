#!/usr/bin/env bats
# The demo mult exists for: sshd run as pid 1 of an instance, on a
# loopback port, with host and user keys made here.  A user who logs in
# sees sshd and its descendants only, from pid 1; the host still sees
# every process; logging out leaves nothing behind; ending the root ends
# every session.
#
# As root the login is root's, by key.  As nobody, whose login shell is
# nologin, sessions run no command: the listing is made by sshd's own
# internal-sftp, and ssh -N holds a session open.

load helpers

setup() {
	mult_setup
	if [ ! -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null ||
	    ! command -v sftp >/dev/null; then
		skip "openssh-server and openssh-client are not installed (scripts/deps installs them)"
	fi
	start_outside
	start_sshd
}

teardown() {
	mult_teardown
}

# ssh_opts: the client's options; no configuration, no known hosts.
SSHOPTS=(-F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no
    -o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null
    -o IdentitiesOnly=yes -o LogLevel=ERROR -o ConnectTimeout=20)

# Keys, a configuration and sshd under instproc on a free loopback port.
# Sets PORT, IPID (instproc), SPID (sshd's real pid, the instance's 1).
start_sshd() {
	local d=$BATS_TEST_TMPDIR try pam=no why=
	ssh-keygen -q -t ed25519 -N '' -f "$d/host_key" || return 1
	ssh-keygen -q -t ed25519 -N '' -f "$d/user_key" || return 1
	cp "$d/user_key.pub" "$d/authorized_keys"
	if [ "$(id -u)" -eq 0 ]; then
		# The privilege separation directory (systemd makes it).
		mkdir -p /run/sshd
	else
		# Without PAM, sshd as nobody refuses nobody's locked account.
		pam=yes
	fi
	for try in 1 2 3 4 5; do
		PORT=$((20000 + RANDOM % 30000))
		cat >"$d/sshd_config" <<-EOC
		Port $PORT
		ListenAddress 127.0.0.1
		HostKey $d/host_key
		AuthorizedKeysFile $d/authorized_keys
		PidFile none
		UsePAM $pam
		StrictModes no
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		PermitRootLogin prohibit-password
		Subsystem sftp internal-sftp
		EOC
		: >"$d/sshd.log"
		"$INSTPROC" -- /usr/sbin/sshd -D -e -f "$d/sshd_config" \
		    </dev/null >/dev/null 2>"$d/sshd.log" &
		IPID=$!
		cleanup_pid "$IPID"
		wait_until sshd_up || true
		if grep -q "Server listening" "$d/sshd.log"; then
			SPID=$(cat "/proc/$IPID/task/$IPID/children" \
			    2>/dev/null) || true
			SPID=${SPID%% *}
			[ -z "$SPID" ] || return 0
			why="$why; try $try: listening, but instproc has no child"
		else
			why="$why; try $try: not listening"
		fi
		# Under errexit: neither may end the retries.
		kill -KILL "$IPID" 2>/dev/null || true
		wait "$IPID" 2>/dev/null || true
		forget_pid "$IPID"
	done
	echo "start_sshd: sshd did not start${why}; the last log:" >&2
	cat "$d/sshd.log" >&2
	return 1
}

sshd_up() {
	grep -q "Server listening" "$BATS_TEST_TMPDIR/sshd.log" ||
	    ! kill -0 "$IPID" 2>/dev/null
}

# remote ARGS...: ssh to the instance as the test's user.
remote() {
	HOME=$BATS_TEST_TMPDIR capture timeout 30 ssh "${SSHOPTS[@]}" \
	    -i "$BATS_TEST_TMPDIR/user_key" -p "$PORT" "$(id -un)@127.0.0.1" "$@"
}

# The real pids of the instance: sshd and every descendant.
instance_pids() {
	local todo=("$SPID") p out=()
	while [ "${#todo[@]}" -gt 0 ]; do
		p=${todo[0]}
		todo=("${todo[@]:1}")
		out+=("$p")
		# shellcheck disable=SC2207
		todo+=($(cat /proc/"$p"/task/*/children 2>/dev/null))
	done
	echo "${out[@]}"
}

only_root_left() {
	[ "$(instance_pids)" = "$SPID" ]
}

@test "sshd demo: ssh ... ps ax lists sshd as pid 1 and its descendants only" {
	[ "$(id -u)" -eq 0 ] ||
		skip "nobody's login shell is nologin, which runs no command (the sftp test covers nobody)"
	remote ps -eo pid=,ppid=,comm=
	check_status 0
	local pid ppid comm n=0 seen=" " bad=
	declare -A parent
	while read -r pid ppid comm; do
		n=$((n + 1))
		parent[$pid]=$ppid
		seen="$seen$pid "
		case $comm in
		sshd | ps) ;;
		*) bad="$bad $pid:$comm" ;;
		esac
	done <<<"$output"
	[ -z "$bad" ] || fail_note "processes other than sshd and ps:$bad"
	[ "${parent[1]:-x}" = 0 ] || fail_note "pid 1 missing or its parent is ${parent[1]:-none} (want 0)"
	printf '%s\n' "${lines[@]}" | grep -Eq '^ *1 +0 +sshd$' || fail_note "pid 1 is not sshd"
	for pid in "${!parent[@]}"; do
		# Up the chain to 1, within the listing.
		ppid=$pid
		while [ "$ppid" != 1 ] && [ -n "${parent[$ppid]:-}" ]; do
			ppid=${parent[$ppid]}
		done
		[ "$ppid" = 1 ] || fail_note "pid $pid does not descend from 1"
	done
	[ "$n" -ge 3 ] && [ "$n" -le 5 ] || fail_note "$n processes listed (want sshd, its session, ps)"
	[[ $seen == *" $OUT "* ]] && fail_note "the outside pid $OUT is listed"
	remote ps ax
	check_status 0
	[[ ${lines[1]:-} =~ ^\ +1\ .*sshd ]] || fail_note "ps ax: first process: ${lines[1]:-} (want pid 1 sshd)"
	# The host still sees the outside process and sshd, by real pid.
	ps -p "$OUT" -o pid= >/dev/null || fail_note "host ps does not show $OUT"
	[ "$(ps -p "$SPID" -o comm=)" = sshd ] || fail_note "host ps does not show sshd as $SPID"
	check_outside_untouched
	verdict
}

@test "sshd demo: sftp's listing of /proc is the instance's, sshd at 1" {
	printf '%s\n' "ls -1 /proc" "get /proc/1/cmdline cmdline" \
	    "get /proc/self/stat stat" >"$BATS_TEST_TMPDIR/batch"
	HOME=$BATS_TEST_TMPDIR capture timeout 30 sftp "${SSHOPTS[@]}" \
	    -i "$BATS_TEST_TMPDIR/user_key" -P "$PORT" \
	    -b "$BATS_TEST_TMPDIR/batch" "$(id -un)@127.0.0.1"
	check_status 0
	local l n=()
	for l in "${lines[@]}"; do
		[[ $l =~ ^/proc/([0-9]+)$ ]] && n+=("${BASH_REMATCH[1]}")
	done
	[ "${n[0]:-}" = 1 ] || fail_note "first /proc entry: ${n[0]:-none} (want 1)"
	[ "${#n[@]}" -ge 2 ] && [ "${#n[@]}" -le 6 ] || fail_note "${#n[@]} pids in /proc: ${n[*]} (want sshd's few)"
	for l in "${n[@]}"; do
		[ "$l" != "$OUT" ] || fail_note "the outside pid $OUT is in /proc"
	done
	# sshd rewrites its argv: "sshd: /usr/sbin/sshd -D ... [listener] ...".
	tr '\0' ' ' <"$BATS_TEST_TMPDIR/cmdline" | grep -q '^sshd: /usr/sbin/sshd -D' ||
		fail_note "/proc/1/cmdline: $(tr '\0' ' ' <"$BATS_TEST_TMPDIR/cmdline")"
	local f
	read -r -a f <"$BATS_TEST_TMPDIR/stat"
	[ "${f[1]:-}" = "(sshd)" ] && [ "${f[0]:-0}" -gt 1 ] &&
	    [[ " ${n[*]} " == *" ${f[0]} "* ]] ||
		fail_note "the session's /proc/self/stat: ${f[*]:0:5}"
	check_outside_untouched
	verdict
}

@test "sshd demo: logging out leaves no process behind" {
	remote 'echo $$'
	if [ "$(id -u)" -eq 0 ]; then
		check_status 0
		[[ ${lines[0]:-} =~ ^[0-9]+$ ]] && [ "${lines[0]}" -gt 1 ] ||
			fail_note "the login shell's pid: ${lines[0]:-none} (want > 1)"
	else
		# nologin ran instead of the command, and the session ended.
		check_status 1
	fi
	wait_until only_root_left || fail_note "left behind: $(instance_pids)"
	kill -0 "$IPID" || fail_note "instproc is gone"
	check_outside_untouched
	verdict
}

@test "sshd demo: ending pid 1 ends every session" {
	HOME=$BATS_TEST_TMPDIR timeout 60 ssh "${SSHOPTS[@]}" -N \
	    -i "$BATS_TEST_TMPDIR/user_key" -p "$PORT" "$(id -un)@127.0.0.1" \
	    </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/client.err" &
	local client=$! pids p
	cleanup_pid "$client"
	# The session's processes: the listener has children.
	wait_until has_session ||
		fail_note "no session appeared: $(cat "$BATS_TEST_TMPDIR/client.err")"
	pids=$(instance_pids)
	kill -TERM "$SPID"
	status=0
	wait "$IPID" || status=$?
	forget_pid "$IPID"
	# sshd exits 0 on SIGTERM (log "Received signal 15; terminating."),
	# and instproc with the status of its root.
	[ "$status" -eq 0 ] || fail_note "instproc exited $status (want sshd's 0)"
	status=0
	wait "$client" || status=$?
	forget_pid "$client"
	[ "$status" -eq 255 ] || fail_note "the ssh client exited $status (want 255: connection closed)"
	# shellcheck disable=SC2086
	wait_until all_gone $pids || fail_note "still running: $(alive $pids)"
	check_outside_untouched
	verdict
}

has_session() {
	[ -n "$(cat /proc/"$SPID"/task/*/children 2>/dev/null)" ]
}

# The pids given that still run (not gone, not zombies).
alive() {
	local p st out=
	for p in "$@"; do
		st=$(proc_stat_field "$p" 3 2>/dev/null) || continue
		[ "$st" = Z ] || out="$out $p"
	done
	echo "${out# }"
}

all_gone() {
	[ -z "$(alive "$@")" ]
}
