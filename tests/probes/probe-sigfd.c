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
 * probe-sigfd: the sender pids read from a signalfd.
 *
 * usage: probe-sigfd CASE
 *
 *	chld	SIGCHLD records (exited, reaped before the read, killed)
 *	multi	several records in one read (real-time, standard, sigqueue)
 *	readv	readv across two iovecs; short vectors
 *	preadv	preadv2 at offset -1; pread, preadv, preadv2 at 0 (ESPIPE)
 *	rights	a signalfd passed with SCM_RIGHTS to a child that has none
 *	dup	dup, dup2, F_DUPFD_CLOEXEC, and a forked child reading it
 *	exec	a signalfd inherited across execve (re-runs itself as
 *		"execread FD CHILD")
 *	thread	a thread started before the signalfd existed reads it
 *	getfd	a signalfd taken from a child with pidfd_getfd
 *	int80	read and readv through the i386 ABI (x86_64 only)
 *	stop	SIGCHLD for a child that stops, continues and exits
 *	edge	EAGAIN, EINVAL, EFAULT and records rounded down
 *	plain	reads of files, pipes and /dev/null still work
 *	nnp	only try signalfd (prints uid, nnp and signalfd=0|-ERRNAME;
 *		if it worked, one record)
 *	droprights
 *		a child gives up root without NO_NEW_PRIVS, then is sent a
 *		signalfd with SCM_RIGHTS
 *	outside	print realpid= (from /proc/self) and ready=1, then read
 *		one SIGUSR1 record sent from outside the instance
 *	passin INSTPROC
 *		outside any instance: make a signalfd, then run
 *		INSTPROC -f FD -- probe-sigfd inherited FD, which reads
 *		through it a record sent by its child
 *
 * Every case runs in a fresh instance, so the virtual pids are known: the
 * probe is 1, its children 2, 3, ... in creation order.  The signals
 * are blocked before any child that sends them exists, children are
 * waited for with waitpid() and readers block in read(): nothing depends
 * on timing.  Children print their own lines (stdout is flushed before
 * every fork) and exit 0 if they could.
 */

#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>

#include "probe.h"

#define SSI	sizeof(struct signalfd_siginfo)

/* Block sigs (a 0-terminated list) and return a signalfd for them. */
static int
sigfd(int flags, ...)
{
	sigset_t	 set;
	va_list		 ap;
	int		 s, fd;

	sigemptyset(&set);
	va_start(ap, flags);
	while ((s = va_arg(ap, int)) != 0)
		sigaddset(&set, s);
	va_end(ap);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		fail("sigprocmask");
	if ((fd = signalfd(-1, &set, flags)) == -1)
		fail("signalfd");
	return fd;
}

/* Block sig. */
static void
block(int sig)
{
	sigset_t	 set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		fail("sigprocmask");
}

/* fork() with stdout flushed first, or fail. */
static pid_t
xfork(void)
{
	pid_t	 p;

	fflush(stdout);
	if ((p = fork()) == -1)
		fail("fork");
	return p;
}

/* Fork a child that sends sig to its parent with kill(getppid(), sig). */
static pid_t
sender(int sig)
{
	pid_t	 p;

	if ((p = xfork()) == 0)
		_exit(kill(getppid(), sig) == 0 ? 0 : 1);
	return p;
}

/* Wait for child p; fail unless its raw status is st. */
static void
reap(pid_t p, int st)
{
	int	 s;

	while (waitpid(p, &s, 0) == -1)
		if (errno != EINTR)
			fail("waitpid");
	if (s != st) {
		errno = 0;
		fprintf(stdout, "error_status=%d\n", s);
		fail("child_status");
	}
}

/* sender() and reap(): the signal is pending when this returns. */
static pid_t
sendwait(int sig)
{
	pid_t	 p;

	p = sender(sig);
	reap(p, 0);
	return p;
}

/* read() retried on EINTR; -1 with errno otherwise. */
static ssize_t
rd(int fd, void *b, size_t n)
{
	ssize_t	 r;

	while ((r = read(fd, b, n)) == -1 && errno == EINTR)
		;
	return r;
}

/* Read one record from fd or fail. */
static void
readssi(int fd, struct signalfd_siginfo *ssi)
{
	memset(ssi, 0, sizeof(*ssi));
	if (rd(fd, ssi, sizeof(*ssi)) != (ssize_t)sizeof(*ssi))
		fail("read_signalfd");
}

/* Print what_ssi_pid and its match against want. */
static void
showpid(const char *what, uint32_t got, long want)
{
	char	 key[96];

	snprintf(key, sizeof(key), "%s_ssi_pid", what);
	kv(key, got);
	match(key, got, want);
}

