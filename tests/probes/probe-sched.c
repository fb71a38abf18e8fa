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
 * probe-sched: the calls that name a process for scheduling, limits,
 * capabilities, cpu clocks and memory.
 *
 * usage: probe-sched [OUTSIDE_PID [OUTSIDE_PGID]]
 *
 * Every call is made on ourselves first (keys without a suffix), then
 * on OUTSIDE_PID (keys ending in _outside).  Raw syscalls are used, so
 * getpriority prints the kernel's 20 - nice and sched_getaffinity the
 * mask size in bytes.  Fd results print as 0.  KCMP_FILE compares fd 1.
 * kcmp_pair_* and getfd_* compare and take descriptors of a child: fd 1,
 * which it shares with us, and a file it opened alone (kcmp answers 0
 * for the same file, 1 or 2 for an order between different ones).
 */

#define _GNU_SOURCE
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <linux/capability.h>
#include <linux/kcmp.h>
#include <linux/perf_event.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <time.h>

#include "probe.h"

#define IOPRIO_WHO_PROCESS	1
#define CPUCLOCK_SCHED		2

static char mask[128];

/* Print a call returning a file descriptor as 0, closing the fd. */
static void
result_fd(const char *key, long fd)
{
	if (fd >= 0)
		close(fd);
	result(key, fd >= 0 ? 0 : -1);
}

/* Build "<base><suffix>" in a static buffer. */
static const char *
k(const char *base, const char *suffix)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s%s", base, suffix);
	return buf;
}

/* capget on pid with a version 3 header. */
static long
capget_pid(long pid)
{
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2];

	h.version = _LINUX_CAPABILITY_VERSION_3;
	h.pid = pid;
	return syscall(SYS_capget, &h, d);
}

/*
 * The read-only calls on pid; sfx tells ours from the outsider's.  The
 * cpu clock is tried through glibc and with a hand-made clock id.
 */
static void
lookups(long pid, const char *sfx)
{
	struct sched_param sp;
	struct timespec ts;
	struct rlimit rl;
	uint32_t attr[14];
	void *head;
	size_t len;
	clockid_t clk;
	int e;

	result(k("affinity", sfx), syscall(SYS_sched_getaffinity, pid,
	    sizeof(mask), mask));
	result(k("getscheduler", sfx), syscall(SYS_sched_getscheduler, pid));
	result(k("getparam", sfx), syscall(SYS_sched_getparam, pid, &sp));
	result(k("getattr", sfx), syscall(SYS_sched_getattr, pid, attr,
	    sizeof(attr), 0));
	result(k("rr_interval", sfx), syscall(SYS_sched_rr_get_interval, pid,
	    &ts));
	result(k("prio_process", sfx), syscall(SYS_getpriority, PRIO_PROCESS,
	    pid));
	result(k("ioprio", sfx), syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS,
	    pid));
	result(k("prlimit_nofile", sfx), syscall(SYS_prlimit64, pid,
	    RLIMIT_NOFILE, NULL, &rl));
	result(k("get_robust_list", sfx), syscall(SYS_get_robust_list, pid,
	    &head, &len));
	result(k("capget", sfx), capget_pid(pid));
	result(k("getpgid", sfx), syscall(SYS_getpgid, pid));
	result(k("getsid", sfx), syscall(SYS_getsid, pid));
	e = clock_getcpuclockid(pid, &clk);
	result_err(k("cpuclock", sfx), e);
	if (e == 0)
		result(k("cpuclock_gettime", sfx), clock_gettime(clk, &ts));
	clk = ((~(clockid_t)pid) << 3) | CPUCLOCK_SCHED;
	result(k("cpuclock_raw_gettime", sfx), clock_gettime(clk, &ts));
	result(k("cpuclock_raw_getres", sfx), clock_getres(clk, &ts));
}

/* Calls that may change the outsider, in harmless ways only. */
static void
outside(long out, long outpg)
{
	struct perf_event_attr pe;
	struct iovec l, r;
	uint64_t v = 0, nodes = 1;
	long prio;

	lookups(out, "_outside");
	prio = syscall(SYS_getpriority, PRIO_PROCESS, out);
	if (prio < 0)
		prio = syscall(SYS_getpriority, PRIO_PROCESS, 0);
	result("setpriority_outside", syscall(SYS_setpriority, PRIO_PROCESS,
	    out, 20 - prio));
	if (syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask) < 0)
		fail("sched_getaffinity");
	result("setaffinity_outside", syscall(SYS_sched_setaffinity, out,
	    sizeof(mask), mask));
	result("kcmp_outside", syscall(SYS_kcmp, out, sys_getpid(), KCMP_VM,
	    0, 0) >= 0 ? 0 : -1);
	l.iov_base = &v;
	l.iov_len = sizeof(v);
	r.iov_base = (void *)0x1000;	/* below mmap_min_addr */
	r.iov_len = sizeof(v);
	result("process_vm_readv_outside", syscall(SYS_process_vm_readv, out,
	    &l, 1, &r, 1, 0));
	result("move_pages_outside", syscall(SYS_move_pages, out, 0, NULL,
	    NULL, NULL, 0));
	result("migrate_pages_outside", syscall(SYS_migrate_pages, out, 64,
	    &nodes, &nodes));
	memset(&pe, 0, sizeof(pe));
	pe.type = PERF_TYPE_SOFTWARE;
	pe.size = sizeof(pe);
	pe.config = PERF_COUNT_SW_CPU_CLOCK;
	pe.disabled = 1;
	pe.exclude_kernel = 1;
	pe.exclude_hv = 1;
	result_fd("perf_outside", syscall(SYS_perf_event_open, &pe, out, -1,
	    -1, 0));
	result_fd("pidfd_open_outside", syscall(SYS_pidfd_open, out, 0));
	if (outpg > 0) {
		prio = syscall(SYS_getpriority, PRIO_PGRP, outpg);
		result("prio_pgrp_outside", prio);
		if (prio < 0)
			prio = syscall(SYS_getpriority, PRIO_PROCESS, 0);
		result("setpriority_pgrp_outside", syscall(SYS_setpriority,
		    PRIO_PGRP, outpg, 20 - prio));
	}
}

