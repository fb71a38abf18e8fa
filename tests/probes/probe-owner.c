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
 * probe-owner: pids stored in and read back from file owners, record
 * locks and terminals.
 *
 * usage: probe-owner [OUTSIDE_PID [OUTSIDE_PGID]]
 *
 * getown_* (glibc, which goes through F_GETOWN_EX) and getown_raw_*
 * (the raw F_GETOWN) are plain integers: a group owner shows as a
 * negative number, not as an errno name.  No fd ever gets O_ASYNC, so
 * setting an outsider as owner sends it nothing.
 */

#define _GNU_SOURCE
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdint.h>
#include <termios.h>

#include "probe.h"

static int pfd;			/* read end of a pipe, owner target */
static int sfd;			/* a unix socket, ioctl owner target */

/* A raw three-argument syscall whose result is not taken as errno. */
static long
raw3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile ("syscall"
	    : "=a" (ret)
	    : "a" (nr), "D" (a), "S" (b), "d" (c)
	    : "rcx", "r11", "memory");
	return ret;
}

/* F_SETOWN_EX with type and pid, then print what F_GETOWN_EX says. */
static void
ownex(const char *key, int type, long pid)
{
	struct f_owner_ex o;
	char b[64];

	o.type = type;
	o.pid = pid;
	snprintf(b, sizeof(b), "setownex_%s", key);
	result(b, fcntl(pfd, F_SETOWN_EX, &o));
	memset(&o, 0, sizeof(o));
	snprintf(b, sizeof(b), "getownex_%s", key);
	result(b, fcntl(pfd, F_GETOWN_EX, &o));
	snprintf(b, sizeof(b), "getownex_%s_type", key);
	kv(b, o.type);
	snprintf(b, sizeof(b), "getownex_%s_pid", key);
	kv(b, o.pid);
}

/* Socket ioctl owner: set with sreq, read back with greq. */
static void
sockown(const char *key, unsigned long sreq, unsigned long greq, int who)
{
	char b[64];
	int v = who;

	snprintf(b, sizeof(b), "set_%s", key);
	result(b, ioctl(sfd, sreq, &v));
	v = 0;
	snprintf(b, sizeof(b), "get_%s", key);
	result(b, ioctl(sfd, greq, &v));
	snprintf(b, sizeof(b), "get_%s_val", key);
	kv(b, v);
}

/*
 * Record locks: a child holds a classic lock, we look it up; we hold
 * an OFD lock and a second child, on its own open file, looks it up.
 */
static void
locks(void)
{
	char path[] = "/tmp/probe-owner.XXXXXX", b;
	struct flock fl;
	int fd, fd2, p[2], go[2], st;
	pid_t c;

	if ((fd = mkstemp(path)) == -1 || pipe(p) == -1 || pipe(go) == -1)
		fail("mkstemp");
	fflush(stdout);
	if ((c = fork()) == -1)
		fail("fork");
	if (c == 0) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_len = 10;
		if (fcntl(fd, F_SETLK, &fl) == -1)
			_exit(1);
		writeall(p[1], "x", 1);
		(void)read(go[0], &b, 1);
		_exit(0);
	}
	readall(p[0], &b, 1);
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_len = 10;
	result("getlk", fcntl(fd, F_GETLK, &fl));
	kv("getlk_child", c);
	kv("getlk_pid", fl.l_pid);
	match("getlk_pid", fl.l_pid, c);
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_len = 10;
	result("ofd_getlk", fcntl(fd, F_OFD_GETLK, &fl));
	kv("ofd_getlk_pid", fl.l_pid);
	match("ofd_getlk_pid", fl.l_pid, c);
	writeall(go[1], "x", 1);
	if (waitpid(c, &st, 0) != c || st != 0)
		fail("lock_child");

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_start = 100;
	fl.l_len = 10;
	result("ofd_setlk", fcntl(fd, F_OFD_SETLK, &fl));
	fflush(stdout);
	if ((c = fork()) == -1)
		fail("fork");
	if (c == 0) {
		if ((fd2 = open(path, O_RDWR)) == -1)
			_exit(1);
		memset(&fl, 0, sizeof(fl));
		fl.l_type = F_WRLCK;
		fl.l_start = 100;
		fl.l_len = 10;
		if (fcntl(fd2, F_GETLK, &fl) == -1)
			fl.l_pid = -999;
		writeall(p[1], &fl.l_pid, sizeof(fl.l_pid));
		_exit(0);
	}
	readall(p[0], &fl.l_pid, sizeof(fl.l_pid));
	if (waitpid(c, &st, 0) != c || st != 0)
		fail("lock_child2");
	kv("getlk_ofd_holder_pid", fl.l_pid);
	unlink(path);
	close(fd);
}

