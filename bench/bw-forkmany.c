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
 * bw-forkmany: fork children in batches of up to 100, all alive (or
 * zombies) at once, then reap them all.  Checks that every pid wait
 * returns is one of ours, once, with the status that child exited with.
 * One operation is one child, forked and reaped.
 */

#include <sys/wait.h>

#include <unistd.h>

#include "bench.h"

#define BATCH	100

int
main(int argc, char *argv[])
{
	pid_t		 kids[BATCH], p;
	uint64_t	 t0, t1;
	long		 done, n, b, i, j;
	int		 st;

	n = bench_count(argc, argv);

	t0 = now_ns();
	for (done = 0; done < n; done += b) {
		b = n - done < BATCH ? n - done : BATCH;
		for (i = 0; i < b; i++) {
			if ((kids[i] = fork()) == -1)
				err(1, "fork");
			if (kids[i] == 0)
				_exit(i & 0x7f);
		}
		for (j = 0; j < b; j++) {
			if ((p = wait(&st)) == -1)
				err(1, "wait");
			for (i = 0; i < b; i++)
				if (kids[i] == p)
					break;
			if (i == b)
				errx(1, "wait returned %d, not a child "
				    "(or one already reaped)", (int)p);
			kids[i] = 0;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != (i & 0x7f))
				errx(1, "child %d: wrong status %#x",
				    (int)p, st);
		}
	}
	t1 = now_ns();

	if (wait(&st) != -1)
		errx(1, "wait found a child after all were reaped");
	bench_report(n, t0, t1);
	return 0;
}
