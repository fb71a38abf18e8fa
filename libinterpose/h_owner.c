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
#include <sys/socket.h>
#include <sys/queue.h>
#include <sys/syscall.h>
#include <sys/tree.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>

#include <linux/sockios.h>
#include <unistd.h>

#include "interpose.h"
#include "extern.h"

/*
 * Owners of descriptors and terminals: fcntl F_*OWN*, F_GETLK, and the
 * ioctls that set or get a process group or owner.
 */

#ifndef PIDFD_THREAD
#define PIDFD_THREAD	O_EXCL
#endif
#define PIDFD_INFO_NR	0xff0b	/* PIDFD_GET_INFO, any size */

/* A pidfd of task t (its thread, if the kernel can), or -1. */
static int
task_pidfd(struct tracee *t)
{
	int	 fd;

	if ((fd = syscall(SYS_pidfd_open, t->t_tid, PIDFD_THREAD)) == -1 &&
	    t->t_proc != NULL)
		fd = syscall(SYS_pidfd_open, t->t_proc->p_pid->v_real, 0);
	return fd;
}

/*
 * Take a copy of task t's descriptor fd into the supervisor (the same
 * open file description).  Returns the copy or -errno.
 */
int
task_getfd(struct tracee *t, int fd)
{
	int	 pfd, c, e;

	if ((pfd = task_pidfd(t)) == -1)
		return -ESRCH;
	c = syscall(SYS_pidfd_getfd, pfd, fd, 0);
	e = errno;
	close(pfd);
	return c == -1 ? -e : c;
}

/*
 * Ensure scratch (and the output area if out) or tell the handler what
 * to return.  0: go on.
 */
int
need_scratch(struct interp *ip, struct tracee *t, struct call *c, int out,
    enum verdict *v, const char *what)
{
	switch (scratch_ensure(ip, t, out)) {
	case 0:
		return 0;
	case 1:
		*v = V_PARK;
		return -1;
	default:
		*v = call_deny(ip, t, c, ENOSYS, what);
		return -1;
	}
}

/* "pid or -pgid", real to virtual; outside reads as 0. */
static int32_t
owner_out(struct interp *ip, int32_t r)
{
	if (r < 0 && r != INT32_MIN)
		return -pid_out(ip, -r);
	return pid_out(ip, r);
}

/*
 * Put one int (an owner or group) in read-only scratch for argument 2,
 * translated "pid or -pgid" style (pg) or as a process group (!pg).
 */
static enum verdict
int_in(struct interp *ip, struct tracee *t, struct call *c, int pg)
{
	enum verdict	 v;
	int32_t		 val;
	uint64_t	 a;

	if (need_scratch(ip, t, c, 0, &v, "owner argument without scratch"))
		return v;
	if (mem_read(t->t_tid, c->c_arg[2], &val, sizeof(val)) == -1)
		return call_return(t, c, -EFAULT);
	val = pg ? pid_in_owner(ip, val) : pid_in(ip, val);
	if ((a = scratch_put(ip, c, &val, sizeof(val))) == 0)
		return call_deny(ip, t, c, EAGAIN, "scratch full");
	return call_setarg(t, c, 2, a) == -1 ? V_CONT : V_EXIT;
}

/* Let the kernel write argument 2 (len bytes) into the output area. */
enum verdict
out_arg(struct interp *ip, struct tracee *t, struct call *c, int arg,
    size_t len, int copyin)
{
	enum verdict	 v;
	uint8_t		 buf[256];
	uint64_t	 a;

	if (len > sizeof(buf))
		return call_deny(ip, t, c, EINVAL, "output too large");
	if (need_scratch(ip, t, c, 1, &v, "pid output without scratch"))
		return v;
	if (copyin && mem_read(t->t_tid, c->c_arg[arg], buf, len) == -1)
		return call_return(t, c, -EFAULT);
	if ((a = scratch_out(ip, t, c, len)) == 0)
		return call_deny(ip, t, c, EAGAIN, "scratch full");
	if (copyin && mem_write(t->t_tid, a, buf, len) == -1)
		return call_return(t, c, -EFAULT);
	c->c_aux[4] = (int64_t)a;
	c->c_aux[5] = (int64_t)len;
	return call_setarg(t, c, arg, a) == -1 ? V_CONT : V_EXIT;
}

/*
 * At the exit: read the output area back, let fix() translate it, and
 * copy it to the instance's buffer (argument arg).
 */
void
out_back(struct interp *ip, struct tracee *t, struct call *c, int arg,
    void (*fix)(struct interp *, struct call *, uint8_t *))
{
	uint8_t	 buf[256];
	size_t	 len = (size_t)c->c_aux[5];

	if (c->c_ret < 0 || c->c_aux[4] == 0 ||
	    mem_read(t->t_tid, (uint64_t)c->c_aux[4], buf, len) == -1)
		return;
	fix(ip, c, buf);
	if (mem_write(t->t_tid, c->c_arg[arg], buf, len) == -1)
		(void)regs_set(t, R_RET, (uint64_t)-EFAULT);
}

static void
fix_flock(struct interp *ip, struct call *c, uint8_t *b)
{
	int32_t		 pid;

	memcpy(&pid, b + offsetof(struct flock, l_pid), sizeof(pid));
	if (pid > 0)
		pid = pid_out(ip, pid);
	memcpy(b + offsetof(struct flock, l_pid), &pid, sizeof(pid));
	(void)c;
}

static void
fix_int_pg(struct interp *ip, struct call *c, uint8_t *b)
{
	int32_t	 v;

	memcpy(&v, b, sizeof(v));
	v = c->c_aux[3] ? owner_out(ip, v) : pid_out(ip, v);
	memcpy(b, &v, sizeof(v));
}

