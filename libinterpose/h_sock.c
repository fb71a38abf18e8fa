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

#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/queue.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/tree.h>
#include <sys/types.h>

#include <linux/netlink.h>

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interpose.h"
#include "extern.h"

/*
 * Sockets (SO_PEERCRED, SCM_CREDENTIALS), SysV IPC pid fields, timers
 * aimed at a thread, and siginfo returned by rt_sigtimedwait.  The
 * layouts are the native ABI's; i386 forms carrying these structures
 * are refused.
 */

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD	77
#endif
#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD	76
#endif
#define CTL_MAX		4096	/* control data we copy for a message */

static enum verdict
compat_deny(struct interp *ip, struct tracee *t, struct call *c)
{
	return call_deny(ip, t, c, ENOSYS,
	    "i386 structure carrying pids in memory");
}

static void
fix_ucred(struct interp *ip, struct call *c, uint8_t *b)
{
	struct ucred	 u;

	(void)c;
	memcpy(&u, b, sizeof(u));
	u.pid = pid_out(ip, u.pid);
	memcpy(b, &u, sizeof(u));
}

/*
 * getsockopt(fd, SOL_SOCKET, SO_PEERCRED | SO_PEERPIDFD, val, len).
 * The peer's credentials are written in the output area and copied out
 * with the pid translated (an outside peer reads as 0).  A pidfd of the
 * peer could name a process outside: refused.
 */
enum verdict
h_getsockopt(struct interp *ip, struct tracee *t, struct call *c)
{
	int32_t	 len;

	if ((int)c->c_arg[1] != SOL_SOCKET)
		return V_CONT;
	if ((int)c->c_arg[2] == SO_PEERPIDFD)
		return call_deny(ip, t, c, ENOPROTOOPT, "SO_PEERPIDFD");
	if ((int)c->c_arg[2] != SO_PEERCRED || c->c_arg[3] == 0)
		return V_CONT;
	if (mem_read(t->t_tid, c->c_arg[4], &len, sizeof(len)) == -1)
		return call_return(t, c, -EFAULT);
	if (len < 0)
		return V_CONT;	/* the kernel's EINVAL */
	if (len > (int32_t)sizeof(struct ucred))
		len = sizeof(struct ucred);
	if (len == 0)
		return V_CONT;
	return out_arg(ip, t, c, 3, (size_t)len, 0);
}

enum verdict
h_getsockopt_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	uint8_t	 buf[sizeof(struct ucred)];

	if (c->c_aux[4] == 0)
		return V_CONT;
	if ((size_t)c->c_aux[5] < sizeof(struct ucred)) {
		/* A short buffer: the pid is the first field. */
		memset(buf, 0, sizeof(buf));
		if (c->c_ret == 0 && mem_read(t->t_tid,
		    (uint64_t)c->c_aux[4], buf, (size_t)c->c_aux[5]) == 0) {
			fix_ucred(ip, c, buf);
			(void)mem_write(t->t_tid, c->c_arg[3], buf,
			    (size_t)c->c_aux[5]);
		}
		return V_CONT;
	}
	out_back(ip, t, c, 3, fix_ucred);
	return V_CONT;
}

/* setsockopt(fd, SOL_SOCKET, SO_PASSPIDFD): refused, as SO_PEERPIDFD. */
enum verdict
h_setsockopt(struct interp *ip, struct tracee *t, struct call *c)
{
	if ((int)c->c_arg[1] == SOL_SOCKET &&
	    (int)c->c_arg[2] == SO_PASSPIDFD)
		return call_deny(ip, t, c, ENOPROTOOPT, "SO_PASSPIDFD");
	return V_CONT;
}

/*
 * Walk the control messages in buf (len bytes) and translate the pid of
 * each SCM_CREDENTIALS, in (virtual to real) or out.
 */
static void
cmsg_creds(struct interp *ip, uint8_t *buf, size_t len, int in)
{
	struct msghdr	 m;
	struct cmsghdr	*cm;
	struct ucred	 u;

	memset(&m, 0, sizeof(m));
	m.msg_control = buf;
	m.msg_controllen = len;
	for (cm = CMSG_FIRSTHDR(&m); cm != NULL; cm = CMSG_NXTHDR(&m, cm)) {
		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_CREDENTIALS ||
		    cm->cmsg_len < CMSG_LEN(sizeof(u)))
			continue;
		memcpy(&u, CMSG_DATA(cm), sizeof(u));
		u.pid = in ? pid_in(ip, u.pid) : pid_out(ip, u.pid);
		memcpy(CMSG_DATA(cm), &u, sizeof(u));
	}
}

