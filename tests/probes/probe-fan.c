/*
 * Copyright (c) 2026 The mult developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * probe-fan: kill(-1) while the children it kills interrupt it.
 *
 * usage: probe-fan [ROUNDS [CHILDREN]]		default 20 rounds of 30
 *
 * Runs only as pid 1 (inside an instance): anywhere else kill(-1) would
 * reach every process the caller may signal, so it refuses (fan=refused,
 * exit 2).  As pid 1 it is not a target itself, as in a PID namespace.  Each round forks CHILDREN children that wait for SIGTERM,
 * then sends kill(-1, SIGTERM), which mult runs once per process of the
 * instance; the SIGCHLD of each child killed arrives while the later
 * steps are still to run, and the handler calls getpid() and waitpid().
 * Prints rounds, reaped (must be ROUNDS * CHILDREN), kill_errors,
 * handler_calls and handler_bad_pid (getpid() in the handler not 1).
 */

#define _GNU_SOURCE
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "probe.h"

static volatile sig_atomic_t	 reaped, calls, badpid;

static void
onchld(int sig)
{
	int	 st;

	(void)sig;
	calls++;
	if (getpid() != 1)
		badpid++;
	while (waitpid(-1, &st, WNOHANG) > 0)
		reaped++;
}

int
main(int argc, char *argv[])
{
	struct sigaction	 sa;
	long			 rounds = 20, n = 30, r, i;
	int			 st, kerr = 0;
	pid_t			 c;

	if (getpid() != 1) {
		printf("fan=refused\n");
		return 2;
	}
	if (argc > 1)
		rounds = parse_long(argv[1]);
	if (argc > 2)
		n = parse_long(argv[2]);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onchld;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGCHLD, &sa, NULL) == -1)
		fail("sigaction");
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < n; i++) {
			if ((c = fork()) == -1)
				fail("fork");
			if (c == 0)
				for (;;)
					pause();
		}
		if (kill(-1, SIGTERM) == -1)
			kerr++;
		while (reaped < (r + 1) * n) {
			if ((c = waitpid(-1, &st, 0)) > 0)
				reaped++;
			else if (errno == ECHILD)
				break;
		}
	}
	kv("rounds", r);
	kv("reaped", reaped);
	kv("kill_errors", kerr);
	kv("handler_calls", calls);
	kv("handler_bad_pid", badpid);
	return 0;
}
