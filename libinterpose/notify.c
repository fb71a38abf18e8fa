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
#include <sys/ptrace.h>
#include <sys/queue.h>
#include <sys/tree.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <linux/capability.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "interpose.h"
#include "extern.h"

/*
 * The answer threads.  The rows of handlers[] with an answer function
 * (the getters: getpid, getppid, ...) need no register, no memory and
 * no exit stop, only a value from the process model.  The notify filter
 * sends them to the seccomp listener (SECCOMP_RET_USER_NOTIF outranks
 * the guard's SECCOMP_RET_TRACE), and this thread answers them: a task
 * woken by SECCOMP_IOCTL_NOTIF_SEND costs about half a ptrace stop,
 * which wakes the tracer and is resumed by another call.
 *
 * One lock, i_mu, guards the whole engine: the tracing thread holds it
 * for writing at all times but inside wait4, so the answers are made
 * only between two stops, from a model that no handler is halfway
 * through changing.  The answer functions only read the model, and the
 * answer threads hold i_mu for reading: with -p any there is one per
 * CPU, for the first NOTIFY_THREADS (notify_cpus()), answering at once.
 * What they change is a task's own (answered one at a time, see
 * notify_serve()), a counter (atomic), or an address space's, which a
 * process's threads share (its descriptors opened on first use, its
 * dumpability learnt), under i_amu.
 *
 * The listener also serves the tracing thread's getppid(MAGIC0, MAGIC1)
 * that installs a descriptor (notify_addfd()): the request is left with
 * the task and the answer threads, the listener's only readers, do the
 * SECCOMP_IOCTL_NOTIF_ADDFD when the notification comes.
 *
 * A notification names the task by its tid in our PID namespace.  The
 * task is blocked in the call until answered; if it dies, or a signal
 * takes it out of its wait, the kernel drops the notification and the
 * answer, which goes by the notification's id, fails with ENOENT.  A
 * notification read before the lock was ours may be such a one: the
 * answer functions only read the model, and a stale hand-over keeps its
 * request (see notify_serve()).
 *
 * Path queries (the rows with nqarg: stat, access, readlink and their
 * kin) come here too when the instance started with our access rights,
 * and are answered as h_pathq() answers them at a ptrace stop: the walk
 * is ours, made in the caller's root and working directory.  What it
 * learns of the task by tid (/proc/TID/cwd, its credentials) holds
 * while the task waits: if it died and the tid is someone else's, the
 * answer goes nowhere.  Its memory (the path read, a stat buffer or a
 * link's text written) goes through a descriptor of /proc/TID/mem held
 * per address space (struct mm), opened once and known to be the
 * task's by the notification still waiting after the open: a reused
 * tid is never read or written.  That descriptor ignores protections
 * (FOLL_FORCE); PROCMAP_QUERY on the mm's /proc/TID/maps checks them.
 * The opens for reading (rows with nqflags) are walked the same way by
 * h_openq(), which opens a regular file or directory itself, or makes
 * the snapshot of a /proc file that carries pids (h_openq_proc()), and
 * leaves the descriptor in ins: it is installed as the call's result with
 * SECCOMP_IOCTL_NOTIF_ADDFD (notify_install()), once the lock is free,
 * as every answer is sent.
 *
 * A listener cannot decline a call: USER_NOTIF outranks TRACE.  A query
 * this thread cannot answer as the kernel would (a caller whose rights
 * differ from ours, a walk we cannot make, odd arguments, a task the
 * tracing thread has work for) is taken back to a ptrace stop.  The
 * tracing thread, woken from wait4 by TB_SIGNAL, makes PTRACE_INTERRUPT
 * while the notification still waits (takeback_run()); the task leaves
 * it with -ERESTARTSYS, the kernel cancelling it, and stops; there its
 * path argument is set to TB_MAGIC, which the notify filter lets pass
 * (takeback_arm()), and the call restarts into the guard's TRACE stop,
 * where the argument is put back before the handler sees it
 * (takeback_undo(), at whatever stop of the task comes first).  From
 * the interrupt stop to the call's exit its signals are blocked, so
 * that a fast timer cannot have the call taken back for ever; not past
 * a stop that rewrote the call (into scratch, as openat2), which the
 * listener lets through and which may wait (a FIFO's open), nor past an
 * injected step that runs it again from its start (takeback_rewind()).  The
 * tracee's t_tb* fields carry the state; tests/probes/probe-takeback
 * shows the kernel's part.
 */

static int	notify_back(struct interp *);
static int	notify_addfd_send(int, uint64_t, int, int);

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS	SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP	(1UL << 0)
#endif

/*
 * The address space of t, for the answer of notification a: its mm's
 * /proc/TID/mem and /proc/TID/maps, opened here the first time and kept
 * only if the notification still waits after the opens (then the tid
 * named the task).  Returns the mm, or NULL: take the call back.
 */