/*
 * sendmsg(fd, msg, flags), sendmmsg(fd, vec, vlen, flags): the header and
 * its control data are copied to read-only scratch with SCM_CREDENTIALS
 * pids translated; the kernel reads only that copy.  sendmmsg sends one
 * message per call (a short count, as the call allows), so that its
 * msg_len can be written back.
 */
enum verdict
h_sendmsg(struct interp *ip, struct tracee *t, struct call *c)
{
	struct mmsghdr	 mm;
	enum verdict	 v;
	uint8_t		*blk;
	uint64_t	 a;
	size_t		 hl, cl;
	int		 multi = c->c_sn == SN_sendmmsg;

	if (c->c_pers->p_compat)
		return compat_deny(ip, t, c);
	if (multi && c->c_arg[2] == 0)
		return V_CONT;
	if (need_scratch(ip, t, c, multi, &v, "sendmsg without scratch"))
		return v;
	hl = multi ? sizeof(struct mmsghdr) : sizeof(struct msghdr);
	memset(&mm, 0, sizeof(mm));
	if (mem_read(t->t_tid, c->c_arg[1], &mm, hl) == -1)
		return call_return(t, c, -EFAULT);
	if ((cl = mm.msg_hdr.msg_controllen) > CTL_MAX)
		return call_deny(ip, t, c, ENOBUFS, "control data too large");
	if (mm.msg_hdr.msg_control == NULL)
		cl = 0;
	if ((a = scratch_put(ip, c, NULL, sizeof(mm) + cl)) == 0)
		return call_deny(ip, t, c, EAGAIN, "scratch full");
	blk = scratch_ptr(ip, c);
	if (cl > 0) {
		if (mem_read(t->t_tid, (uint64_t)mm.msg_hdr.msg_control,
		    blk + sizeof(mm), cl) == -1)
			return call_return(t, c, -EFAULT);
		cmsg_creds(ip, blk + sizeof(mm), cl, 1);
		mm.msg_hdr.msg_control = (void *)(uintptr_t)(a + sizeof(mm));
	}
	if (!multi) {
		memcpy(blk, &mm.msg_hdr, sizeof(mm.msg_hdr));
		return call_setarg(t, c, 1, a) == -1 ? V_CONT : V_EXIT;
	}
	/* msg_len is written by the kernel: the header goes to the output. */
	if ((c->c_aux[4] = (int64_t)scratch_out(ip, t, c, sizeof(mm))) == 0)
		return call_deny(ip, t, c, EAGAIN, "scratch full");
	if (mem_write(t->t_tid, (uint64_t)c->c_aux[4], &mm, sizeof(mm)) == -1)
		return call_return(t, c, -EFAULT);
	if (call_setarg(t, c, 1, (uint64_t)c->c_aux[4]) == -1 ||
	    call_setarg(t, c, 2, 1) == -1)
		return V_CONT;
	return V_EXIT;
}

enum verdict
h_sendmsg_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	struct mmsghdr	 mm;

	(void)ip;
	if (c->c_sn != SN_sendmmsg || c->c_ret != 1 || c->c_aux[4] == 0)
		return V_CONT;
	if (mem_read(t->t_tid, (uint64_t)c->c_aux[4], &mm, sizeof(mm)) == 0)
		(void)mem_write(t->t_tid, c->c_arg[1] +
		    offsetof(struct mmsghdr, msg_len), &mm.msg_len,
		    sizeof(mm.msg_len));
	return V_CONT;
}

/*
 * recvmsg(fd, msg, flags), recvmmsg(fd, vec, vlen, flags, timeout): the
 * header and a control buffer live in the output area, where the kernel
 * writes; at the exit the control data is copied out with SCM_CREDENTIALS
 * pids translated, then the lengths and flags.  recvmmsg receives one
 * message per call.
 */
