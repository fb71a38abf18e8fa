#!/usr/bin/env bats
# /proc inside an instance: its own processes only, by virtual pid, with
# the pid fields of stat and status virtual; outside processes are not
# there.  (First part: see CAVEATS for what is not covered yet.)

load helpers

# The numeric entries of a listing, sorted, on one line.
numeric() {
	local l out=()
	for l in "${lines[@]}"; do
		[[ $l =~ ^[0-9]+$ ]] && out+=("$l")
	done
	printf '%s\n' "${out[@]}" | sort -n | tr '\n' ' '
}

@test "listing /proc shows exactly the instance's processes, by virtual pid" {
	start_outside
	# pid 1 forks sleep (2) and becomes ls.
	inst -- sh -c 'sleep 100 & exec ls /proc'
	check_status 0
	[ "$(numeric)" = "1 2 " ] || fail_note "numeric entries: $(numeric) (want 1 2)"
	printf '%s\n' "${lines[@]}" | grep -qx self || fail_note "no self entry"
	printf '%s\n' "${lines[@]}" | grep -qx meminfo || fail_note "no meminfo entry"
	check_outside_untouched
	verdict
}

@test "/proc lists the processes in the order of their virtual pids, pid 1 first, when the real pids wrap" {
	[ "$(id -u)" -eq 0 ] ||
	    skip "setting the host's next pid (ns_last_pid) needs root"
	# The root's real pid near pid_max, its 100 children's past the wrap
	# (from 300 up): the kernel lists /proc by real pid, a PID
	# namespace by its own.  ls -f: the directory's order, unsorted.
	echo $(($(cat /proc/sys/kernel/pid_max) - 40)) \
	    >/proc/sys/kernel/ns_last_pid || fail_note "cannot set ns_last_pid"
	inst -- sh -c 'i=0 p=
	while [ $i -lt 100 ]; do sleep 100 & p="$p $!"; i=$((i + 1)); done
	ls -f /proc | grep "^[0-9]" | tr "\n" " "; echo
	kill $p'
	check_status 0
	local order=${lines[0]:-}
	[ "${order%% *}" = 1 ] || fail_note "first process entry: ${order%% *} (want 1)"
	[ "$(printf '%s\n' $order | sort -n | tr '\n' ' ')" = "$order" ] ||
	    fail_note "process entries not in ascending order: $order"
	[ "$(printf '%s\n' $order | wc -l)" -ge 102 ] ||
	    fail_note "$(printf '%s\n' $order | wc -l) process entries (want sh, 100 sleeps and the pipeline's)"
	verdict
}

@test "/proc/self and /proc/thread-self resolve to the virtual ids" {
	inst -- sh -c 'readlink /proc/self; readlink /proc/thread-self; exec readlink /proc/self'
	check_status 0
	[ "${lines[0]:-}" = 2 ] || fail_note "readlink /proc/self in a child: ${lines[0]:-} (want 2)"
	[ "${lines[1]:-}" = 3/task/3 ] || fail_note "thread-self: ${lines[1]:-} (want 3/task/3)"
	[ "${lines[2]:-}" = 1 ] || fail_note "readlink /proc/self as pid 1: ${lines[2]:-} (want 1)"
	verdict
}

@test "stat and status carry virtual pid, ppid, pgrp, session and no tracer" {
	inst -- sh -c 'sleep 100 & cat /proc/$!/stat; grep -E "^(Tgid|Pid|PPid|TracerPid|NStgid|NSpid|NSpgid|NSsid):" /proc/$!/status; exec cat /proc/self/stat'
	check_status 0
	local f
	read -r -a f <<<"${lines[0]:-}"
	[ "${f[0]:-}" = 2 ] || fail_note "stat pid ${f[0]:-} (want 2)"
	[ "${f[3]:-}" = 1 ] || fail_note "stat ppid ${f[3]:-} (want 1)"
	[ "${f[4]:-}" = 1 ] || fail_note "stat pgrp ${f[4]:-} (want 1)"
	[ "${f[5]:-}" = 0 ] || fail_note "stat session ${f[5]:-} (want 0: the session is outside)"
	local want
	for want in "Tgid:	2" "Pid:	2" "PPid:	1" "TracerPid:	0" "NStgid:	2" "NSpid:	2" "NSpgid:	1" "NSsid:	0"; do
		printf '%s\n' "${lines[@]}" | grep -qxF "$want" || fail_note "status lacks '$want'"
	done
	read -r -a f <<<"${lines[-1]:-}"
	[ "${f[0]:-}" = 1 ] && [ "${f[2]:-}" = R ] && [ "${f[3]:-}" = 0 ] ||
		fail_note "pid 1's own stat: ${f[*]:0:4} (want 1 (cat) R 0)"
	verdict
}