/* The Seccomp_filters count of this process (-1 if unknown). */
static long
nfilters(void)
{
	char	 line[256];
	FILE	*f;
	long	 n = -1;

	if ((f = fopen("/proc/self/status", "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "Seccomp_filters:", 16) == 0)
			n = strtol(line + 16, NULL, 10);
	fclose(f);
	return n;
}

/* Send fd with SCM_RIGHTS and data (a long) on socket s. */
static void
sendfd(int s, int fd, long data)
{
	union {
		char		 buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr	 align;
	} u;
	struct msghdr	 mh;
	struct cmsghdr	*cm;
	struct iovec	 iov;

	memset(&mh, 0, sizeof(mh));
	memset(&u, 0, sizeof(u));
	iov.iov_base = &data;
	iov.iov_len = sizeof(data);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
	if (sendmsg(s, &mh, 0) != (ssize_t)sizeof(data))
		fail("sendmsg");
}

/*
 * Receive a descriptor (returned, or -1 with errno if the call failed,
 * -2 if no descriptor came) and a long (*data) on socket s.
 */
static int
recvfd(int s, long *data)
{
	union {
		char		 buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr	 align;
	} u;
	struct msghdr	 mh;
	struct cmsghdr	*cm;
	struct iovec	 iov;
	ssize_t		 r;
	int		 fd = -2;

	memset(&mh, 0, sizeof(mh));
	memset(&u, 0, sizeof(u));
	iov.iov_base = data;
	iov.iov_len = sizeof(*data);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	while ((r = recvmsg(s, &mh, MSG_CMSG_CLOEXEC)) == -1 && errno == EINTR)
		;
	if (r == -1)
		return -1;
	if (r != (ssize_t)sizeof(*data))
		return -2;
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	return fd;
}

/* Print what recvfd() returned: 0, -ERRNAME, or "nofd". */
static void
recvshow(const char *key, int rfd)
{
	if (rfd == -2)
		printf("%s=nofd\n", key);
	else
		result(key, rfd >= 0 ? 0 : -1);
}

/*
 * 1. SIGCHLD: a child that exits 7, read before waitpid; a child that
 * exits 9, reaped before the read; a child killed by SIGKILL.
 */
static void
c_chld(void)
{
	struct signalfd_siginfo	 ssi;
	pid_t			 p;
	int			 fd, pfd[2];

	fd = sigfd(SFD_CLOEXEC, SIGCHLD, 0);

	if ((p = xfork()) == 0)
		_exit(7);
	readssi(fd, &ssi);
	kv("chld_child", p);
	kv("chld_ssi_signo", ssi.ssi_signo);
	match("chld_ssi_signo", ssi.ssi_signo, SIGCHLD);
	showpid("chld", ssi.ssi_pid, p);
	kv("chld_ssi_status", ssi.ssi_status);
	match("chld_ssi_status", ssi.ssi_status, 7);
	kv("chld_ssi_code", ssi.ssi_code);
	match("chld_ssi_code", ssi.ssi_code, CLD_EXITED);
	reap(p, 7 << 8);

	/* Reaped first: the record names a pid that is gone. */
	if ((p = xfork()) == 0)
		_exit(9);
	reap(p, 9 << 8);
	readssi(fd, &ssi);
	kv("chld_reaped_child", p);
	showpid("chld_reaped", ssi.ssi_pid, p);
	kv("chld_reaped_ssi_status", ssi.ssi_status);
	match("chld_reaped_ssi_status", ssi.ssi_status, 9);

	/* Killed while blocked on a pipe. */
	if (pipe(pfd) == -1)
		fail("pipe");
	if ((p = xfork()) == 0) {
		char b;

		close(pfd[1]);
		(void)read(pfd[0], &b, 1);
		_exit(0);
	}
	close(pfd[0]);
	if (kill(p, SIGKILL) == -1)
		fail("kill");
	readssi(fd, &ssi);
	kv("chld_killed_child", p);
	showpid("chld_killed", ssi.ssi_pid, p);
	kv("chld_killed_ssi_code", ssi.ssi_code);
	match("chld_killed_ssi_code", ssi.ssi_code, CLD_KILLED);
	kv("chld_killed_ssi_status", ssi.ssi_status);
	match("chld_killed_ssi_status", ssi.ssi_status, SIGKILL);
	reap(p, SIGKILL);
	close(pfd[1]);
	close(fd);
}

/* Is v one of the n pids of p[], not seen before (seen[])? */
static int
oneof(uint32_t v, const pid_t *p, int *seen, int n)
{
	int	 i;

	for (i = 0; i < n; i++)
		if ((uint32_t)p[i] == v && !seen[i]) {
			seen[i] = 1;
			return 1;
		}
	return 0;
}

/*
 * 2. Several records in one read: three children kill() SIGRTMIN (which
 * queues), a buffer of four records gets three; SIGUSR1 and SIGUSR2
 * from two more; one sigqueue() with a value.
 */
static void
c_multi(void)
{
	struct signalfd_siginfo	 ssi[4];
	union sigval		 val;
	pid_t			 p[3];
	ssize_t			 r;
	char			 key[64];
	int			 fd, i, n, ok, seen[3] = { 0, 0, 0 }, all = 1;

	fd = sigfd(SFD_CLOEXEC, SIGRTMIN, 0);
	for (i = 0; i < 3; i++)
		p[i] = sendwait(SIGRTMIN);
	for (i = 0; i < 3; i++) {
		snprintf(key, sizeof(key), "multi_rt_child%d", i);
		kv(key, p[i]);
	}
	memset(ssi, 0, sizeof(ssi));
	r = rd(fd, ssi, sizeof(ssi));
	result("multi_rt_read", r);
	n = r > 0 ? (int)(r / (ssize_t)SSI) : 0;
	kv("multi_rt_records", n);
	match("multi_rt_records", n, 3);
	for (i = 0; i < n && i < 4; i++) {
		snprintf(key, sizeof(key), "multi_rt_ssi_pid%d", i);
		kv(key, ssi[i].ssi_pid);
		snprintf(key, sizeof(key), "multi_rt_ssi_pid%d_child", i);
		ok = oneof(ssi[i].ssi_pid, p, seen, 3) &&
		    ssi[i].ssi_signo == (uint32_t)SIGRTMIN;
		match(key, ok, 1);
		all = all && ok;
	}
	match("multi_rt_distinct_children", all && n == 3, 1);
	close(fd);

	fd = sigfd(SFD_CLOEXEC, SIGUSR1, SIGUSR2, 0);
	p[0] = sendwait(SIGUSR1);
	p[1] = sendwait(SIGUSR2);
	kv("multi_usr1_child", p[0]);
	kv("multi_usr2_child", p[1]);
	memset(ssi, 0, sizeof(ssi));
	r = rd(fd, ssi, sizeof(ssi));
	result("multi_std_read", r);
	n = r > 0 ? (int)(r / (ssize_t)SSI) : 0;
	kv("multi_std_records", n);
	match("multi_std_records", n, 2);
	for (i = 0; i < n && i < 4; i++) {
		if (ssi[i].ssi_signo == SIGUSR1)
			showpid("multi_usr1", ssi[i].ssi_pid, p[0]);
		else if (ssi[i].ssi_signo == SIGUSR2)
			showpid("multi_usr2", ssi[i].ssi_pid, p[1]);
	}
	close(fd);

	fd = sigfd(SFD_CLOEXEC, SIGRTMIN + 1, 0);
	if ((p[0] = xfork()) == 0) {
		val.sival_int = 5;
		_exit(sigqueue(getppid(), SIGRTMIN + 1, val) == 0 ? 0 : 1);
	}
	reap(p[0], 0);
	readssi(fd, &ssi[0]);
	kv("multi_sigqueue_child", p[0]);
	showpid("multi_sigqueue", ssi[0].ssi_pid, p[0]);
	kv("multi_sigqueue_ssi_int", ssi[0].ssi_int);
	match("multi_sigqueue_ssi_int", ssi[0].ssi_int, 5);
	kv("multi_sigqueue_ssi_code", ssi[0].ssi_code);
	match("multi_sigqueue_ssi_code", ssi[0].ssi_code, SI_QUEUE);
	close(fd);
}

/* Point iov at a (60 bytes) and b (200 bytes), both filled with 0xa5. */
static void
vec_init(struct iovec *iov, char *a, char *b)
{
	memset(a, 0xa5, 60);
	memset(b, 0xa5, 200);
	iov[0].iov_base = a;
	iov[0].iov_len = 60;
	iov[1].iov_base = b;
	iov[1].iov_len = 200;
}

/*
 * After a vectored read of the record SIGUSR1 from child want returned
 * r: print what=r, the record's signo and pid put together from a and
 * b, and whether the bytes of b past the record are still 0xa5.
 */
static void
vec_check(const char *what, ssize_t r, const char *a, const char *b,
    long want)
{
	struct signalfd_siginfo	 ssi;
	char			 key[64];
	int			 i, clean = 1;

	snprintf(key, sizeof(key), "%s", what);
	result(key, r);
	snprintf(key, sizeof(key), "%s_ret", what);
	match(key, r, (long)SSI);
	if (r != (ssize_t)SSI)
		return;
	memcpy(&ssi, a, 60);
	memcpy((char *)&ssi + 60, b, SSI - 60);
	snprintf(key, sizeof(key), "%s_ssi_signo", what);
	kv(key, ssi.ssi_signo);
	match(key, ssi.ssi_signo, SIGUSR1);
	showpid(what, ssi.ssi_pid, want);
	for (i = SSI - 60; i < 200; i++)
		if ((unsigned char)b[i] != 0xa5)
			clean = 0;
	snprintf(key, sizeof(key), "%s_tail_untouched", what);
	match(key, clean, 1);
}

/* 3. readv with a 60 + 200 byte vector. */
static void
c_readv(void)
{
	struct iovec	 iov[2];
	char		 a[60], b[200];
	ssize_t		 r;
	pid_t		 p;
	int		 fd;

	fd = sigfd(SFD_CLOEXEC, SIGUSR1, 0);
	p = sendwait(SIGUSR1);
	kv("readv_child", p);
	vec_init(iov, a, b);
	while ((r = readv(fd, iov, 2)) == -1 && errno == EINTR)
		;
	vec_check("readv", r, a, b, p);

	/* 60 + 60 bytes cannot hold a record, even with one pending. */
	p = sendwait(SIGUSR1);
	iov[1].iov_len = 60;
	result("readv_small", readv(fd, iov, 2));
	/* The record is still there. */
	iov[1].iov_len = 200;
	vec_init(iov, a, b);
	r = readv(fd, iov, 2);
	vec_check("readv_after_small", r, a, b, p);
	close(fd);
}

/* 4. preadv2 at offset -1 is readv; with an offset, ESPIPE. */
static void
c_preadv(void)
{
	struct iovec	 iov[2];
	char		 a[60], b[200], buf[SSI];
	ssize_t		 r;
	pid_t		 p;
	int		 fd;

	fd = sigfd(SFD_CLOEXEC, SIGUSR1, 0);
	p = sendwait(SIGUSR1);
	kv("preadv_child", p);
	vec_init(iov, a, b);
	/* A positioned read fails before it dequeues anything. */
	result("pread", pread(fd, buf, sizeof(buf), 0));
	result("preadv", preadv(fd, iov, 2, 0));
	result("preadv2_off0", preadv2(fd, iov, 2, 0, 0));
	vec_init(iov, a, b);
	while ((r = preadv2(fd, iov, 2, -1, 0)) == -1 && errno == EINTR)
		;
	vec_check("preadv2", r, a, b, p);

	/* The raw system call, both halves of the offset -1. */
	p = sendwait(SIGUSR1);
	vec_init(iov, a, b);
	r = syscall(SYS_preadv2, fd, iov, 2, -1L, -1L, 0);
	vec_check("preadv2_raw", r, a, b, p);
	close(fd);
}

/*
 * 5. SCM_RIGHTS: the child is forked before the parent makes its
 * signalfd, so it has no read filter of its own; it receives the
 * signalfd and the parent's pid, the parent kill()s it with SIGUSR1.
 */
static void
c_rights(void)
{
	struct signalfd_siginfo	 ssi;
	long			 me, ppid, before, after;
	pid_t			 p;
	int			 sv[2], fd, rfd, st;

	me = getpid();
	block(SIGUSR1);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		fail("socketpair");
	kv("rights_parent", me);
	kv("rights_parent_filters_before", nfilters());
	if ((p = xfork()) == 0) {
		close(sv[0]);
		block(SIGUSR1);
		before = nfilters();
		rfd = recvfd(sv[1], &ppid);
		after = nfilters();
		kv("rights_child_filters_before", before);
		kv("rights_child_filters_after", after);
		recvshow("rights_recv", rfd);
		if (rfd < 0) {
			fflush(stdout);
			_exit(1);
		}
		kv("rights_recv_parent", ppid);
		memset(&ssi, 0, sizeof(ssi));
		result("rights_child_read", rd(rfd, &ssi, sizeof(ssi)));
		kv("rights_ssi_signo", ssi.ssi_signo);
		match("rights_ssi_signo", ssi.ssi_signo, SIGUSR1);
		showpid("rights", ssi.ssi_pid, ppid);
		fflush(stdout);
		_exit(0);
	}
	close(sv[1]);
	kv("rights_child", p);
	fd = sigfd(SFD_CLOEXEC, SIGUSR1, 0);
	kv("rights_parent_filters_after", nfilters());
	sendfd(sv[0], fd, me);
	if (kill(p, SIGUSR1) == -1)
		fail("kill");
	while (waitpid(p, &st, 0) == -1)
		if (errno != EINTR)
			fail("waitpid");
	kv("rights_child_status", st);
	match("rights_child_status", st, 0);
	close(fd);
	close(sv[0]);
}

/* 6. dup, dup2, F_DUPFD_CLOEXEC, and an inherited signalfd. */
static void
c_dup(void)
{
	struct signalfd_siginfo	 ssi;
	long			 me;
	pid_t			 p;
	int			 fd, d, st;

	me = getpid();
	fd = sigfd(SFD_CLOEXEC, SIGUSR1, 0);
	if ((d = dup(fd)) == -1)
		fail("dup");
	close(fd);
	p = sendwait(SIGUSR1);
	readssi(d, &ssi);
	kv("dup_child", p);
	showpid("dup", ssi.ssi_pid, p);

	if (dup2(d, 100) != 100)
		fail("dup2");
	p = sendwait(SIGUSR1);
	readssi(100, &ssi);
	kv("dup2_child", p);
	showpid("dup2", ssi.ssi_pid, p);

	if ((fd = fcntl(d, F_DUPFD_CLOEXEC, 200)) == -1)
		fail("F_DUPFD_CLOEXEC");
	p = sendwait(SIGUSR1);
	readssi(fd, &ssi);
	kv("dupfd_child", p);
	showpid("dupfd", ssi.ssi_pid, p);

	/* A child reads the inherited descriptor: signals sent to it. */
	if ((p = xfork()) == 0) {
		memset(&ssi, 0, sizeof(ssi));
		result("dup_fork_read", rd(100, &ssi, sizeof(ssi)));
		showpid("dup_fork", ssi.ssi_pid, me);
		fflush(stdout);
		_exit(0);
	}
	kv("dup_fork_child", p);
	if (kill(p, SIGUSR1) == -1)
		fail("kill");
	while (waitpid(p, &st, 0) == -1)
		if (errno != EINTR)
			fail("waitpid");
	match("dup_fork_status", st, 0);
	close(d);
	close(100);
	close(fd);
}

/* 6b. A signalfd kept across execve. */
static void
c_exec(const char *self)
{
	char	 fds[32], ps[32];
	pid_t	 p;
	int	 fd;

	fd = sigfd(0, SIGUSR1, 0);
	p = sendwait(SIGUSR1);
	kv("exec_child", p);
	snprintf(fds, sizeof(fds), "%d", fd);
	snprintf(ps, sizeof(ps), "%ld", (long)p);
	fflush(stdout);
	execl("/proc/self/exe", self, "execread", fds, ps, (char *)NULL);
	fail("execl");
}

/* The exec'ed image: read from inherited descriptor fds, sent by ps. */
static void
c_execread(const char *fds, const char *ps)
{
	struct signalfd_siginfo	 ssi;

	kv("exec_pid", getpid());
	readssi((int)parse_long(fds), &ssi);
	showpid("exec", ssi.ssi_pid, parse_long(ps));
}

/* 6c. A thread started before the read filter was given. */
static int	 th_pipe[2];
static uint32_t	 th_pid;
static ssize_t	 th_ret;
static int	 th_errno;

static void *
th_main(void *arg)
{
	struct signalfd_siginfo	 ssi;
	int			 fd;

	(void)arg;
	if (rd(th_pipe[0], &fd, sizeof(fd)) != (ssize_t)sizeof(fd)) {
		th_ret = -2;
		return NULL;
	}
	memset(&ssi, 0, sizeof(ssi));
	th_ret = rd(fd, &ssi, sizeof(ssi));
	th_errno = errno;
	th_pid = ssi.ssi_pid;
	return NULL;
}

static void
c_thread(void)
{
	pthread_t	 th;
	pid_t		 p;
	int		 fd, e;

	block(SIGUSR1);
	if (pipe(th_pipe) == -1)
		fail("pipe");
	if ((e = pthread_create(&th, NULL, th_main, NULL)) != 0) {
		errno = e;
		fail("pthread_create");
	}
	fd = sigfd(SFD_CLOEXEC, SIGUSR1, 0);
	p = sendwait(SIGUSR1);
	kv("thread_child", p);
	writeall(th_pipe[1], &fd, sizeof(fd));
	if ((e = pthread_join(th, NULL)) != 0) {
		errno = e;
		fail("pthread_join");
	}
	errno = th_errno;
	result("thread_read", th_ret);
	showpid("thread", th_pid, p);
	close(fd);
}

/* 6d. pidfd_getfd of a child's signalfd. */
static void
c_getfd(void)
{
	struct signalfd_siginfo	 ssi;
	long			 pfd, fd, before, after;
	pid_t			 p;
	int			 up[2], down[2], cfd;
	char			 b = 0;

	block(SIGUSR1);
	if (pipe(up) == -1 || pipe(down) == -1)
		fail("pipe");
	if ((p = xfork()) == 0) {
		close(up[0]);
		close(down[1]);
		cfd = sigfd(SFD_CLOEXEC, SIGUSR1, 0);
		if (kill(getppid(), SIGUSR1) == -1)
			_exit(1);
		writeall(up[1], &cfd, sizeof(cfd));
		(void)read(down[0], &b, 1);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	kv("getfd_child", p);
	readall(up[0], &cfd, sizeof(cfd));
	before = nfilters();
	if ((pfd = syscall(SYS_pidfd_open, p, 0)) == -1) {
		result("getfd_pidfd_open", -1);
		fd = -1;
	} else {
		fd = syscall(SYS_pidfd_getfd, pfd, cfd, 0);
		result("getfd", fd >= 0 ? 0 : -1);
		close(pfd);
	}
	after = nfilters();
	kv("getfd_filters_before", before);
	kv("getfd_filters_after", after);
	if (fd >= 0) {
		readssi(fd, &ssi);
		showpid("getfd", ssi.ssi_pid, p);
		close(fd);
	}
	close(down[1]);
	reap(p, 0);
}

#if defined(__x86_64__)
/* 6e. read and readv of a signalfd through the i386 ABI. */
static void
c_int80(void)
{
	struct signalfd_siginfo	 ssi;
	uint32_t		*iov;
	char			*m;
	long			 r;
	pid_t			 p;
	int			 fd;

	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (m == MAP_FAILED)
		fail("mmap");
	fd = sigfd(SFD_CLOEXEC, SIGUSR1, 0);
	p = sendwait(SIGUSR1);
	kv("int80_child", p);
	r = int80(3, fd, (long)(uintptr_t)m, SSI);	/* read */
	if (r < 0) {
		errno = (int)-r;
		r = -1;
	}
	result("int80_read", r);
	memcpy(&ssi, m, sizeof(ssi));
	showpid("int80_read", ssi.ssi_pid, p);

	p = sendwait(SIGUSR1);
	kv("int80_readv_child", p);
	memset(m, 0xa5, 1024);
	iov = (uint32_t *)(void *)(m + 1024);
	iov[0] = (uint32_t)(uintptr_t)m;
	iov[1] = 60;
	iov[2] = (uint32_t)(uintptr_t)(m + 512);
	iov[3] = 200;
	r = int80(145, fd, (long)(uintptr_t)iov, 2);	/* readv */
	if (r < 0) {
		errno = (int)-r;
		r = -1;
	}
	vec_check("int80_readv", r, m, m + 512, p);
	close(fd);
}
#endif

/* 6f. SIGCHLD for a child that stops, is continued and exits. */
static void
c_stop(void)
{
	struct signalfd_siginfo	 ssi;
	pid_t			 p;
	int			 fd, st, go[2];
	char			 c;

	fd = sigfd(SFD_CLOEXEC, SIGCHLD, 0);
	/*
	 * SIGCHLD does not queue: the child exits only once the parent has
	 * read the CLD_CONTINUED record, or the two would merge.
	 */
	if (pipe(go) == -1)
		fail("pipe");
	if ((p = xfork()) == 0) {
		close(go[1]);
		raise(SIGSTOP);
		(void)read(go[0], &c, 1);
		_exit(3);
	}
	close(go[0]);
	kv("stop_child", p);
	readssi(fd, &ssi);
	showpid("stop_stopped", ssi.ssi_pid, p);
	kv("stop_stopped_ssi_code", ssi.ssi_code);
	match("stop_stopped_ssi_code", ssi.ssi_code, CLD_STOPPED);
	if (waitpid(p, &st, WUNTRACED) != p || !WIFSTOPPED(st))
		fail("waitpid_stopped");
	if (kill(p, SIGCONT) == -1)
		fail("kill");
	readssi(fd, &ssi);
	showpid("stop_continued", ssi.ssi_pid, p);
	kv("stop_continued_ssi_code", ssi.ssi_code);
	match("stop_continued_ssi_code", ssi.ssi_code, CLD_CONTINUED);
	close(go[1]);
	readssi(fd, &ssi);
	showpid("stop_exited", ssi.ssi_pid, p);
	kv("stop_exited_ssi_code", ssi.ssi_code);
	match("stop_exited_ssi_code", ssi.ssi_code, CLD_EXITED);
	reap(p, 3 << 8);
	close(fd);
}

/* 6g. Errors and rounding, as without the supervisor. */
static void
c_edge(void)
{
	struct signalfd_siginfo	 ssi[2];
	char			 buf[200];
	pid_t			 p, q;
	int			 fd;

	fd = sigfd(SFD_CLOEXEC | SFD_NONBLOCK, SIGRTMIN, 0);
	result("edge_eagain", rd(fd, buf, sizeof(buf)));
	p = sendwait(SIGRTMIN);
	q = sendwait(SIGRTMIN);
	kv("edge_child1", p);
	kv("edge_child2", q);
	result("edge_read0", rd(fd, buf, 0));
	result("edge_read100", rd(fd, buf, 100));
	/* 200 bytes hold one record: two pending, one returned. */
	memset(ssi, 0, sizeof(ssi));
	result("edge_read200", rd(fd, ssi, 200));
	showpid("edge_read200", ssi[0].ssi_pid, p);
	memset(ssi, 0, sizeof(ssi));
	result("edge_read_second", rd(fd, ssi, sizeof(ssi)));
	showpid("edge_read_second", ssi[0].ssi_pid, q);
	result("edge_empty", rd(fd, buf, sizeof(buf)));
	(void)sendwait(SIGRTMIN);
	result("edge_efault", rd(fd, (void *)8, SSI));
	close(fd);
}

/* 7. Other reads in a process that has a signalfd. */
static void
c_plain(void)
{
	static const char	 text[] = "mult signalfd plain read\n";
	struct iovec		 iov[2];
	char			 path[] = "sigfd-plain.XXXXXX", buf[64];
	char			 a[10], b[64];
	ssize_t			 r;
	int			 fd, f, pfd[2];

	fd = sigfd(SFD_CLOEXEC, SIGUSR1, 0);
	kv("plain_filters", nfilters());
	if ((f = mkstemp(path)) == -1)
		fail("mkstemp");
	unlink(path);
	writeall(f, text, sizeof(text) - 1);
	if (lseek(f, 0, SEEK_SET) != 0)
		fail("lseek");
	memset(buf, 0, sizeof(buf));
	r = rd(f, buf, sizeof(buf));
	result("plain_file_read", r);
	match("plain_file_read", r == (ssize_t)sizeof(text) - 1 &&
	    memcmp(buf, text, sizeof(text) - 1) == 0, 1);
	result("plain_file_eof", rd(f, buf, sizeof(buf)));

	memset(buf, 0, sizeof(buf));
	r = pread(f, buf, 4, 5);
	result("plain_file_pread", r);
	match("plain_file_pread", r == 4 && memcmp(buf, "sign", 4) == 0, 1);

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	iov[0].iov_base = a;
	iov[0].iov_len = 5;
	iov[1].iov_base = b;
	iov[1].iov_len = sizeof(b);
	if (lseek(f, 0, SEEK_SET) != 0)
		fail("lseek");
	r = readv(f, iov, 2);
	result("plain_file_readv", r);
	match("plain_file_readv", r == (ssize_t)sizeof(text) - 1 &&
	    memcmp(a, "mult ", 5) == 0 && memcmp(b, text + 5,
	    sizeof(text) - 6) == 0, 1);

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	r = preadv2(f, iov, 2, 5, 0);
	result("plain_file_preadv2", r);
	match("plain_file_preadv2", r == (ssize_t)sizeof(text) - 6 &&
	    memcmp(a, "signa", 5) == 0, 1);
	if (lseek(f, 0, SEEK_SET) != 0)
		fail("lseek");
	memset(a, 0, sizeof(a));
	r = preadv2(f, iov, 2, -1, 0);
	result("plain_file_preadv2_cur", r);
	match("plain_file_preadv2_cur", r == (ssize_t)sizeof(text) - 1 &&
	    memcmp(a, "mult ", 5) == 0, 1);
	close(f);

	if (pipe(pfd) == -1)
		fail("pipe");
	writeall(pfd[1], "pipe!", 5);
	memset(buf, 0, sizeof(buf));
	r = rd(pfd[0], buf, sizeof(buf));
	result("plain_pipe_read", r);
	match("plain_pipe_read", r == 5 && memcmp(buf, "pipe!", 5) == 0, 1);
	/* A pipe read that blocks until a child writes. */
	if (xfork() == 0) {
		writeall(pfd[1], "later", 5);
		_exit(0);
	}
	memset(buf, 0, sizeof(buf));
	r = rd(pfd[0], buf, sizeof(buf));
	result("plain_pipe_blocking_read", r);
	match("plain_pipe_blocking_read", r == 5 &&
	    memcmp(buf, "later", 5) == 0, 1);
	while (wait(NULL) > 0)
		;
	close(pfd[0]);
	close(pfd[1]);

	if ((f = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		fail("open");
	result("plain_devnull_read", rd(f, buf, sizeof(buf)));
	close(f);
	result("plain_badfd_read", rd(-1, buf, sizeof(buf)));
	close(fd);
}

/* Without NO_NEW_PRIVS or CAP_SYS_ADMIN, can we have a signalfd? */
static void
c_nnp(void)
{
	struct signalfd_siginfo	 ssi;
	sigset_t		 set;
	pid_t			 p;
	int			 fd;

	kv("uid", getuid());
	kv("nnp", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	block(SIGUSR1);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	fd = signalfd(-1, &set, SFD_CLOEXEC);
	result("signalfd", fd >= 0 ? 0 : -1);
	result("signalfd4", syscall(SYS_signalfd4, -1, &set, 8, 0) >= 0 ?
	    0 : -1);
	if (fd < 0)
		return;
	p = sendwait(SIGUSR1);
	kv("nnp_child", p);
	readssi(fd, &ssi);
	showpid("nnp", ssi.ssi_pid, p);
}

/*
 * A child of a root instance gives up root without NO_NEW_PRIVS (it
 * cannot be given the read filter), then is sent a signalfd.  It must
 * never read a real pid from it.
 */
static void
c_droprights(void)
{
	struct signalfd_siginfo	 ssi;
	long			 me, ppid;
	ssize_t			 r;
	pid_t			 p;
	int			 sv[2], fd, rfd, st;
	char			 b;

	me = getpid();
	block(SIGUSR1);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		fail("socketpair");
	if ((p = xfork()) == 0) {
		close(sv[0]);
		if (getuid() == 0 && setgroups(0, NULL) == -1)
			fail("setgroups");
		if (setresgid(65534, 65534, 65534) == -1 ||
		    setresuid(65534, 65534, 65534) == -1)
			fail("setresuid");
		kv("droprights_child_uid", getuid());
		kv("droprights_child_nnp", prctl(PR_GET_NO_NEW_PRIVS, 0, 0,
		    0, 0));
		writeall(sv[1], "r", 1);
		rfd = recvfd(sv[1], &ppid);
		recvshow("droprights_recv", rfd);
		if (rfd >= 0) {
			memset(&ssi, 0, sizeof(ssi));
			r = rd(rfd, &ssi, sizeof(ssi));
			result("droprights_read", r);
			if (r > 0)
				showpid("droprights", ssi.ssi_pid, ppid);
		}
		fflush(stdout);
		_exit(0);
	}
	close(sv[1]);
	kv("droprights_child", p);
	/* The child has dropped root before the signalfd exists. */
	readall(sv[0], &b, 1);
	fd = sigfd(SFD_CLOEXEC, SIGUSR1, 0);
	sendfd(sv[0], fd, me);
	if (kill(p, SIGUSR1) == -1)
		fail("kill");
	while (waitpid(p, &st, 0) == -1)
		if (errno != EINTR)
			fail("waitpid");
	match("droprights_child_status", st, 0);
	close(fd);
	close(sv[0]);
}

/*
 * A signalfd made outside the instance and kept open into it with
 * instproc -f: run INSTPROC -f FD -- this probe "inherited FD".
 */
static void
c_passin(const char *instproc)
{
	sigset_t	 set;
	char		 self[4096], fds[32];
	ssize_t		 n;
	int		 fd;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		fail("readlink");
	self[n] = '\0';
	block(SIGUSR1);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if ((fd = signalfd(-1, &set, 0)) == -1)
		fail("signalfd");
	snprintf(fds, sizeof(fds), "%d", fd);
	fflush(stdout);
	execl(instproc, instproc, "-f", fds, "--", self, "inherited", fds,
	    (char *)NULL);
	fail("execl");
}

/* Inside the instance: read a record from descriptor fds. */
static void
c_inherited(const char *fds)
{
	struct signalfd_siginfo	 ssi;
	pid_t			 p;
	int			 fd;

	fd = (int)parse_long(fds);
	kv("inherited_pid", getpid());
	kv("inherited_filters", nfilters());
	block(SIGUSR1);
	p = sendwait(SIGUSR1);
	kv("inherited_child", p);
	memset(&ssi, 0, sizeof(ssi));
	result("inherited_read", rd(fd, &ssi, sizeof(ssi)));
	kv("inherited_ssi_signo", ssi.ssi_signo);
	showpid("inherited", ssi.ssi_pid, p);
}

/* A record sent from outside the instance (by the test, to our real pid). */
static void
c_outside(void)
{
	struct signalfd_siginfo	 ssi;
	int			 fd;

	fd = sigfd(SFD_CLOEXEC, SIGUSR1, 0);
	printf("ready=1\n");
	fflush(stdout);
	readssi(fd, &ssi);
	kv("outside_ssi_signo", ssi.ssi_signo);
	kv("outside_ssi_code", ssi.ssi_code);
	kv("outside_ssi_pid", ssi.ssi_pid);
	printf("outside_done=1\n");
	close(fd);
}

int
main(int argc, char *argv[])
{
	const char	*c;

	if (argc < 2) {
		fprintf(stderr, "usage: probe-sigfd CASE\n");
		return 2;
	}
	c = argv[1];
	if (strcmp(c, "chld") == 0)
		c_chld();
	else if (strcmp(c, "multi") == 0)
		c_multi();
	else if (strcmp(c, "readv") == 0)
		c_readv();
	else if (strcmp(c, "preadv") == 0)
		c_preadv();
	else if (strcmp(c, "rights") == 0)
		c_rights();
	else if (strcmp(c, "dup") == 0)
		c_dup();
	else if (strcmp(c, "exec") == 0)
		c_exec(argv[0]);
	else if (strcmp(c, "execread") == 0 && argc == 4)
		c_execread(argv[2], argv[3]);
	else if (strcmp(c, "thread") == 0)
		c_thread();
	else if (strcmp(c, "getfd") == 0)
		c_getfd();
	else if (strcmp(c, "int80") == 0) {
#if defined(__x86_64__)
		c_int80();
#else
		printf("int80=unsupported\n");
#endif
	} else if (strcmp(c, "stop") == 0)
		c_stop();
	else if (strcmp(c, "edge") == 0)
		c_edge();
	else if (strcmp(c, "plain") == 0)
		c_plain();
	else if (strcmp(c, "nnp") == 0)
		c_nnp();
	else if (strcmp(c, "droprights") == 0)
		c_droprights();
	else if (strcmp(c, "outside") == 0)
		c_outside();
	else if (strcmp(c, "passin") == 0 && argc == 3)
		c_passin(argv[2]);
	else if (strcmp(c, "inherited") == 0 && argc == 3)
		c_inherited(argv[2]);
	else {
		fprintf(stderr, "probe-sigfd: unknown case %s\n", c);
		return 2;
	}
	fflush(stdout);
	return 0;
}