enum verdict
h_recvmsg(struct interp *ip, struct tracee *t, struct call *c)
{
	struct mmsghdr	 mm;
	enum verdict	 v;
	uint64_t	 a;
	size_t		 hl, cl;
	int		 multi = c->c_sn == SN_recvmmsg;

	if (c->c_pers->p_compat)
		return compat_deny(ip, t, c);
	if (multi && c->c_arg[2] == 0)
		return V_CONT;
	if (need_scratch(ip, t, c, 1, &v, "recvmsg without scratch"))
		return v;
	hl = multi ? sizeof(struct mmsghdr) : sizeof(struct msghdr);
	memset(&mm, 0, sizeof(mm));
	if (mem_read(t->t_tid, c->c_arg[1], &mm, hl) == -1)
		return call_return(t, c, -EFAULT);
	cl = mm.msg_hdr.msg_control != NULL ? mm.msg_hdr.msg_controllen : 0;
	if (cl > CTL_MAX)
		cl = CTL_MAX;	/* the kernel sets MSG_CTRUNC, as it would */
	if ((a = scratch_out(ip, t, c, sizeof(mm) + cl)) == 0)
		return call_deny(ip, t, c, EAGAIN, "scratch full");
	c->c_aux[0] = (int64_t)mm.msg_hdr.msg_controllen;
	c->c_aux[1] = (int64_t)cl;
	c->c_aux[2] = (int64_t)(uintptr_t)mm.msg_hdr.msg_control;
	c->c_aux[4] = (int64_t)a;
	if (cl > 0)
		mm.msg_hdr.msg_control = (void *)(uintptr_t)(a + sizeof(mm));
	mm.msg_hdr.msg_controllen = cl;
	if (mem_write(t->t_tid, a, &mm, sizeof(mm)) == -1)
		return call_return(t, c, -EFAULT);
	if (call_setarg(t, c, 1, a) == -1)
		return V_CONT;
	if (multi && call_setarg(t, c, 2, 1) == -1)
		return V_CONT;
	return V_EXIT;
}

enum verdict
h_recvmsg_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	struct mmsghdr	 mm, um;
	uint8_t		 ctl[CTL_MAX];
	uint64_t	 a = (uint64_t)c->c_aux[4], ua = c->c_arg[1];
	size_t		 cl;
	int		 multi = c->c_sn == SN_recvmmsg, drop[DROP_MAX], ndrop = 0;
	int		 rights = RIGHTS_NONE;

	if (a == 0 || c->c_ret < 0 ||
	    mem_read(t->t_tid, a, &mm, sizeof(mm)) == -1)
		return V_CONT;
	cl = mm.msg_hdr.msg_controllen;
	if (cl > (size_t)c->c_aux[1])
		cl = (size_t)c->c_aux[1];
	if (cl > 0) {
		if (mem_read(t->t_tid, a + sizeof(mm), ctl, cl) == -1)
			return V_CONT;
		cmsg_creds(ip, ctl, cl, 0);
		rights = rights_check(ip, t, ctl, &cl, &mm.msg_hdr.msg_flags,
		    drop, &ndrop);
		if (mem_write(t->t_tid, (uint64_t)c->c_aux[2], ctl, cl) == -1)
			goto fault;
	}
	/* Give back the instance's own pointers with the new lengths. */
	if (mem_read(t->t_tid, ua, &um, multi ? sizeof(um) :
	    sizeof(um.msg_hdr)) == -1)
		goto fault;
	um.msg_hdr.msg_namelen = mm.msg_hdr.msg_namelen;
	um.msg_hdr.msg_controllen = cl;
	um.msg_hdr.msg_flags = mm.msg_hdr.msg_flags;
	um.msg_len = mm.msg_len;
	if (mem_write(t->t_tid, ua, &um, multi ? sizeof(um) :
	    sizeof(um.msg_hdr)) == -1)
		goto fault;
	/* A signalfd arrived: closed, or the read filter first. */
	if (rights == RIGHTS_DROP) {
		call_restore(t, c);
		if (inject_close(t, drop, ndrop) == 0)
			return V_PARK;
	} else if (rights == RIGHTS_FILTER && rdtrap_rights(ip, t, c) == 0)
		return V_PARK;
	return V_CONT;
 fault:
	(void)regs_set(t, R_RET, (uint64_t)-EFAULT);
	return V_CONT;
}

static void
fix_msqid(struct interp *ip, struct call *c, uint8_t *b)
{
	struct msqid_ds	 d;

	(void)c;
	memcpy(&d, b, sizeof(d));
	d.msg_lspid = vmap_r2v_hist(&ip->i_vmap, d.msg_lspid);
	d.msg_lrpid = vmap_r2v_hist(&ip->i_vmap, d.msg_lrpid);
	memcpy(b, &d, sizeof(d));
}

