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
 * probe-exec: ids across execve, in particular execve from a thread
 * other than the leader, after which the kernel gives the exec'ing
 * thread the pid (tid == pid) of the old leader.
 *
 * usage: probe-exec		exec from a second thread
 *	  probe-exec --main	exec from the main thread
 *	  (internal) probe-exec --after FROM_THREAD OLD_PID OLD_TID OLD_PPID
 */

#define _GNU_SOURCE
#include <sys/syscall.h>

#include <pthread.h>

#include "probe.h"

static int from_thread;

/* Re-execute ourselves in --after mode; only returns on failure. */
static void
reexec(void)
{
	char a[4][32], *av[7];

	snprintf(a[0], sizeof(a[0]), "%d", from_thread);
	snprintf(a[1], sizeof(a[1]), "%ld", sys_getpid());
	snprintf(a[2], sizeof(a[2]), "%ld", sys_gettid());
	snprintf(a[3], sizeof(a[3]), "%ld", (long)syscall(SYS_getppid));
	av[0] = "probe-exec";
	av[1] = "--after";
	av[2] = a[0];
	av[3] = a[1];
	av[4] = a[2];
	av[5] = a[3];
	av[6] = NULL;
	fflush(stdout);
	execv("/proc/self/exe", av);
	fail("execv");
}

/* The second thread: exec while the main thread is blocked in join. */
static void *
execer(void *arg)
{
	(void)arg;
	kv("before_thread_tid", sys_gettid());
	reexec();
	return NULL;
}

/* Print the ids after exec and compare them with the old ones. */
static int
after(char *argv[])
{
	long pid, tid, ppid, opid, otid, oppid;

	opid = parse_long(argv[3]);
	otid = parse_long(argv[4]);
	oppid = parse_long(argv[5]);
	pid = sys_getpid();
	tid = sys_gettid();
	ppid = syscall(SYS_getppid);
	kv("from_thread", parse_long(argv[2]));
	kv("old_pid", opid);
	kv("old_tid", otid);
	kv("old_ppid", oppid);
	kv("after_pid", pid);
	kv("after_tid", tid);
	kv("after_ppid", ppid);
	match("after_pid", pid, opid);
	match("after_tid", tid, pid);
	match("after_ppid", ppid, oppid);
	return 0;
}

int
main(int argc, char *argv[])
{
	pthread_t t;

	if (argc == 6 && strcmp(argv[1], "--after") == 0)
		return after(argv);
	kv("before_pid", sys_getpid());
	kv("before_tid", sys_gettid());
	kv("before_ppid", syscall(SYS_getppid));
	if (argc == 2 && strcmp(argv[1], "--main") == 0)
		reexec();
	if (argc != 1) {
		fprintf(stderr, "usage: probe-exec [--main]\n");
		return 1;
	}
	from_thread = 1;
	if (pthread_create(&t, NULL, execer, NULL) != 0)
		fail("pthread_create");
	pthread_join(t, NULL);
	fail("exec_returned");
}
