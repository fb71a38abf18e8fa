#!/usr/bin/env bats
# The getters (getpid, gettid, getppid, getpgrp, getpgid, getsid) are
# answered through the seccomp listener by the supervisor's answer
# thread, with no ptrace stop; instproc -N answers them at ptrace stops
# instead.  Both must give the same virtual ids.

load helpers

# pathq_dir: a directory for probe-pathq (f, l -> f, d/f with d 0700,
# a FIFO p), in /tmp for another user to reach; teardown removes it.
pathq_dir() {
	Q=$(mktemp -d /tmp/mult-pathq.XXXXXX) && mkdir "$Q/d" &&
	    echo hello >"$Q/f" && ln -s f "$Q/l" && echo x >"$Q/d/f" &&
	    mkfifo "$Q/p" && chmod 755 "$Q" && chmod 644 "$Q/f" &&
	    chmod 700 "$Q/d"
}

teardown() {
	[ -z "${Q:-}" ] || rm -rf "$Q"
	mult_teardown
}

# native_run CMD...: run CMD natively (probe-pathq, maybe under setpriv);
# its output in $native.
native_run() {
	capture "$@"
	check_status 0
	native=$output
}

# same_as_native [KEY...]: $output is $native but for rounds= and
# signals_seen=, which follow the options the two runs were given, and
# the KEYs.
same_as_native() {
	local k drop='^(rounds|signals_seen'
	for k in "$@"; do drop="$drop|$k"; done
	drop="$drop)="
	[ "$(printf '%s\n' "${lines[@]}" | grep -Ev "$drop")" = \
	    "$(printf '%s\n' "$native" | grep -Ev "$drop")" ] ||
	    fail_note "answers differ from native: '$(echo $output)' against '$(echo $native)'"
}

# tb_count: from instproc -v's last lines, set TB (queries taken back).
tb_count() {
	local l re='^instproc: ([0-9]+) queries taken back, '
	TB=
	for l in "${stderr_lines[@]}"; do
		[[ $l =~ $re ]] && TB=${BASH_REMATCH[1]}
	done
	[ -n "$TB" ] || fail_note "no 'N queries taken back' line on stderr"
}

# tb_baseline ARGS...: inst -v -- ARGS, which must exit 0; TB0 is how
# many queries it took back, for tb_unchanged after the same run with
# more opens.
tb_baseline() {
	inst -v -- "$@"
	check_status 0
	tb_count
	TB0=$TB
}

# tb_unchanged WHAT: the last inst -v took back as many queries as
# tb_baseline's run, though it made WHAT more.
tb_unchanged() {
	tb_count
	[ "${TB:-x}" = "${TB0:-y}" ] ||
	    fail_note "$TB queries taken back with $1, $TB0 without (want as many)"
}

@test "getters from 8 threads are answered by notifications, not ptrace stops, and are right" {
	inst -v -- "$PROBES/probe-getters" 8 500
	check_status 0
	check threads 8
	check bad 0
	check bad_children 0
	calls=$(kv calls) || calls=0
	[ "$calls" -ge 24000 ] || fail_note "calls=$calls (want >= 8 x 500 x 6)"
	stops_notifs
	[ "${NOTIFS:-0}" -ge "$calls" ] || fail_note "$NOTIFS notifications for $calls getter calls (want at least as many)"
	[ "${STOPS:-0}" -lt "$calls" ] || fail_note "$STOPS ptrace stops for $calls getter calls (want fewer: the getters take none)"
	verdict
}

@test "-N: the same getters at ptrace stops, no notification, the same answers" {
	inst -N -v -- "$PROBES/probe-getters" 4 200
	check_status 0
	check bad 0
	check bad_children 0
	calls=$(kv calls) || calls=0
	stops_notifs
	[ "${NOTIFS:-x}" = 0 ] || fail_note "$NOTIFS notifications under -N (want 0)"
	[ "${STOPS:-0}" -ge "$calls" ] || fail_note "$STOPS ptrace stops for $calls getter calls under -N (want at least as many)"
	verdict
}