static void
fix_shmid(struct interp *ip, struct call *c, uint8_t *b)
{
	struct shmid_ds	 d;

	(void)c;
	memcpy(&d, b, sizeof(d));
	d.shm_cpid = vmap_r2v_hist(&ip->i_vmap, d.shm_cpid);
	d.shm_lpid = vmap_r2v_hist(&ip->i_vmap, d.shm_lpid);
	memcpy(b, &d, sizeof(d));
}

/*
 * msgctl/shmctl *_STAT: the kernel writes the structure, with the last
 * sender's, receiver's, creator's pids, into the output area.  semctl
 * GETPID returns a pid.
 */
enum verdict
h_ipcctl(struct interp *ip, struct tracee *t, struct call *c)
{
	if (c->c_pers->p_compat)
		return compat_deny(ip, t, c);
	if (c->c_sn == SN_semctl)
		return V_EXIT;
	if (c->c_arg[2] == 0)
		return V_CONT;
	return out_arg(ip, t, c, 2, c->c_sn == SN_msgctl ?
	    sizeof(struct msqid_ds) : sizeof(struct shmid_ds), 0);
}

enum verdict
h_ipcctl_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	if (c->c_sn == SN_semctl) {
		if (c->c_ret > 0)
			(void)regs_set(t, R_RET,
			    vmap_r2v_hist(&ip->i_vmap, (pid_t)c->c_ret));
		return V_CONT;
	}
	out_back(ip, t, c, 2, c->c_sn == SN_msgctl ? fix_msqid : fix_shmid);
	return V_CONT;
}

/*
 * timer_create(clock, sevp, id): a CPU clock's pid and a SIGEV_THREAD_ID
 * target tid are translated; the sigevent is read from scratch.
 */
enum verdict
h_timer_create(struct interp *ip, struct tracee *t, struct call *c)
{
	uint8_t		 ev[64];
	enum verdict	 v;
	uint64_t	 a;
	int32_t		 notify, tid;
	size_t		 noff, toff;

	if (c->c_arg[1] != 0) {
		if (need_scratch(ip, t, c, 0, &v,
		    "timer_create without scratch"))
			return v;
		if (mem_read(t->t_tid, c->c_arg[1], ev, sizeof(ev)) == -1)
			return call_return(t, c, -EFAULT);
		noff = c->c_pers->p_compat ? 8 : 12;
		toff = noff + 4;
		memcpy(&notify, ev + noff, sizeof(notify));
		if (notify & SIGEV_THREAD_ID) {
			memcpy(&tid, ev + toff, sizeof(tid));
			tid = pid_in(ip, tid);
			memcpy(ev + toff, &tid, sizeof(tid));
		}
		if ((a = scratch_put(ip, c, ev, sizeof(ev))) == 0)
			return call_deny(ip, t, c, EAGAIN, "scratch full");
		if (call_setarg(t, c, 1, a) == -1)
			return V_CONT;
	}
	v = h_clock(ip, t, c);
	return c->c_restore ? V_EXIT : v;
}

static void
fix_siginfo(struct interp *ip, struct call *c, uint8_t *b)
{
	int32_t	 signo, code, pid;
	size_t	 off = siginfo_pidoff(c->c_pers);

	memcpy(&signo, b, sizeof(signo));
	memcpy(&code, b + 8, sizeof(code));
	if (!siginfo_haspid(signo, code))
		return;
	memcpy(&pid, b + off, sizeof(pid));
	pid = pid_out(ip, pid);
	memcpy(b + off, &pid, sizeof(pid));
}

/* rt_sigtimedwait(set, info, timeout, size): info in the output area. */
enum verdict
h_sigtimedwait(struct interp *ip, struct tracee *t, struct call *c)
{
	if (c->c_arg[1] == 0)
		return V_CONT;
	return out_arg(ip, t, c, 1, 128, 0);
}

enum verdict
h_siginfo_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	out_back(ip, t, c, 1, fix_siginfo);
	return V_CONT;
}

/*
 * Netlink port ids.  The kernel autobinds a netlink socket to its
 * caller's tgid, as seen in the caller's PID namespace, the first time a
 * socket of that protocol needs an address (bind with nl_pid 0, connect,
 * send): getsockname, and every reply, would then show the real pid.  So
 * every netlink socket is bound when it is made, before its creator
 * returns to user mode, to a random port from the range the kernel
 * itself falls back to, [INT32_MIN, -4097], where no pid can be.  A
 * later bind keeps that port: its nl_pid is rewritten to it (only
 * nl_groups counts), as a bound socket accepts no other.
 */