static struct mm *
notify_mm(struct tracee *t, const struct nanswer *a)
{
	struct mm	*mm = t->t_mm;
	char		 p[64];
	int		 fd, fd2;

	if (mm == NULL)
		return NULL;
	/* Open already (m_mapsfd is set before m_memfd). */
	if (__atomic_load_n(&mm->m_memfd, __ATOMIC_ACQUIRE) >= 0)
		return mm;
	/* Threads of one process share mm: one opens, under i_amu. */
	(void)pthread_mutex_lock(&a->ip->i_amu);
	if (mm->m_memfd == -2)
		mm = NULL;
	else if (mm->m_memfd == -1) {
		(void)snprintf(p, sizeof(p), "/proc/%d/mem", (int)t->t_tid);
		fd = open(p, O_RDWR | O_CLOEXEC);
		(void)snprintf(p, sizeof(p), "/proc/%d/maps", (int)t->t_tid);
		fd2 = fd == -1 ? -1 : open(p, O_RDONLY | O_CLOEXEC);
		if (fd2 == -1 || seccomp_notify_id_valid(a->fd, a->id) != 0) {
			/* Not opened, or gone: nobody waits. */
			if (fd != -1)
				close(fd);
			if (fd2 != -1)
				close(fd2);
			mm = NULL;
		} else {
			mm->m_mapsfd = fd2;
			__atomic_store_n(&mm->m_memfd, fd, __ATOMIC_RELEASE);
		}
	}
	(void)pthread_mutex_unlock(&a->ip->i_amu);
	return mm;
}

/*
 * Would the kernel reach [addr, addr + len) of mm for reading (want
 * PMQ_READ) or writing (PMQ_WRITE)?  /proc/PID/mem does not ask
 * (FOLL_FORCE), PROCMAP_QUERY (Linux 6.11) does, mapping by mapping;
 * without it, the protections go unchecked.  Returns 0 or -EFAULT.
 */
static int
notify_prot(struct interp *ip, struct mm *mm, uint64_t addr, size_t len,
    uint64_t want)
{
	struct pmq	 q;

	while (len > 0 && !__atomic_load_n(&ip->i_nopmq, __ATOMIC_RELAXED)) {
		if (maps_query(mm->m_mapsfd, addr, want, &q) == -1) {
			if (errno != ENOTTY && errno != EINVAL)
				return -EFAULT;
			__atomic_store_n(&ip->i_nopmq, 1, __ATOMIC_RELAXED);
			break;
		}
		if (q.vma_end - addr >= len)
			break;
		len -= q.vma_end - addr;
		addr = q.vma_end;
	}
	return 0;
}

/*
 * Copy the string at addr in t into buf (len bytes at most) for the
 * answer of a, as path_get() does at a stop, each piece read only if
 * the task could read it.  Returns 0, -EFAULT, -ENAMETOOLONG, or
 * -EAGAIN: take the call back.
 */
int
notify_path(struct tracee *t, const struct nanswer *a, uint64_t addr,
    char *buf, size_t len)
{
	struct mm	*mm;
	uint64_t	 ok = 0;	/* [addr, ok) checked readable */
	size_t		 i, chunk;
	ssize_t		 n;

	if (addr == 0)
		return -EFAULT;
	if ((mm = notify_mm(t, a)) == NULL)
		return -EAGAIN;
	for (i = 0; i < len; i += (size_t)n) {
		chunk = 256 - ((addr + i) % 256);
		if (chunk > len - i)
			chunk = len - i;
		if (addr + i > (uint64_t)INT64_MAX - chunk)
			return -EFAULT;
		/* A piece never crosses a page: one query per page. */
		if (addr + i + chunk > ok) {
			if (notify_prot(a->ip, mm, addr + i, chunk,
			    PMQ_READ) != 0)
				return -EFAULT;
			ok = (addr + i + 4096) & ~(uint64_t)4095;
		}
		if ((n = pread(mm->m_memfd, buf + i, chunk,
		    (off_t)(addr + i))) <= 0)
			return -EFAULT;
		if (memchr(buf + i, '\0', (size_t)n) != NULL)
			return 0;
	}
	return -ENAMETOOLONG;
}

/*
 * Write len bytes of buf at addr in t for the answer of a, through
 * notify_mm(): a reused tid is never written, nor a page the task could
 * not write.  Returns 0, -EFAULT, or -EAGAIN: take the call back.
 */
int
notify_write(struct tracee *t, const struct nanswer *a, uint64_t addr,
    const void *buf, size_t len)
{
	struct mm	*mm;

	if ((mm = notify_mm(t, a)) == NULL)
		return -EAGAIN;
	if (addr > (uint64_t)INT64_MAX - len ||
	    notify_prot(a->ip, mm, addr, len, PMQ_WRITE) != 0 ||
	    pwrite(mm->m_memfd, buf, len, (off_t)addr) != (ssize_t)len)
		return -EFAULT;
	return 0;
}

/*
 * May this thread read t's memory as a stop would?  A supervisor
 * without CAP_SYS_PTRACE cannot once t lost its dumpability (exec of a
 * set-id image): the tracing thread gives it back (dump_lost()).
 */
static int
notify_dumpable(struct interp *ip, struct tracee *t, uint64_t ip_addr)
{
	int	 ok;

	if (ip->i_captrace)
		return 1;
	/* dump_readable() sets m_dump, which t's sibling threads share. */
	(void)pthread_mutex_lock(&ip->i_amu);
	ok = t->t_mm->m_dump == MD_YES || (t->t_mm->m_dump != MD_FAIL &&
	    dump_readable(t, ip_addr));
	(void)pthread_mutex_unlock(&ip->i_amu);
	return ok;
}

/*
 * Take on the rights cr for a walk, in this thread only (the raw calls:
 * glibc would set every thread's): the groups, fsgid, fsuid, and no
 * effective capability.  Returns 0, or -1 with ours back.
 */
