#!/usr/bin/env bats
# -v reports each refused system call on stderr with a "denied:" line,
# once per call site.

load helpers

# count_denied NAME: stderr lines reporting NAME as denied.
count_denied() {
	local l n=0
	for l in "${stderr_lines[@]}"; do
		[[ $l == *denied:* ]] || continue
		[[ $l =~ (^|[^a-z_0-9])$1([^a-z_0-9]|$) ]] && n=$((n + 1))
	done
	echo "$n"
}

@test "-v prints one denied: line naming ptrace when the instance calls ptrace" {
	inst -v -- "$PROBES/probe-sys" ptrace 0 0
	check_status 0
	check ret -EPERM
	n=$(count_denied ptrace)
	[ "$n" -eq 1 ] || fail_note "$n 'denied:' lines name ptrace (want 1)"
	verdict
}

@test "without -v a denied call prints nothing on stderr" {
	inst -- "$PROBES/probe-sys" ptrace 0 0
	check_status 0
	check ret -EPERM
	[ -z "$stderr" ] || fail_note "stderr not empty: $stderr"
	verdict
}

@test "-v reports a denied call site once even when it is called twice" {
	command -v setarch >/dev/null || skip "setarch(8) is not installed"
	# Without address randomisation both probe-sys processes issue
	# ptrace from the same address in libc: the same call site.
	capture timeout -k 5 "$MULT_TIMEOUT" setarch "$(uname -m)" -R \
	    "$INSTPROC" -v -- sh -c '"$0" ptrace 0 0; "$0" ptrace 0 0' \
	    "$PROBES/probe-sys"
	check_status 0
	[ "$(grep -c '^ret=-EPERM$' <<<"$output")" -eq 2 ] ||
	    fail_note "stdout '$(echo $output)' (want ret=-EPERM twice)"
	n=$(count_denied ptrace)
	[ "$n" -eq 1 ] || fail_note "$n 'denied:' lines name ptrace (want 1)"
	verdict
}

@test "-v reports io_uring_setup as denied with ENOSYS" {
	command -v perl >/dev/null || skip "perl is not installed (used to issue io_uring_setup)"
	# perl's syscall(): io_uring_setup(1, params) is x86_64 number 425.
	[ "$(uname -m)" = x86_64 ] || skip "io_uring_setup number hard-wired for x86_64"
	inst -v -- perl -e 'my $p = "\0" x 120; my $r = syscall(425, 1, $p);
	    printf "ret=%d\nerrno=%d\n", $r, $! + 0'
	check_status 0
	check ret -1
	check errno 38
	local l n=0
	for l in "${stderr_lines[@]}"; do
		[[ $l == *denied:*io_uring_setup*ENOSYS* ]] && n=$((n + 1))
	done
	[ "$n" -eq 1 ] || fail_note "$n 'denied:' lines name io_uring_setup and ENOSYS (want 1); stderr: $stderr"
	verdict
}