/* A new pty whose session a child leads; both sides ask who owns it. */
static void
pty(void)
{
	int m, s, p[2], go[2], v[2], st;
	pid_t c;
	char b;

	if ((m = posix_openpt(O_RDWR | O_NOCTTY)) == -1 || grantpt(m) == -1 ||
	    unlockpt(m) == -1 || pipe(p) == -1 || pipe(go) == -1) {
		printf("pty=none\n");
		return;
	}
	fflush(stdout);
	if ((c = fork()) == -1)
		fail("fork");
	if (c == 0) {
		v[0] = v[1] = -999;
		if (setsid() != -1 && (s = open(ptsname(m), O_RDWR)) != -1) {
			ioctl(s, TIOCGPGRP, &v[0]);
			ioctl(s, TIOCGSID, &v[1]);
		}
		writeall(p[1], v, sizeof(v));
		(void)read(go[0], &b, 1);
		_exit(0);
	}
	readall(p[0], v, sizeof(v));
	kv("pty_child", c);
	kv("pty_child_tiocgpgrp", v[0]);
	kv("pty_child_tiocgsid", v[1]);
	match("pty_child_tiocgsid", v[1], c);
	v[0] = v[1] = -999;
	result("pty_master_tiocgpgrp", ioctl(m, TIOCGPGRP, &v[0]));
	kv("pty_master_tiocgpgrp_val", v[0]);
	result("pty_master_tiocgsid", ioctl(m, TIOCGSID, &v[1]));
	kv("pty_master_tiocgsid_val", v[1]);
	match("pty_master_tiocgsid", v[1], c);
	writeall(go[1], "x", 1);
	if (waitpid(c, &st, 0) != c)
		fail("waitpid");
	close(m);
}

int
main(int argc, char *argv[])
{
	long pid, tid, pgrp, out = 0, outpg = 0;
	int p[2], sv[2], t, v;

	if (argc > 1)
		out = parse_long(argv[1]);
	if (argc > 2)
		outpg = parse_long(argv[2]);
	if (pipe(p) == -1 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		fail("pipe");
	pfd = p[0];
	sfd = sv[0];
	pid = sys_getpid();
	tid = sys_gettid();
	pgrp = getpgrp();
	kv("pid", pid);
	kv("pgrp", pgrp);

	result("setown_pid", fcntl(pfd, F_SETOWN, pid));
	kv("getown_pid", fcntl(pfd, F_GETOWN));
	kv("getown_raw_pid", raw3(SYS_fcntl, pfd, F_GETOWN, 0));
	result("setown_pgrp", fcntl(pfd, F_SETOWN, -pgrp));
	kv("getown_pgrp", fcntl(pfd, F_GETOWN));
	kv("getown_raw_pgrp", raw3(SYS_fcntl, pfd, F_GETOWN, 0));
	ownex("tid", F_OWNER_TID, tid);
	ownex("pid", F_OWNER_PID, pid);
	ownex("pgrp", F_OWNER_PGRP, pgrp);
	sockown("fioown_pid", FIOSETOWN, FIOGETOWN, pid);
	sockown("siocpgrp_pid", SIOCSPGRP, SIOCGPGRP, pid);
	sockown("siocpgrp_pgrp", SIOCSPGRP, SIOCGPGRP, -pgrp);

	locks();
	pty();
	if ((t = open("/dev/tty", O_RDWR | O_NOCTTY)) == -1)
		printf("tty=none\n");
	else {
		v = -999;
		result("tiocgpgrp", ioctl(t, TIOCGPGRP, &v));
		kv("tiocgpgrp_val", v);
		v = -999;
		result("tiocgsid", ioctl(t, TIOCGSID, &v));
		kv("tiocgsid_val", v);
		close(t);
	}

	if (out > 0) {
		fcntl(pfd, F_SETOWN, 0);
		result("setown_outside", fcntl(pfd, F_SETOWN, out));
		kv("getown_after_outside", fcntl(pfd, F_GETOWN));
		fcntl(pfd, F_SETOWN, 0);
		ownex("outside", F_OWNER_PID, out);
		fcntl(pfd, F_SETOWN, 0);
		ownex("outside_tid", F_OWNER_TID, out);
		v = 0;
		ioctl(sfd, FIOSETOWN, &v);
		sockown("fioown_outside", FIOSETOWN, FIOGETOWN, out);
		ioctl(sfd, FIOSETOWN, &v);
		sockown("siocpgrp_outside", SIOCSPGRP, SIOCGPGRP, out);
	}
	if (outpg > 0) {
		fcntl(pfd, F_SETOWN, 0);
		result("setown_outside_pgrp", fcntl(pfd, F_SETOWN, -outpg));
		fcntl(pfd, F_SETOWN, 0);
		ownex("outside_pgrp", F_OWNER_PGRP, outpg);
	}
	return 0;
}