static int
notify_as(struct interp *ip, const struct tcred *cr)
{
	struct __user_cap_header_struct	 h;
	struct __user_cap_data_struct	 d[2];
	int				 i;

	memset(&h, 0, sizeof(h));
	h.version = _LINUX_CAPABILITY_VERSION_3;
	memcpy(d, ip->i_caps, sizeof(d));
	for (i = 0; i < 2; i++)
		d[i].effective = 0;
	if (syscall(SYS_setgroups, cr->ngroups, cr->groups) == -1 ||
	    (syscall(SYS_setfsgid, cr->gid),
	    syscall(SYS_setfsgid, -1) != (long)cr->gid) ||
	    (syscall(SYS_setfsuid, cr->uid),
	    syscall(SYS_setfsuid, -1) != (long)cr->uid) ||
	    syscall(SYS_capset, &h, d) == -1) {
		if (notify_back(ip) == -1)
			__atomic_store_n(&ip->i_canbe, -1, __ATOMIC_RELAXED);
		return -1;
	}
	return 0;
}

/*
 * Our rights back in this thread.  Returns 0, or -1: the thread may
 * walk with less than ours, and takes every query back from now on.
 */
static int
notify_back(struct interp *ip)
{
	struct __user_cap_header_struct	 h;

	memset(&h, 0, sizeof(h));
	h.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capset, &h, ip->i_caps) == -1 ||
	    (syscall(SYS_setfsuid, 0), syscall(SYS_setfsuid, -1) != 0) ||
	    (syscall(SYS_setfsgid, 0), syscall(SYS_setfsgid, -1) != 0) ||
	    syscall(SYS_setgroups, ip->i_ngroups, ip->i_groups) == -1)
		return -1;
	return 0;
}

/* Give a query back to a ptrace stop: see the comment at the top. */
static void
notify_takeback(struct interp *ip, struct tracee *t, const struct call *c,
    uint64_t id)
{
	int	 a = handlers[c->c_sn].nqarg - 1;

	if (t->t_tb != TB_WANT)
		(void)__atomic_fetch_add(&ip->i_ntb, 1, __ATOMIC_RELAXED);
	t->t_tb = TB_WANT;
	t->t_tbid = id;
	t->t_tbpers = c->c_pers;
	t->t_tbnr = (int)c->c_nr;
	t->t_tbarg = a;
	t->t_tbval = c->c_arg[a];
	(void)__atomic_fetch_add(&ip->i_ntbs, 1, __ATOMIC_RELAXED);
	(void)syscall(SYS_tgkill, getpid(), ip->i_tracer, TB_SIGNAL);
}

/*
 * The call of notification req, of row sn, into c.  Returns 1 if it is
 * the kernel's recheck of a call left to it at a stop (recheck_mark()),
 * resp then the answer that lets it through, else 0.
 */
static int
notify_call(struct tracee *t, const struct pers *p, int sn,
    const struct seccomp_notif *req, struct call *c,
    struct seccomp_notif_resp *resp)
{
	int	 i;

	memset(c, 0, sizeof(*c));
	c->c_sn = sn;
	c->c_pers = p;
	c->c_nr = (uint64_t)req->data.nr;
	c->c_ip = req->data.instruction_pointer;
	for (i = 0; i < 6; i++)
		c->c_arg[i] = p->p_compat ?
		    req->data.args[i] & 0xffffffffULL : req->data.args[i];
	c->c_fan = -1;
	c->c_sbuf.off = c->c_obuf.off = SIZE_MAX;
	if (t->t_rcnr != req->data.nr ||
	    t->t_rcarg != c->c_arg[handlers[sn].nqarg - 1])
		return 0;
	t->t_rcnr = -1;
	resp->error = 0;
	resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	return 1;
}

/* Is t plainly running, with no work of the tracing thread pending? */
static int
notify_plain(const struct tracee *t)
{
	return t->t_state == TS_RUN && t->t_tb != TB_ARMED &&
	    t->t_mm != NULL && !t->t_inj.pending && t->t_injstack == NULL &&
	    t->t_ndrop == 0;
}

/*
 * A path query, answered here by h_pathq() (c_nq set), or taken back.
 * A task the tracing thread has work for at its next stop (an injected
 * call, descriptors to close) is taken back too, as is one not plainly
 * running (the model may lag).
 */
static int
notify_pathq(struct interp *ip, struct tracee *t, const struct pers *p,
    int sn, const struct seccomp_notif *req,
    struct seccomp_notif_resp *resp, struct seccomp_notif_addfd *ins)
{
	struct call	 c;
	struct nanswer	 a;

	if (notify_call(t, p, sn, req, &c, resp))
		return 1;
	memset(&a, 0, sizeof(a));
	a.ip = ip;
	a.id = req->id;
	a.fd = ip->i_notify;
	a.afd = -1;
	c.c_nq = &a;
	if (notify_plain(t) &&
	    __atomic_load_n(&ip->i_canbe, __ATOMIC_RELAXED) >= 0 &&
	    notify_dumpable(ip, t, c.c_ip)) {
		/*
		 * A caller with other rights that this thread can take on
		 * (cred_parse()): its memory opened with ours, the walk made
		 * with its.
		 */
		if (!cred_same(ip, t) && t->t_cred == 3 &&
		    notify_mm(t, &a) != NULL && notify_as(ip, &t->t_cr) == 0)
			a.as = 1;
		(void)handlers[sn].query(ip, t, &c);
		if (a.as && notify_back(ip) == -1) {
			__atomic_store_n(&ip->i_canbe, -1, __ATOMIC_RELAXED);
			a.done = 0;
		}
	}
	if (!a.done) {
		if (a.afd != -1)
			close(a.afd);
		notify_takeback(ip, t, &c, req->id);
		return 0;
	}
	(void)__atomic_fetch_add(&ip->i_nnotif, 1, __ATOMIC_RELAXED);
	if (a.afd != -1 && a.ret == 0) {
		/* An open's descriptor, the call's result. */
		memset(ins, 0, sizeof(*ins));
		ins->id = req->id;
		ins->srcfd = (uint32_t)a.afd;
		ins->newfd_flags = (uint32_t)a.afdfl;
		return 2;
	}
	if (a.afd != -1)
		close(a.afd);
	resp->error = a.ret < 0 ? (int32_t)a.ret : 0;
	resp->val = a.ret < 0 ? 0 : a.ret;
	return 1;
}