@test "-N: probe-ids gives the ids it gives through the listener" {
	inst -- "$PROBES/probe-ids"
	check_status 0
	a=$output
	inst -N -- "$PROBES/probe-ids"
	check_status 0
	[ "$output" = "$a" ] || fail_note "probe-ids differs under -N: '$(echo $output)' against '$(echo $a)'"
	check pid 1
	check ppid 0
	check child_pid 2
	verdict
}

@test "i386 getters (int \$0x80) are answered through the listener and under -N" {
	inst -- "$PROBES/probe-getters" 1 1
	[ "$(kv i386)" = 1 ] || skip "this kernel does not run i386 system calls (no IA32 emulation)"
	for f in "" -N; do
		inst $f -- "$PROBES/probe-sys" -32 getpid
		check ret 1
		inst $f -- "$PROBES/probe-sys" -32 getppid
		check ret 0
		inst $f -- "$PROBES/probe-sys" -32 gettid
		check ret 1
	done
	verdict
}

@test "a forged getppid(MAGIC0, MAGIC1) is refused with ENOSYS, not answered with an id" {
	# The supervisor's own getppid(0x6d756c74, 0x73637231) installs a
	# descriptor through the listener; an instance task must not get one.
	inst -- "$PROBES/probe-getters" 1 1
	check_status 0
	check forged -ENOSYS
	verdict
}

# The kernel's part of handing a call the listener cannot answer back to
# ptrace (notify.c's take-back): run natively, no instance.
@test "kernel: a tracer takes a task back from an unanswered notification (SIGSTOP, PTRACE_INTERRUPT) and the call restarts into TRACE" {
	for how in sigstop interrupt; do
		capture "$PROBES/probe-takeback" "$how"
		[ "$status" -ne 77 ] || skip "$(kv skip)"
		check_status 0
		if [ "$how" = sigstop ]; then
			check stop 19
			check ours 1
		else
			check stop 128
		fi
		check stop_rax -512
		check stop_nr 110
		check id_valid -ENOENT
		check restart 7
		check restart_a0 57005
		check result_ok 1
	done
	verdict
}

@test "path queries (stat, readlink, access, statx, faccessat2, i386) and opens for reading are answered by notifications, as natively" {
	pathq_dir
	native_run "$PROBES/probe-pathq" 200 "$Q"
	inst -v -- "$PROBES/probe-pathq" 200 "$Q"
	check_status 0
	check bad 0
	same_as_native
	stops_notifs
	tb_count
	# Taken back: the FIFO and /dev/null (once), and where the kernel
	# runs i386 calls the open without O_LARGEFILE (each round).
	want=2
	[ "$(kv i386)" != 1 ] || want=$((2 + 201))
	[ "${NOTIFS:-0}" -ge 4000 ] || fail_note "$NOTIFS notifications for 201 rounds of 25 to 29 queries and opens (want at least 4000)"
	[ "${TB:-x}" = "$want" ] || fail_note "$TB queries taken back (want $want: the caller has our rights)"
	[ "${STOPS:-0}" -lt $((100 + 6 * want)) ] || fail_note "$STOPS ptrace stops (want fewer than $((100 + 6 * want)): 5 for each taken back, none for the others)"
	verdict
}

@test "-N: path queries at ptrace stops, no notification, the same answers" {
	pathq_dir
	native_run "$PROBES/probe-pathq" 20 "$Q"
	inst -N -v -- "$PROBES/probe-pathq" 20 "$Q"
	check_status 0
	check bad 0
	same_as_native
	stops_notifs
	[ "${NOTIFS:-x}" = 0 ] || fail_note "$NOTIFS notifications under -N (want 0)"
	verdict
}

@test "a signal without SA_RESTART every 50 us never cuts a notified query or getter short (no EINTR)" {
	pathq_dir
	native_run "$PROBES/probe-pathq" 20 "$Q"
	inst -- "$PROBES/probe-pathq" -s 50 300 "$Q"
	check_status 0
	check bad 0
	check signals_seen 1
	check getpid_same 1
	same_as_native
	verdict
}