@test "an outside process is not in /proc, by absolute or relative path" {
	start_outside
	inst -- sh -c "test -e /proc/$OUT; echo abs=\$?; cat /proc/$OUT/status; echo cat=\$?; cd /proc && test -d $OUT; echo rel=\$?; ls /proc/$OUT/task >/dev/null 2>&1; echo task=\$?"
	check_status 0
	printf '%s\n' "${lines[@]}" | grep -qx abs=1 || fail_note "test -e /proc/$OUT succeeded"
	printf '%s\n' "${lines[@]}" | grep -qx cat=1 || fail_note "cat /proc/$OUT/status succeeded"
	printf '%s\n' "${lines[@]}" | grep -qx rel=1 || fail_note "test -d $OUT in /proc succeeded"
	printf '%s\n' "${lines[@]}" | grep -qx task=2 || fail_note "ls /proc/$OUT/task did not fail"
	check_outside_untouched
	verdict
}

@test "ps ax, ps -ef, pgrep and pkill see and act on the instance only" {
	start_outside
	inst -- sh -c 'sleep 100 & ps -e -o pid=,ppid=,comm=; pgrep -x sleep; pkill -x sleep; wait $!; echo status=$?'
	check_status 0
	local ps
	ps=$(printf '%s\n' "${lines[@]:0:3}" | tr -s ' ' | sed 's/^ //' | tr '\n' ',')
	[ "$ps" = "1 0 sh,2 1 sleep,3 1 ps," ] || fail_note "ps -e: $ps (want 1 0 sh,2 1 sleep,3 1 ps)"
	[ "${lines[3]:-}" = 2 ] || fail_note "pgrep -x sleep: ${lines[3]:-} (want 2)"
	[ "${lines[4]:-}" = status=143 ] || fail_note "sleep ended with ${lines[4]:-} (want status=143, SIGTERM)"
	check_outside_untouched
	verdict
}

@test "a symbolic link to an outside process's /proc entry opens nothing" {
	start_outside
	ln -s "/proc/$OUT/status" "$BATS_TEST_TMPDIR/flink"
	ln -s "/proc/$OUT" "$BATS_TEST_TMPDIR/dlink"
	inst -- sh -c "cat '$BATS_TEST_TMPDIR/flink'; echo file=\$?; cat '$BATS_TEST_TMPDIR/dlink/cmdline'; echo dir=\$?; cd '$BATS_TEST_TMPDIR' && cat dlink/environ; echo rel=\$?"
	check_status 0
	local k
	for k in file=1 dir=1 rel=1; do
		printf '%s\n' "${lines[@]}" | grep -qx "$k" || fail_note "want $k: ${lines[*]}"
	done
	printf '%s\n' "${stderr_lines[@]}" | grep -q "No such file or directory" ||
		fail_note "no ENOENT reported: $stderr"
	check_outside_untouched
	verdict
}

@test "paths relative to a directory in /proc use virtual ids" {
	inst -- sh -c 'cd /proc/self && echo task/*; cut -d" " -f1 task/1/stat; cd task/1 && grep "^Pid:" status'
	check_status 0
	[ "${lines[0]:-}" = task/1 ] || fail_note "task/* in /proc/self: ${lines[0]:-} (want task/1)"
	[ "${lines[1]:-}" = 1 ] || fail_note "task/1/stat pid: ${lines[1]:-} (want 1)"
	[ "${lines[2]:-}" = "Pid:	1" ] || fail_note "status in task/1: ${lines[2]:-} (want Pid: 1)"
	verdict
}

