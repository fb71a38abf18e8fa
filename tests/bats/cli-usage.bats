#!/usr/bin/env bats
# instproc(1): command line, exit statuses, usage and its manual.

load helpers

USAGE_RE='^usage: instproc .*command'

@test "instproc without arguments prints one usage line and exits 125" {
	inst
	check_status 125
	[ "${#stderr_lines[@]}" -eq 1 ] || fail_note "stderr has ${#stderr_lines[@]} lines (want 1)"
	[[ ${stderr_lines[0]:-} =~ $USAGE_RE ]] || fail_note "stderr line 1 '${stderr_lines[0]:-}' is not a usage line"
	[ -z "$output" ] || fail_note "stdout not empty: $output"
	verdict
}

@test "an unknown option exits 125 with the usage line" {
	inst -Z -- true
	check_status 125
	[[ ${stderr_lines[-1]:-} =~ $USAGE_RE ]] || fail_note "last stderr line '${stderr_lines[-1]:-}' is not a usage line"
	verdict
}

@test "-u with an unknown user exits 125 with a one-line error naming the user" {
	inst -u nosuchuser -- true
	check_status 125
	[ "${#stderr_lines[@]}" -eq 1 ] || fail_note "stderr has ${#stderr_lines[@]} lines (want 1): $stderr"
	[[ ${stderr_lines[0]:-} == *nosuchuser* ]] || fail_note "stderr '${stderr_lines[0]:-}' does not name nosuchuser"
	verdict
}

@test "-g with an unknown group exits 125 with a one-line error naming the group" {
	inst -g nosuchgroup -- true
	check_status 125
	[ "${#stderr_lines[@]}" -eq 1 ] || fail_note "stderr has ${#stderr_lines[@]} lines (want 1): $stderr"
	[[ ${stderr_lines[0]:-} == *nosuchgroup* ]] || fail_note "stderr '${stderr_lines[0]:-}' does not name nosuchgroup"
	verdict
}

@test "-f naming a descriptor that is not open exits 125" {
	inst -f 999 -- true
	check_status 125
	[[ $stderr == *999* ]] || fail_note "stderr '$stderr' does not name 999"
	verdict
}

@test "-f with a non-number exits 125" {
	inst -f abc -- true
	check_status 125
	[[ $stderr == *abc* ]] || fail_note "stderr '$stderr' does not name abc"
	verdict
}

@test "-C with a missing directory exits 125 and runs nothing" {
	inst -C /nonexistent -- sh -c 'echo ran'
	check_status 125
	[ -z "$output" ] || fail_note "the command ran: stdout '$output'"
	[[ $stderr == */nonexistent* ]] || fail_note "stderr '$stderr' does not name /nonexistent"
	verdict
}

@test "-C runs the command in that directory" {
	mkdir "$BATS_TEST_TMPDIR/dir"
	chmod 755 "$BATS_TEST_TMPDIR/dir"
	inst -C "$BATS_TEST_TMPDIR/dir" -- pwd
	check_status 0
	[ "$output" = "$BATS_TEST_TMPDIR/dir" ] || fail_note "pwd printed '$output' (want $BATS_TEST_TMPDIR/dir)"
	verdict
}

@test "a command that does not exist exits 127" {
	inst -- /nonexistent/cmd
	check_status 127
	[[ $stderr == */nonexistent/cmd* ]] || fail_note "stderr '$stderr' does not name the command"
	verdict
}

@test "a command that is not executable exits 126" {
	printf 'echo ran\n' >"$BATS_TEST_TMPDIR/noexec"
	chmod 644 "$BATS_TEST_TMPDIR/noexec"
	inst -- "$BATS_TEST_TMPDIR/noexec"
	check_status 126
	[ -z "$output" ] || fail_note "stdout '$output'"
	verdict
}

@test "the exit status of pid 1 is the exit status of instproc" {
	inst -- sh -c 'exit 7'
	check_status 7
	inst -- sh -c 'exit 0'
	check_status 0
	verdict
}

@test "pid 1 killed by SIGTERM makes instproc exit 143" {
	inst -- sh -c 'kill -TERM $$'
	check_status 143
	verdict
}

@test "pid 1 killed by SIGKILL makes instproc exit 137" {
	inst -- sh -c 'kill -KILL $$'
	check_status 137
	verdict
}

@test "the instance gets only descriptors 0, 1 and 2 without -f" {
	exec 7>"$BATS_TEST_TMPDIR/fd7"
	inst -- sh -c 'echo leaked >&7'
	exec 7>&-
	check_status 2
	[ ! -s "$BATS_TEST_TMPDIR/fd7" ] || fail_note "fd 7 was inherited: file holds '$(cat "$BATS_TEST_TMPDIR/fd7")'"
	verdict
}

