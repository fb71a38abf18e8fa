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
 * probe-timer: tids inside struct sigevent (timer_create with
 * SIGEV_THREAD_ID) and the sender pid of an mq_notify signal.
 *
 * usage: probe-timer [OUTSIDE_PID]
 *
 * Timers fire after 1 ms and are collected with sigwaitinfo() on a
 * blocked signal, so nothing depends on timing.  With OUTSIDE_PID,
 * timer_create aims SIGEV_THREAD_ID at it, which the kernel refuses
 * with EINVAL for anything outside our thread group.
 */

#define _GNU_SOURCE
#include <sys/syscall.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "probe.h"

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id	_sigev_un._tid
#endif

static volatile long thr_tid, thr_seen_tid, thr_code;
static int ready[2];

/* timer_create with SIGEV_THREAD_ID aimed at tid, raw. */
static long
mktimer(long tid, int *id)
{
	struct sigevent sev;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGUSR1;
	sev.sigev_notify_thread_id = tid;
	return syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, id);
}

/* Arm a timer for 1 ms, one shot. */
static long
arm(int id)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	its.it_value.tv_nsec = 1000000;
	return syscall(SYS_timer_settime, id, 0, &its, NULL);
}

/* Second thread: announce our tid, then take the timer's signal. */
static void *
waiter(void *arg)
{
	siginfo_t si;
	sigset_t set;

	(void)arg;
	thr_tid = sys_gettid();
	writeall(ready[1], "x", 1);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigwaitinfo(&set, &si) == SIGUSR1) {
		thr_seen_tid = sys_gettid();
		thr_code = si.si_code;
	}
	return NULL;
}

/* A notification on a fresh, already unlinked, message queue. */
static void
mqueue(void)
{
	struct mq_attr attr;
	struct sigevent sev;
	siginfo_t si;
	sigset_t set;
	char name[64];
	uint64_t rnd;
	mqd_t q;
	pid_t p;
	int st;

	memset(&attr, 0, sizeof(attr));
	attr.mq_maxmsg = 1;
	attr.mq_msgsize = 8;
	do {
		if (getentropy(&rnd, sizeof(rnd)) == -1)
			fail("getentropy");
		snprintf(name, sizeof(name), "/probe-timer-%016llx",
		    (unsigned long long)rnd);
		q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
	} while (q == (mqd_t)-1 && errno == EEXIST);
	if (q == (mqd_t)-1) {
		printf("mq=unsupported\n");
		return;
	}
	mq_unlink(name);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = SIGUSR2;
	result("mq_notify", mq_notify(q, &sev));
	fflush(stdout);
	if ((p = fork()) == -1)
		fail("fork");
	if (p == 0)
		_exit(mq_send(q, "x", 1, 0) == 0 ? 0 : 1);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	memset(&si, 0, sizeof(si));
	result("mq_sig", sigwaitinfo(&set, &si));
	if (waitpid(p, &st, 0) != p || st != 0)
		fail("mq_send");
	kv("mq_child", p);
	kv("mq_si_pid", si.si_pid);
	kv("mq_si_code", si.si_code);
	match("mq_si_pid", si.si_pid, p);
	mq_close(q);
}

int
main(int argc, char *argv[])
{
	struct timespec ts = { 30, 0 };
	pthread_t t;
	siginfo_t si;
	sigset_t set;
	long r;
	int id;
	char b;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigdelset(&set, SIGUSR2);

	r = mktimer(sys_gettid(), &id);
	if (r == -1 && errno == ENOSYS)
		skip("timer_create");
	result("timer_create", r);
	if (r == 0) {
		result("timer_settime", arm(id));
		memset(&si, 0, sizeof(si));
		r = sigtimedwait(&set, &si, &ts);
		result("timer_sig", r);
		kv("timer_ok", r == SIGUSR1);
		kv("timer_si_code", si.si_code);
		syscall(SYS_timer_delete, id);
	}

	if (pipe(ready) == -1 || pthread_create(&t, NULL, waiter, NULL) != 0)
		fail("pthread_create");
	readall(ready[0], &b, 1);
	kv("thread_tid", thr_tid);
	r = mktimer(thr_tid, &id);
	result("timer_thread_create", r);
	if (r == 0) {
		result("timer_thread_settime", arm(id));
		pthread_join(t, NULL);
		kv("timer_thread_seen_tid", thr_seen_tid);
		kv("timer_thread_si_code", thr_code);
		match("timer_thread_seen_tid", thr_seen_tid, thr_tid);
		syscall(SYS_timer_delete, id);
	} else {
		pthread_kill(t, SIGUSR1);
		pthread_join(t, NULL);
	}
	/*
	 * pthread_join returns when the kernel clears the tid, before the
	 * thread has finished exiting: wait until its task entry is gone.
	 */
	{
		char	 path[64];
		int	 i;

		snprintf(path, sizeof(path), "/proc/self/task/%d", (int)thr_tid);
		for (i = 0; i < 100000 && access(path, F_OK) == 0; i++)
			sched_yield();
	}
	result("timer_dead_thread", mktimer(thr_tid, &id));

	mqueue();

	if (argc > 1) {
		r = mktimer(parse_long(argv[1]), &id);
		result("timer_outside", r);
		if (r == 0)
			syscall(SYS_timer_delete, id);
	}
	return 0;
}
