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
 * probe-ids: the basic identifiers of a process and of its children.
 *
 * usage: probe-ids
 *
 * The first child reports its ids, becomes a group leader with
 * setpgid(0, 0) (after which setsid() must fail with EPERM) and stays
 * alive while the parent looks it up with getpgid()/getsid().  The
 * second child calls setsid() directly.  Children send their values
 * through a pipe; only the parent prints.
 */

#define _GNU_SOURCE
#include <sys/syscall.h>
#include <sys/wait.h>

#include "probe.h"

struct child1 {
	long	pid, ppid, pgrp, sid;
	long	setpgid, setpgid_errno, pgrp_after, setsid, setsid_errno;
};

struct child2 {
	long	pid, setsid, setsid_errno, sid, pgrp;
};

/* Store the result of a call and its errno, for printing elsewhere. */
static void
keep(long ret, long *val, long *err)
{
	*val = ret;
	*err = ret < 0 ? errno : 0;
}

/* Print a stored result the way result() does. */
static void
show(const char *key, long val, long err)
{
	errno = err;
	result(key, val);
}

/* The first child: ids, setpgid, setsid failing, then wait for "go". */
static void
run_child1(int out, int go)
{
	struct child1 c;
	char b;

	memset(&c, 0, sizeof(c));
	c.pid = sys_getpid();
	c.ppid = syscall(SYS_getppid);
	c.pgrp = syscall(SYS_getpgrp);
	c.sid = syscall(SYS_getsid, 0);
	keep(syscall(SYS_setpgid, 0, 0), &c.setpgid, &c.setpgid_errno);
	c.pgrp_after = syscall(SYS_getpgrp);
	keep(syscall(SYS_setsid), &c.setsid, &c.setsid_errno);
	writeall(out, &c, sizeof(c));
	(void)read(go, &b, 1);
	_exit(0);
}

/* The second child: setsid() as a non-leader must succeed. */
static void
run_child2(int out)
{
	struct child2 c;

	memset(&c, 0, sizeof(c));
	c.pid = sys_getpid();
	keep(syscall(SYS_setsid), &c.setsid, &c.setsid_errno);
	c.sid = syscall(SYS_getsid, 0);
	c.pgrp = syscall(SYS_getpgrp);
	writeall(out, &c, sizeof(c));
	_exit(0);
}

int
main(void)
{
	struct child1 c1;
	struct child2 c2;
	long pid, tid, ppid, pgrp, sid, r, w;
	int data[2], go[2], status;
	pid_t f1, f2;

	pid = sys_getpid();
	tid = sys_gettid();
	ppid = syscall(SYS_getppid);
	pgrp = syscall(SYS_getpgrp);
	sid = syscall(SYS_getsid, 0);
	kv("pid", pid);
	kv("tid", tid);
	kv("ppid", ppid);
	kv("pgrp", pgrp);
	kv("sid", sid);
	result("getpgid0", syscall(SYS_getpgid, 0));
	result("getsid0", syscall(SYS_getsid, 0));
	result("getpgid_self", syscall(SYS_getpgid, pid));
	result("getsid_self", syscall(SYS_getsid, pid));
	match("tid", pid, tid);
	match("getpgid0", syscall(SYS_getpgid, 0), pgrp);

	if (pipe(data) == -1 || pipe(go) == -1)
		fail("pipe");
	fflush(stdout);
	if ((f1 = fork()) == -1)
		fail("fork");
	if (f1 == 0) {
		close(data[0]);
		close(go[1]);
		run_child1(data[1], go[0]);
	}
	close(go[0]);
	readall(data[0], &c1, sizeof(c1));
	kv("fork_ret", f1);
	kv("child_pid", c1.pid);
	kv("child_ppid", c1.ppid);
	kv("child_pgrp", c1.pgrp);
	kv("child_sid", c1.sid);
	show("child_setpgid", c1.setpgid, c1.setpgid_errno);
	kv("child_pgrp_after", c1.pgrp_after);
	show("child_setsid", c1.setsid, c1.setsid_errno);
	r = syscall(SYS_getpgid, f1);
	result("parent_getpgid_child", r);
	match("parent_getpgid_child", r, f1);
	r = syscall(SYS_getsid, f1);
	result("parent_getsid_child", r);
	match("parent_getsid_child", r, sid);
	close(go[1]);
	w = wait4(f1, &status, 0, NULL);
	result("wait_ret", w);
	kv("wait_status", status);
	result("getpgid_reaped", syscall(SYS_getpgid, f1));
	match("fork_child_pid", f1, c1.pid);
	match("child_ppid", c1.ppid, pid);
	match("child_pgrp", c1.pgrp, pgrp);
	match("child_sid", c1.sid, sid);
	match("child_pgrp_after", c1.pgrp_after, c1.pid);
	match("wait", w, f1);

	fflush(stdout);
	if ((f2 = fork()) == -1)
		fail("fork");
	if (f2 == 0) {
		close(data[0]);
		run_child2(data[1]);
	}
	readall(data[0], &c2, sizeof(c2));
	w = wait4(f2, &status, 0, NULL);
	kv("fork2_ret", f2);
	kv("child2_pid", c2.pid);
	show("child2_setsid", c2.setsid, c2.setsid_errno);
	kv("child2_sid", c2.sid);
	kv("child2_pgrp", c2.pgrp);
	result("wait2_ret", w);
	match("fork2_child2_pid", f2, c2.pid);
	match("child2_setsid", c2.setsid, c2.pid);
	match("child2_sid", c2.sid, c2.pid);
	match("child2_pgrp", c2.pgrp, c2.pid);
	match("wait2", w, f2);
	return 0;
}
