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
 * bw-tracer: the least a ptrace supervisor can do, for the scale run to
 * hold instproc against.  It runs command, pinned with itself to one CPU
 * as instproc's default placement is, traced from before its exec with
 * PTRACE_SEIZE and every task it makes attached (fork, vfork, clone),
 * getpid made a SECCOMP_RET_TRACE stop.  It waits as instproc's tracing
 * thread does, wait4(-1, __WALL), and resumes every stop at once with
 * nothing else done: no lock, no model, no register read.  So what a
 * stop costs under it, at a given number of tasks, is what the kernel
 * alone makes a ptrace supervisor pay there.
 *
 * usage: bw-tracer command [arg ...]
 *
 * Exits as command does (128 + the signal that ended it), after every
 * task it made has ended, and prints "bw-tracer: N stops" on stderr.
 */

#define _GNU_SOURCE
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <unistd.h>

#include "bench.h"
#include "stop.h"

#define OPTIONS	(PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | \
	PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | \
	PTRACE_O_EXITKILL)

int
main(int argc, char *argv[])
{
	long	 stops = 0;
	pid_t	 c, pid;
	int	 cpu[2], go[2], st, cst = -1, sig, ev;
	char	 x;

	if (getopt(argc, argv, "+") != -1 || optind >= argc) {
		fprintf(stderr, "usage: bw-tracer [--] command [arg ...]\n");
		return 2;
	}
	argv += optind;
	bench_cpus(cpu);
	bench_pin(cpu[0]);
	if (pipe(go) == -1)
		err(1, "pipe");
	if ((c = fork()) == -1)
		err(1, "fork");
	if (c == 0) {
		/* Traced from here: the filter's stops need a tracer. */
		close(go[1]);
		if (read(go[0], &x, 1) != 1)
			_exit(127);
		close(go[0]);
		if (bench_trap(__NR_getpid, SECCOMP_RET_TRACE, 0) == -1)
			err(127, "seccomp");
		execvp(argv[0], argv);
		err(127, "%s", argv[0]);
	}
	close(go[0]);
	if (ptrace(PTRACE_SEIZE, c, 0, OPTIONS) == -1)
		err(1, "PTRACE_SEIZE");
	if (write(go[1], "g", 1) != 1)
		err(1, "write");
	close(go[1]);

	for (;;) {
		if ((pid = wait4(-1, &st, __WALL, NULL)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			err(1, "wait4");
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (pid == c)
				cst = st;
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		stops++;
		sig = WSTOPSIG(st);
		ev = (unsigned int)st >> 16;
		if (ev == PTRACE_EVENT_STOP && (sig == SIGSTOP ||
		    sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU))
			(void)ptrace(PTRACE_LISTEN, pid, 0, 0);
		else if (ev != 0)
			/* seccomp, fork, clone, exec, a new task's first */
			(void)ptrace(PTRACE_CONT, pid, 0, 0);
		else
			(void)ptrace(PTRACE_CONT, pid, 0, sig);
	}
	fprintf(stderr, "bw-tracer: %ld stops\n", stops);
	if (cst == -1)
		errx(1, "%s: no status", argv[0]);
	return WIFEXITED(cst) ? WEXITSTATUS(cst) : 128 + WTERMSIG(cst);
}
