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
 * probe-threads: thread ids as seen by the kernel, by glibc and by the
 * futex code, which stores tids in memory.
 *
 * usage: probe-threads
 *
 * The tid glibc keeps for a thread is recovered from the clock id of
 * pthread_getcpuclockid() (glibc builds it from that tid).  Robust and
 * PI locks use timeouts only as a guard: a correct kernel answers at
 * once, except pi_futex_contended which must time out (50 ms).
 */

#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/futex.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <time.h>

#include "probe.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#define STACKSZ	(64 * 1024)

static volatile sig_atomic_t got, h_tid;
static volatile long thr_tid, thr_pid, seen1, seen2;
static volatile unsigned int pi_word;
static sem_t ready, done;
static sigset_t waitmask;
static volatile struct {
	int	ptid, ctid, gettid;
} cl;

/* SIGUSR1 handler: record the thread it ran in. */
static void
on_usr1(int sig)
{
	(void)sig;
	h_tid = syscall(SYS_gettid);
	got = 1;
}

/* Wait in this thread for one SIGUSR1 and return the handler's tid. */
static long
take(void)
{
	while (!got)
		sigsuspend(&waitmask);
	got = 0;
	return h_tid;
}

/*
 * The signalled thread: reports its ids, takes two signals, then owns
 * pi_word (a bare PI futex) until main is done with it.
 */
static void *
worker(void *arg)
{
	(void)arg;
	thr_tid = sys_gettid();
	thr_pid = sys_getpid();
	sem_post(&ready);
	seen1 = take();
	sem_post(&ready);
	seen2 = take();
	pi_word = thr_tid;
	sem_post(&ready);
	sem_wait(&done);
	pi_word = 0;
	return NULL;
}

/* Lock a robust mutex and exit without unlocking it. */
static void *
locker(void *arg)
{
	pthread_mutex_lock(arg);
	return NULL;
}

/* Lock m giving up after 5 s; print the outcome and repair the lock. */
static void
lock_dead(const char *key, pthread_mutex_t *m)
{
	struct timespec ts;
	int e;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	e = pthread_mutex_timedlock(m, &ts);
	result_err(key, e);
	if (e == EOWNERDEAD)
		pthread_mutex_consistent(m);
	if (e == 0 || e == EOWNERDEAD)
		pthread_mutex_unlock(m);
}

/* Child of the raw clone: record our tid and leave at once. */
static int
clone_child(void *arg)
{
	(void)arg;
	cl.gettid = syscall(SYS_gettid);
	syscall(SYS_exit, 0);
	return 0;
}

/* Thread ids, signals to threads and the glibc tid. */
static void
threads(void)
{
	struct sigaction sa;
	struct timespec ts;
	pthread_t t;
	clockid_t clk;
	sigset_t set;
	long pid = sys_getpid(), glibc_tid, r;
	int e;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigfillset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigfillset(&waitmask);
	sigdelset(&waitmask, SIGUSR1);
	if ((e = pthread_create(&t, NULL, worker, NULL)) != 0)
		fail("pthread_create");
	sem_wait(&ready);
	kv("pid", pid);
	kv("main_tid", sys_gettid());
	kv("thread_tid", thr_tid);
	kv("thread_getpid", thr_pid);
	match("thread_getpid", thr_pid, pid);
	result("tkill_thread0", syscall(SYS_tkill, thr_tid, 0));
	result("tgkill_thread", syscall(SYS_tgkill, pid, thr_tid, SIGUSR1));
	sem_wait(&ready);
	kv("handler_tid_tgkill", seen1);
	match("handler_tid_tgkill", seen1, thr_tid);
	result_err("pthread_kill", pthread_kill(t, SIGUSR1));
	sem_wait(&ready);
	kv("handler_tid_pthread_kill", seen2);
	match("handler_tid_pthread_kill", seen2, thr_tid);
	if ((e = pthread_getcpuclockid(t, &clk)) != 0)
		fail("pthread_getcpuclockid");
	glibc_tid = ~(clk >> 3);
	kv("glibc_tid", glibc_tid);
	match("glibc_tid", glibc_tid, thr_tid);
	result("thread_cpuclock_gettime", clock_gettime(clk, &ts));

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += 50000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	r = syscall(SYS_futex, &pi_word, FUTEX_LOCK_PI, 0, &ts, NULL, 0);
	result("pi_futex_contended", r);
	if (r == 0)
		syscall(SYS_futex, &pi_word, FUTEX_UNLOCK_PI, 0, NULL, NULL,
		    0);
	sem_post(&done);
	pthread_join(t, NULL);
}

