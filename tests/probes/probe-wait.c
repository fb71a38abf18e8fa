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
 * probe-wait: every flavour of wait reports the child's pid.
 *
 * usage: probe-wait [OUTSIDE_PID [OUTSIDE_PGID]]
 *        probe-wait -c N
 *        probe-wait -t N
 *
 * Each check uses one child that blocks on its own pipe until the
 * parent lets it exit with a known code, so exactly one child is a
 * zombie when a wait runs.  For every check X the probe prints X (the
 * wait result or si_pid), X_expect (the fork return) and match_X.
 *
 * -c: waits of a process that never had a child: each flavour's error
 * (ECHILD, and an argument's own errors), what waitid wrote in its
 * siginfo (filled with 0x5a first), then N more wait4 calls (instproc -v
 * counts their stops).
 * -t: one thread forks N children that exit at once while another
 * waits for any child in a loop, from before the first fork: every pid
 * a wait returns must be one a fork returned (bad, dup), and all are
 * reaped (reaped).
 */

#define _GNU_SOURCE
#include <sys/syscall.h>
#include <sys/wait.h>

#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>

#include "probe.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

struct kid {
	pid_t	pid;
	int	go;		/* a byte written here lets it exit */
};

static volatile sig_atomic_t chld_pid;
static volatile sig_atomic_t chld_seen;

/* SIGCHLD handler: remember who sent it. */
static void
on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	chld_pid = si->si_pid;
	chld_seen = 1;
}

/*
 * Fork a child that optionally makes itself a group leader, then waits
 * for the parent to close its pipe and exits with code.  The parent
 * also calls setpgid() so the group exists when spawn() returns.
 */
static struct kid
spawn(int code, int ownpgrp)
{
	struct kid k;
	int p[2];
	char b;

	if (pipe(p) == -1)
		fail("pipe");
	fflush(stdout);
	if ((k.pid = fork()) == -1)
		fail("fork");
	if (k.pid == 0) {
		close(p[1]);
		if (ownpgrp)
			setpgid(0, 0);
		(void)read(p[0], &b, 1);
		_exit(code);
	}
	close(p[0]);
	k.go = p[1];
	if (ownpgrp && setpgid(k.pid, k.pid) == -1 && errno != EACCES)
		fail("setpgid");
	return k;
}

/*
 * Let the child exit.  A byte is written because later children still
 * hold copies of the write end, so closing alone would not wake it.
 */
static void
release(struct kid *k)
{
	writeall(k->go, "x", 1);
	close(k->go);
}

/* Print a wait-style result against its expected pid. */
static void
check(const char *key, long got, long expect)
{
	char buf[64];

	result(key, got);
	snprintf(buf, sizeof(buf), "%s_expect", key);
	kv(buf, expect);
	match(key, got, expect);
}

/* -c N: the waits of a process without children. */
static void
childless(long n)
{
	siginfo_t	 si;
	long		 i;
	int		 st;

	result("wait4_any", wait4(-1, &st, 0, NULL));
	result("wait4_wnohang", wait4(-1, &st, WNOHANG, NULL));
	result("wait4_pid", wait4(2, &st, 0, NULL));
	result("wait4_pgid", wait4(-2, &st, 0, NULL));
	result("wait4_intmin", wait4(INT_MIN, &st, 0, NULL));
	result("wait4_badopt", wait4(-1, &st, 0x40000, NULL));
	memset(&si, 0x5a, sizeof(si));
	result("waitid_all", waitid(P_ALL, 0, &si, WEXITED | WNOHANG));
	kv("waitid_all_si_pid", si.si_pid);
	kv("waitid_all_si_signo", si.si_signo);
	result("waitid_pid", waitid(P_PID, 2, &si, WEXITED));
	result("waitid_pidfd_bad", waitid(P_PIDFD, INT_MAX, &si, WEXITED));
	result("waitid_badopt", waitid(P_ALL, 0, &si, 0));
	for (i = 0; i < n; i++)
		if (wait4(-1, &st, WNOHANG, NULL) != -1 || errno != ECHILD)
			fail("wait4_loop");
	kv("loop", n);
}

static pid_t	*forked, *waited;
static long	 nkids;
static volatile int	 nforked;

