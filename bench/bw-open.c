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
 * bw-open: open, read and close a small file, the commonest trapped
 * path call (mult walks the path, 2 stops).  Checks the contents every
 * time.  The file is made in $TMPDIR (or /tmp) and removed.
 */

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

int
main(int argc, char *argv[])
{
	char		 path[PATH_MAX], buf[256];
	const char	*tmp, *text = "mult bench: a small file\n";
	uint64_t	 t0, t1;
	long		 i, n;
	ssize_t		 r;
	size_t		 len = strlen(text);
	int		 fd;

	n = bench_count(argc, argv);
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(path, sizeof(path), "%s/bw-open.XXXXXX", tmp);
	if ((fd = mkstemp(path)) == -1)
		err(1, "mkstemp %s", path);
	if (write(fd, text, len) != (ssize_t)len || close(fd) == -1) {
		unlink(path);
		err(1, "%s", path);
	}

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		if ((fd = open(path, O_RDONLY)) == -1)
			break;
		r = read(fd, buf, sizeof(buf));
		if (close(fd) == -1 || r != (ssize_t)len ||
		    memcmp(buf, text, len) != 0)
			break;
	}
	t1 = now_ns();

	unlink(path);
	if (i < n)
		errx(1, "%s: open, read or close failed or read wrong "
		    "contents at %ld", path, i);
	bench_report(n, t0, t1);
	return 0;
}
