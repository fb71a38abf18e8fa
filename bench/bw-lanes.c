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
 * bw-lanes: what the seccomp listener could give on two CPUs.  Two
 * children trap getppid to a listener (SECCOMP_RET_USER_NOTIF, with
 * SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP where the kernel has it) and make
 * N calls each; T answer threads answer them, each answer first making
 * W fstat calls, the stand-in for a path walk.  Checks that every
 * getppid returns the answer (our pid).
 *
 * usage: bw-lanes [-e] -p placement -t threads -w work N
 *
 * -e: each answer thread waits in an epoll of its own, the listener
 * added with EPOLLEXCLUSIVE (one waiter woken per notification), before
 * its SECCOMP_IOCTL_NOTIF_RECV; without it, every thread waiting in
 * RECV is woken (Linux 6.6 and later wait on the listener's queue).
 *
 * placement:
 *	one	everything on the first CPU (instproc -p one)
 *	spread	answer thread i pinned to CPU i % 2, the children free
 *	pinned	the children pinned one per CPU too
 * Prints "2N NS", NS the wall time until both children are done.
 * Exits 77 (with a message) for spread or pinned on one CPU, or
 * without a listener (Linux 5.0).
 */

#define _GNU_SOURCE
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "stop.h"

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS	SECCOMP_IOW(4, __u64)
#endif

enum place {
	P_ONE,
	P_SPREAD,
	P_PINNED,
	P__MAX
};

static const char *const places[P__MAX] = {
	"one",		/* P_ONE */
	"spread",	/* P_SPREAD */
	"pinned",	/* P_PINNED */
};

struct lane {
	pthread_t	 thr;
	int		 nfd;	/* the listener */
	int		 cpu;	/* -1: free */
	long		 work;
	int		 excl;	/* wait in epoll, EPOLLEXCLUSIVE */
	pid_t		 answer;
};

/* Answer every notification with l->answer, after l->work fstats. */
static void *
lane_main(void *arg)
{
	struct lane			*l = arg;
	struct seccomp_notif		 req;
	struct seccomp_notif_resp	 resp;
	struct pollfd			 pfd;
	struct stat			 st;
	struct epoll_event		 ev;
	long				 i;
	int				 ep = -1;

	if (l->cpu != -1)
		bench_pin(l->cpu);
	if (l->excl) {
		if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
			err(1, "epoll_create1");
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN | EPOLLEXCLUSIVE;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, l->nfd, &ev) == -1)
			err(1, "epoll_ctl");
	}
	for (;;) {
		if (ep != -1 && epoll_wait(ep, &ev, 1, -1) == -1 &&
		    errno != EINTR)
			err(1, "epoll_wait");
		memset(&req, 0, sizeof(req));
		if (ioctl(l->nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) == -1) {
			if (errno == EINTR)
				continue;
			/* ENOENT: a caller gone, or all of them. */
			pfd.fd = l->nfd;
			pfd.events = POLLIN;
			if (errno == ENOENT && poll(&pfd, 1, 0) != 1)
				continue;
			if (errno == ENOENT && !(pfd.revents & POLLHUP))
				continue;
			return NULL;
		}
		for (i = 0; i < l->work; i++)
			(void)fstat(0, &st);
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.val = l->answer;
		(void)ioctl(l->nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}

/* Child k: n getppid, each checked; then exit. */
static void
caller(long n, pid_t want, int cpu)
{
	long	 i, r;

	if (cpu != -1)
		bench_pin(cpu);
	for (i = 0; i < n; i++)
		if ((r = syscall(SYS_getppid)) != want)
			errx(1, "getppid returned %ld, not %d", r, (int)want);
	_exit(0);
}

int
main(int argc, char *argv[])
{
	struct lane	 lanes[8];
	const char	*errstr;
	enum place	 pl = P__MAX;
	uint64_t	 t0, t1;
	long		 n, work = 0;
	pid_t		 self = getpid(), c[2];
	int		 ch, cpu[2], nthr = 1, nfd, k, st, bad = 0, excl = 0;

	while ((ch = getopt(argc, argv, "ep:t:w:")) != -1) {
		switch (ch) {
		case 'e':
			excl = 1;
			break;
		case 'p':
			for (pl = 0; pl < P__MAX; pl++)
				if (strcmp(optarg, places[pl]) == 0)
					break;
			break;
		case 't':
			nthr = (int)strtonum(optarg, 1, 8, &errstr);
			if (errstr != NULL)
				pl = P__MAX;
			break;
		case 'w':
			work = strtonum(optarg, 0, 100000, &errstr);
			if (errstr != NULL)
				pl = P__MAX;
			break;
		default:
			pl = P__MAX;
			break;
		}
	}
	argc -= optind;
	argv += optind;
	if (pl == P__MAX || argc != 1) {
		fprintf(stderr, "usage: bw-lanes [-e] -p one|spread|pinned "
		    "[-t threads] [-w work] count\n");
		return 2;
	}
	n = strtonum(argv[0], 0, 100000000, &errstr);
	if (errstr != NULL) {
		fprintf(stderr, "bw-lanes: count is %s: %s\n", errstr,
		    argv[0]);
		return 2;
	}
	bench_cpus(cpu);
	if (pl != P_ONE && cpu[1] == -1) {
		fprintf(stderr, "bw-lanes: one CPU only: no %s placement\n",
		    places[pl]);
		return 77;
	}
	if (pl == P_ONE)
		bench_pin(cpu[0]);

	/*
	 * The filter is ours: the callers inherit it, the lanes are
	 * threads made before it, which it does not cover.
	 */
	for (k = 0; k < nthr; k++) {
		lanes[k].cpu = pl == P_ONE ? -1 : cpu[k % 2];
		lanes[k].work = work;
		lanes[k].excl = excl;
		lanes[k].answer = self;
	}
	if ((nfd = bench_trap(__NR_getppid, SECCOMP_RET_USER_NOTIF,
	    SECCOMP_FILTER_FLAG_NEW_LISTENER)) == -1) {
		fprintf(stderr, "bw-lanes: no seccomp listener: %s\n",
		    strerror(errno));
		return 77;
	}
	(void)ioctl(nfd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, 1UL);
	for (k = 0; k < nthr; k++) {
		lanes[k].nfd = nfd;
		if ((errno = pthread_create(&lanes[k].thr, NULL, lane_main,
		    &lanes[k])) != 0)
			err(1, "pthread_create");
	}
	t0 = now_ns();
	for (k = 0; k < 2; k++) {
		if ((c[k] = fork()) == -1)
			err(1, "fork");
		if (c[k] == 0)
			caller(n, self, pl == P_PINNED ? cpu[k] : -1);
	}
	for (k = 0; k < 2; k++) {
		if (waitpid(c[k], &st, 0) == -1)
			err(1, "waitpid");
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad = 1;
	}
	t1 = now_ns();
	if (bad)
		errx(1, "a caller failed");
	bench_report(2 * n, t0, t1);
	return 0;
}
