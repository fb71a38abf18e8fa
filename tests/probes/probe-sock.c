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
 * probe-sock: pids carried by unix socket credentials.
 *
 * usage: probe-sock [OUTSIDE_PID]
 *        probe-sock serve NAME PIDFILE
 *        probe-sock client NAME SERVER_PID
 *
 * The listening socket is autobound to a kernel-chosen abstract name,
 * so concurrent runs never collide.  send_bad_cred names OUTSIDE_PID,
 * or without it pid 1 (pid 2 if we are 1).  peerpidfd prints "ok" or
 * "-ERRNAME"; nl_pid (netlink autobind) is informational.
 *
 * serve (run outside any instance) listens on the abstract name NAME,
 * writes its pid to PIDFILE, and gives its one client: a byte with its
 * credentials; one end of a socket pair set to SO_PASSPIDFD, then a byte
 * on the other end, so that the client's next receive on it carries an
 * SCM_PIDFD of the server; a pidfd of itself, then its /proc/PID
 * directory, in SCM_RIGHTS.  Then it
 * waits for the client to hang up.  client (inside) reports what it
 * could learn of the server: keys ending in _outside.
 */

#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <fcntl.h>
#include <stddef.h>

#include "probe.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD	77
#endif
#ifndef P_PIDFD
#define P_PIDFD		3
#endif
#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD	76
#endif
#ifndef SCM_PIDFD
#define SCM_PIDFD	0x04
#endif

/* Send one byte, with SCM_CREDENTIALS naming pid if pid is not 0. */
static long
sendcred(int fd, pid_t pid)
{
	union {
		char		buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr	align;
	} u;
	struct msghdr mh;
	struct cmsghdr *cm;
	struct ucred uc;
	struct iovec iov;
	char b = 'x';

	memset(&mh, 0, sizeof(mh));
	iov.iov_base = &b;
	iov.iov_len = 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (pid != 0) {
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_CREDENTIALS;
		cm->cmsg_len = CMSG_LEN(sizeof(uc));
		uc.pid = pid;
		uc.uid = getuid();
		uc.gid = getgid();
		memcpy(CMSG_DATA(cm), &uc, sizeof(uc));
	}
	return sendmsg(fd, &mh, 0);
}

/* Receive one byte and return the pid of its credentials, or -999. */
static long
recvcred(int fd)
{
	union {
		char		buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr	align;
	} u;
	struct msghdr mh;
	struct cmsghdr *cm;
	struct ucred uc;
	struct iovec iov;
	char b;

	memset(&mh, 0, sizeof(mh));
	iov.iov_base = &b;
	iov.iov_len = 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	if (recvmsg(fd, &mh, 0) != 1)
		fail("recvmsg");
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET &&
		    cm->cmsg_type == SCM_CREDENTIALS) {
			memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
			return uc.pid;
		}
	return -999;
}

/* SO_PEERCRED pid of fd, or -1 with errno. */
static long
peerpid(int fd)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1)
		return -1;
	return uc.pid;
}

/*
 * The child: credentials over the seqpacket pair, then a connection,
 * announced by a third message.  If it dies early, the parent reads
 * end of file instead of blocking.
 */
static void
child(int d, struct sockaddr_un *sa, socklen_t salen)
{
	int c, v;
	char b;

	if (sendcred(d, sys_getpid()) != 1 || sendcred(d, 0) != 1)
		_exit(1);
	if ((c = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(c, (struct sockaddr *)sa, salen) == -1 ||
	    sendcred(d, 0) != 1)
		_exit(2);
	v = peerpid(c);
	writeall(c, &v, sizeof(v));
	(void)read(c, &b, 1);
	_exit(0);
}

/*
 * Ask for the links (RTM_GETLINK dump): the first reply's nlmsg_pid, the
 * port the kernel answers to, or -1.
 */
static long
nl_dump(int c)
{
	struct {
		struct nlmsghdr	 h;
		struct rtgenmsg	 g;
	} req;
	char		 buf[8192];
	struct nlmsghdr	*h = (struct nlmsghdr *)buf;
	ssize_t		 n;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = RTM_GETLINK;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = 1;
	req.g.rtgen_family = AF_UNSPEC;
	if (send(c, &req, sizeof(req), 0) == -1 ||
	    (n = recv(c, buf, sizeof(buf), 0)) < (ssize_t)sizeof(*h))
		return -1;
	return (long)h->nlmsg_pid;
}

/*
 * More netlink: a second socket, autobound by a send, and a bind asking
 * for the caller's pid, both keep ports that are no pid; the second
 * differs from the first (port).
 */
static void
netlink_more(int c, unsigned long port, pid_t pid)
{
	struct sockaddr_nl	 nl;
	socklen_t		 len = sizeof(nl);
	int			 d;

	kv("nl_reply_match", nl_dump(c) == (long)port);
	if ((d = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)) == -1)
		fail("netlink 2");
	kv("nl2_reply_pid", nl_dump(d));
	memset(&nl, 0, sizeof(nl));
	if (getsockname(d, (struct sockaddr *)&nl, &len) == -1)
		fail("getsockname 2");
	kv("nl2_pid", nl.nl_pid);
	kv("nl2_differs", nl.nl_pid != port);
	close(d);
	if ((d = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE)) == -1)
		fail("netlink 3");
	memset(&nl, 0, sizeof(nl));
	nl.nl_family = AF_NETLINK;
	nl.nl_pid = (unsigned int)pid;
	nl.nl_groups = RTMGRP_LINK;
	result("nl3_bind_pid", bind(d, (struct sockaddr *)&nl, sizeof(nl)));
	len = sizeof(nl);
	if (getsockname(d, (struct sockaddr *)&nl, &len) == -1)
		fail("getsockname 3");
	kv("nl3_pid", nl.nl_pid);
	kv("nl3_groups", nl.nl_groups);
	close(d);
}