/*
 * The tracing thread, under i_mu: take back the queries the answer
 * thread gave up, if their notification still waits.  PTRACE_INTERRUPT
 * first, then the answer ERESTARTSYS (512): the task leaves the call
 * with it and, the interrupt pending, stops at once for takeback_arm().
 * (In a wait the interrupt can cut short, without WAIT_KILLABLE_RECV,
 * the kernel cancels the notification itself, with the same code.)  A
 * notification gone: the task left it for a signal, and a restarted
 * call comes to the answer thread again.
 */
void
takeback_run(struct interp *ip)
{
	struct seccomp_notif_resp	 resp;
	struct tracee			*t;

	if (__atomic_load_n(&ip->i_ntb, __ATOMIC_RELAXED) == 0)
		return;
	RB_FOREACH(t, tracee_tree, &ip->i_tracees) {
		if (t->t_tb != TB_WANT)
			continue;
		(void)__atomic_fetch_sub(&ip->i_ntb, 1, __ATOMIC_RELAXED);
		t->t_tb = TB_NONE;
		if (t->t_state != TS_RUN ||
		    seccomp_notify_id_valid(ip->i_notify, t->t_tbid) != 0 ||
		    ptrace(PTRACE_INTERRUPT, t->t_tid, NULL, NULL) == -1)
			continue;
		t->t_tb = TB_SENT;
		memset(&resp, 0, sizeof(resp));
		resp.id = t->t_tbid;
		resp.error = -512;
		if (seccomp_notify_respond(ip->i_notify, &resp) != 0)
			ilog(ip, ILOG_DEBUG, "take-back of %d: %s",
			    t->t_tid, strerror(errno));
	}
}

/*
 * The interrupt stop of a task taken back.  If it left its notification
 * to make the call again (-ERESTARTSYS: ERESTARTSYS is 512; the same
 * call and path), the path argument becomes TB_MAGIC for the restart,
 * and every signal is blocked until then (PTRACE_SETSIGMASK): one that
 * came meanwhile waits for the end of the call, as natively, instead of
 * being delivered first and the call taken back again after it, for
 * ever under a fast enough timer.
 */
void
takeback_arm(struct interp *ip, struct tracee *t)
{
	const struct pers	*p = t->t_tbpers;
	uint64_t		 buf[32], *a, v, all = ~0ULL;

	t->t_tb = TB_NONE;
	if (regs_getall(t, buf) == 0 &&
	    (int32_t)*regs_slot(p, buf, R_RET) == -512 &&
	    (int)*regs_slot(p, buf, R_NR) == t->t_tbnr) {
		a = regs_slot(p, buf, R_A0 + t->t_tbarg);
		v = p->p_compat ? *a & 0xffffffffULL : *a;
		if (v == t->t_tbval) {
			t->t_tbval = *a;	/* the whole register */
			*a = TB_MAGIC;
			if (ptrace(PTRACE_GETSIGMASK, t->t_tid, sizeof(all),
			    &t->t_tbmask) == -1)
				;	/* not armed: the call comes here again */
			else if (ptrace(PTRACE_SETSIGMASK, t->t_tid,
			    sizeof(all), &all) == -1 || regs_setall(t, buf) == -1)
				(void)ptrace(PTRACE_SETSIGMASK, t->t_tid,
				    sizeof(all), &t->t_tbmask);
			else
				t->t_tb = TB_ARMED;
		}
	}
	tracer_resume(ip, t, V_CONT);
}

/*
 * The first stop (event ev) of an armed task: the restarted call's
 * TRACE stop, or a group stop (SIGSTOP cannot be blocked) before it.
 * The instance's path argument comes back, and the handler, if it is
 * the call's stop, sees the call as made; its signal mask comes back
 * then at the call's exit (T_TBMASK: syscall_enter() asks for that
 * stop), so that a signal waiting meanwhile cannot cut short the
 * kernel's recheck of the call, a notification too; at once at any
 * other stop.
 */
void
takeback_undo(struct tracee *t, int ev)
{
	const struct pers	*p = t->t_tbpers;
	uint64_t		 buf[32], *a;
	int			 call = 0;

	t->t_tb = TB_NONE;
	if (regs_getall(t, buf) == 0) {
		a = regs_slot(p, buf, R_A0 + t->t_tbarg);
		if ((*a & 0xffffffffULL) == TB_MAGIC) {
			call = ev == PTRACE_EVENT_SECCOMP &&
			    (int)*regs_slot(p, buf, R_NR) == t->t_tbnr;
			*a = t->t_tbval;
			(void)regs_setall(t, buf);
		}
	}
	if (call)
		t->t_flags |= T_TBMASK;
	else
		(void)ptrace(PTRACE_SETSIGMASK, t->t_tid,
		    sizeof(t->t_tbmask), &t->t_tbmask);
}

/*
 * A call taken back that an injected step now runs again from its start
 * (scratch to map first, ...), or cuts short: no exit stop of its own
 * will come, so its signal mask comes back now, before the step runs.
 * Remembered (T_TBAGAIN) for takeback_rearm().
 */