static void
fix_pidfd_info(struct interp *ip, struct call *c, uint8_t *b)
{
	int32_t	 v;
	size_t	 off;

	(void)c;
	/* struct pidfd_info: mask, cgroupid, then pid, tgid, ppid. */
	for (off = 16; off <= 24; off += 4) {
		memcpy(&v, b + off, sizeof(v));
		v = pid_out(ip, v);
		memcpy(b + off, &v, sizeof(v));
	}
}

/*
 * fcntl(fd, cmd, arg).  F_SETOWN's register argument is translated;
 * F_GETOWN and F_GETOWN_EX are answered by the supervisor from its own
 * copy of the descriptor (one stop, nothing to race); F_SETOWN_EX reads
 * a translated copy in scratch; F_GETLK's l_pid is written in the output
 * area and copied out translated.
 */
enum verdict
h_fcntl(struct interp *ip, struct tracee *t, struct call *c)
{
	struct f_owner_ex	 ox;
	enum verdict		 v;
	uint64_t		 a;
	int			 cmd = (int)c->c_arg[1], fd, r;

	switch (cmd) {
	case F_SETOWN:
		if ((int32_t)c->c_arg[2] == 0)
			return V_CONT;
		return call_setarg(t, c, 2,
		    (uint32_t)pid_in_owner(ip, (int32_t)c->c_arg[2])) == -1 ?
		    V_CONT : V_EXIT;
	case F_GETOWN:
	case F_GETOWN_EX:
		if ((fd = task_getfd(t, (int)c->c_arg[0])) < 0)
			return call_return(t, c, fd);
		r = fcntl(fd, F_GETOWN_EX, &ox);
		close(fd);
		if (r == -1)
			return call_return(t, c, -errno);
		ox.pid = pid_out(ip, ox.pid);
		if (cmd == F_GETOWN)
			return call_return(t, c, ox.type == F_OWNER_PGRP ?
			    -(int64_t)ox.pid : ox.pid);
		if (mem_write(t->t_tid, c->c_arg[2], &ox, sizeof(ox)) == -1)
			return call_return(t, c, -EFAULT);
		return call_return(t, c, 0);
	case F_SETOWN_EX:
		if (need_scratch(ip, t, c, 0, &v,
		    "F_SETOWN_EX without scratch"))
			return v;
		if (mem_read(t->t_tid, c->c_arg[2], &ox, sizeof(ox)) == -1)
			return call_return(t, c, -EFAULT);
		ox.pid = pid_in(ip, ox.pid);
		if ((a = scratch_put(ip, c, &ox, sizeof(ox))) == 0)
			return call_deny(ip, t, c, EAGAIN, "scratch full");
		return call_setarg(t, c, 2, a) == -1 ? V_CONT : V_EXIT;
	case F_GETLK:
	case F_OFD_GETLK:
		if (c->c_pers->p_compat)
			return call_deny(ip, t, c, ENOSYS,
			    "i386 F_GETLK: struct flock in memory");
		return out_arg(ip, t, c, 2, sizeof(struct flock), 1);
	default:
		if (c->c_pers->p_compat && cmd == 12)	/* i386 F_GETLK64 */
			return call_deny(ip, t, c, ENOSYS,
			    "i386 F_GETLK64: struct flock64 in memory");
		return V_CONT;
	}
}

enum verdict
h_fcntl_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	int	 cmd = (int)c->c_arg[1];

	if (cmd == F_GETLK || cmd == F_OFD_GETLK)
		out_back(ip, t, c, 2, fix_flock);
	return V_CONT;
}

/*
 * ioctl(fd, cmd, arg): terminal process groups, socket owners,
 * PIDFD_GET_INFO; the pid-namespace ioctls of nsfs are refused.
 */
enum verdict
h_ioctl(struct interp *ip, struct tracee *t, struct call *c)
{
	uint32_t	 cmd = (uint32_t)c->c_arg[1];

	switch (cmd) {
	case TIOCSPGRP:
		return int_in(ip, t, c, 0);
	case FIOSETOWN:
	case SIOCSPGRP:
		return int_in(ip, t, c, 1);
	case TIOCGPGRP:
	case TIOCGSID:
		c->c_aux[3] = 0;
		return out_arg(ip, t, c, 2, sizeof(int32_t), 0);
	case FIOGETOWN:
	case SIOCGPGRP:
		c->c_aux[3] = 1;
		return out_arg(ip, t, c, 2, sizeof(int32_t), 0);
	default:
		break;
	}
	if ((cmd & 0xffff) == PIDFD_INFO_NR) {
		if (_IOC_SIZE(cmd) < 64 || _IOC_SIZE(cmd) > 256)
			return V_CONT;	/* the kernel's EINVAL */
		return out_arg(ip, t, c, 2, _IOC_SIZE(cmd), 1);
	}
	if ((cmd & 0xff00) == 0xb700 && (cmd & 0xff) >= 6 &&
	    (cmd & 0xff) <= 9)
		return call_deny(ip, t, c, EPERM,
		    "nsfs pid translation ioctl");
	return V_CONT;
}

enum verdict
h_ioctl_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	uint32_t	 cmd = (uint32_t)c->c_arg[1];

	if (c->c_aux[4] == 0)
		return V_CONT;
	if ((cmd & 0xffff) == PIDFD_INFO_NR)
		out_back(ip, t, c, 2, fix_pidfd_info);
	else
		out_back(ip, t, c, 2, fix_int_pg);
	return V_CONT;
}
