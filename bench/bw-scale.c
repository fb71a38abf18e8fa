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
 * bw-scale: grow to many tasks and time a trapped call at that size.
 *
 * usage: bw-scale -p procs -t threads [-n calls]
 *
 * Times n getpid calls (default 2000) alone, then forks procs - 1
 * children, and makes every process (this one included) start threads - 1
 * threads, so that procs * threads tasks are alive, and times n getpid
 * calls again, here and then in the first child.  It prints "tasks 1
 * NS", "tasks N NS" and "oldest N NS" (NS per call), then "ready", and
 * waits for a line or the end of its standard input before it ends every
 * task and reaps the children, checking that each exited 0.  bench/run
 * --scale reads the supervisor's memory while it waits.
 *
 * The two figures at N differ under a tracer that waits with wait4(-1):
 * the kernel looks at the tracer's own children (this process) first,
 * then at the tasks it traces, the last attached first, so the first
 * child, attached before all the others, is the one found last.
 */

#include <sys/syscall.h>
#include <sys/wait.h>

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define STACK	(64 * 1024)

/* A thread that waits until its process ends. */
static void *
idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* Start n threads in this process; 0 on success. */
static int
threads(long n)
{
	pthread_attr_t	 a;
	pthread_t	 t;
	long		 i;
	int		 e;

	if ((e = pthread_attr_init(&a)) != 0 ||
	    (e = pthread_attr_setstacksize(&a, STACK)) != 0) {
		warnc(e, "pthread_attr");
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((e = pthread_create(&t, &a, idle, NULL)) != 0) {
			warnc(e, "pthread_create (%ld of %ld)", i, n);
			return -1;
		}
	return 0;
}

/* ns per getpid call, over n calls, each checked. */
static double
getpids(long n)
{
	uint64_t	 t0, t1;
	long		 i, pid;

	pid = syscall(SYS_getpid);
	t0 = now_ns();
	for (i = 0; i < n; i++)
		if (syscall(SYS_getpid) != pid)
			errx(1, "getpid changed");
	t1 = now_ns();
	return n > 0 ? (double)(t1 - t0) / n : 0;
}

int
main(int argc, char *argv[])
{
	const char	*errstr;
	pid_t		*kids;
	long		 procs = 1, nthr = 1, n = 2000, i, bad = 0;
	double		 ns;
	char		 c;
	int		 ch, ready[2], hold[2], go[2], res[2], st;

	while ((ch = getopt(argc, argv, "n:p:t:")) != -1) {
		switch (ch) {
		case 'n':
			n = strtonum(optarg, 0, 10000000, &errstr);
			break;
		case 'p':
			procs = strtonum(optarg, 1, 100000, &errstr);
			break;
		case 't':
			nthr = strtonum(optarg, 1, 100000, &errstr);
			break;
		default:
			errstr = "bad";
			break;
		}
		if (errstr != NULL) {
			fprintf(stderr, "usage: bw-scale -p procs -t threads "
			    "[-n calls]\n");
			return 2;
		}
	}

	printf("tasks 1 %.0f\n", getpids(n));
	fflush(stdout);

	if ((kids = calloc(procs, sizeof(*kids))) == NULL)
		err(1, NULL);
	if (pipe(ready) == -1 || pipe(hold) == -1 || pipe(go) == -1 ||
	    pipe(res) == -1)
		err(1, "pipe");
	for (i = 1; i < procs; i++) {
		if ((kids[i] = fork()) == -1)
			err(1, "fork (%ld of %ld)", i, procs);
		if (kids[i] == 0) {
			close(ready[0]);
			close(hold[1]);
			close(go[1]);
			close(res[0]);
			if (threads(nthr - 1) == -1)
				_exit(1);
			if (write(ready[1], "r", 1) != 1)
				_exit(1);
			/* The first child: the oldest task but this one. */
			if (i == 1) {
				if (read(go[0], &c, 1) != 1)
					_exit(1);
				ns = getpids(n);
				if (write(res[1], &ns, sizeof(ns)) !=
				    sizeof(ns))
					_exit(1);
			}
			/* The end of hold: time to go. */
			while (read(hold[0], &c, 1) > 0)
				;
			_exit(0);
		}
	}
	close(ready[1]);
	close(hold[0]);
	close(go[0]);
	close(res[1]);
	if (threads(nthr - 1) == -1)
		errx(1, "cannot start the threads");
	for (i = 1; i < procs; i++)
		if (read(ready[0], &c, 1) != 1)
			errx(1, "a child failed to start its threads");

	printf("tasks %ld %.0f\n", procs * nthr, getpids(n));
	if (procs > 1) {
		if (write(go[1], "g", 1) != 1 ||
		    read(res[0], &ns, sizeof(ns)) != sizeof(ns))
			errx(1, "the first child failed to time getpid");
		printf("oldest %ld %.0f\n", procs * nthr, ns);
	}
	printf("ready\n");
	fflush(stdout);
	while (read(0, &c, 1) == 1 && c != '\n')
		;

	close(hold[1]);
	for (i = 1; i < procs; i++) {
		if (waitpid(kids[i], &st, 0) != kids[i])
			err(1, "waitpid");
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad++;
	}
	if (bad)
		errx(1, "%ld children failed", bad);
	return 0;
}