#define NL_PORTS	0x7ffff000U	/* INT32_MIN .. -4097 */
#define NL_TRIES	16

static void	nl_bound(struct interp *, struct tracee *, int64_t);

/* Bind the new socket t_inj[0], or give up: close it, fail the call. */
static void
nl_bind(struct interp *ip, struct tracee *t, int err)
{
	struct sockaddr_nl	*nl = scratch_ptr(ip, &t->t_call);
	uint64_t		 a[6] = { (uint64_t)t->t_inj.data[0], 0,
				    sizeof(*nl), 0, 0, 0 };
	int			 fd;

	if (err == 0 && nl != NULL && t->t_inj.data[1]++ < NL_TRIES) {
		nl->nl_pid = 0x80000000U + arc4random_uniform(NL_PORTS);
		a[1] = SCRATCH_ADDR + t->t_call.c_sbuf.off;
		if (inject_call(t, SN_bind, a, INJ_EXIT, nl_bound) == 0)
			return;
	}
	fd = (int)a[0];
	(void)inject_close(t, &fd, 1);
	t->t_inj.err = err != 0 ? err : ENOBUFS;
}

static void
nl_bound(struct interp *ip, struct tracee *t, int64_t ret)
{
	if (ret == 0)
		return;
	nl_bind(ip, t, ret == -EADDRINUSE ? 0 : (int)-ret);
}

/* socket(AF_NETLINK, ...): bind it at the exit. */
enum verdict
h_socket(struct interp *ip, struct tracee *t, struct call *c)
{
	enum verdict	 v;

	if ((int)c->c_arg[0] != AF_NETLINK)
		return V_CONT;
	if (need_scratch(ip, t, c, 0, &v, "netlink socket without scratch"))
		return v;
	return V_EXIT;
}

enum verdict
h_socket_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	struct sockaddr_nl	 nl;

	if (c->c_ret < 0 || (int)c->c_arg[0] != AF_NETLINK)
		return V_CONT;
	memset(&nl, 0, sizeof(nl));
	nl.nl_family = AF_NETLINK;
	t->t_inj.data[0] = c->c_ret;
	t->t_inj.data[1] = 0;
	call_restore(t, c);
	nl_bind(ip, t, scratch_put(ip, c, &nl, sizeof(nl)) == 0 ? ENOBUFS :
	    0);
	return V_PARK;
}

/*
 * bind: of a netlink socket, nl_pid becomes the socket's own port (read
 * from the supervisor's copy of the descriptor), in a copy of the
 * address in scratch.  Anything else runs as it is.
 */
enum verdict
h_bind(struct interp *ip, struct tracee *t, struct call *c)
{
	struct sockaddr_nl	 cur;
	uint8_t			 buf[128];
	socklen_t		 sl = sizeof(cur);
	size_t			 len = (size_t)c->c_arg[2];
	uint16_t		 fam;
	uint64_t		 a;
	enum verdict		 v;
	int			 fd, rc;

	if (len < sizeof(cur) || len > sizeof(buf) ||
	    mem_read(t->t_tid, c->c_arg[1], &fam, sizeof(fam)) == -1 ||
	    fam != AF_NETLINK)
		return V_CONT;
	if ((fd = task_getfd(t, (int)c->c_arg[0])) < 0)
		return V_CONT;
	memset(&cur, 0, sizeof(cur));
	rc = getsockname(fd, (struct sockaddr *)&cur, &sl);
	close(fd);
	if (rc == -1 || cur.nl_family != AF_NETLINK || cur.nl_pid == 0)
		return V_CONT;
	if (mem_read(t->t_tid, c->c_arg[1], buf, len) == -1)
		return call_return(t, c, -EFAULT);
	memcpy(buf + offsetof(struct sockaddr_nl, nl_pid), &cur.nl_pid,
	    sizeof(cur.nl_pid));
	if (need_scratch(ip, t, c, 0, &v, "netlink bind without scratch"))
		return v;
	if ((a = scratch_put(ip, c, buf, len)) == 0)
		return call_deny(ip, t, c, EAGAIN, "scratch full");
	return call_setarg(t, c, 1, a) == -1 ? V_CONT : V_EXIT;
}
