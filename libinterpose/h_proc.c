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

#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/queue.h>
#include <sys/tree.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <linux/sched.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "interpose.h"
#include "extern.h"

/*
 * Creation, exec and the calls that could take a task out of the
 * supervisor's sight: clone, clone3, unshare, prctl, seccomp, ptrace.
 * fork, vfork and clone are not trapped at entry: the kernel's
 * PTRACE_EVENT_FORK/VFORK/CLONE stop gives the new task, and an exit
 * stop translates the parent's result.
 */

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME	0x00000080
#endif

/* clone3's argument block, as far as we read it (CLONE_ARGS_SIZE_VER2). */
struct cl3 {
	uint64_t	 flags;
	uint64_t	 pidfd;
	uint64_t	 child_tid;
	uint64_t	 parent_tid;
	uint64_t	 exit_signal;
	uint64_t	 stack;
	uint64_t	 stack_size;
	uint64_t	 tls;
	uint64_t	 set_tid;
	uint64_t	 set_tid_size;
	uint64_t	 cgroup;
};

#define CL3_MAX		4096	/* the kernel's limit (PAGE_SIZE) */

/* Flags that would take a child out of our sight or our pid space. */
static enum verdict
clone_check(struct interp *ip, struct tracee *t, struct call *c,
    uint64_t flags)
{
	if (flags & CLONE_UNTRACED)
		return call_deny(ip, t, c, EPERM, "CLONE_UNTRACED");
	if (flags & CLONE_NEWPID)
		return call_deny(ip, t, c, EPERM, "CLONE_NEWPID");
	if (flags & (CLONE_NEWNS | CLONE_NEWUSER))
		ip->i_chrooted = 1;	/* path walks: roots may differ */
	if ((flags & CLONE_PARENT) && t->t_proc->p_parent == NULL)
		/* The kernel's answer for a namespace's init. */
		return call_deny(ip, t, c, EINVAL, "CLONE_PARENT from pid 1");
	return V_CONT;
}

/*
 * clone, trapped only when its flags need a look.  With
 * CLONE_PARENT_SETTID the kernel would write the real tid where sibling
 * threads can read it: it writes into the output area instead, and the
 * fork event stores the virtual tid at the instance's address.
 */
enum verdict
h_clone(struct interp *ip, struct tracee *t, struct call *c)
{
	enum verdict	 v;
	uint64_t	 flags = c->c_arg[0], a;

	if ((v = clone_check(ip, t, c, flags)) != V_CONT)
		return v;
	if ((flags & (CLONE_VM | CLONE_VFORK)) == CLONE_VM &&
	    tidaddr_apply(ip, t, c, &v))
		return v;
	if (!(flags & CLONE_PARENT_SETTID) || (flags & CLONE_PIDFD) ||
	    c->c_pers->p_compat)
		return V_CONT;
	switch (scratch_ensure(ip, t, 1)) {
	case 0:
		break;
	case 1:
		return V_PARK;
	default:
		return V_CONT;	/* the tid shows briefly; still correct */
	}
	if ((a = scratch_out(ip, t, c, sizeof(int32_t))) == 0)
		return V_CONT;
	c->c_aux[0] = (int64_t)flags;
	c->c_aux[1] = (int64_t)c->c_arg[2];
	c->c_aux[2] = (int64_t)c->c_arg[3];
	c->c_aux[3] = 0;
	return call_setarg(t, c, 2, a) == -1 ? V_CONT : V_EXIT;
}

/*
 * clone3: its flags are in memory, so the block is copied into scratch,
 * checked there and the kernel reads that copy.  Without scratch it fails
 * with ENOSYS and libc falls back to clone.
 */
