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
 * bw-timeit: run a command that does N operations and checks them
 * itself (a shell loop, a build), and print "N NS" like the other
 * workloads, NS being the wall time from fork to the command's exit.
 *
 * usage: bw-timeit N command [args]
 *
 * Exit status: 0 if the command exited 0, 1 otherwise, 2 on bad usage.
 */

#include <sys/wait.h>

#include <unistd.h>

#include "bench.h"

int
main(int argc, char *argv[])
{
	const char	*errstr;
	uint64_t	 t0, t1;
	long long	 n;
	pid_t		 c;
	int		 st;

	if (argc < 3) {
		fprintf(stderr, "usage: bw-timeit count command [args]\n");
		return 2;
	}
	n = strtonum(argv[1], 0, 100000000, &errstr);
	if (errstr != NULL) {
		fprintf(stderr, "bw-timeit: count is %s: %s\n", errstr,
		    argv[1]);
		return 2;
	}

	t0 = now_ns();
	if ((c = fork()) == -1)
		err(1, "fork");
	if (c == 0) {
		execvp(argv[2], argv + 2);
		warn("%s", argv[2]);
		_exit(127);
	}
	if (waitpid(c, &st, 0) != c)
		err(1, "waitpid");
	t1 = now_ns();

	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		errx(1, "%s failed (status %#x)", argv[2], st);
	bench_report(n, t0, t1);
	return 0;
}