@test "-f passes a descriptor into the instance" {
	exec 7>"$BATS_TEST_TMPDIR/fd7"
	inst -f 7 -- sh -c 'echo passed >&7'
	exec 7>&-
	check_status 0
	[ "$(cat "$BATS_TEST_TMPDIR/fd7")" = passed ] || fail_note "file holds '$(cat "$BATS_TEST_TMPDIR/fd7")' (want passed)"
	verdict
}

@test "-u nobody runs the command as uid 65534" {
	inst -u nobody -- id -u
	check_status 0
	[ "$output" = 65534 ] || fail_note "id -u printed '$output' (want 65534)"
	inst -u 65534 -- id -u
	check_status 0
	[ "$output" = 65534 ] || fail_note "numeric -u 65534: id -u printed '$output' (want 65534)"
	verdict
}

@test "-u nobody as root also sets the group and supplementary groups of nobody" {
	[ "$MULT_USER" = root ] || skip "meaningful only with a root caller (MULT_USER=$MULT_USER)"
	inst -u nobody -- sh -c 'id -g; id -G'
	check_status 0
	[ "${lines[0]:-}" = 65534 ] || fail_note "id -g printed '${lines[0]:-}' (want 65534)"
	[ "${lines[1]:-}" = 65534 ] || fail_note "id -G printed '${lines[1]:-}' (want 65534)"
	verdict
}

@test "-u and -g naming another user or group are refused to an unprivileged caller with 125" {
	[ "$MULT_USER" = nobody ] || skip "meaningful only with an unprivileged caller (MULT_USER=$MULT_USER)"
	inst -u root -- sh -c 'echo ran'
	check_status 125
	[ -z "$output" ] || fail_note "-u root: the command ran"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail_note "-u root: stderr has ${#stderr_lines[@]} lines (want 1): $stderr"
	inst -g 0 -- sh -c 'echo ran'
	check_status 125
	[ -z "$output" ] || fail_note "-g 0: the command ran"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail_note "-g 0: stderr has ${#stderr_lines[@]} lines (want 1): $stderr"
	verdict
}

# The options of the usage line as "X arg" (or "X") lines, sorted.
usage_options() {
	grep -o '\[-[A-Za-z][^]]*\]' <<<"$1" | sed 's/^\[-//; s/\]$//' | sort
}

# The options of the SYNOPSIS of an mdoc page, same format.
man_options() {
	awk '/^\.Sh /{ insyn = ($2 == "SYNOPSIS") ; next } insyn' "$1" |
	    grep -o 'Fl [A-Za-z]\( Ar [A-Za-z_]*\)\{0,1\}' |
	    sed 's/^Fl //; s/ Ar / /' | sort
}

@test "the SYNOPSIS of instproc(1) lists the same options as the usage line" {
	local page=$BATS_TEST_DIRNAME/../../man/instproc.1 u m
	[ -r "$page" ] || fail_note "no manual page at $page"
	inst
	u=$(usage_options "${stderr_lines[0]:-}")
	[ -n "$u" ] || fail_note "no option found in the usage line '${stderr_lines[0]:-}'"
	if [ -r "$page" ]; then
		grep -q '^\.Sh SYNOPSIS' "$page" || fail_note "$page has no SYNOPSIS section"
		m=$(man_options "$page")
		[ "$u" = "$m" ] || fail_note "usage options [$(echo $u)] != SYNOPSIS options [$(echo $m)]"
		awk '/^\.Sh /{ insyn = ($2 == "SYNOPSIS") ; next } insyn' "$page" |
		    grep -q 'Ar command' || fail_note "SYNOPSIS lacks 'Ar command'"
	fi
	verdict
}

@test "-p one (the default) binds the instance to one CPU, -p any does not, -p other is refused" {
	[ -z "${MULT_PLACEMENT:-}" ] || skip "MULT_PLACEMENT=$MULT_PLACEMENT sets -p for every run: no default to see"
	local mine
	mine=$(awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status)
	inst -- awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status
	check_status 0
	[[ ${lines[0]:-} =~ ^[0-9]+$ ]] || fail_note "default: CPUs ${lines[0]:-} (want one)"
	inst -p one -- awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status
	[[ ${lines[0]:-} =~ ^[0-9]+$ ]] || fail_note "-p one: CPUs ${lines[0]:-} (want one)"
	inst -p any -- awk '/^Cpus_allowed_list:/ { print $2 }' /proc/self/status
	[ "${lines[0]:-}" = "$mine" ] || fail_note "-p any: CPUs ${lines[0]:-} (want ours, $mine)"
	inst -p two -- true
	check_status 125
	[ "${stderr_lines[0]:-}" = "instproc: -p two: not a placement (any or one)" ] ||
		fail_note "-p two: ${stderr_lines[0]:-}"
	verdict
}