/*
 * kcmp and pidfd_getfd between two processes of the instance: the child
 * shares fd 1 with us and has a file of its own, whose number it sends
 * over a pipe; then it waits for the pipe to close.
 */
static void
pair(long pid)
{
	pid_t p;
	int go[2], back[2], fd, pfd, got, st;
	char b;

	if (pipe(go) == -1 || pipe(back) == -1)
		fail("pipe");
	fflush(stdout);
	if ((p = fork()) == -1)
		fail("fork");
	if (p == 0) {
		close(go[1]);
		close(back[0]);
		if ((fd = open("/dev/null", O_RDONLY)) == -1)
			_exit(1);
		writeall(back[1], &fd, sizeof(fd));
		(void)read(go[0], &b, 1);
		_exit(0);
	}
	close(go[0]);
	close(back[1]);
	readall(back[0], &fd, sizeof(fd));
	kv("pair_child", p);
	result("kcmp_pair_same", syscall(SYS_kcmp, pid, p, KCMP_FILE, 1, 1));
	result("kcmp_pair_diff", syscall(SYS_kcmp, pid, p, KCMP_FILE, 1, fd));
	if ((pfd = syscall(SYS_pidfd_open, p, 0)) == -1)
		fail("pidfd_open");
	got = syscall(SYS_pidfd_getfd, pfd, fd, 0);
	result("getfd_pair", got >= 0 ? 0 : -1);
	if (got >= 0) {
		result("getfd_kcmp", syscall(SYS_kcmp, pid, p, KCMP_FILE, got,
		    fd));
		close(got);
	}
	result("getfd_pair_badfd", syscall(SYS_pidfd_getfd, pfd, 1000, 0));
	close(go[1]);
	if (waitpid(p, &st, 0) != p)
		fail("waitpid");
	result("getfd_reaped", syscall(SYS_pidfd_getfd, pfd, fd, 0));
	result("kcmp_reaped", syscall(SYS_kcmp, pid, p, KCMP_FILE, 1, 1));
	close(pfd);
}

/*
 * getpriority/setpriority on the group of a child made leader of its
 * own group: unlike our own group, it holds no foreign processes.
 */
static void
child_pgrp(long nice)
{
	pid_t p;
	int go[2], st;
	char b;

	if (pipe(go) == -1)
		fail("pipe");
	fflush(stdout);
	if ((p = fork()) == -1)
		fail("fork");
	if (p == 0) {
		close(go[1]);
		setpgid(0, 0);
		(void)read(go[0], &b, 1);
		_exit(0);
	}
	close(go[0]);
	if (setpgid(p, p) == -1 && errno != EACCES)
		fail("setpgid");
	result("prio_pgrp_child", syscall(SYS_getpriority, PRIO_PGRP, p));
	result("setpriority_pgrp_child", syscall(SYS_setpriority, PRIO_PGRP,
	    p, nice));
	close(go[1]);
	if (waitpid(p, &st, 0) != p)
		fail("waitpid");
}

int
main(int argc, char *argv[])
{
	struct timespec ts;
	long pid, prio;

	pid = sys_getpid();
	lookups(pid, "");
	result("affinity_0", syscall(SYS_sched_getaffinity, 0, sizeof(mask),
	    mask));
	result("affinity_tid", syscall(SYS_sched_getaffinity, sys_gettid(),
	    sizeof(mask), mask));
	result("getscheduler_0", syscall(SYS_sched_getscheduler, 0));
	prio = syscall(SYS_getpriority, PRIO_PROCESS, 0);
	result("prio_process_0", prio);
	result("prio_pgrp_0", syscall(SYS_getpriority, PRIO_PGRP, 0));
	result("prio_pgrp", syscall(SYS_getpriority, PRIO_PGRP, getpgrp()));
	result("prio_user", syscall(SYS_getpriority, PRIO_USER, getuid()));
	result("setpriority", syscall(SYS_setpriority, PRIO_PROCESS, pid,
	    20 - prio));
	child_pgrp(20 - prio);
	result("kcmp_file", syscall(SYS_kcmp, pid, pid, KCMP_FILE, 1, 1));
	pair(pid);
	result("get_robust_list_0", syscall(SYS_get_robust_list, 0, &ts,
	    &ts));
	result("capget_0", capget_pid(0));
	result("clock_getres_process", clock_getres(CLOCK_PROCESS_CPUTIME_ID,
	    &ts));
	if (argc > 1)
		outside(parse_long(argv[1]), argc > 2 ? parse_long(argv[2]) :
		    0);
	return 0;
}
