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
 * probe-tidaddr: set_tid_address and the word the kernel clears when a
 * thread ends while its address space has other users.
 *
 * usage: probe-tidaddr [join]
 *
 * Each case runs in a child of its own, whose exit code is the result:
 * 0 when the word was cleared (or the thread joined), 1 when it was not
 * within 5 s, 2 when the case could not be set up.  The main thread
 * ends alone (SYS_exit) while another waits for its word, which the
 * kernel clears only if it still knows the address: set before the
 * first thread and after, through pthread_create (clone3) and through
 * a bare clone, and (cleared_vfork_clone) before a vfork whose child
 * makes a process with CLONE_VM that waits, the vfork child gone, while
 * the parent, sharing its space with that process only, ends; that
 * process's result comes back through a pipe.  cleared_vfork_clone3 is
 * the same with clone3(CLONE_VM | CLONE_VFORK) for the vfork, as
 * posix_spawn makes it.  A forked child has the
 * word its fork gave the kernel (CLONE_CHILD_CLEARTID): the case of the
 * address glibc sets at the start of an image (join_main) runs in a new
 * one, "probe-tidaddr join".
 */

#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/futex.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <time.h>

#include "probe.h"

#define STACKSZ	(64 * 1024)

static volatile int	 word;
static pthread_t	 mainthr;
static int		 res[2];	/* cleared_vfork_clone's result */

/* Wait at most 5 s for word to be 0: 0, or 1 if it was not. */
static int
word_cleared(void)
{
	struct timespec	 ts = { 0, 50 * 1000 * 1000 };
	int		 i, v;

	for (i = 0; i < 100; i++) {
		if ((v = word) == 0)
			return 0;
		(void)syscall(SYS_futex, &word, FUTEX_WAIT, v, &ts, NULL, 0);
	}
	return word == 0 ? 0 : 1;
}

static void *
waiter(void *arg)
{
	(void)arg;
	_exit(word_cleared());
}

static int
waiter_clone(void *arg)
{
	(void)arg;
	_exit(word_cleared());
}

/* The process the vfork child makes: its result through res. */
static int
waiter_res(void *arg)
{
	char	 r;

	(void)arg;
	r = (char)word_cleared();
	_exit(write(res[1], &r, 1) == 1 ? 0 : 2);
}

/* The vfork child: a process that shares the space, then _exit. */
static void
vfork_child(void)
{
	char	*stk;

	stk = mmap(NULL, STACKSZ, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	_exit(stk == MAP_FAILED || clone(waiter_res, stk + STACKSZ,
	    CLONE_VM | SIGCHLD, NULL) == -1 ? 2 : 0);
}

/*
 * clone3(CLONE_VM | CLONE_VFORK) with a stack of its own, the child
 * calling fn there at once, never to return (x86-64).
 */
static long
clone3_vfork(void (*fn)(void))
{
	static char		 stk[STACKSZ] __attribute__((aligned(16)));
	struct clone_args	 ca;
	register void		(*f)(void) __asm__("r12") = fn;
	long			 r;

	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_VM | CLONE_VFORK;
	ca.exit_signal = SIGCHLD;
	ca.stack = (uint64_t)(uintptr_t)stk;
	ca.stack_size = sizeof(stk);
	__asm__ volatile("syscall\n\t"
	    "testq %%rax, %%rax\n\t"
	    "jnz 1f\n\t"
	    "call *%%r12\n\t"
	    "ud2\n"
	    "1:"
	    : "=a" (r)
	    : "0" ((long)SYS_clone3), "D" (&ca), "S" (sizeof(ca)), "r" (f)
	    : "rcx", "r11", "memory");
	return r;
}

/* pthread_join of the main thread, ended by pthread_exit. */
static void *
joiner(void *arg)
{
	struct timespec	 ts;

	(void)arg;
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	_exit(pthread_timedjoin_np(mainthr, NULL, &ts) == 0 ? 0 : 1);
}

/*
 * The cases.  how: 0 our word before pthread_create, 1 before a bare
 * clone of a thread, 2 our word set after pthread_create, 3 glibc's own
 * word (pthread_exit and a join of the main thread), 4 our word before
 * a vfork whose child makes a process with CLONE_VM (its result in res),
 * 5 the same with clone3 for the vfork.
 */
static void
tidcase(int how)
{
	pthread_t	 th;
	char		*stk;
	sigset_t	 all;

	word = 12345;
	mainthr = pthread_self();
	/* Only the waiter may take signals once the main thread ends. */
	(void)sigfillset(&all);
	if (how == 0 || how == 1 || how >= 4)
		(void)syscall(SYS_set_tid_address, &word);
	switch (how) {
	case 4:
	case 5:
		close(res[0]);
		if (how == 5) {
			if (clone3_vfork(vfork_child) == -1)
				_exit(2);
		} else if (vfork() == 0)
			vfork_child();
		close(res[1]);
		break;
	case 0:
	case 2:
		if (pthread_create(&th, NULL, waiter, NULL) != 0)
			_exit(2);
		break;
	case 1:
		stk = mmap(NULL, STACKSZ, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
		if (stk == MAP_FAILED || clone(waiter_clone, stk + STACKSZ,
		    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
		    CLONE_THREAD | CLONE_SYSVSEM, NULL) == -1)
			_exit(2);
		break;
	case 3:
		if (pthread_create(&th, NULL, joiner, NULL) != 0)
			_exit(2);
		pthread_exit(NULL);
	}
	if (how == 2)
		(void)syscall(SYS_set_tid_address, &word);
	(void)pthread_sigmask(SIG_BLOCK, &all, NULL);
	(void)syscall(SYS_exit, 0);
}

static void
run(const char *key, int how, char *self)
{
	char	*av[] = { self, "join", NULL };
	pid_t	 pid;
	int	 st;
	char	 r;

	fflush(stdout);
	if (how >= 4 && pipe(res) == -1) {
		result(key, -1);
		return;
	}
	if ((pid = fork()) == -1) {
		result(key, -1);
		return;
	}
	if (pid == 0 && how == 3) {
		execv(self, av);
		_exit(2);
	}
	if (pid == 0)
		tidcase(how);
	if (how >= 4) {
		/* EOF: the process that waits never wrote. */
		close(res[1]);
		kv(key, read(res[0], &r, 1) == 1 ? r : 2);
		close(res[0]);
	}
	if (waitpid(pid, &st, 0) == -1)
		result(how >= 4 ? "vfork_parent" : key, -1);
	else if (how < 4)
		kv(key, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

int
main(int argc, char *argv[])
{
	int	 w, *got = NULL;
	long	 r;

	if (argc > 1 && strcmp(argv[1], "join") == 0)
		tidcase(3);
	r = syscall(SYS_set_tid_address, &w);
	kv("settid_is_gettid", r == syscall(SYS_gettid));
	kv("settid_ret", r);
	if (prctl(PR_GET_TID_ADDRESS, &got, 0, 0, 0) == -1)
		result("get_tid_address", -1);
	else
		kv("get_tid_address", got == &w);
	run("cleared_pthread_create", 0, argv[0]);
	run("cleared_clone", 1, argv[0]);
	run("cleared_set_after", 2, argv[0]);
	run("join_main", 3, argv[0]);
	run("cleared_vfork_clone", 4, argv[0]);
	run("cleared_vfork_clone3", 5, argv[0]);
	return 0;
}
