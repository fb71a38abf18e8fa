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

#include <sys/ptrace.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/tree.h>
#include <sys/types.h>

#include <linux/capability.h>
#include <linux/perf_event.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interpose.h"
#include "extern.h"

/*
 * Calls with a pid (or tid) in an argument register: translated on the
 * way in, restored at the exit stop.  Zero (the caller) and negative
 * values are the kernel's business and pass unchanged.
 */

static enum verdict
pid_arg(struct interp *ip, struct tracee *t, struct call *c, int i)
{
	pid_t	 pid = (pid_t)c->c_arg[i];

	if (pid <= 0)
		return V_CONT;
	return call_setarg(t, c, i, pid_in(ip, pid)) == -1 ? V_CONT : V_EXIT;
}

/* First argument is a pid. */
enum verdict
h_pid0(struct interp *ip, struct tracee *t, struct call *c)
{
	return pid_arg(ip, t, c, 0);
}

/* Second argument is a pid. */
enum verdict
h_pid1(struct interp *ip, struct tracee *t, struct call *c)
{
	return pid_arg(ip, t, c, 1);
}

/* First two arguments are pids (tgkill, rt_tgsigqueueinfo, kcmp). */
enum verdict
h_pid01(struct interp *ip, struct tracee *t, struct call *c)
{
	enum verdict	 v0, v1;

	v0 = pid_arg(ip, t, c, 0);
	v1 = pid_arg(ip, t, c, 1);
	return v0 == V_EXIT || v1 == V_EXIT ? V_EXIT : V_CONT;
}