# every_result_is WANT: every CALL=RESULT line of $output (path= lines
# aside) is CALL=WANT, and there is at least one.
every_result_is() {
	local l n=0
	for l in "${lines[@]}"; do
		[[ $l == path=* ]] && continue
		n=$((n + 1))
		[ "${l#*=}" = "$1" ] || fail_note "$l (want $1)"
	done
	[ "$n" -gt 0 ] || fail_note "no result in the output"
}

@test "no path call finds an outside process through a link, .., a descriptor or a magic link" {
	start_outside
	local t=$BATS_TEST_TMPDIR
	ln -s /proc "$t/p"
	ln -s "/proc/$OUT" "$t/o"
	ln -s "../p/$OUT" "$t/r"
	mkdir "$t/d"
	# stat, statx, access, readlink, statfs, xattrs, inotify, handles,
	# mkdir, chmod, truncate, utimensat, open, chdir, and the i386
	# stat, stat64, oldstat, access, readlink, chdir via int $0x80.
	probe path "$t/p/$OUT" "$t/p/$OUT/" "$t/o/" "$t/d/../r/status" \
	    "/proc/self/../$OUT" "/proc/1/task/../../$OUT/status" \
	    "$t/p/1/../$OUT/cwd" "$t/p/$OUT/root/" "$t/p/$OUT/../self" \
	    "/proc/$OUT/task/$OUT/../../1" "/proc/thread-self/../../../$OUT" \
	    "/proc/$OUT/status" "/proc/$OUT/cmdline" "/proc/$OUT/stat" \
	    "/proc/self/task/$OUT/stat"
	check_status 0
	every_result_is -ENOENT
	probe path -d /proc "$OUT" "$OUT/status" "./$OUT/.."
	check_status 0
	every_result_is -ENOENT
	probe path -d "$t/p" "$OUT" "1/../$OUT/exe"
	check_status 0
	every_result_is -ENOENT
	# The same for a pid that cannot exist.
	probe path "$t/p/99999999/" "$t/p/99999999/../self"
	check_status 0
	every_result_is -ENOENT
	check_outside_untouched
	verdict
}

@test "the instance's own processes are found through links, .. and magic links" {
	local t=$BATS_TEST_TMPDIR
	ln -s /proc "$t/p"
	inst -- bash -c "cat <(echo subst); readlink /proc/self/../1/cwd; cd $t/p/1/task/1 && readlink /proc/self/cwd; cd /tmp; test -d $t/p/1/task/1 && echo task=ok; stat -L -c %F /dev/fd/0 $t/p/self/fd/0; readlink /proc/1/root; grep -c . $t/p/\$\$/../1/comm; stat -c %F $t/p/99 2>&1 | grep -o 'No such file'; exec readlink $t/p/self"
	check_status 0
	[ "${lines[0]:-}" = subst ] || fail_note "process substitution: ${lines[0]:-} (want subst)"
	[ "${lines[1]:-}" = "$t" ] || fail_note "readlink /proc/self/../1/cwd: ${lines[1]:-} (want $t)"
	[ "${lines[2]:-}" = /proc/1/task/1 ] || fail_note "cwd after cd through a link: ${lines[2]:-} (want /proc/1/task/1)"
	[ "${lines[3]:-}" = task=ok ] || fail_note "task/1 through a link: ${lines[3]:-}"
	[ "${lines[4]:-}" = "character special file" ] || fail_note "stat -L /dev/fd/0: ${lines[4]:-} (want character special file)"
	[ "${lines[5]:-}" = "character special file" ] || fail_note "stat -L of fd/0 through a link: ${lines[5]:-}"
	[ "${lines[6]:-}" = / ] || fail_note "readlink /proc/1/root: ${lines[6]:-} (want /)"
	[ "${lines[7]:-}" = 1 ] || fail_note "comm of 1 through a link and ..: ${lines[7]:-} (want 1 line)"
	[ "${lines[8]:-}" = "No such file" ] || fail_note "pid 99 through a link exists: ${lines[8]:-} (want No such file)"
	[ "${lines[9]:-}" = 1 ] || fail_note "readlink of self through a link: ${lines[9]:-} (want 1)"
	verdict
}

