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
 * bw-stopcost: the physical limit of a ptrace supervisor, a bare seccomp
 * RET_TRACE stop resumed with PTRACE_CONT and nothing else done.  The
 * tracee installs a filter that returns SECCOMP_RET_TRACE for getppid
 * and calls getppid N times; the tracer waits for each stop and
 * continues it.  Checks that every getppid returns the tracer's pid.
 *
 * usage: bw-stopcost -m mode N
 *
 * mode is where the two run:
 *	plain	no tracer, no filter: getppid alone
 *	same	tracer and tracee pinned to one CPU
 *	split	tracer and tracee pinned to two different CPUs
 *	free	neither pinned: wherever the scheduler puts them
 * Prints "N NS", NS being the tracee's time for the N calls.  Exits 77
 * (with a message) if split is asked for on a machine with one CPU.
 */

#define _GNU_SOURCE
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "stop.h"

enum mode {
	M_PLAIN,	/* no tracer */
	M_SAME,		/* both on one CPU */
	M_SPLIT,	/* on two CPUs */
	M_FREE,		/* unpinned */
	M__MAX
};

static const char *const modes[M__MAX] = {
	"plain",	/* M_PLAIN */
	"same",		/* M_SAME */
	"split",	/* M_SPLIT */
	"free",		/* M_FREE */
};

/* The calls themselves: N getppid, each checked against ppid. */
static uint64_t
calls(long n, pid_t ppid)
{
	uint64_t	 t0, t1;
	long		 i, r;

	t0 = now_ns();
	for (i = 0; i < n; i++)
		if ((r = syscall(SYS_getppid)) != ppid)
			errx(1, "getppid returned %ld, not %d", r, (int)ppid);
	t1 = now_ns();
	return t1 - t0;
}

int
main(int argc, char *argv[])
{
	const char	*errstr;
	enum mode	 m = M__MAX;
	uint64_t	 ns;
	long		 n, stops = 0;
	pid_t		 self, c;
	int		 ch, cpu[2], p[2], st;

	while ((ch = getopt(argc, argv, "m:")) != -1) {
		switch (ch) {
		case 'm':
			for (m = 0; m < M__MAX; m++)
				if (strcmp(optarg, modes[m]) == 0)
					break;
			break;
		default:
			m = M__MAX;
			break;
		}
	}
	argc -= optind;
	argv += optind;
	if (m == M__MAX || argc != 1) {
		fprintf(stderr, "usage: bw-stopcost -m plain|same|split|free "
		    "count\n");
		return 2;
	}
	n = strtonum(argv[0], 0, 100000000, &errstr);
	if (errstr != NULL) {
		fprintf(stderr, "bw-stopcost: count is %s: %s\n", errstr,
		    argv[0]);
		return 2;
	}
	self = getpid();

	if (m == M_PLAIN) {
		ns = calls(n, getppid());
		bench_report(n, 0, ns);
		return 0;
	}

	bench_cpus(cpu);
	if (m == M_SPLIT && cpu[1] == -1) {
		fprintf(stderr, "bw-stopcost: one CPU only: no split "
		    "placement\n");
		return 77;
	}
	if (m != M_FREE)
		bench_pin(cpu[0]);
	if (pipe(p) == -1)
		err(1, "pipe");
	if ((c = fork()) == -1)
		err(1, "fork");
	if (c == 0) {
		close(p[0]);
		if (m == M_SPLIT)
			bench_pin(cpu[1]);
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) == -1)
			err(1, "PTRACE_TRACEME");
		raise(SIGSTOP);
		if (bench_trap(__NR_getppid, SECCOMP_RET_TRACE, 0) == -1)
			err(1, "seccomp");
		ns = calls(n, self);
		if (write(p[1], &ns, sizeof(ns)) != sizeof(ns))
			err(1, "write");
		_exit(0);
	}
	close(p[1]);

	if (waitpid(c, &st, 0) != c || !WIFSTOPPED(st))
		errx(1, "the tracee did not stop");
	if (ptrace(PTRACE_SETOPTIONS, c, 0,
	    PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL) == -1)
		err(1, "PTRACE_SETOPTIONS");
	if (ptrace(PTRACE_CONT, c, 0, 0) == -1)
		err(1, "PTRACE_CONT");
	for (;;) {
		if (waitpid(c, &st, 0) != c)
			err(1, "waitpid");
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		if (st >> 8 == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
			stops++;
			ptrace(PTRACE_CONT, c, 0, 0);
		} else
			ptrace(PTRACE_CONT, c, 0, WSTOPSIG(st));
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		errx(1, "the tracee failed (status %#x)", st);
	if (stops != n)
		errx(1, "%ld stops for %ld calls", stops, n);
	if (read(p[0], &ns, sizeof(ns)) != sizeof(ns))
		errx(1, "the tracee reported no time");
	bench_report(n, 0, ns);
	return 0;
}