/* -t: the forking thread. */
static void *
forker(void *arg)
{
	long	 i;
	pid_t	 p;

	(void)arg;
	for (i = 0; i < nkids; i++) {
		if ((p = fork()) == -1)
			fail("fork");
		if (p == 0)
			_exit(0);
		forked[i] = p;
		__atomic_store_n(&nforked, (int)i + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

/*
 * -t N: the waiting thread starts before there is a child, so its
 * first waits find none while the other thread's forks are under way.
 */
static void
threaded(long n)
{
	pthread_t	 th;
	long		 got = 0, i, j, bad = 0, dup = 0, echild = 0;
	pid_t		 r;
	int		 st;

	nkids = n;
	if ((forked = calloc(n, sizeof(*forked))) == NULL ||
	    (waited = calloc(n, sizeof(*waited))) == NULL)
		fail("calloc");
	fflush(stdout);
	if (pthread_create(&th, NULL, forker, NULL) != 0)
		fail("pthread_create");
	while (got < n) {
		if ((r = wait4(-1, &st, __WALL, NULL)) > 0) {
			waited[got++] = r;
			continue;
		}
		if (errno != ECHILD)
			fail("wait4");
		echild++;
		sched_yield();
	}
	pthread_join(th, NULL);
	for (i = 0; i < n; i++) {
		for (j = 0; j < n && forked[j] != waited[i]; j++)
			continue;
		if (j == n)
			bad++;
		for (j = 0; j < i; j++)
			if (waited[j] == waited[i])
				dup++;
	}
	kv("reaped", got);
	kv("bad", bad);
	kv("dup", dup);
	kv("echild", echild);
	result("wait4_after", wait4(-1, &st, WNOHANG, NULL));
}

int
main(int argc, char *argv[])
{
	struct kid k[3], x;
	struct sigaction sa;
	sigset_t block, old;
	siginfo_t si;
	long out = 0, outpg = 0, r;
	int st, fd;

	if (argc == 3 && strcmp(argv[1], "-c") == 0) {
		childless(parse_long(argv[2]));
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "-t") == 0) {
		threaded(parse_long(argv[2]));
		return 0;
	}
	if (argc > 1)
		out = parse_long(argv[1]);
	if (argc > 2)
		outpg = parse_long(argv[2]);

	k[0] = spawn(11, 0);
	k[1] = spawn(12, 0);
	k[2] = spawn(13, 1);
	kv("fork1", k[0].pid);
	kv("fork2", k[1].pid);
	kv("fork3", k[2].pid);
	result("wnohang_live", wait4(-1, &st, WNOHANG, NULL));
	memset(&si, 0x5a, sizeof(si));
	result("waitid_badopt", waitid(P_ALL, 0, &si, 0));
	kv("waitid_badopt_si_pid", si.si_pid);
	result("getpgid_child3", getpgid(k[2].pid));

	release(&k[0]);
	check("wait4_pid", wait4(k[0].pid, &st, 0, NULL), k[0].pid);
	kv("wait4_pid_status", WEXITSTATUS(st));

	release(&k[1]);
	memset(&si, 0x5a, sizeof(si));
	r = waitid(P_PID, k[1].pid, &si, WEXITED);
	result("waitid_pid", r);
	check("waitid_pid_si_pid", si.si_pid, k[1].pid);
	kv("waitid_pid_si_status", si.si_status);
	kv("waitid_pid_si_code", si.si_code);
	/* The kernel writes up to si_status; the rest stays as it was. */
	kv("waitid_pid_tail", ((unsigned char *)&si)[sizeof(si) - 1]);

	release(&k[2]);
	memset(&si, 0, sizeof(si));
	r = waitid(P_PGID, k[2].pid, &si, WEXITED);
	result("waitid_pgid", r);
	check("waitid_pgid_si_pid", si.si_pid, k[2].pid);

	x = spawn(14, 0);
	release(&x);
	memset(&si, 0, sizeof(si));
	r = waitid(P_ALL, 0, &si, WEXITED);
	result("waitid_all", r);
	check("waitid_all_si_pid", si.si_pid, x.pid);

	x = spawn(15, 0);
	release(&x);
	check("wait4_any", wait4(-1, &st, 0, NULL), x.pid);

	x = spawn(16, 0);
	release(&x);
	check("wait4_pgrp0", wait4(0, &st, 0, NULL), x.pid);

	x = spawn(17, 1);
	release(&x);
	check("wait4_negpgid", wait4(-x.pid, &st, 0, NULL), x.pid);

	x = spawn(18, 0);
	check("kill_child", kill(x.pid, SIGKILL), 0);
	check("wait4_killed", wait4(x.pid, &st, 0, NULL), x.pid);
	kv("wait4_killed_termsig", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	close(x.go);

	x = spawn(19, 0);
	fd = syscall(SYS_pidfd_open, x.pid, 0);
	if (fd == -1 && errno == ENOSYS) {
		printf("pidfd=unsupported\n");
		release(&x);
		wait4(x.pid, &st, 0, NULL);
	} else if (fd == -1) {
		result("pidfd_open", -1);
		release(&x);
		wait4(x.pid, &st, 0, NULL);
	} else {
		result("pidfd_open", 0);
		release(&x);
		memset(&si, 0, sizeof(si));
		r = waitid(P_PIDFD, fd, &si, WEXITED);
		result("waitid_pidfd", r);
		check("waitid_pidfd_si_pid", si.si_pid, x.pid);
		close(fd);
	}

	/* SIGCHLD was SIG_DFL so far: nothing can be pending. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_chld;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) == -1)
		fail("sigaction");
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	x = spawn(20, 0);
	release(&x);
	sigdelset(&old, SIGCHLD);
	while (!chld_seen)
		sigsuspend(&old);
	check("sigchld_si_pid", chld_pid, x.pid);
	check("wait4_sigchld", wait4(x.pid, &st, 0, NULL), x.pid);

	result("wait4_none", wait4(-1, &st, WNOHANG, NULL));

	if (out > 0) {
		result("wait4_outside", wait4(out, &st, WNOHANG, NULL));
		memset(&si, 0, sizeof(si));
		result("waitid_outside",
		    waitid(P_PID, out, &si, WEXITED | WNOHANG));
		result("pidfd_open_outside", syscall(SYS_pidfd_open, out, 0) >=
		    0 ? 0 : -1);
	}
	if (outpg > 0) {
		result("wait4_outside_pgid", wait4(-outpg, &st, WNOHANG,
		    NULL));
		memset(&si, 0, sizeof(si));
		result("waitid_outside_pgid",
		    waitid(P_PGID, outpg, &si, WEXITED | WNOHANG));
	}
	return 0;
}