@test "mount, open_tree, fsopen, fspick, mount_setattr, move_mount and umount2 are refused" {
	mkdir "$BATS_TEST_TMPDIR/m"
	probe path -m "$BATS_TEST_TMPDIR/m"
	check_status 0
	every_result_is -EPERM
	! grep -q " $BATS_TEST_TMPDIR/m " /proc/self/mounts || fail_note "a mount appeared on $BATS_TEST_TMPDIR/m"
	verdict
}

# cat fstat()s what it opened: newfstatat(fd, "", AT_EMPTY_PATH).
@test "the other files of a process read as on the host (comm, cmdline, fstat of them)" {
	# comm is the child's sh until it has exec'd sleep: its cmdline says when.
	inst -- sh -c 'sleep 100 & until tr "\0" " " </proc/$!/cmdline | grep -qx "sleep 100 "; do :; done; cat /proc/$!/comm; tr "\0" " " </proc/$!/cmdline; echo; exec cat /proc/self/comm'
	check_status 0
	[ "${lines[0]:-}" = sleep ] || fail_note "comm of 2: ${lines[0]:-} (want sleep)"
	[ "${lines[1]:-}" = "sleep 100 " ] || fail_note "cmdline of 2: ${lines[1]:-}"
	[ "${lines[2]:-}" = cat ] || fail_note "cat /proc/self/comm: ${lines[2]:-} (want cat)"
	verdict
}

# The supervisor walks paths itself; its answers must still be the
# caller's: root's walk must not tell nobody that /etc/shadow is readable.
@test "path queries answer with the caller's credentials (instproc -u nobody as root)" {
	[ "$(id -u)" -eq 0 ] || skip "-u needs root; as nobody, caller and supervisor have the same rights"
	mkdir -m 700 "$BATS_TEST_TMPDIR/private"
	: >"$BATS_TEST_TMPDIR/private/f"
	chmod 711 "$BATS_TEST_TMPDIR"
	inst -u nobody -- sh -c 'test -w /etc/passwd; echo w=$?; test -r /etc/shadow; echo r=$?; stat "$1/private/f" >/dev/null 2>&1; echo st=$?; ls -d /proc/self/ >/dev/null; echo self=$?' sh "$BATS_TEST_TMPDIR"
	check_status 0
	local k
	for k in w=1 r=1 st=1 self=0; do
		printf '%s\n' "${lines[@]}" | grep -qx "$k" || fail_note "want $k: ${lines[*]}"
	done
	verdict
}

# Inside a procfs root, every absolute path would name /proc entries.
@test "chroot into procfs is refused (EPERM); into a plain directory it works" {
	[ "$(id -u)" -eq 0 ] || skip "chroot needs root"
	inst -- sh -c 'chroot /proc /1/exe -c true; echo proc=$?; chroot / true; echo plain=$?'
	check_status 0
	printf '%s\n' "${lines[@]}" | grep -qx "proc=125" || fail_note "chroot /proc: ${lines[*]}"
	printf '%s\n' "${lines[@]}" | grep -qx "plain=0" || fail_note "chroot /: ${lines[*]}"
	printf '%s\n' "${stderr_lines[@]}" | grep -q "Operation not permitted" ||
		fail_note "no EPERM: $stderr"
	verdict
}

# fstat and the other empty-path calls answer for the descriptor itself,
# as natively, though the supervisor no longer lets the kernel read the
# (empty) string again.
@test "the empty path (AT_EMPTY_PATH) of pipes, sockets, files, links and the cwd answers as natively" {
	mkdir "$BATS_TEST_TMPDIR/n" "$BATS_TEST_TMPDIR/i"
	capture "$PROBES/probe-path" -e "$BATS_TEST_TMPDIR/n"
	check_status 0
	local want=$output
	probe path -e "$BATS_TEST_TMPDIR/i"
	check_status 0
	[ "$output" = "$want" ] || fail_note "differs from the native run: $(diff <(echo "$want") <(echo "$output") | tr '\n' ' ')"
	check pipe_fifo 1
	check pipe_fifo_thread 1
	check link_text_ok 1
	check cwd_same 1
	check badfd -EBADF
	check noflag -ENOENT
	verdict
}