@test "a task that dropped to other ids: its queries answered with its rights taken on, as natively" {
	[ "$MULT_USER" = root ] || skip "needs a root caller to run a task as another user"
	pathq_dir
	native_run setpriv --reuid=65534 --regid=65534 --clear-groups "$PROBES/probe-pathq" 20 "$Q"
	check access_d -EACCES
	check stat_d_f -EACCES
	inst -v -- setpriv --reuid=65534 --regid=65534 --clear-groups "$PROBES/probe-pathq" 20 "$Q"
	check_status 0
	check bad 0
	same_as_native
	stops_notifs
	tb_count
	[ "${NOTIFS:-0}" -ge 400 ] || fail_note "$NOTIFS notifications for 21 rounds of 25 to 29 queries and opens (want at least 400)"
	# Taken back: /proc/self/exe and /proc/self/fd/0 (procfs is left
	# to a stop with rights taken on) and the i386 open without
	# O_LARGEFILE, 3 a round, the FIFO, /dev/null and the loader's
	# stats and opens at start-up (14 here); none of the others (d/f's
	# walk meets EACCES: answered).
	[ "${TB:-x}" -le 79 ] || fail_note "$TB queries taken back (want at most 3 x 21 + 16)"
	verdict
}

@test "a task whose rights cannot be taken on (real uid 0, effective 65534): queries taken back to ptrace stops, as natively, under a signal every 50 us" {
	[ "$MULT_USER" = root ] || skip "needs a root caller to run a task as another user"
	pathq_dir
	native_run setpriv --euid=65534 --egid=65534 --clear-groups "$PROBES/probe-pathq" 20 "$Q"
	check access_d 0
	check stat_d_f -EACCES
	inst -v -- setpriv --euid=65534 --egid=65534 --clear-groups "$PROBES/probe-pathq" -s 50 20 "$Q"
	check_status 0
	check bad 0
	same_as_native
	tb_count
	[ "${TB:-0}" -ge 400 ] || fail_note "$TB queries taken back for 21 rounds of 25 to 29 (want at least 400)"
	verdict
}

@test "a task that dropped its ids without exec (undumpable) reaches its own /proc entries, as natively" {
	[ "$MULT_USER" = root ] || skip "needs a root caller to drop to another user"
	pathq_dir
	native_run "$PROBES/probe-pathq" -u 5 "$Q"
	check proc_self_exe 1
	check proc_self_fd0 0
	inst -- "$PROBES/probe-pathq" -u 5 "$Q"
	check_status 0
	check bad 0
	same_as_native
	verdict
}

@test "opens of /proc files served as snapshots are answered by the listener: no take-back, no stop, virtual ids" {
	# The same script with no loop and with 120 opens of stat and
	# status: the opens add no take-back and no stop (a new image's
	# first calls may be taken back, for its scratch: as many in both).
	local script='i=0; while [ $i -lt $N ]; do read l </proc/self/stat; read l </proc/$$/status; i=$((i + 1)); done; read a b c d r </proc/self/stat; echo "$a $c $d"; grep -E "^(Pid|PPid|State):" /proc/self/status; sh -c "read a b c d r </proc/\$PPID/stat; echo \$a \$c \$d"'
	tb_baseline sh -c "${script//\$N/0}"
	stops_notifs
	local stops0=$STOPS
	inst -v -- sh -c "${script//\$N/60}"
	check_status 0
	[ "${lines[0]:-}" = "1 R 0" ] || fail_note "own stat: '${lines[0]:-}' (want '1 R 0')"
	printf '%s\n' "${lines[@]}" | grep -qx 'Pid:	2' || fail_note "status Pid is not 2"
	printf '%s\n' "${lines[@]}" | grep -qx 'PPid:	1' || fail_note "status PPid is not 1"
	printf '%s\n' "${lines[@]}" | grep -qx 'State:	R (running)' || fail_note "status State is not R: the reader's own"
	[ "${lines[-1]:-}" = "1 S 0" ] || fail_note "parent's stat from a child: '${lines[-1]:-}' (want '1 S 0')"
	tb_unchanged "120 opens more"
	stops_notifs
	[ $((${STOPS:-999} - ${stops0:-0})) -lt 60 ] || fail_note "$STOPS ptrace stops with 120 more opens of /proc, $stops0 without (want fewer than 60 more: a take-back costs 3)"
	verdict
}