void
takeback_rewind(struct tracee *t)
{
	if (t->t_flags & T_TBMASK) {
		takeback_unmask(t);
		t->t_flags |= T_TBAGAIN;
	}
}

/*
 * The call taken back, run again from its start once the injected steps
 * are done (saved: its registers, about to be put back): armed again as
 * takeback_arm() arms it, its path argument TB_MAGIC and its signals
 * blocked, so that it comes back to the guard's TRACE stop, where the
 * steps' work is found done.  Without this it went to the listener and
 * was taken back again, once for each step: four times for the open of
 * /dev/null by a new process, whose scratch is set up in three.
 */
void
takeback_rearm(struct tracee *t, uint64_t *saved)
{
	const struct pers	*p = t->t_tbpers;
	uint64_t		*a, all = ~0ULL;

	if (!(t->t_flags & T_TBAGAIN))
		return;
	t->t_flags &= ~T_TBAGAIN;
	if (p == NULL || (int)*regs_slot(p, saved, R_NR) != t->t_tbnr ||
	    ptrace(PTRACE_GETSIGMASK, t->t_tid, sizeof(all),
	    &t->t_tbmask) == -1)
		return;
	if (ptrace(PTRACE_SETSIGMASK, t->t_tid, sizeof(all), &all) == -1) {
		(void)ptrace(PTRACE_SETSIGMASK, t->t_tid, sizeof(all),
		    &t->t_tbmask);
		return;
	}
	a = regs_slot(p, saved, R_A0 + t->t_tbarg);
	t->t_tbval = *a;
	*a = TB_MAGIC;
	t->t_tb = TB_ARMED;
}

/* The exit of a call taken back: its signal mask back (T_TBMASK). */
void
takeback_unmask(struct tracee *t)
{
	t->t_flags &= ~(T_TBMASK | T_TBCONT);
	(void)ptrace(PTRACE_SETSIGMASK, t->t_tid, sizeof(t->t_tbmask),
	    &t->t_tbmask);
}

/*
 * A signal-delivery-stop of a running task.  If the signal took it out
 * of a notification (-ERESTARTSYS in a call the listener answers), the
 * call is made again after the handler, even one without SA_RESTART
 * (ERESTARTNOINTR): natively nothing interrupts getpid or a stat, and
 * the call has done nothing yet.
 */
void
notify_restart(struct interp *ip, struct tracee *t)
{
	const struct pers	*p;
	uint64_t		 buf[32], nr;
	int			 sn;

	if (!ip->i_nthread || regs_cutshort(t, &p, buf) != 1)
		return;
	nr = *regs_slot(p, buf, R_NR);
	if (nr >= (uint64_t)p->p_nrmax || (sn = p->p_sn[nr]) == SN__MAX ||
	    (handlers[sn].answer == NULL && handlers[sn].nqarg == 0))
		return;
	*regs_slot(p, buf, R_RET) = (uint64_t)-513;
	(void)regs_setall(t, buf);
}

/*
 * Handled at a TRACE stop (taken back, or the instance filter's), a
 * path query the kernel is then to run, with a path outside scratch:
 * the kernel runs the filters again after the stop, and the notify
 * filter sends the call to the listener.  Marked, so the answer thread
 * lets it through (CONTINUE) as the handler left it.  The mark is
 * cleared there, or at the task's next stop.
 */
void
recheck_mark(struct interp *ip, struct tracee *t, struct call *c)
{
	uint64_t	 nr, v;
	int		 sn;

	t->t_rcnr = -1;
	if (!ip->i_nthread || regs_get(t, R_NR, &nr) == -1 ||
	    nr >= (uint64_t)c->c_pers->p_nrmax ||
	    (sn = c->c_pers->p_sn[nr]) == SN__MAX || handlers[sn].nqarg == 0 ||
	    regs_get(t, R_A0 + handlers[sn].nqarg - 1, &v) == -1)
		return;
	if (c->c_pers->p_compat)
		v &= 0xffffffffULL;
	if (v >= SCRATCH_ADDR && v < SCRATCH_END)
		return;
	t->t_rcnr = (int)nr;
	t->t_rcarg = v;
}

/* t is going: forget its request. */
void
takeback_drop(struct interp *ip, struct tracee *t)
{
	if (t->t_tb == TB_WANT)
		(void)__atomic_fetch_sub(&ip->i_ntb, 1, __ATOMIC_RELAXED);
	t->t_tb = TB_NONE;
}

/*
 * Answer one notification, of task t (NULL: none we know).  Called with
 * i_mu held; returns 1 if resp is the answer, 2 if ins is (a descriptor
 * of ours, installed as the call's result), for the caller to send once
 * the lock is free (see tracer_cont() for why), 0 if there is none to
 * send.
 */
static int
notify_answer(struct interp *ip, struct tracee *t,
    const struct seccomp_notif *req, struct seccomp_notif_resp *resp,
    struct seccomp_notif_addfd *ins)
{
	const struct pers		*p;
	struct call			 c;
	uint64_t			 args[6];
	int64_t				 v;
	int				 sn, i;

