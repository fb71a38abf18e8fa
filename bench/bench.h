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
 * Shared helpers for the bench workloads.  Every workload is run as
 * "bw-NAME N": it does N operations, checks that each one gave the
 * right result, and prints one line "N NS" on stdout, NS being the wall
 * time of the N operations in nanoseconds (set-up and checks that are
 * not part of an operation excluded).  A broken result prints
 * "bw-NAME: ..." on stderr and exits 1; bad usage exits 2.
 */

#ifndef BENCH_H
#define BENCH_H

#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Monotonic time in nanoseconds. */
static inline uint64_t
now_ns(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		err(1, "clock_gettime");
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The operation count of argv[1], or exit 2. */
static inline long
bench_count(int argc, char *argv[])
{
	const char	*errstr;
	long long	 n;

	if (argc != 2) {
		fprintf(stderr, "usage: %s count\n", getprogname());
		exit(2);
	}
	n = strtonum(argv[1], 0, 100000000, &errstr);
	if (errstr != NULL) {
		fprintf(stderr, "%s: count is %s: %s\n", getprogname(),
		    errstr, argv[1]);
		exit(2);
	}
	return n;
}

/* Print the result line. */
static inline void
bench_report(long n, uint64_t t0, uint64_t t1)
{
	printf("%ld %llu\n", n, (unsigned long long)(t1 - t0));
	if (fflush(stdout) == EOF)
		err(1, "stdout");
}

#endif /* !BENCH_H */
