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
 * bw-thread: create a thread and join it (clone and set_robust_list
 * trapped, the exit futex not).  Checks the value each thread returns.
 */

#include <pthread.h>
#include <stdint.h>

#include "bench.h"

static void *
body(void *arg)
{
	return (void *)((uintptr_t)arg * 3 + 1);
}

int
main(int argc, char *argv[])
{
	pthread_t	 t;
	uint64_t	 t0, t1;
	void		*ret;
	long		 i, n;
	int		 e;

	n = bench_count(argc, argv);

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		if ((e = pthread_create(&t, NULL, body, (void *)i)) != 0)
			errc(1, e, "pthread_create");
		if ((e = pthread_join(t, &ret)) != 0)
			errc(1, e, "pthread_join");
		if ((uintptr_t)ret != (uintptr_t)i * 3 + 1)
			errx(1, "thread %ld returned the wrong value", i);
	}
	t1 = now_ns();

	bench_report(n, t0, t1);
	return 0;
}