@test "opens of an instance process's cmdline, environ, maps, comm and a missing entry are answered by the listener: no take-back, contents as natively" {
	# ps reads cmdline, environ and ctty (which this kernel lacks) of
	# every process: the answer thread opens them itself, where mem (an
	# open that asks to attach) stays taken back.  $1 rounds of 5 opens,
	# then the contents.
	local sc=$BATS_TEST_TMPDIR/held.sh
	cat >"$sc" <<'SH'
i=0
while [ $i -lt $1 ]; do
	read l </proc/$$/cmdline; read l </proc/$$/environ
	read l </proc/$$/comm; read l </proc/self/maps
	(: </proc/$$/ctty) 2>/dev/null
	i=$((i + 1))
done
tr '\0' ' ' </proc/$$/cmdline; echo
cat /proc/$$/comm
sh -c 'tr "\0" " " </proc/$PPID/cmdline; echo'
echo env=$(tr '\0' '\n' </proc/$$/environ | grep -c '^MULTV=here$')
(: </proc/$$/ctty) 2>/dev/null; echo ctty=$?
echo maps=$(grep -c '\[stack\]' /proc/self/maps)
SH
	MULTV=here tb_baseline sh "$sc" 0
	MULTV=here inst -v -- sh "$sc" 40
	check_status 0
	[ "${lines[0]:-}" = "sh $sc 40 " ] || fail_note "own cmdline: '${lines[0]:-}'"
	[ "${lines[1]:-}" = sh ] || fail_note "comm: '${lines[1]:-}' (want sh)"
	[ "${lines[2]:-}" = "sh $sc 40 " ] || fail_note "parent's cmdline from a child: '${lines[2]:-}'"
	check env 1
	check ctty 2
	check maps 1
	tb_unchanged "200 opens more"
	verdict
}

@test "opens of /proc/uptime, /proc/meminfo and /proc/sys/kernel/pid_max are answered by the listener: no take-back" {
	local sc=$BATS_TEST_TMPDIR/global.sh
	cat >"$sc" <<'SH'
i=0
while [ $i -lt $1 ]; do
	read l </proc/uptime; read l </proc/meminfo
	read l </proc/sys/kernel/pid_max
	i=$((i + 1))
done
echo pid_max=$(cat /proc/sys/kernel/pid_max)
SH
	tb_baseline sh "$sc" 0
	inst -v -- sh "$sc" 40
	check_status 0
	check pid_max "$(cat /proc/sys/kernel/pid_max)"
	tb_unchanged "120 opens more"
	verdict
}

# The answer thread is in the supervisor's namespaces: what /proc/sys
# looks up in the opener's at the open (the network sysctls) stays taken
# back, and what a file decides at each read (uptime, in the reader's
# time namespace) is the caller's.
@test "a new network namespace's ip_forward and a new time namespace's uptime, read from /proc, are the caller's" {
	[ "$MULT_USER" = root ] || skip "unshare -n and -T need a root caller"
	local f=/proc/sys/net/ipv4/ip_forward
	inst -- unshare -n sh -c "v=\$(cat $f); echo \$((1 - v)) >$f; echo flipped=\$((\$(cat $f) != v))"
	check_status 0
	check flipped 1
	inst -- unshare -T --boottime 1000000 sh -c 'read u r </proc/uptime; echo up=${u%.*}'
	check_status 0
	local up
	up=$(kv up) || up=0
	[ "$up" -ge 1000000 ] || fail_note "uptime $up in a time namespace 1000000 s ahead"
	verdict
}