/* An abstract unix address for NAME. */
static socklen_t
abstract(struct sockaddr_un *sa, const char *name)
{
	size_t n = strlen(name);

	if (n + 1 > sizeof(sa->sun_path))
		fail("name too long");
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path + 1, name, n);
	return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

/* Send one byte with fd in SCM_RIGHTS. */
static void
sendfds(int s, const int *fds, int n)
{
	union {
		char		buf[CMSG_SPACE(sizeof(int) * 32)];
		struct cmsghdr	align;
	} u;
	struct msghdr mh;
	struct cmsghdr *cm;
	struct iovec iov;
	char b = 'f';

	memset(&mh, 0, sizeof(mh));
	iov.iov_base = &b;
	iov.iov_len = 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
	if (sendmsg(s, &mh, 0) != 1)
		fail("sendmsg SCM_RIGHTS");
}

static void
sendfd(int s, int fd)
{
	sendfds(s, &fd, 1);
}

/*
 * Receive one byte from s; print KEY_rights (descriptors received in
 * SCM_RIGHTS), KEY_pidfd (an SCM_PIDFD: "none", or the errno the
 * kernel put there, or "fd") and KEY_cred (an SCM_CREDENTIALS pid, or
 * "none"), KEY_ctrunc.  Returns the first descriptor received, or -1;
 * *pidfd gets an SCM_PIDFD descriptor, or -1.
 */
static int
recvall(int s, const char *key, int *pidfd)
{
	union {
		char		buf[512];
		struct cmsghdr	align;
	} u;
	struct msghdr mh;
	struct cmsghdr *cm;
	struct ucred uc;
	struct iovec iov;
	int fd, first = -1, nrights = 0, v;
	char b, cred[32] = "none", pfd[32] = "none";

	*pidfd = -1;
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = &b;
	iov.iov_len = 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	if (recvmsg(s, &mh, 0) != 1)
		fail("recvmsg");
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET)
			continue;
		if (cm->cmsg_type == SCM_RIGHTS) {
			memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
			if (first == -1)
				first = fd;
			nrights += (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		} else if (cm->cmsg_type == SCM_CREDENTIALS) {
			memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
			snprintf(cred, sizeof(cred), "%ld", (long)uc.pid);
		} else if (cm->cmsg_type == SCM_PIDFD) {
			memcpy(&v, CMSG_DATA(cm), sizeof(v));
			if (v >= 0) {
				*pidfd = v;
				snprintf(pfd, sizeof(pfd), "fd");
			} else
				snprintf(pfd, sizeof(pfd), "-%s", errname(-v));
		}
	}
	printf("%s_rights=%d\n", key, nrights);
	printf("%s_pidfd=%s\n", key, pfd);
	printf("%s_cred=%s\n", key, cred);
	printf("%s_ctrunc=%d\n", key, (mh.msg_flags & MSG_CTRUNC) != 0);
	return first;
}

/* What a pidfd (of the server, if it got through) lets us do. */
static void
use_pidfd(const char *key, int pfd)
{
	char k[64];
	siginfo_t si;

	snprintf(k, sizeof(k), "%s_getfd", key);
	result(k, syscall(SYS_pidfd_getfd, pfd, 0, 0));
	snprintf(k, sizeof(k), "%s_signal", key);
	result(k, syscall(SYS_pidfd_send_signal, pfd, 0, NULL, 0));
	snprintf(k, sizeof(k), "%s_waitid", key);
	memset(&si, 0, sizeof(si));
	result(k, waitid(P_PIDFD, pfd, &si, WEXITED | WNOHANG));
	close(pfd);
}