enum verdict
h_clone3(struct interp *ip, struct tracee *t, struct call *c)
{
	struct cl3	 cl;
	uint8_t		 buf[CL3_MAX];
	size_t		 size = c->c_arg[1];
	uint64_t	 addr, out;
	enum verdict	 v;

	if (size < 64 || size > CL3_MAX)
		return V_CONT;	/* the kernel says EINVAL or E2BIG */
	if (mem_read(t->t_tid, c->c_arg[0], buf, size) == -1)
		return call_return(t, c, -EFAULT);
	memset(&cl, 0, sizeof(cl));
	memcpy(&cl, buf, size < sizeof(cl) ? size : sizeof(cl));
	if ((cl.flags & (CLONE_VM | CLONE_VFORK)) == CLONE_VM &&
	    tidaddr_apply(ip, t, c, &v))
		return v;
	/* The output area only for a parent tid (threads, not forks). */
	switch (scratch_ensure(ip, t, (cl.flags & CLONE_PARENT_SETTID) != 0)) {
	case 0:
		break;
	case 1:
		return V_PARK;
	default:
		return call_deny(ip, t, c, ENOSYS, "clone3 without scratch");
	}
	if ((v = clone_check(ip, t, c, cl.flags)) != V_CONT)
		return v;
	if (cl.set_tid != 0 || cl.set_tid_size != 0)
		return call_deny(ip, t, c, EPERM, "clone3 set_tid");
	if ((cl.flags & CLONE_PARENT_SETTID) &&
	    (out = scratch_out(ip, t, c, sizeof(int32_t))) != 0)
		/* The real tid goes where no thread looks. */
		memcpy(buf + offsetof(struct cl3, parent_tid), &out,
		    sizeof(out));
	if ((addr = scratch_put(ip, c, buf, size)) == 0)
		return call_deny(ip, t, c, EAGAIN, "scratch full");
	c->c_aux[0] = (int64_t)cl.flags;
	c->c_aux[1] = (int64_t)cl.parent_tid;
	c->c_aux[2] = (int64_t)cl.child_tid;
	c->c_aux[3] = 0;	/* the child's virtual tid, from the event */
	if (call_setarg(t, c, 0, addr) == -1)
		return V_CONT;
	return V_EXIT;
}

/* clone3's exit: the parent gets the child's virtual tid. */
enum verdict
h_clone3_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	if (c->c_ret <= 0)
		return V_CONT;
	(void)regs_set(t, R_RET, (uint64_t)c->c_aux[3]);
	if ((c->c_aux[0] & CLONE_VFORK) &&
	    tidaddr_vforked(ip, t, c, (pid_t)c->c_aux[3]))
		return V_PARK;
	return V_CONT;
}

/* unshare: a new PID namespace would renumber behind our back. */
enum verdict
h_unshare(struct interp *ip, struct tracee *t, struct call *c)
{
	if (c->c_arg[0] & CLONE_NEWPID)
		return call_deny(ip, t, c, EPERM, "CLONE_NEWPID");
	if (c->c_arg[0] & (CLONE_NEWNS | CLONE_NEWUSER))
		ip->i_chrooted = 1;	/* path walks: roots may differ */
	return V_CONT;
}

/*
 * landlock_restrict_self, and a write of an LSM's attribute files in
 * /proc (h_procpath_exit()): the process narrows its access rights in a
 * way that its ids and capabilities do not show, and what the answer
 * thread opens or walks with ours (or with its ids taken on) would
 * escape that.  The process, and every process it makes from then on
 * (Landlock domains are inherited, across exec too), is marked; its
 * path queries and opens are then left to the kernel, which runs them
 * in its context (cred_same() says no).  The whole process, not the
 * caller alone: a thread made before keeps its rights, and the kernel
 * decides for it as well.
 */
void
tracee_confine(struct tracee *t)
{
	if (t != NULL && t->t_proc != NULL)
		t->t_proc->p_flags |= P_CONFINED;
}

enum verdict
h_confine(struct interp *ip, struct tracee *t, struct call *c)
{
	(void)ip;
	(void)c;
	tracee_confine(t);
	return V_CONT;
}

/*
 * Dumpability.  The kernel refuses a supervisor without CAP_SYS_PTRACE
 * every access to a process that is not dumpable: process_vm_readv,
 * /proc/PID/mem, PTRACE_PEEKDATA, pidfd_getfd, /proc/PID/fd.  Without
 * them no handler can read a path or fix a structure, so such a process
 * is given its dumpability back before its next trapped call runs:
 * PR_SET_DUMPABLE 0 is emulated (PR_GET_DUMPABLE answers 0, the kernel's
 * flag stays 1), and after an exec or a change of credentials, which may
 * clear the flag, the first trapped call probes one byte of the caller
 * and, refused, runs prctl(PR_SET_DUMPABLE, 1) first.  A process that
 * cannot be given it back has every trapped call refused (EPERM).
 */

