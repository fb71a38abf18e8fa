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
 *
 * The listening socket is autobound to a kernel-chosen abstract name,
 * so concurrent runs never collide.  send_bad_cred names OUTSIDE_PID,
 * or without it pid 1 (pid 2 if we are 1).  peerpidfd prints "ok" or
 * "-ERRNAME"; nl_pid (netlink autobind) is informational.
 */

#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "probe.h"

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD	77
#endif
#ifndef P_PIDFD
#define P_PIDFD		3
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
