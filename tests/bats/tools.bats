#!/usr/bin/env bats
# Ordinary tools inside an instance see it alone, by virtual pid, with
# pid 1 at the root: top, ps, pstree; and a shell's job control without
# a terminal (set -m) kills its jobs and their process groups, never a
# process outside.
#
# The tree for the tools: pid 1 is sh, pid 2 a subshell, pid 3 its
# "sleep 1000$R", pid 4 the tool.  Pid 1 waits with shell builtins only
# (no pid used) until pid 3 runs sleep, so nothing depends on timing.

load helpers

setup() {
	mult_setup
	R=$RANDOM$RANDOM
	start_outside
}

# tree TOOL...: run the tool as pid 4 of the tree above, in the C locale.
tree() {
	inst -- env TERM=dumb LC_ALL=C sh -c '
		(sleep "$0" & wait) &
		i=0
		until read c </proc/3/comm && [ "$c" = sleep ]; do
			[ $((i += 1)) -lt 1000000 ] || exit 99
		done 2>/dev/null
		"$@"
		kill 3
		wait
	' "1000$R" "$@"
}

# rows FROM: the lines of $output after the first one matching FROM,
# blanks squeezed and leading ones removed.
rows() {
	printf '%s\n' "$output" | sed -n "/$1/,\$p" | sed 1d |
	    tr -s ' ' | sed 's/^ //'
}

@test "top -b -n1: the instance's tasks only, by virtual pid, and their count in the header" {
	tree top -b -n1 -w 512
	check_status 0
	printf '%s\n' "$output" | grep -Eq '^Tasks: +4 total,' ||
		fail_note "top's header: $(printf '%s\n' "$output" | grep '^Tasks:') (want Tasks: 4 total)"
	local got
	# Sorted by pid: top sorts by %CPU.
	got=$(rows '^ *PID USER' | sort -n | awk '{ print $1 ":" $NF }' |
	    tr '\n' ' ')
	[ "$got" = "1:sh 2:sh 3:sleep 4:top " ] ||
		fail_note "top's tasks: $got (want 1:sh 2:sh 3:sleep 4:top)"
	check_outside_untouched
	verdict
}

@test "ps ax: virtual pids and command lines of the instance only" {
	tree ps ax
	check_status 0
	local got
	got=$(rows '^ *PID TTY' | awk '{ printf "%s:%s|", $1, $5 }')
	[ "$got" = "1:sh|2:sh|3:sleep|4:ps|" ] ||
		fail_note "ps ax pid:command: $got (want 1:sh|2:sh|3:sleep|4:ps|)"
	got=$(rows '^ *PID TTY' | awk '$1 == 3 { $1 = $2 = $3 = $4 = ""; print }' |
	    sed 's/^ *//')
	[ "$got" = "sleep 1000$R" ] || fail_note "ps ax, pid 3: $got (want sleep 1000$R)"
	check_outside_untouched
	verdict
}

@test "ps -ef: PID and PPID columns are virtual and consistent" {
	tree ps -ef
	check_status 0
	local got
	got=$(rows '^UID  *PID  *PPID' | awk '{ printf "%s<%s:%s|", $2, $3, $8 }')
	[ "$got" = "1<0:sh|2<1:sh|3<2:sleep|4<1:ps|" ] ||
		fail_note "ps -ef pid<ppid:cmd: $got (want 1<0:sh|2<1:sh|3<2:sleep|4<1:ps|)"
	check_outside_untouched
	verdict
}

@test "pstree -p: the instance's tree, rooted at pid 1" {
	tree pstree -p
	check_status 0
	[ "${lines[0]:-}" = "sh(1)-+-pstree(4)" ] ||
		fail_note "pstree line 1: ${lines[0]:-} (want sh(1)-+-pstree(4))"
	[ "${lines[1]:-}" = '      `-sh(2)---sleep(3)' ] ||
		fail_note "pstree line 2: ${lines[1]:-} (want \`-sh(2)---sleep(3))"
	[ "${#lines[@]}" -eq 2 ] || fail_note "pstree printed ${#lines[@]} lines (want 2)"
	check_outside_untouched
	verdict
}

# An outside "sleep ARG" that the test started: OSLEEP.
start_outside_sleep() {
	sleep "$1" </dev/null >/dev/null 2>&1 &
	OSLEEP=$!
	cleanup_pid "$OSLEEP"
}

outside_sleep_alive() {
	local s
	s=$(proc_stat_field "$OSLEEP" 3) || { fail_note "the outside sleep $OSLEEP is gone"; return 0; }
	case $s in
	S | R) ;;
	*) fail_note "the outside sleep $OSLEEP is in state $s (want S or R)" ;;
	esac
}

@test "bash with set -m: kill %1 ends the job (143), an outside sleep of the same name lives" {
	command -v bash >/dev/null || skip "bash is not installed"
	start_outside_sleep "1000$R"
	inst -- bash -c 'set -m; sleep "$0" & echo "job=$!"; kill %1; wait %1; echo "st=$?"' "1000$R"
	check_status 0
	check job 2
	check st 143
	outside_sleep_alive
	check_outside_untouched
	verdict
}

@test "bash with set -m: kill -TERM -- -PGID ends every process of a job's group, not an outside group" {
	command -v bash >/dev/null || skip "bash is not installed"
	start_outside_sleep "1001$R"
	# bash is 1, the pipeline's processes 2 (the group leader) and 3.
	inst -- bash -c '
		set -m
		sleep "$0" | sleep "$1" &
		last=$!
		pg=$(jobs -p %1)
		echo "pg=$pg"
		echo "last=$last"
		echo "groups=$(echo $(ps -o pgid= -p 2,3))"
		kill -TERM -- "-$2" 2>/dev/null
		echo "outside=$?"
		kill -TERM -- "-$pg"
		echo "kill=$?"
		wait "$last"
		echo "st=$?"
		echo "left=$(ps -e -o comm= | grep -c "^sleep$")"
	' "1001$R" "1002$R" "$OPG"
	check_status 0
	check pg 2
	check last 3
	check groups "2 2"
	check outside 1
	check kill 0
	check st 143
	check left 0
	outside_sleep_alive
	check_outside_untouched
	verdict
}