@test "a call taken back to a stop leaves its signal mask as it was: /proc/self/mem opened first thing in a new image, and in a child forked after" {
	# An open of mem is taken back (the answer thread may attach where
	# the caller may not); in a new image the stop maps scratch first, an injected
	# step after which the call runs again from its start: the mask
	# blocked for the take-back must come back then, not stay blocked
	# for good (it would outlive the exec below).
	capture sh -c 'exec grep SigBlk /proc/self/status'
	native=$output
	inst -- sh -c 'exec sh -c ": </proc/self/mem; exec grep SigBlk /proc/self/status"'
	check_status 0
	[ "$output" = "$native" ] || fail_note "new image: '$output' (want '$native')"
	inst -- sh -c ': </proc/self/mem; sh -c "exec grep SigBlk /proc/self/status"'
	check_status 0
	[ "$output" = "$native" ] || fail_note "child forked after: '$output' (want '$native')"
	verdict
}

@test "a device opened first thing in a new image is taken back once, not again after each step that maps scratch" {
	# The open of /dev/null is taken back (a device's open acts); the
	# stop maps scratch first, in injected steps after which the call
	# runs again from its start.  Armed again (its path TB_MAGIC), it
	# comes back to the stop, not to the listener, which took it back
	# once for each step before: 4 times.
	inst -v -- sh -c 'exec sh -c ": </dev/null"'
	check_status 0
	tb_count
	[ "${TB:-x}" = 1 ] || fail_note "$TB queries taken back (want 1)"
	inst -v -- sh -c ': </dev/null; sh -c ": </dev/null"'
	check_status 0
	tb_count
	[ "${TB:-x}" = 2 ] || fail_note "$TB queries taken back in two images (want 2)"
	verdict
}

# A task killed while its call waits to be taken back: the notification
# is gone when the tracing thread comes to it.  That failure is the
# take-back's own (the call never runs), not the tracing thread's: it
# once leaked into wait4's errno and ended the supervisor (exit 123,
# "tracing the instance: No such file or directory").
@test "tasks killed (SIGKILL) while their opens are taken back: the supervisor goes on, 300 of 300" {
	inst -v -- sh -c 'i=0
		while [ $i -lt 300 ]; do
			( while :; do : </proc/self/mem; done ) & p=$!
			kill -KILL $p; wait $p 2>/dev/null
			i=$((i + 1))
		done
		echo rounds=$i'
	check_status 0
	check rounds 300
	tb_count
	[ -z "$TB" ] || [ "$TB" -ge 100 ] ||
	    fail_note "$TB queries taken back (want 100 or more: the race needs them)"
	verdict
}

# answer_threads PLACEMENT: start instproc -p PLACEMENT on a sleep, and
# set NT to its number of threads but the first (the tracing thread) and
# CPUS to their Cpus_allowed_list, sorted, space-separated; the instance
# ends.
answer_threads() {
	local d=$BATS_TEST_TMPDIR pid t
	rm -f "$d/ready"
	"$INSTPROC" -p "$1" -- sh -c ": >'$d/ready'; exec sleep 60" \
	    </dev/null >/dev/null 2>&1 &
	pid=$!
	cleanup_pid "$pid"
	wait_until test -e "$d/ready" || fail_note "-p $1: the instance did not start"
	NT=0 CPUS=
	for t in /proc/"$pid"/task/*; do
		[ "${t##*/}" != "$pid" ] || continue
		NT=$((NT + 1))
		CPUS="$CPUS$(awk '/^Cpus_allowed_list:/ { print $2 }' "$t/status")
"
	done
	CPUS=$(printf '%s' "$CPUS" | sort -n | paste -sd ' ')
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null || true
	forget_pid "$pid"
}

@test "-p any: two answer threads, each bound to one of the first two CPUs; -p one: one, on the instance's CPU" {
	[ "$(nproc)" -ge 2 ] || skip "one CPU: -p any has one answer thread"
	local first two
	first=$(awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status)
	answer_threads any
	[ "$NT" = 2 ] || fail_note "-p any: $NT answer threads (want 2)"
	# The first two of ours ("0-3,8" is 0 1 2 3 8).
	two=$(awk -v l="$first" 'BEGIN { n = split(l, r, ","); k = 0
		for (i = 1; i <= n && k < 2; i++) {
			m = split(r[i], e, "-"); hi = m == 2 ? e[2] : e[1]
			for (c = e[1] + 0; c <= hi && k < 2; c++) { printf "%s%d", k ? " " : "", c; k++ }
		} }')
	[ "$CPUS" = "$two" ] || fail_note "-p any: answer threads on '$CPUS' (want '$two')"
	answer_threads one
	[ "$NT" = 1 ] || fail_note "-p one: $NT answer threads (want 1)"
	[[ $CPUS =~ ^[0-9]+$ ]] || fail_note "-p one: answer thread on '$CPUS' (want one CPU)"
	verdict
}

