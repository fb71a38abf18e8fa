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
 * bw-ps: run "ps ax" (which walks /proc: getdents64, and open and read
 * of stat, status and cmdline for every process).  Checks that ps
 * exits 0, prints its header, lists this program under the pid getpid
 * returns, and lists itself.
 */

#include <sys/wait.h>

#include <string.h>
#include <unistd.h>

#include "bench.h"

#define OUTMAX	(256 * 1024)

static char	 out[OUTMAX];

/* Run ps ax once; check what it printed. */
static void
ps(pid_t self)
{
	char	*line, *save, *s;
	size_t	 len = 0;
	ssize_t	 r;
	pid_t	 c;
	int	 p[2], st, me = 0, it = 0;

	if (pipe(p) == -1)
		err(1, "pipe");
	if ((c = fork()) == -1)
		err(1, "fork");
	if (c == 0) {
		if (dup2(p[1], 1) == -1)
			_exit(126);
		close(p[0]);
		close(p[1]);
		execlp("ps", "ps", "ax", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while (len < OUTMAX - 1 &&
	    (r = read(p[0], out + len, OUTMAX - 1 - len)) > 0)
		len += r;
	close(p[0]);
	out[len] = '\0';
	if (waitpid(c, &st, 0) != c)
		err(1, "waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		errx(1, "ps ax failed (status %#x)", st);
	if (strstr(out, "PID") == NULL)
		errx(1, "ps ax printed no header");
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strtol(line, &s, 10) == self && s != line)
			me = 1;
		if (strstr(line, "ps ax") != NULL)
			it = 1;
	}
	if (!me)
		errx(1, "ps ax does not list pid %d (this program)",
		    (int)self);
	if (!it)
		errx(1, "ps ax does not list itself");
}

int
main(int argc, char *argv[])
{
	uint64_t	 t0, t1;
	long		 i, n;
	pid_t		 self;

	n = bench_count(argc, argv);
	self = getpid();

	t0 = now_ns();
	for (i = 0; i < n; i++)
		ps(self);
	t1 = now_ns();

	bench_report(n, t0, t1);
	return 0;
}