/* Robust mutexes whose owner dies, and a PI mutex. */
static void
mutexes(void)
{
	pthread_mutexattr_t a;
	pthread_mutex_t m, *sm;
	pthread_t t;
	pid_t p;
	int pfd[2], st;
	char b;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&m, &a);
	if (pthread_create(&t, NULL, locker, &m) != 0)
		fail("pthread_create");
	pthread_join(t, NULL);
	lock_dead("robust_lock", &m);

	sm = mmap(NULL, sizeof(*sm), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sm == MAP_FAILED || pipe(pfd) == -1)
		fail("mmap");
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(sm, &a);
	fflush(stdout);
	if ((p = fork()) == -1)
		fail("fork");
	if (p == 0) {
		pthread_mutex_lock(sm);
		writeall(pfd[1], "x", 1);
		_exit(0);
	}
	readall(pfd[0], &b, 1);
	if (waitpid(p, &st, 0) != p)
		fail("waitpid");
	lock_dead("robust_pshared_lock", sm);

	pthread_mutexattr_init(&a);
	pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&m, &a);
	result_err("pi_lock", pthread_mutex_lock(&m));
	result_err("pi_unlock", pthread_mutex_unlock(&m));
}

/* Raw clone with the tid-writing flags, then with CLONE_PIDFD. */
static void
clones(void)
{
	siginfo_t si;
	char *stk;
	long r;
	int st;

	stk = mmap(NULL, STACKSZ, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stk == MAP_FAILED)
		fail("mmap");
	fflush(stdout);
	r = clone(clone_child, stk + STACKSZ, CLONE_VM | CLONE_PARENT_SETTID |
	    CLONE_CHILD_SETTID | SIGCHLD, NULL, &cl.ptid, NULL, &cl.ctid);
	if (r == -1)
		fail("clone");
	if (waitpid(r, &st, 0) != r)
		fail("waitpid");
	kv("clone_ret", r);
	kv("parent_settid", cl.ptid);
	kv("child_settid", cl.ctid);
	kv("child_gettid", cl.gettid);
	match("clone_settid", r == cl.ptid && r == cl.ctid && r == cl.gettid,
	    1);

	cl.ptid = -1;
	r = clone(clone_child, stk + STACKSZ, CLONE_VM | CLONE_PIDFD |
	    SIGCHLD, NULL, &cl.ptid, NULL, NULL);
	if (r == -1 && (errno == EINVAL || errno == ENOSYS)) {
		printf("pidfd=unsupported\n");
		return;
	}
	if (r == -1)
		fail("clone_pidfd");
	kv("clone_pidfd_ret", r);
	kv("pidfd_ok", fcntl(cl.ptid, F_GETFD) >= 0);
	memset(&si, 0, sizeof(si));
	result("pidfd_waitid", waitid(P_PIDFD, cl.ptid, &si, WEXITED));
	kv("pidfd_waitid_si_pid", si.si_pid);
	match("pidfd_waitid_si_pid", si.si_pid, r);
	kv("pidfd_child_gettid", cl.gettid);
	match("pidfd_child_gettid", cl.gettid, r);
}

int
main(void)
{
	if (sem_init(&ready, 0, 0) == -1 || sem_init(&done, 0, 0) == -1)
		fail("sem_init");
	threads();
	mutexes();
	clones();
	return 0;
}