/* setuid and the like: an effective id that changes clears the flag. */
enum verdict
h_credset(struct interp *ip, struct tracee *t, struct call *c)
{
	(void)c;
	if (!ip->i_captrace && t->t_mm->m_dump == MD_YES)
		t->t_mm->m_dump = MD_CHECK;
	t->t_cred = 0;		/* its rights may be ours no more */
	return V_CONT;
}

static void
dump_done(struct interp *ip, struct tracee *t, int64_t ret)
{
	t->t_mm->m_dump = ret == 0 ? MD_YES : MD_FAIL;
	if (ret != 0)
		ilog(ip, ILOG_WARN, "tid %d: not dumpable and cannot be made "
		    "so: its trapped calls are refused", t->t_tid);
}

/*
 * Can we read t's memory, whose dumpability may be lost (MD_CHECK)?  One
 * byte read at addr (the call's instruction) says: 1, and MD_YES, unless
 * the kernel refuses (EPERM).  The answer thread asks it too.
 */
int
dump_readable(struct tracee *t, uint64_t addr)
{
	struct iovec	 l, r;
	char		 b;

	l.iov_base = &b;
	l.iov_len = 1;
	r.iov_base = (void *)(uintptr_t)addr;
	r.iov_len = 1;
	if (process_vm_readv(t->t_tid, &l, 1, &r, 1, 0) == -1 &&
	    errno == EPERM)
		return 0;
	t->t_mm->m_dump = MD_YES;
	return 1;
}

/*
 * At a seccomp stop, before the handler: 0, or 1 with *v the verdict
 * (the injection of PR_SET_DUMPABLE, after which the call runs again, or
 * a refusal).
 */
int
dump_lost(struct interp *ip, struct tracee *t, struct call *c,
    enum verdict *v)
{
	uint64_t	 a[6] = { PR_SET_DUMPABLE, 1, 0, 0, 0, 0 };

	if (t->t_mm == NULL || t->t_mm->m_dump == MD_YES)
		return 0;
	if (t->t_mm->m_dump == MD_FAIL) {
		*v = call_deny(ip, t, c, EPERM, "not dumpable");
		return 1;
	}
	if (dump_readable(t, c->c_ip))
		return 0;
	if (inject_call(t, SN_prctl, a, INJ_ENTRY, dump_done) == -1) {
		t->t_mm->m_dump = MD_FAIL;
		*v = call_deny(ip, t, c, EPERM, "not dumpable");
		return 1;
	}
	*v = V_PARK;
	return 1;
}

/*
 * prctl options that name a pid or change reaping: PR_SET_PTRACER,
 * PR_SCHED_CORE, PR_SET_CHILD_SUBREAPER (the model follows it; the root
 * stays a subreaper, as a namespace's init always reaps); the dumpable
 * flag (above); and PR_GET_TID_ADDRESS, after a kept set_tid_address
 * (h_id.c).
 */
enum verdict
h_prctl(struct interp *ip, struct tracee *t, struct call *c)
{
	enum verdict	 v;
	int		 opt = (int)c->c_arg[0];
	pid_t		 pid;

	switch (opt) {
	case PR_SET_PTRACER:
		pid = (pid_t)c->c_arg[1];
		if (pid <= 0 || c->c_arg[1] == (uint64_t)PR_SET_PTRACER_ANY)
			return V_CONT;
		return call_setarg(t, c, 1, pid_in(ip, pid)) == -1 ?
		    V_CONT : V_EXIT;
	case PR_SCHED_CORE:
		pid = (pid_t)c->c_arg[2];
		if (pid <= 0)
			return V_CONT;
		return call_setarg(t, c, 2, pid_in(ip, pid)) == -1 ?
		    V_CONT : V_EXIT;
	case PR_SET_CHILD_SUBREAPER:
		if (t->t_proc->p_flags & P_ROOT)
			return call_return(t, c, 0);
		return V_EXIT;
	case PR_SET_DUMPABLE:
		if (ip->i_captrace || c->c_arg[1] > 1)
			return V_CONT;
		if ((t->t_mm->m_nodump = c->c_arg[1] == 0))
			return call_return(t, c, 0);
		return V_CONT;
	case PR_GET_DUMPABLE:
		if (!ip->i_captrace && t->t_mm->m_nodump)
			return call_return(t, c, 0);
		return V_CONT;
	case PR_GET_TID_ADDRESS:
		return tidaddr_apply(ip, t, c, &v) ? v : V_CONT;
	default:
		return V_CONT;
	}
}