/* How many pidfds this process holds (in /proc/self/fd). */
static int
pidfds_held(void)
{
	char p[64], l[64];
	ssize_t n;
	int fd, count = 0;

	for (fd = 0; fd < 1024; fd++) {
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		if ((n = readlink(p, l, sizeof(l) - 1)) <= 0)
			continue;
		l[n] = '\0';
		count += strcmp(l, "anon_inode:[pidfd]") == 0;
	}
	return count;
}

/* Outside: the server of client() below. */
static int
serve(const char *name, const char *pidfile)
{
	struct sockaddr_un sa;
	socklen_t salen = abstract(&sa, name);
	char tmp[4096], b;
	FILE *f;
	int l, c, p[2], pfd, on = 1, many[20], i;

	if ((l = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(l, (struct sockaddr *)&sa, salen) == -1 || listen(l, 1) == -1)
		fail("listen");
	snprintf(tmp, sizeof(tmp), "%s.tmp", pidfile);
	if ((f = fopen(tmp, "w")) == NULL)
		fail("pidfile");
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) == EOF || rename(tmp, pidfile) == -1)
		fail("pidfile");
	if ((c = accept(l, NULL, NULL)) == -1)
		fail("accept");
	if (sendcred(c, getpid()) != 1)
		fail("sendcred");
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, p) == -1)
		fail("socketpair");
	kv("passpidfd", setsockopt(p[0], SOL_SOCKET, SO_PASSPIDFD, &on,
	    sizeof(on)) == 0);
	(void)setsockopt(p[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
	sendfd(c, p[0]);
	if (sendcred(p[1], 0) != 1)
		fail("send pair");
	if ((pfd = syscall(SYS_pidfd_open, getpid(), 0)) == -1)
		fail("pidfd_open");
	sendfd(c, pfd);
	snprintf(tmp, sizeof(tmp), "/proc/%ld", (long)getpid());
	if ((pfd = open(tmp, O_RDONLY | O_DIRECTORY)) == -1)
		fail("open /proc/PID");
	sendfd(c, pfd);
	/* More pidfds in one message than one injected close chain had. */
	for (i = 0; i < 20; i++)
		if ((many[i] = syscall(SYS_pidfd_open, getpid(), 0)) == -1)
			fail("pidfd_open");
	sendfds(c, many, 20);
	while (read(c, &b, 1) > 0)
		;
	return 0;
}

/* Inside: what a client learns of an outside server. */
static int
client(const char *name, long server)
{
	struct sockaddr_un sa;
	socklen_t salen = abstract(&sa, name);
	int c, q, pfd, on = 1, got;

	if ((c = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(c, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1 ||
	    connect(c, (struct sockaddr *)&sa, salen) == -1)
		fail("connect");
	result("peercred_outside", peerpid(c));
	result("peerpidfd_outside", getsockopt(c, SOL_SOCKET, SO_PEERPIDFD,
	    &pfd, &salen));
	result("pidfd_open_outside", syscall(SYS_pidfd_open, server, 0));
	result("passpidfd_outside", setsockopt(c, SOL_SOCKET, SO_PASSPIDFD,
	    &on, sizeof(on)));

	/* The server's credentials, explicit and checked by the kernel. */
	(void)recvall(c, "msg_cred", &pfd);
	if (pfd != -1)
		use_pidfd("msg_cred_pidfd", pfd);

	/* The pair end set to SO_PASSPIDFD by the server. */
	q = recvall(c, "msg_pair", &pfd);
	if (pfd != -1)
		use_pidfd("msg_pair_pidfd", pfd);
	if (q == -1)
		fail("no pair end");
	result("pair_peercred_outside", peerpid(q));
	result("pair_peerpidfd_outside", getsockopt(q, SOL_SOCKET,
	    SO_PEERPIDFD, &pfd, &salen));
	(void)recvall(q, "scm", &pfd);
	if (pfd != -1)
		use_pidfd("scm_pidfd", pfd);
	close(q);

	/* A pidfd of the server in SCM_RIGHTS. */
	got = recvall(c, "rights", &pfd);
	if (pfd != -1)
		use_pidfd("rights_scm_pidfd", pfd);
	if (got != -1)
		use_pidfd("rights_pidfd", got);

	/* A /proc/PID directory of the server, which signals as a pidfd. */
	got = recvall(c, "procdir", &pfd);
	if (got != -1) {
		result("procdir_signal", syscall(SYS_pidfd_send_signal, got, 0,
		    NULL, 0));
		close(got);
	}

	/* Twenty pidfds of the server in one message. */
	got = recvall(c, "many", &pfd);
	if (got != -1)
		use_pidfd("many_pidfd", got);
	kv("pidfds_held", pidfds_held());
	close(c);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_un sa;
	struct sockaddr_nl nl;
	siginfo_t si;
	socklen_t len;
	long pid, r, bad;
	int sv[2], d[2], l, c, on = 1, pfd, v, st;
	pid_t p;

	if (argc == 4 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "client") == 0)
		return client(argv[2], parse_long(argv[3]));
	pid = sys_getpid();
	kv("pid", pid);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET, 0, d) == -1)
		fail("socketpair");
	r = peerpid(sv[0]);
	result("peercred_pair_pid", r);
	match("peercred_pair_pid", r, pid);
	len = sizeof(pfd);
	if (getsockopt(sv[0], SOL_SOCKET, SO_PEERPIDFD, &pfd, &len) == -1)
		printf("peerpidfd=-%s\n", errname(errno));
	else {
		printf("peerpidfd=ok\n");
		close(pfd);
	}
	if (setsockopt(d[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1)
		fail("SO_PASSCRED");

	if ((l = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		fail("socket");
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (bind(l, (struct sockaddr *)&sa, sizeof(sa_family_t)) == -1 ||
	    listen(l, 1) == -1)
		fail("bind");
	len = sizeof(sa);
	if (getsockname(l, (struct sockaddr *)&sa, &len) == -1)
		fail("getsockname");

	fflush(stdout);
	if ((p = fork()) == -1)
		fail("fork");
	if (p == 0)
		child(d[1], &sa, len);
	close(d[1]);
	kv("child_pid", p);
	r = recvcred(d[0]);
	kv("recv_cred_pid", r);
	match("recv_cred_pid", r, p);
	r = recvcred(d[0]);
	kv("recv_autocred_pid", r);
	match("recv_autocred_pid", r, p);
	(void)recvcred(d[0]);		/* the child has connected */
	if ((c = accept(l, NULL, NULL)) == -1)
		fail("accept");
	r = peerpid(c);
	result("peercred_child_pid", r);
	match("peercred_child_pid", r, p);
	readall(c, &v, sizeof(v));
	kv("child_peercred_pid", v);
	match("child_peercred_pid", v, pid);
	len = sizeof(pfd);
	if (getsockopt(c, SOL_SOCKET, SO_PEERPIDFD, &pfd, &len) == -1)
		pfd = -1;
	close(c);
	if (pfd >= 0) {
		memset(&si, 0, sizeof(si));
		result("peerpidfd_waitid", waitid(P_PIDFD, pfd, &si, WEXITED));
		kv("peerpidfd_waitid_si_pid", si.si_pid);
		match("peerpidfd_waitid_si_pid", si.si_pid, p);
		close(pfd);
	} else if (waitpid(p, &st, 0) != p)
		fail("waitpid");

	close(d[0]);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, d) == -1 ||
	    setsockopt(d[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1)
		fail("socketpair");
	bad = argc > 1 ? parse_long(argv[1]) : (pid == 1 ? 2 : 1);
	r = sendcred(d[1], bad);
	result("send_bad_cred", r < 0 ? -1 : 0);
	if (r == 1)
		kv("recv_bad_cred_pid", recvcred(d[0]));

	/* A pidfd of our own, in SCM_RIGHTS, arrives whole. */
	if ((pfd = syscall(SYS_pidfd_open, pid, 0)) == -1)
		fail("pidfd_open");
	sendfd(sv[1], pfd);
	close(pfd);
	if ((c = recvall(sv[0], "own", &pfd)) != -1) {
		result("own_pidfd_signal", syscall(SYS_pidfd_send_signal, c, 0,
		    NULL, 0));
		close(c);
	}

	if ((c = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)) == -1)
		printf("netlink=unsupported\n");
	else {
		memset(&nl, 0, sizeof(nl));
		nl.nl_family = AF_NETLINK;
		len = sizeof(nl);
		if (bind(c, (struct sockaddr *)&nl, sizeof(nl)) == -1 ||
		    getsockname(c, (struct sockaddr *)&nl, &len) == -1)
			fail("netlink");
		kv("nl_pid", nl.nl_pid);
		match("nl_pid", nl.nl_pid, pid);
		kv("nl_reply_pid", nl_dump(c));
		netlink_more(c, nl.nl_pid, pid);
		close(c);
	}
	return 0;
}
