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
#include "config.h"

#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "interpose.h"

/*
 * instproc: run a command as pid 1 of a new instance, traced by this
 * process.
 */

#define EX_SUPERVISOR	123	/* the supervisor failed while running */
#define EX_KERNEL	124	/* the kernel lacks a feature */
#define EX_USAGE_	125	/* bad usage or input */
#define EX_NOEXEC	126	/* command found but not executable */
#define EX_NOTFOUND	127	/* command not found */

#define KEEP_MAX	64

static volatile sig_atomic_t	 rootfd = -1;	/* pidfd of the root */

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: instproc [-N] [-v] [-p placement] [-u user] "
	    "[-g group] [-f fd]... [-C dir] -- command [args]\n");
	exit(EX_USAGE_);
}

/* The library's log lines, on stderr. */
static void
logfn(enum interpose_log lvl, const char *msg, void *arg)
{
	if (lvl == ILOG_INFO && !*(int *)arg)
		return;
	fprintf(stderr, "instproc: %s%s\n",
	    lvl == ILOG_WARN ? "warning: " : lvl == ILOG_DENY ? "denied: " :
	    "", msg);
}

/* Forward a termination signal to the instance root. */
static void
forward(int sig)
{
	int	 saved = errno;

	if (rootfd != -1)
		(void)syscall(SYS_pidfd_send_signal, (int)rootfd, sig, NULL, 0);
	errno = saved;
}

/*
 * Does descriptor fd name a process: a pidfd, or a directory of
 * /proc/PID (which signals as one)?  Either would give the instance a
 * handle on a process outside it.
 */
static int
names_process(int fd)
{
	char	 p[64], l[PATH_MAX];
	ssize_t	 n;
	int	 k = -1, v;

	(void)snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	if ((n = readlink(p, l, sizeof(l) - 1)) <= 0)
		return 0;
	l[n] = '\0';
	if (strcmp(l, "anon_inode:[pidfd]") == 0)
		return 1;
	return sscanf(l, "/proc/%d%n", &v, &k) == 1 && k > 0 &&
	    (l[k] == '\0' || l[k] == '/');
}

/* A number in [lo, hi], or -1 with a message. */
static long
number(const char *s, long lo, long hi)
{
	const char	*e;
	long long	 v;

	v = strtonum(s, lo, hi, &e);
	return e != NULL ? -1 : (long)v;
}

static int
intcmp(const void *a, const void *b)
{
	int	 x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/*
 * Close every descriptor above 2 except the kept ones (sorted here), with
 * close_range(2) between them, or one by one up to the descriptor limit
 * on a kernel without it (before 5.9).
 */
static void
close_others(int *keep, size_t nkeep)
{
	unsigned int	 lo = 3;
	size_t		 i;
	int		 fd, max;

	qsort(keep, nkeep, sizeof(*keep), intcmp);
	for (i = 0; i < nkeep; i++) {
		if (keep[i] < (int)lo)
			continue;	/* 0-2, or kept twice */
		if ((unsigned int)keep[i] > lo &&
		    close_range(lo, (unsigned int)keep[i] - 1, 0) == -1)
			goto slow;
		lo = (unsigned int)keep[i] + 1;
	}
	if (close_range(lo, ~0U, 0) == -1)
		goto slow;
	return;
 slow:
	max = (int)sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 1 << 20)
		max = 1 << 20;
	for (fd = 3; fd < max; fd++) {
		for (i = 0; i < nkeep; i++)
			if (keep[i] == fd)
				break;
		if (i == nkeep)
			(void)close(fd);
	}
}

/*
 * -p one: this process, and so the instance, on one of the CPUs it may
 * run on (the one it runs on now).  A stop then wakes the supervisor on
 * the CPU of the task that stopped, which costs several times less than
 * a wake-up across CPUs, at the price of running the instance's
 * processes one at a time.
 */