@test "-p any: getters from 8 threads and path queries and opens, answered by two threads at once, as natively" {
	inst -p any -v -- "$PROBES/probe-getters" 8 500
	check_status 0
	check threads 8
	check bad 0
	check bad_children 0
	pathq_dir
	native_run "$PROBES/probe-pathq" 200 "$Q"
	inst -p any -v -- sh -c '"$1" 200 "$2" >"$2.a" & "$1" 200 "$2" >"$2.b"; wait $!; cat "$2.a"' sh "$PROBES/probe-pathq" "$Q"
	check_status 0
	check bad 0
	same_as_native
	inst -p any -- cat "$Q.b"
	check_status 0
	check bad 0
	same_as_native
	rm -f "$Q.a" "$Q.b"
	verdict
}

# confine_dir: a directory for probe-confine (a/f and b/f, l a link to
# this shell's /proc entry: outside any instance), in /tmp for another
# user to reach; teardown removes it.
confine_dir() {
	Q=$(mktemp -d /tmp/mult-confine.XXXXXX) && mkdir "$Q/a" "$Q/b" &&
	    echo a >"$Q/a/f" && echo b >"$Q/b/f" &&
	    ln -s "/proc/$$/status" "$Q/l" && chmod -R a+rX "$Q"
}

# Landlock narrows a process's rights without changing its ids; at
# 4e5ec85 the answer thread opened b/f with the supervisor's rights for
# the process, its threads, children and new image (open_b, openat_b,
# thread_after_open_b, child_open_b and exec_open_b were 0).  Its
# queries, left to the kernel, are walked first all the same: a link
# into an outside process's /proc entry is not there (stat_link was 0
# for nobody, the string checks alone).
@test "a process that confines itself with Landlock stays confined: its opens, its threads', children's and new image's refused as natively" {
	confine_dir
	capture "$PROBES/probe-confine" "$Q" "$Q/l"
	[ "$status" -ne 77 ] || skip "$(kv skip)"
	check_status 0
	native=$output
	check open_b -EACCES
	check thread_before_open_b 0
	check stat_link 0
	inst -v -- "$PROBES/probe-confine" "$Q" "$Q/l"
	check_status 0
	check stat_link -ENOENT
	same_as_native stat_link
	inst -N -- "$PROBES/probe-confine" "$Q" "$Q/l"
	check_status 0
	check stat_link -ENOENT
	same_as_native stat_link
	verdict
}

# A process writes /proc/self/attr/current to change its LSM context
# (AppArmor's change_profile, SELinux's setcon): from then on its opens
# are taken back to the kernel; reading the file changes nothing.
@test "a process that opens its LSM attribute file for writing has its opens left to the kernel, one that reads it not" {
	confine_dir
	capture "$PROBES/probe-confine" -w "$Q/a/f" 1
	[ "$(kv attr_open)" = 0 ] || skip "/proc/self/attr/current cannot be opened for writing here ($(kv attr_open))"
	inst -v -- "$PROBES/probe-confine" -w "$Q/a/f" 50
	check_status 0
	check opened 50
	tb_count
	[ "${TB:-0}" -ge 50 ] || fail_note "$TB queries taken back after the write (want at least 50: every open)"
	inst -v -- "$PROBES/probe-confine" -r "$Q/a/f" 50
	check_status 0
	check opened 50
	tb_count
	[ "${TB:-x}" -le 1 ] || fail_note "$TB queries taken back after a read (want at most 1: the attribute file's own open)"
	verdict
}