/* The real uid of a task, from /proc; -1 if it is gone. */
static long
task_uid(pid_t tid)
{
	char	 path[64], line[256];
	FILE	*f;
	long	 uid = -1;

	(void)snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if ((f = fopen(path, "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "Uid: %ld", &uid) == 1)
			break;
	fclose(f);
	return uid;
}

/*
 * getpriority, setpriority, ioprio_get, ioprio_set: (which, who).
 * A process or group id is translated.  A user would reach every process
 * of that uid on the host, so the call is run once per instance task of
 * that uid, as a per-process call, and the results are combined as the
 * kernel combines them.
 */
enum verdict
h_prio(struct interp *ip, struct tracee *t, struct call *c)
{
	struct tracee	*u;
	int		 which = (int)c->c_arg[0], io, wproc, wpgrp, wuser;
	long		 uid;
	size_t		 n;

	if (c->c_fan >= 0)
		return V_EXIT;
	io = c->c_sn == SN_ioprio_get || c->c_sn == SN_ioprio_set;
	wproc = io ? 1 : PRIO_PROCESS;
	wpgrp = io ? 2 : PRIO_PGRP;
	wuser = io ? 3 : PRIO_USER;
	if (which == wproc || which == wpgrp)
		return pid_arg(ip, t, c, 1);
	if (which != wuser)
		return V_CONT;
	uid = (uint32_t)c->c_arg[1];
	if (uid == 0 && (uid = task_uid(t->t_tid)) == -1)
		return V_CONT;
	if ((c->c_fanv = calloc(ip->i_ntasks + 1, sizeof(pid_t))) == NULL)
		return call_deny(ip, t, c, ENOMEM, "PRIO_USER fan-out");
	n = 0;
	RB_FOREACH(u, tracee_tree, &ip->i_tracees)
		if (u->t_proc != NULL && task_uid(u->t_tid) == uid)
			c->c_fanv[n++] = u->t_tid;
	if (n == 0) {
		free(c->c_fanv);
		c->c_fanv = NULL;
		return call_return(t, c, -ESRCH);
	}
	c->c_fann = n;
	c->c_fan = 0;
	c->c_hold[0] = c->c_fanv[0];
	c->c_fanmode = (c->c_sn == SN_getpriority ||
	    c->c_sn == SN_ioprio_get) ? FAN_GETPRIO : FAN_SETPRIO;
	c->c_fanret = -ESRCH;
	if (call_setarg(t, c, 0, wproc) == -1 ||
	    call_setarg(t, c, 1, c->c_fanv[0]) == -1)
		return V_CONT;
	return V_EXIT;
}

enum verdict
h_prio_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	if (c->c_fan < 0)
		return V_CONT;
	return fan_step(ip, t, c, 1);
}

/*
 * perf_event_open(attr, pid, cpu, group_fd, flags): a task is
 * translated; every task of the machine (-1) or a cgroup is refused.
 */
enum verdict
h_perf(struct interp *ip, struct tracee *t, struct call *c)
{
	pid_t	 pid = (pid_t)c->c_arg[1];

	if (c->c_arg[4] & PERF_FLAG_PID_CGROUP)
		return call_deny(ip, t, c, EACCES, "perf_event_open cgroup");
	if (pid == -1)
		return call_deny(ip, t, c, EACCES,
		    "perf_event_open of every task");
	return pid_arg(ip, t, c, 1);
}

/*
 * CPU-time clock ids encode a pid: ((~pid) << 3) | type, with type 3
 * meaning a file descriptor clock instead.
 */
enum verdict
h_clock(struct interp *ip, struct tracee *t, struct call *c)
{
	int32_t	 id = (int32_t)c->c_arg[0];
	pid_t	 pid, r;

	if (id >= 0 || (id & 7) == 3)
		return V_CONT;
	if ((pid = ~(id >> 3)) == 0)
		return V_CONT;
	r = pid_in(ip, pid);
	id = (int32_t)(((uint32_t)~r << 3) | (uint32_t)(id & 7));
	return call_setarg(t, c, 0, (uint32_t)id) == -1 ? V_CONT : V_EXIT;
}

/*
 * capget/capset(hdr, data): hdr->pid is in memory.  The kernel reads a
 * translated copy in read-only scratch.  It writes the header only for a
 * bad version, which is answered here instead.
 */
enum verdict
h_capget(struct interp *ip, struct tracee *t, struct call *c)
{
	struct __user_cap_header_struct	 h;
	uint64_t			 addr;

	if (c->c_sn == SN_capset)
		t->t_cred = 0;	/* its rights may be ours no more */
	if (c->c_arg[0] == 0)
		return V_CONT;
	switch (scratch_ensure(ip, t, 0)) {
	case 0:
		break;
	case 1:
		return V_PARK;
	default:
		return call_deny(ip, t, c, ENOSYS, "capget without scratch");
	}
	if (mem_read(t->t_tid, c->c_arg[0], &h, sizeof(h)) == -1)
		return call_return(t, c, -EFAULT);
	if (h.version != _LINUX_CAPABILITY_VERSION_1 &&
	    h.version != _LINUX_CAPABILITY_VERSION_2 &&
	    h.version != _LINUX_CAPABILITY_VERSION_3) {
		/*
		 * The kernel's answer, without reading the pid: the
		 * preferred version back, EINVAL (0 for capget without
		 * data, the usual probe).
		 */
		h.version = _LINUX_CAPABILITY_VERSION_3;
		if (mem_write(t->t_tid, c->c_arg[0], &h.version,
		    sizeof(h.version)) == -1)
			return call_return(t, c, -EFAULT);
		return call_return(t, c, c->c_sn == SN_capget &&
		    c->c_arg[1] == 0 ? 0 : -EINVAL);
	}
	if (h.pid > 0)
		h.pid = pid_in(ip, h.pid);
	if ((addr = scratch_put(ip, c, &h, sizeof(h))) == 0)
		return call_deny(ip, t, c, EAGAIN, "scratch full");
	return call_setarg(t, c, 0, addr) == -1 ? V_CONT : V_EXIT;
}

/*
 * sysinfo(info): procs counts every task of the system.  The structure
 * is written in the output area and copied out with procs set to the
 * instance's tasks, as a PID namespace would count them.
 */
#define SYSINFO_SIZE(p)		((p)->p_compat ? 64 : 112)
#define SYSINFO_PROCS(p)	((p)->p_compat ? 40 : 80)

enum verdict
h_sysinfo(struct interp *ip, struct tracee *t, struct call *c)
{
	return out_arg(ip, t, c, 0, SYSINFO_SIZE(c->c_pers), 0);
}

static void
fix_sysinfo(struct interp *ip, struct call *c, uint8_t *b)
{
	uint16_t	 n;

	n = ip->i_ntasks > UINT16_MAX ? UINT16_MAX : (uint16_t)ip->i_ntasks;
	memcpy(b + SYSINFO_PROCS(c->c_pers), &n, sizeof(n));
}

enum verdict
h_sysinfo_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	out_back(ip, t, c, 0, fix_sysinfo);
	return V_CONT;
}