	memset(resp, 0, sizeof(*resp));
	resp->id = req->id;
	resp->error = -ENOSYS;
	p = arch_pers(req->data.arch);
	sn = p != NULL && req->data.nr >= 0 && req->data.nr < p->p_nrmax ?
	    p->p_sn[req->data.nr] : SN__MAX;
	if (req->data.args[0] == MAGIC0 && req->data.args[1] == MAGIC1 &&
	    t != NULL && t->t_afd != -1 && req->data.nr == t->t_afdnr) {
		/*
		 * The descriptor the tracing thread left for t, installed
		 * as the call's result.  ENOENT: a signal took t out of its
		 * wait first.  The call's result at its exit stop says so
		 * and the step is made again, maybe already: this
		 * notification was read before the lock was ours, and the
		 * request may be the next step's, so it stays.
		 */
		if (notify_addfd_send(ip->i_notify, req->id, t->t_afd,
		    t->t_afdflags) >= 0) {
			notify_addfd_drop(t);
			return 0;
		}
		if (errno == ENOENT)
			return 0;
		/*
		 * Not installed (EMFILE: the task has no descriptor free):
		 * the notification still waits for an answer, the error.
		 */
		resp->error = -errno;
		notify_addfd_drop(t);
		return 1;
	}
	if (sn != SN__MAX && handlers[sn].nqarg != 0 &&
	    handlers[sn].answer == NULL && t != NULL &&
	    t->t_proc != NULL && t->t_id != NULL) {
		return notify_pathq(ip, t, p, sn, req, resp, ins);
	}
	if (sn == SN__MAX || handlers[sn].answer == NULL ||
	    (req->data.args[0] == MAGIC0 && req->data.args[1] == MAGIC1) ||
	    t == NULL || t->t_proc == NULL || t->t_id == NULL) {
		/* Forged magic, or a task we do not know: ENOSYS. */
		return 1;
	}
	if (handlers[sn].nqarg != 0) {
		/*
		 * A getter the model may not answer (set_tid_address of a
		 * task that shares its address space): taken back, as is
		 * one of a task not plainly running.
		 */
		if (notify_call(t, p, sn, req, &c, resp))
			return 1;
		if (!notify_plain(t) ||
		    (v = handlers[sn].answer(ip, t, c.c_arg)) == ANSWER_BACK) {
			notify_takeback(ip, t, &c, req->id);
			return 0;
		}
	} else {
		for (i = 0; i < 6; i++)
			args[i] = req->data.args[i];
		v = handlers[sn].answer(ip, t, args);
	}
	(void)__atomic_fetch_add(&ip->i_nnotif, 1, __ATOMIC_RELAXED);
	if (v < 0 && v >= -4095) {
		resp->error = (int32_t)v;
		resp->val = 0;
	} else {
		resp->error = 0;
		resp->val = v;
	}
	return 1;
}

/*
 * Answer one notification (notify_answer()), one at a time per task.  A
 * task waits in one notification at a time; but without
 * WAIT_KILLABLE_RECV (before Linux 5.19) a signal can take it out of one
 * that an answer thread has read and not yet answered, and into the
 * next, which another thread reads.  The first answer, stale, goes
 * nowhere, but must not race the second on the task's state; it is
 * short (no answer waits), so the second spins until it is done.
 */
static int
notify_serve(struct interp *ip, const struct seccomp_notif *req,
    struct seccomp_notif_resp *resp, struct seccomp_notif_addfd *ins)
{
	struct tracee	*t;
	int		 r;

	if ((t = tracee_find(ip, (pid_t)req->pid)) != NULL)
		while (__atomic_exchange_n(&t->t_nbusy, 1, __ATOMIC_ACQUIRE))
			(void)sched_yield();
	r = notify_answer(ip, t, req, resp, ins);
	if (t != NULL)
		__atomic_store_n(&t->t_nbusy, 0, __ATOMIC_RELEASE);
	return r;
}

/*
 * Install our descriptor srcfd in the caller of notification id, with
 * newfd_flags (O_CLOEXEC or 0), as its call's result.  Returns the
 * caller's number for it, or -1 with errno (ENOENT: nobody waits, a
 * signal took the caller out of its wait or it died).  Before Linux 5.14
 * (no SECCOMP_ADDFD_FLAG_SEND) it is installed first and its number
 * sent after.
 */
static int
notify_addfd_send(int nfd, uint64_t id, int srcfd, int newfd_flags)
{
	struct seccomp_notif_addfd	 add;
	struct seccomp_notif_resp	 resp;
	int				 n;

	memset(&add, 0, sizeof(add));
	add.id = id;
	add.flags = SECCOMP_ADDFD_FLAG_SEND;
	add.srcfd = (uint32_t)srcfd;
	add.newfd_flags = (uint32_t)newfd_flags;
	if ((n = ioctl(nfd, SECCOMP_IOCTL_NOTIF_ADDFD, &add)) >= 0 ||
	    errno != EINVAL)
		return n;
	add.flags = 0;
	if ((n = ioctl(nfd, SECCOMP_IOCTL_NOTIF_ADDFD, &add)) == -1)
		return -1;
	memset(&resp, 0, sizeof(resp));
	resp.id = id;
	resp.val = n;
	return ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp) == -1 ? -1 : n;
}

/*
 * An open's descriptor (ins->srcfd, ours, closed here) installed as its
 * result; EMFILE and the like are the call's error, as the kernel's own
 * open would give.
 */
static void
notify_install(struct interp *ip, const struct seccomp_notif_addfd *ins,
    struct seccomp_notif_resp *resp)
{
	if (notify_addfd_send(ip->i_notify, ins->id, (int)ins->srcfd,
	    (int)ins->newfd_flags) == -1 && errno != ENOENT) {
		memset(resp, 0, sizeof(*resp));
		resp->id = ins->id;
		resp->error = -errno;
		(void)seccomp_notify_respond(ip->i_notify, resp);
	}
	close((int)ins->srcfd);
}

/*
 * Is the listener hung up: no task has the filter any more?  RECV then
 * fails with ENOENT, as it does for a caller gone before we read it.
 */