enum verdict
h_prctl_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	(void)ip;
	if ((int)c->c_arg[0] == PR_SET_CHILD_SUBREAPER && c->c_ret == 0) {
		if (c->c_arg[1] != 0)
			t->t_proc->p_flags |= P_SUBREAPER;
		else
			t->t_proc->p_flags &= ~P_SUBREAPER;
	}
	return V_CONT;
}

/*
 * seccomp: a filter with a listener could answer calls before we see
 * them (SECCOMP_RET_USER_NOTIF outranks SECCOMP_RET_TRACE).
 */
enum verdict
h_seccomp(struct interp *ip, struct tracee *t, struct call *c)
{
	if (c->c_arg[0] == SECCOMP_SET_MODE_FILTER &&
	    (c->c_arg[1] & SECCOMP_FILTER_FLAG_NEW_LISTENER))
		return call_deny(ip, t, c, EPERM,
		    "SECCOMP_FILTER_FLAG_NEW_LISTENER");
	return V_CONT;
}

/*
 * ptrace from inside: every instance task is traced already (by us), so
 * the kernel's own answers are EPERM for TRACEME and for attaching to an
 * instance task, and ESRCH for anything else.  Outside tasks do not
 * exist: ESRCH.
 */
enum verdict
h_ptrace(struct interp *ip, struct tracee *t, struct call *c)
{
	long	 req = (long)(int)c->c_arg[0];
	pid_t	 pid = (pid_t)c->c_arg[1];

	if (req == PTRACE_TRACEME)
		return call_deny(ip, t, c, EPERM, "already traced by mult");
	if ((req == PTRACE_ATTACH || req == PTRACE_SEIZE) &&
	    vmap_v2r(&ip->i_vmap, pid) != 0)
		return call_deny(ip, t, c, EPERM, "already traced by mult");
	return call_deny(ip, t, c, ESRCH, "ptrace inside an instance");
}

/*
 * A fork, vfork or clone event: register the child (it may have stopped
 * already, parked), rewrite CLONE_PARENT_SETTID, and have the parent's
 * result translated at its exit stop.
 */
