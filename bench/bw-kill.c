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
 * bw-kill: a kill(child, 0) loop, a trapped call with a pid argument
 * (translated by mult in one stop).  Checks that every call succeeds,
 * and that the child's pid, signalled for real at the end, is the one
 * waitpid reaps, killed by that signal.
 */

#include <sys/wait.h>

#include <signal.h>
#include <unistd.h>

#include "bench.h"

int
main(int argc, char *argv[])
{
	uint64_t	 t0, t1;
	long		 i, n;
	pid_t		 c;
	int		 st;

	n = bench_count(argc, argv);
	if ((c = fork()) == -1)
		err(1, "fork");
	if (c == 0) {
		for (;;)
			pause();
		_exit(0);
	}

	t0 = now_ns();
	for (i = 0; i < n; i++)
		if (kill(c, 0) == -1) {
			warn("kill(%d, 0)", (int)c);
			kill(c, SIGKILL);
			waitpid(c, NULL, 0);
			exit(1);
		}
	t1 = now_ns();

	if (kill(c, SIGKILL) == -1)
		err(1, "kill(%d, SIGKILL)", (int)c);
	if (waitpid(c, &st, 0) != c)
		err(1, "waitpid");
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		errx(1, "the child was not killed by SIGKILL");
	bench_report(n, t0, t1);
	return 0;
}