static int
pin_one(void)
{
	cpu_set_t	 set;
	int		 cpu;

	if (sched_getaffinity(0, sizeof(set), &set) == -1)
		return -1;
	if ((cpu = sched_getcpu()) == -1 || !CPU_ISSET(cpu, &set))
		for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set); cpu++)
			;
	if (cpu == CPU_SETSIZE) {
		errno = EINVAL;
		return -1;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* Read exactly len bytes, or fail. */
static int
readall(int fd, void *buf, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = read(fd, buf, len)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf = (char *)buf + n;
		len -= n;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	struct interp	*ip;
	struct passwd	*pw = NULL;
	struct group	*gr = NULL;
	struct sigaction sa;
	const char	*feat, *dir = NULL, *user = NULL, *group = NULL;
	int		 keep[KEEP_MAX], go[2], rep[2], ch, verbose = 0;
	int		 tty = -1, status, nfd, fd, rc, sig;
	size_t		 nkeep = 0;
	int		 one = 1;	/* -p one: see pin_one() */
	int		 answer = 1;	/* -N: all at ptrace stops */
	struct rusage	 ru;
	uid_t		 uid;
	gid_t		 gid;
	pid_t		 pid;
	long		 v;
	char		 c;

	while ((ch = getopt(argc, argv, "+Nvp:u:g:f:C:")) != -1) {
		switch (ch) {
		case 'N':
			answer = 0;
			break;
		case 'v':
			verbose++;
			break;
		case 'u':
			user = optarg;
			break;
		case 'g':
			group = optarg;
			break;
		case 'f':
			if ((v = number(optarg, 0, INT_MAX)) == -1)
				errx(EX_USAGE_, "-f %s: not a descriptor number",
				    optarg);
			if (fcntl((int)v, F_GETFD) == -1)
				errx(EX_USAGE_, "-f %s: not an open descriptor",
				    optarg);
			if (names_process((int)v))
				errx(EX_USAGE_, "-f %s: names a process (a "
				    "pidfd or in /proc/PID), which the instance "
				    "could reach through it", optarg);
			if (nkeep == KEEP_MAX)
				errx(EX_USAGE_, "-f %s: more than %d "
				    "descriptors", optarg, KEEP_MAX);
			keep[nkeep++] = (int)v;
			break;
		case 'C':
			dir = optarg;
			break;
		case 'p':
			if (strcmp(optarg, "one") == 0)
				one = 1;
			else if (strcmp(optarg, "any") == 0)
				one = 0;
			else
				errx(EX_USAGE_, "-p %s: not a placement (any "
				    "or one)", optarg);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();

	uid = getuid();
	gid = getgid();
	if (user != NULL) {
		if ((pw = getpwnam(user)) == NULL) {
			if ((v = number(user, 0, UINT_MAX - 1)) == -1 ||
			    (pw = getpwuid((uid_t)v)) == NULL)
				errx(EX_USAGE_, "-u %s: no such user", user);
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
	}
	if (group != NULL) {
		if ((gr = getgrnam(group)) == NULL) {
			if ((v = number(group, 0, UINT_MAX - 1)) == -1 ||
			    (gr = getgrgid((gid_t)v)) == NULL)
				errx(EX_USAGE_, "-g %s: no such group", group);
		}
		gid = gr->gr_gid;
	}
	if ((user != NULL || group != NULL) && geteuid() != 0 &&
	    (uid != getuid() || gid != getgid()))
		errx(EX_USAGE_, "-u/-g: only root may run an instance as "
		    "another user or group");

	if ((feat = interpose_probe()) != NULL)
		errx(EX_KERNEL, "the kernel lacks %s", feat);
	/* Inherited by the instance: every stop a wake-up on this CPU. */
	if (one && pin_one() == -1)
		err(EX_SUPERVISOR, "-p one: sched_setaffinity");
	/*
	 * Nobody of the instance may read or write our memory through
	 * /proc/PID/mem or ptrace: that would be the supervisor's memory.
	 */
	if (prctl(PR_SET_DUMPABLE, 0) == -1)
		err(EX_SUPERVISOR, "prctl PR_SET_DUMPABLE");
	/* Orphans the root does not keep (after it died) come to us. */
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1);
	if ((ip = interpose_new(logfn, &verbose, verbose)) == NULL)
		err(EX_SUPERVISOR, "interpose_new");

	if (isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp())
		tty = STDIN_FILENO;
	if (pipe2(go, O_CLOEXEC) == -1 || pipe2(rep, O_CLOEXEC) == -1)
		err(EX_SUPERVISOR, "pipe");

	if ((pid = fork()) == -1)
		err(EX_SUPERVISOR, "fork");
	if (pid == 0) {
		/* The instance root, until it execs. */
		close(go[1]);
		close(rep[0]);
		/* We inherited non-dumpable: be traceable by our parent. */
		(void)prctl(PR_SET_DUMPABLE, 1);
		(void)setpgid(0, 0);
		if (write(rep[1], "r", 1) != 1 || readall(go[0], &c, 1) == -1)
			_exit(EX_SUPERVISOR);
		fd = -1;
		/*
		 * The answer thread answers path queries as we would
		 * see the files: only for an instance with our rights.
		 */
		if (answer && user == NULL && group == NULL)
			answer = INTERPOSE_ANSWER_IDS | INTERPOSE_ANSWER_PATHS;
		else if (answer)
			answer = INTERPOSE_ANSWER_IDS;
		if (interpose_filter_install(geteuid() != 0, answer,
		    &fd) == -1) {
			warn("cannot install the seccomp filter");
			_exit(EX_KERNEL);
		}
		if (write(rep[1], &fd, sizeof(fd)) != sizeof(fd) ||
		    readall(go[0], &c, 1) == -1)
			_exit(EX_SUPERVISOR);
		if (fd != -1)
			close(fd);
		if (pw != NULL && initgroups(pw->pw_name, gid) == -1 &&
		    geteuid() == 0) {
			warn("initgroups %s", pw->pw_name);
			_exit(EX_USAGE_);
		}
		if (gr != NULL && pw == NULL && geteuid() == 0 &&
		    setgroups(1, &gid) == -1) {
			warn("setgroups");
			_exit(EX_USAGE_);
		}
		if ((pw != NULL || gr != NULL) &&
		    (setresgid(gid, gid, gid) == -1 ||
		    setresuid(uid, uid, uid) == -1)) {
			warn("cannot change to user %u group %u",
			    (unsigned)uid, (unsigned)gid);
			_exit(EX_USAGE_);
		}
		if (dir != NULL && chdir(dir) == -1) {
			warn("-C %s", dir);
			_exit(EX_USAGE_);
		}
		close_others(keep, nkeep);
		execvp(argv[0], argv);
		rc = errno == ENOENT ? EX_NOTFOUND : EX_NOEXEC;
		warn("%s", argv[0]);
		_exit(rc);
	}
	close(go[0]);
	close(rep[1]);
	(void)setpgid(pid, pid);
	if (readall(rep[0], &c, 1) == -1)
		errx(EX_SUPERVISOR, "the instance root died before starting");
	if (interpose_seize(ip, pid) == -1) {
		rc = errno;
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		errno = rc;
		err(EX_KERNEL, "cannot trace the instance (ptrace)");
	}
	rootfd = syscall(SYS_pidfd_open, pid, 0);
	if (tty != -1) {
		(void)signal(SIGTTOU, SIG_IGN);
		(void)tcsetpgrp(tty, pid);
	}
	if (write(go[1], "g", 1) != 1)
		err(EX_SUPERVISOR, "write");
	if (readall(rep[0], &fd, sizeof(fd)) == 0) {
		/*
		 * The instance's getters wait on this listener: without
		 * it they would fail (ENOSYS), so the root must not start.
		 */
		if (fd != -1 && ((nfd = syscall(SYS_pidfd_getfd, (int)rootfd,
		    fd, 0)) == -1 || interpose_notify(ip, nfd) == -1)) {
			rc = errno;
			(void)kill(pid, SIGKILL);
			(void)waitpid(pid, NULL, 0);
			errno = rc;
			err(EX_KERNEL, "cannot serve the seccomp listener");
		}
		(void)write(go[1], "g", 1);
	}
	close(go[1]);
	close(rep[0]);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	(void)sigaction(SIGQUIT, &sa, NULL);
	(void)sigaction(SIGUSR1, &sa, NULL);
	(void)sigaction(SIGUSR2, &sa, NULL);

	while ((rc = interpose_step(ip)) == 0) {
		if ((sig = interpose_rootstop(ip)) == 0)
			continue;
		/*
		 * The root stopped (job control): stop too, so our shell
		 * sees the job stop; when continued, give the terminal back
		 * and continue the root's group.
		 */
		if (tty != -1)
			(void)tcsetpgrp(tty, getpgrp());
		(void)kill(0, sig == SIGSTOP ? SIGSTOP : SIGTSTP);
		if (tty != -1)
			(void)tcsetpgrp(tty, pid);
		(void)kill(-pid, SIGCONT);
	}
	if (rc == -1)
		err(EX_SUPERVISOR, "tracing the instance");
	if (tty != -1)
		(void)tcsetpgrp(tty, getpgrp());
	status = interpose_status(ip);
	if (verbose) {
		fprintf(stderr, "instproc: %llu ptrace stops, %llu "
		    "notifications\n", interpose_nstops(ip),
		    interpose_nnotifs(ip));
		if (getrusage(RUSAGE_SELF, &ru) == 0)
			fprintf(stderr, "instproc: %llu queries taken back, "
			    "%ld.%03ld s of CPU\n", interpose_ntakebacks(ip),
			    (long)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
			    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) /
			    1000000, (long)(ru.ru_utime.tv_usec +
			    ru.ru_stime.tv_usec) % 1000000 / 1000);
	}
	interpose_free(ip);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