void
proc_event_fork(struct interp *ip, struct tracee *t, int ev)
{
	const struct pers	*p;
	struct tracee		*ct;
	struct proc		*cp = NULL, *parent;
	struct vid		*id;
	struct mm		*mm;
	unsigned long		 msg;
	uint64_t		 nr, a[6], flags, ptid = 0, ctid = 0;
	int32_t			 vt;
	int			 sn, is3 = 0;

	if (ptrace(PTRACE_GETEVENTMSG, t->t_tid, NULL, &msg) == -1)
		return;
	if (regs_event(t, &p, &nr, a) == -1) {
		tracer_resume(ip, t, V_CONT);
		return;
	}
	sn = nr < (uint64_t)p->p_nrmax ? p->p_sn[nr] : SN__MAX;
	if ((sn == SN_clone3 || sn == SN_clone) && t->t_state == TS_CALL) {
		is3 = 1;
		flags = (uint64_t)t->t_call.c_aux[0];
		ptid = (uint64_t)t->t_call.c_aux[1];
		ctid = (uint64_t)t->t_call.c_aux[2];
	} else if (sn == SN_clone) {
		flags = a[0];
		ptid = a[2];
		ctid = p->p_compat ? a[4] : a[3];
	} else
		flags = ev == PTRACE_EVENT_VFORK ?
		    CLONE_VM | CLONE_VFORK | SIGCHLD : SIGCHLD;

	proc_drop_real(ip, (pid_t)msg);
	if ((id = vmap_add(&ip->i_vmap, (pid_t)msg)) == NULL) {
		ilog(ip, ILOG_WARN, "cannot map new task %lu", msg);
		(void)ptrace(PTRACE_CONT, t->t_tid, NULL, 0);
		return;
	}
	if (flags & CLONE_THREAD)
		cp = t->t_proc;
	else {
		parent = (flags & CLONE_PARENT) ? t->t_proc->p_parent :
		    t->t_proc;
		cp = proc_new(ip, parent, id);
		/* The creator's rights, not the parent's (CLONE_PARENT). */
		if (cp != NULL && (t->t_proc->p_flags & P_CONFINED))
			cp->p_flags |= P_CONFINED;
	}
	mm = (flags & CLONE_VM) ? t->t_mm : mm_fork(t->t_mm);
	if ((ct = tracee_find(ip, (pid_t)msg)) == NULL) {
		ct = tracee_new(ip, (pid_t)msg, cp, mm, id);
		ct->t_state = TS_BORN;
	} else {
		ct->t_proc = cp;
		ct->t_id = id;
		if ((ct->t_mm = mm) != NULL)
			mm->m_refs++;
		cp->p_threads++;
		ct->t_state = TS_BORN;
	}
	if (!(flags & CLONE_VM) && mm != NULL)
		mm_unref(mm);
	vt = id->v_virt;
	if ((flags & CLONE_PARENT_SETTID) && (is3 || !(flags & CLONE_PIDFD)))
		(void)mem_write(t->t_tid, ptid, &vt, sizeof(vt));
	if (flags & CLONE_CHILD_SETTID) {
		ct->t_flags |= T_CHILDTID;
		ct->t_ctid = ctid;
	}
	if (ct->t_flags & T_SEEN)
		proc_first_stop(ip, ct);

	if (is3) {
		t->t_call.c_aux[3] = vt;
		tracer_resume(ip, t, V_EXIT);
	} else {
		t->t_flags |= T_FORKRET;
		t->t_newchild = vt;
		(void)ptrace(PTRACE_SYSCALL, t->t_tid, NULL, 0);
	}
}

/*
 * The first stop of a new task: the kernel wrote its real tid at
 * CLONE_CHILD_SETTID before it ran a single instruction; make it virtual
 * and let the task go.
 */
void
proc_first_stop(struct interp *ip, struct tracee *t)
{
	int32_t	 vt;

	if (t->t_flags & T_CHILDTID) {
		vt = t->t_id->v_virt;
		(void)mem_write(t->t_tid, t->t_ctid, &vt, sizeof(vt));
		t->t_flags &= ~T_CHILDTID;
	}
	t->t_state = TS_RUN;
	tracer_resume(ip, t, V_CONT);
}

/*
 * An exec event.  A new address space (no scratch yet).  If a thread
 * other than the leader called execve, it now carries the leader's tid,
 * so it takes the leader's virtual tid; its old one is released.
 */
void
proc_event_exec(struct interp *ip, struct tracee *t)
{
	struct tracee	*f;
	struct mm	*mm;
	unsigned long	 former;

	if (ptrace(PTRACE_GETEVENTMSG, t->t_tid, NULL, &former) == 0 &&
	    (pid_t)former != t->t_tid &&
	    (f = tracee_find(ip, (pid_t)former)) != NULL)
		tracee_free(ip, f);
	if ((mm = mm_new()) != NULL) {
		scratch_release(ip, &t->t_call);
		mm_unref(t->t_mm);
		t->t_mm = mm;
		/* Unreadable or set-id images are not dumpable. */
		if (!ip->i_captrace)
			mm->m_dump = MD_CHECK;
	} else if (t->t_mm != NULL) {
		/* Its /proc/TID/mem is the old image's: never again. */
		if (t->t_mm->m_memfd >= 0)
			close(t->t_mm->m_memfd);
		if (t->t_mm->m_mapsfd >= 0)
			close(t->t_mm->m_mapsfd);
		t->t_mm->m_memfd = t->t_mm->m_mapsfd = -2;
	}
	t->t_flags &= ~(T_FORKRET | T_INCALL);
	t->t_robust = 0;	/* the new image registers its own */
	t->t_tidset = 0;	/* and its own tid address */
	t->t_cred = 0;		/* set-id bits, file capabilities */
	inject_free(ip, t);	/* calls put aside by the old image */
	memset(&t->t_inj, 0, sizeof(t->t_inj));
	t->t_state = TS_RUN;
	tracer_resume(ip, t, V_CONT);
}
