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
 * bw-getpid: a tight getpid loop, the cheapest trapped call (emulated by
 * mult in one stop).  Checks that every call returns the same pid, and
 * that it is the pid a forked child sees as its parent.
 */

#include <sys/syscall.h>
#include <sys/wait.h>

#include <unistd.h>

#include "bench.h"

int
main(int argc, char *argv[])
{
	uint64_t	 t0, t1;
	long		 i, n, pid, p;
	pid_t		 c;
	int		 st;

	n = bench_count(argc, argv);
	pid = syscall(SYS_getpid);
	if (pid <= 0)
		errx(1, "getpid returned %ld", pid);

	t0 = now_ns();
	for (i = 0; i < n; i++)
		if ((p = syscall(SYS_getpid)) != pid)
			errx(1, "getpid returned %ld, then %ld", pid, p);
	t1 = now_ns();

	/* The child's parent is the pid we saw. */
	if ((c = fork()) == -1)
		err(1, "fork");
	if (c == 0)
		_exit(syscall(SYS_getppid) == pid ? 0 : 1);
	if (waitpid(c, &st, 0) != c)
		err(1, "waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		errx(1, "the child's getppid is not our getpid (%ld)", pid);
	bench_report(n, t0, t1);
	return 0;
}
