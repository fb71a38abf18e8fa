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
 * probe-takeback: a kernel fact, run natively, that a listener which
 * cannot answer a call needs: can the tracer take the task back from a
 * user notification and have the call reach its TRACE filter instead?
 *
 * usage: probe-takeback sigstop|interrupt
 *
 * A traced child stacks two filters on getppid: a guard returning TRACE,
 * and a notify filter returning USER_NOTIF unless the first argument is
 * EXEMPT.  It calls getppid(0); the notification is received and never
 * answered.  The tracer takes the child back, with tgkill(SIGSTOP) (any
 * thread of the supervisor can) or PTRACE_INTERRUPT (only the tracing
 * thread), and at the stop that follows sets the argument to EXEMPT and
 * resumes it without the signal.  Prints:
 *   stop=          19 (signal-delivery-stop) or 128 (PTRACE_EVENT_STOP)
 *   stop_rax=      what the call returned so far: -512, -ERESTARTSYS
 *   stop_nr=       its number, to run again: 110 (getppid)
 *   id_valid=      the notification after the stop: -ENOENT, cancelled
 *   ours=          1 if the SIGSTOP's siginfo names the tracer (SI_TKILL)
 *   restart=       7 if the call came back as a seccomp TRACE stop
 *   restart_a0=    its argument there: 57005 (EXEMPT)
 *   result_ok=     1 if the call returned the child's real parent
 */

#define _GNU_SOURCE
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

#define EXEMPT	0xdead
#define LISTENER 100		/* the child's descriptor of it */

static pid_t	 parent;

/* getppid: action, or exempt if argument 0 is EXEMPT. */
static long
filter(unsigned int action, unsigned int exempt, unsigned int flags)
{
	struct sock_filter	 f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, EXEMPT, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, exempt),
		BPF_STMT(BPF_RET | BPF_K, action),
	};
	struct sock_fprog	 p = { sizeof(f) / sizeof(f[0]), f };

	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &p);
}

/* The child: filters in, stopped once, then the call. */
static void __attribute__((noreturn))
child(void)
{
	long	 fd, r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		_exit(10);
	raise(SIGSTOP);			/* wait for the tracer */
	/* The guard first: as in mult, the later filter is the listener. */
	if (filter(SECCOMP_RET_TRACE, SECCOMP_RET_TRACE, 0) == -1)
		_exit(11);
	if ((fd = filter(SECCOMP_RET_USER_NOTIF, SECCOMP_RET_ALLOW,
	    SECCOMP_FILTER_FLAG_NEW_LISTENER)) == -1 ||
	    dup2((int)fd, LISTENER) == -1)
		_exit(12);
	raise(SIGSTOP);			/* the tracer takes LISTENER */
	r = syscall(SYS_getppid, 0);
	/* Told by the exit status: no getppid() here, it would notify. */
	_exit(r == (long)parent ? 0 : 13);
}

int
main(int argc, char *argv[])
{
	struct seccomp_notif	 n;
	struct user_regs_struct	 r;
	siginfo_t		 si;
	pid_t			 c;
	long			 a0 = 0;
	int			 st, ev, sig, lfd, pfd, intr;

	if (argc != 2 || (strcmp(argv[1], "sigstop") != 0 &&
	    strcmp(argv[1], "interrupt") != 0))
		fail("usage");
	intr = strcmp(argv[1], "interrupt") == 0;
	setvbuf(stdout, NULL, _IONBF, 0);
	parent = getpid();
	if ((c = fork()) == -1)
		fail("fork");
	if (c == 0)
		child();
	if (waitpid(c, &st, WUNTRACED) == -1 || ptrace(PTRACE_SEIZE, c, 0,
	    PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD |
	    PTRACE_O_EXITKILL) == -1)
		fail("seize");
	kill(c, SIGCONT);
	/* To its second SIGSTOP, the first signal-delivery-stop of it. */
	for (;;) {
		if (waitpid(c, &st, __WALL) == -1)
			fail("wait");
		if (!WIFSTOPPED(st)) {
			kv("child_status", WIFEXITED(st) ? WEXITSTATUS(st) :
			    128 + WTERMSIG(st));
			fail("child");
		}
		if (WSTOPSIG(st) == SIGSTOP && (st >> 16) == 0)
			break;
		ptrace(PTRACE_CONT, c, 0, (st >> 16) == 0 &&
		    WSTOPSIG(st) != SIGSTOP ? WSTOPSIG(st) : 0);
	}
	if ((pfd = (int)syscall(SYS_pidfd_open, c, 0)) == -1)
		skip("pidfd_open");
	if ((lfd = (int)syscall(SYS_pidfd_getfd, pfd, LISTENER, 0)) == -1)
		skip("pidfd_getfd");
	ptrace(PTRACE_CONT, c, 0, 0);
	memset(&n, 0, sizeof(n));
	if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &n) == -1)
		fail("recv");
	if (intr ? ptrace(PTRACE_INTERRUPT, c, 0, 0) :
	    syscall(SYS_tgkill, c, c, SIGSTOP) == -1)
		fail("take back");
	for (;;) {
		if (waitpid(c, &st, __WALL) == -1)
			fail("wait");
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		ev = st >> 16;
		sig = WSTOPSIG(st);
		if (ptrace(PTRACE_GETREGS, c, 0, &r) == -1)
			fail("getregs");
		if ((ev == 0 && sig == SIGSTOP) || ev == PTRACE_EVENT_STOP) {
			kv("stop", ev == 0 ? sig : ev);
			kv("stop_rax", (long)r.rax);
			kv("stop_nr", (long)r.orig_rax);
			result("id_valid", ioctl(lfd,
			    SECCOMP_IOCTL_NOTIF_ID_VALID, &n.id));
			if (ev == 0) {
				memset(&si, 0, sizeof(si));
				ptrace(PTRACE_GETSIGINFO, c, 0, &si);
				kv("ours", si.si_code == SI_TKILL &&
				    si.si_pid == getpid());
			}
			a0 = (long)r.rdi;
			r.rdi = EXEMPT;
			ptrace(PTRACE_SETREGS, c, 0, &r);
			ptrace(PTRACE_CONT, c, 0, 0);
		} else if (ev == PTRACE_EVENT_SECCOMP) {
			kv("restart", ev);
			kv("restart_a0", (long)r.rdi);
			ptrace(PTRACE_SYSCALL, c, 0, 0);
		} else if (sig == (SIGTRAP | 0x80)) {
			/* Its exit: the argument register back as it was. */
			r.rdi = (unsigned long long)a0;
			ptrace(PTRACE_SETREGS, c, 0, &r);
			ptrace(PTRACE_CONT, c, 0, 0);
		} else
			ptrace(PTRACE_CONT, c, 0, ev != 0 ? 0 : sig);
	}
	kv("result_ok", WIFEXITED(st) && WEXITSTATUS(st) == 0);
	return 0;
}
