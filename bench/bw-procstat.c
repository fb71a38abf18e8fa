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
 * bw-procstat: open and read /proc/self/stat, which mult serves as a
 * rewritten snapshot.  Checks that its pid field (the first) is the pid
 * getpid returns.
 */

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

int
main(int argc, char *argv[])
{
	char		 buf[1024];
	uint64_t	 t0, t1;
	long		 i, n, pid, v;
	ssize_t		 r;
	int		 fd;

	n = bench_count(argc, argv);
	pid = getpid();

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		if ((fd = open("/proc/self/stat", O_RDONLY)) == -1)
			err(1, "/proc/self/stat");
		r = read(fd, buf, sizeof(buf) - 1);
		if (r <= 0)
			err(1, "read /proc/self/stat");
		close(fd);
		buf[r] = '\0';
		if ((v = strtol(buf, NULL, 10)) != pid)
			errx(1, "/proc/self/stat says pid %ld, getpid %ld",
			    v, pid);
	}
	t1 = now_ns();

	bench_report(n, t0, t1);
	return 0;
}