static int
notify_hup(const struct interp *ip)
{
	struct pollfd	 pfd;

	pfd.fd = ip->i_notify;
	pfd.events = POLLIN;
	return poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLHUP | POLLERR | POLLNVAL));
}

/* The poll timeout while a take-back waits (see below): 2 ms, or -1. */
static int
notify_tbwait(struct interp *ip)
{
	return __atomic_load_n(&ip->i_ntb, __ATOMIC_RELAXED) > 0 ? 2 : -1;
}

/*
 * The thread waits in SECCOMP_IOCTL_NOTIF_RECV itself, not in poll
 * first: one system call and one wait queue fewer per notification
 * (about 1 us of the 7 a getppid costs on one CPU here).  TB_SIGNAL
 * takes it out of the call when it is to end (notify_stop()).  Only
 * while a take-back waits does it poll, with a timeout, to send the
 * tracing thread TB_SIGNAL again.
 */
static void *
notify_main(void *arg)
{
	struct nthread			*nt = arg;
	struct interp			*ip = nt->n_ip;
	struct seccomp_notif		*req = NULL;
	struct seccomp_notif_resp	*resp = NULL;
	struct seccomp_notif_addfd	 add;
	struct pollfd			 pfd;
	sigset_t			 wake;
	int				 tmo = -1, send;

	if (seccomp_notify_alloc(&req, &resp) != 0)
		return NULL;
	if (nt->n_cpu != -1) {
		cpu_set_t	 set;

		CPU_ZERO(&set);
		CPU_SET(nt->n_cpu, &set);
		(void)sched_setaffinity(0, sizeof(set), &set);
	}
	(void)sigemptyset(&wake);
	(void)sigaddset(&wake, TB_SIGNAL);
	(void)pthread_sigmask(SIG_UNBLOCK, &wake, NULL);
	pfd.fd = ip->i_notify;
	pfd.events = POLLIN;
	while (!__atomic_load_n(&ip->i_nquit, __ATOMIC_ACQUIRE)) {
		if (tmo != -1) {
			switch (poll(&pfd, 1, tmo)) {
			case -1:
				if (errno == EINTR)
					continue;
				goto out;
			case 0:
				/*
				 * A take-back not yet made: TB_SIGNAL may
				 * have come just before the tracing thread
				 * entered wait4.
				 */
				(void)pthread_rwlock_rdlock(&ip->i_mu);
				if ((tmo = notify_tbwait(ip)) != -1)
					(void)syscall(SYS_tgkill, getpid(),
					    ip->i_tracer, TB_SIGNAL);
				(void)pthread_rwlock_unlock(&ip->i_mu);
				continue;
			default:
				break;
			}
			if (!(pfd.revents & POLLIN))
				break;	/* no task has the filter any more */
		}
		memset(req, 0, sizeof(*req));
		if (ioctl(ip->i_notify, SECCOMP_IOCTL_NOTIF_RECV, req) == -1) {
			/* ENOENT: the caller went away before we got it. */
			if (errno == EINTR ||
			    (errno == ENOENT && !notify_hup(ip)))
				continue;
			break;
		}
		(void)pthread_rwlock_rdlock(&ip->i_mu);
		send = notify_serve(ip, req, resp, &add);
		tmo = notify_tbwait(ip);
		(void)pthread_rwlock_unlock(&ip->i_mu);
		/*
		 * ENOENT: the task died meanwhile, or left the call for a
		 * signal; nobody waits for this answer.
		 */
		if (send == 1)
			(void)seccomp_notify_respond(ip->i_notify, resp);
		else if (send == 2)
			notify_install(ip, &add, resp);
	}
 out:
	seccomp_notify_free(req, resp);
	return NULL;
}

/*
 * Can the answer thread take on other rights (notify_as())?  As root
 * with CAP_SETUID, CAP_SETGID and CAP_SYS_PTRACE (to open the memory of
 * a task its change of ids made undumpable); ours kept to come back to.
 */
static void
notify_canbe(struct interp *ip)
{
	struct __user_cap_header_struct	 h;
	struct __user_cap_data_struct	 d[2];
	int				 n;

	ip->i_canbe = 0;
	memset(&h, 0, sizeof(h));
	h.version = _LINUX_CAPABILITY_VERSION_3;
	if (geteuid() != 0 || getegid() != 0 ||
	    syscall(SYS_capget, &h, d) == -1 ||
	    !(d[0].effective & (1U << CAP_SETUID)) ||
	    !(d[0].effective & (1U << CAP_SETGID)) ||
	    !(d[0].effective & (1U << CAP_SYS_PTRACE)) ||
	    (n = getgroups(0, NULL)) == -1 ||
	    (ip->i_groups = calloc((size_t)n + 1, sizeof(gid_t))) == NULL)
		return;
	if ((ip->i_ngroups = getgroups(n, ip->i_groups)) == -1) {
		free(ip->i_groups);
		ip->i_groups = NULL;
		return;
	}
	memcpy(ip->i_caps, d, sizeof(d));
	ip->i_canbe = 1;
}

/* TB_SIGNAL only takes the tracing thread out of wait4. */
static void
notify_wake(int sig)
{
	(void)sig;
}

/*
 * The CPUs the answer threads are bound to, one each: the first
 * NOTIFY_THREADS of those we may run on, if more than one (-p any); else
 * one thread, unbound (-p one, where this process and the instance share
 * the one CPU).  No more: every thread waiting in RECV is woken for each
 * notification, and all but one go back to sleep (bench/bw-lanes).
 * Returns how many.
 */
