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
 * probe-getters: the getters, from many threads at once, while the
 * process model changes under them.
 *
 * usage: probe-getters THREADS CALLS
 *
 * Each of THREADS threads learns its tid from /proc/thread-self, then
 * makes CALLS rounds of gettid, getpid, getppid, getpgrp, getpgid(0) and
 * getsid(0) (and, where the kernel runs i386 calls, the same six through
 * int $0x80), each checked against what the process saw at the start.
 * Meanwhile the main thread forks children one after another: each
 * checks its own getppid and exits with its getpid; the parent checks
 * the status against the pid fork returned.  Prints threads=, calls=
 * (checked calls in all), bad= (wrong answers), children=, bad_children=,
 * and forged=, the result of the getppid(MAGIC0, MAGIC1) with which the
 * supervisor has the listener install a descriptor.
 */

#define _GNU_SOURCE
#include <sys/syscall.h>
#include <sys/wait.h>

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>

#include "probe.h"

static long		 g_pid, g_ppid, g_pgrp, g_sid, g_calls;
static int		 g_i386;
static atomic_long	 g_bad, g_done, g_checked;

/* One getter, checked: count the call, and a wrong answer. */
static void
want(long got, long exp)
{
	atomic_fetch_add(&g_checked, 1);
	if (got != exp)
		atomic_fetch_add(&g_bad, 1);
}

static void *
worker(void *arg)
{
	char	 buf[64], *task;
	ssize_t	 n;
	long	 tid, i;

	(void)arg;
	if ((n = readlink("/proc/thread-self", buf, sizeof(buf) - 1)) <= 0)
		fail("readlink_thread_self");
	buf[n] = '\0';
	if ((task = strstr(buf, "/task/")) == NULL)
		fail("thread_self_form");
	tid = strtol(task + 6, NULL, 10);
	for (i = 0; i < g_calls; i++) {
		want(syscall(SYS_gettid), tid);
		want(syscall(SYS_getpid), g_pid);
		want(syscall(SYS_getppid), g_ppid);
		want(syscall(SYS_getpgrp), g_pgrp);
		want(syscall(SYS_getpgid, 0), g_pgrp);
		want(syscall(SYS_getsid, 0), g_sid);
#ifdef __x86_64__
		if (g_i386) {
			want(int80(224, 0, 0, 0), tid);		/* gettid */
			want(int80(20, 0, 0, 0), g_pid);	/* getpid */
			want(int80(64, 0, 0, 0), g_ppid);	/* getppid */
			want(int80(65, 0, 0, 0), g_pgrp);	/* getpgrp */
			want(int80(132, 0, 0, 0), g_pgrp);	/* getpgid */
			want(int80(147, 0, 0, 0), g_sid);	/* getsid */
		}
#endif
	}
	atomic_fetch_add(&g_done, 1);
	return NULL;
}

int
main(int argc, char *argv[])
{
	pthread_t	*thr;
	long		 nthr, i, children = 0, badc = 0;
	pid_t		 pid;
	int		 st;

	if (argc != 3)
		fail("usage");
	nthr = parse_long(argv[1]);
	g_calls = parse_long(argv[2]);
	if (nthr < 1 || nthr > 1000 || g_calls < 1)
		fail("bad_arguments");
	g_pid = getpid();
	g_ppid = getppid();
	g_pgrp = getpgrp();
	g_sid = getsid(0);
#ifdef __x86_64__
	g_i386 = int80(20, 0, 0, 0) == g_pid;
#endif
	if ((thr = calloc(nthr, sizeof(*thr))) == NULL)
		fail("calloc");
	for (i = 0; i < nthr; i++)
		if ((errno = pthread_create(&thr[i], NULL, worker, NULL)) != 0)
			fail("pthread_create");
	/* At least one child, then as many as the threads leave time for. */
	do {
		if ((pid = fork()) == -1)
			fail("fork");
		if (pid == 0)
			_exit(getppid() == g_pid ? getpid() & 0x7f : 0xff);
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != (pid & 0x7f))
			badc++;
		children++;
	} while (atomic_load(&g_done) < nthr);
	for (i = 0; i < nthr; i++)
		pthread_join(thr[i], NULL);
	kv("threads", nthr);
	kv("i386", g_i386);
	kv("calls", atomic_load(&g_checked));
	kv("bad", atomic_load(&g_bad));
	kv("children", children);
	kv("bad_children", badc);
	/* The supervisor's own getppid(MAGIC0, MAGIC1), forged. */
	result("forged", syscall(SYS_getppid, 0x6d756c74L, 0x73637231L));
	return 0;
}
