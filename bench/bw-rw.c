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
 * bw-rw: write 512 bytes into a pipe and read them back, system calls
 * that no tracer traps: the cost of the filter alone.  Checks the bytes.
 */

#include <string.h>
#include <unistd.h>

#include "bench.h"

#define CHUNK	512

int
main(int argc, char *argv[])
{
	unsigned char	 out[CHUNK], in[CHUNK];
	uint64_t	 t0, t1;
	long		 i, n;
	int		 p[2];

	n = bench_count(argc, argv);
	if (pipe(p) == -1)
		err(1, "pipe");
	for (i = 0; i < CHUNK; i++)
		out[i] = i * 7;

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		out[0] = i;
		if (write(p[1], out, CHUNK) != CHUNK ||
		    read(p[0], in, CHUNK) != CHUNK ||
		    memcmp(in, out, CHUNK) != 0)
			errx(1, "pipe round trip %ld lost or changed bytes", i);
	}
	t1 = now_ns();

	bench_report(n, t0, t1);
	return 0;
}