static int
notify_cpus(struct interp *ip)
{
	cpu_set_t	 set;
	int		 i, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 &&
	    CPU_COUNT(&set) > 1)
		for (i = 0; i < CPU_SETSIZE && n < NOTIFY_THREADS; i++)
			if (CPU_ISSET(i, &set))
				ip->i_nt[n++].n_cpu = i;
	if (n == 0)
		ip->i_nt[n++].n_cpu = -1;
	return n;
}

/*
 * Start the answer threads on the listener ip->i_notify.  The caller
 * (the tracing thread) holds i_mu for writing from now on, but inside
 * wait4.  Returns 0 or -1 with errno set.
 */
int
notify_start(struct interp *ip)
{
	struct sigaction		 sa;
	pthread_rwlockattr_t		 ra;
	sigset_t			 all, old, wake;
	unsigned long			 fl = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
	int				 rc = 0, n, k;

	if (ip->i_nthread)
		return 0;
	ip->i_nquit = 0;
	/* No SA_RESTART: wait4 and the answer threads' RECV return EINTR. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = notify_wake;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(TB_SIGNAL, &sa, NULL);
	(void)sigemptyset(&wake);
	(void)sigaddset(&wake, TB_SIGNAL);
	(void)pthread_sigmask(SIG_UNBLOCK, &wake, NULL);
	ip->i_tracer = (pid_t)syscall(SYS_gettid);
	notify_canbe(ip);
	/*
	 * The tracing thread first: the answer threads take the lock for
	 * reading one after the other, and would keep it from a writer
	 * that only waits for no reader at all.
	 */
	(void)pthread_rwlockattr_init(&ra);
	(void)pthread_rwlockattr_setkind_np(&ra,
	    PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	(void)pthread_rwlock_init(&ip->i_mu, &ra);
	(void)pthread_rwlockattr_destroy(&ra);
	(void)pthread_mutex_init(&ip->i_amu, NULL);
	(void)pthread_rwlock_wrlock(&ip->i_mu);
	/*
	 * The woken task should run on our CPU at once (Linux 6.6): the
	 * answer is a hand-off.  Older kernels answer EINVAL; no matter.
	 */
	ip->i_syncwake = ioctl(ip->i_notify, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
	    fl) == 0;
	/* Every signal stays with the caller's thread. */
	(void)sigfillset(&all);
	(void)pthread_sigmask(SIG_SETMASK, &all, &old);
	n = notify_cpus(ip);
	for (k = 0; k < n; k++) {
		ip->i_nt[k].n_ip = ip;
		if ((rc = pthread_create(&ip->i_nt[k].n_thr, NULL,
		    notify_main, &ip->i_nt[k])) != 0)
			break;
		ip->i_nthread++;
	}
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ip->i_nthread == 0) {
		(void)pthread_rwlock_unlock(&ip->i_mu);
		(void)pthread_rwlock_destroy(&ip->i_mu);
		(void)pthread_mutex_destroy(&ip->i_amu);
		errno = rc;
		return -1;
	}
	return 0;
}

/*
 * Stop the answer threads, if any.  Called with i_mu held.  TB_SIGNAL
 * takes a thread out of RECV; one that came just before it entered the
 * call is lost, so the signal is sent again until the thread has ended.
 */
void
notify_stop(struct interp *ip)
{
	struct timespec	 ts;
	int		 k;

	if (!ip->i_nthread)
		return;
	__atomic_store_n(&ip->i_nquit, 1, __ATOMIC_RELEASE);
	(void)pthread_rwlock_unlock(&ip->i_mu);
	for (k = 0; k < ip->i_nthread; k++)
		for (;;) {
			(void)pthread_kill(ip->i_nt[k].n_thr, TB_SIGNAL);
			(void)clock_gettime(CLOCK_REALTIME, &ts);
			if ((ts.tv_nsec += 1000000) >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			if (pthread_timedjoin_np(ip->i_nt[k].n_thr, NULL,
			    &ts) != ETIMEDOUT)
				break;
		}
	(void)pthread_rwlock_destroy(&ip->i_mu);
	(void)pthread_mutex_destroy(&ip->i_amu);
	ip->i_nthread = 0;
}

/* Around a blocking wait of the tracing thread: let answers through. */
void
notify_unlock(struct interp *ip)
{
	if (ip->i_nthread)
		(void)pthread_rwlock_unlock(&ip->i_mu);
	tracer_flush(ip);
}

void
notify_lock(struct interp *ip)
{
	if (ip->i_nthread)
		(void)pthread_rwlock_wrlock(&ip->i_mu);
}

/*
 * Have the listener install srcfd in task t, with newfd_flags (O_CLOEXEC
 * or 0), as the result of the getppid(MAGIC0, MAGIC1) the caller is
 * making t run (system call number nr); srcfd is closed then if own.
 * The request stays with t: the thread serves it when the notification
 * comes, and the call's result at its exit stop tells how it went (a
 * descriptor, or -ERESTARTSYS if a signal came first).  Any other
 * notification of the magic call (an instance task forging it) gets
 * ENOSYS.  Returns 0, or -1 without a thread.
 */
int
notify_addfd(struct interp *ip, struct tracee *t, int nr, int srcfd,
    int newfd_flags, int own)
{
	if (!ip->i_nthread)
		return -1;
	notify_addfd_drop(t);
	t->t_afd = srcfd;
	t->t_afdown = own;
	t->t_afdflags = newfd_flags;
	t->t_afdnr = nr;
	return 0;
}

/* Forget t's request, served or not. */
void
notify_addfd_drop(struct tracee *t)
{
	if (t->t_afd != -1 && t->t_afdown)
		close(t->t_afd);
	t->t_afd = -1;
}
