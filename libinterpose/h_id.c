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
#include <sys/tree.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <linux/ptrace.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "interpose.h"
#include "extern.h"

/*
 * The caller's own ids.  Pure getters are emulated at the seccomp stop
 * from the process model: one stop, no exit stop.
 */

static pid_t
vid_of(const struct vid *v)
{
	return v != NULL ? v->v_virt : 0;
}

/*
 * The getters: an answer from the model, or -errno.  They only read it:
 * the answer thread (notify.c) calls them as well as h_answer().
 */
int64_t
a_getpid(struct interp *ip, struct tracee *t, const uint64_t *a)
{
	(void)ip;
	(void)a;
	return t->t_proc->p_pid->v_virt;
}

int64_t
a_gettid(struct interp *ip, struct tracee *t, const uint64_t *a)
{
	(void)ip;
	(void)a;
	return t->t_id->v_virt;
}

/* A parent outside the instance (the root's) reads as 0. */
int64_t
a_getppid(struct interp *ip, struct tracee *t, const uint64_t *a)
{
	struct proc	*pp = t->t_proc->p_parent;

	(void)ip;
	(void)a;
	return pp != NULL ? pp->p_pid->v_virt : 0;
}

int64_t
a_getpgrp(struct interp *ip, struct tracee *t, const uint64_t *a)
{
	(void)ip;
	(void)a;
	return vid_of(t->t_proc->p_pgid);
}

/* The process named by a pid argument (0: the caller), or NULL. */
static struct proc *
proc_arg(struct interp *ip, struct tracee *t, uint64_t arg)
{
	pid_t	 pid = (pid_t)arg;

	if (pid == 0)
		return t->t_proc;
	if (pid < 0)
		return NULL;
	return proc_byvpid(ip, pid);
}

int64_t
a_getpgid(struct interp *ip, struct tracee *t, const uint64_t *a)
{
	struct proc	*p;

	if ((p = proc_arg(ip, t, a[0])) == NULL)
		return -ESRCH;
	return vid_of(p->p_pgid);
}

int64_t
a_getsid(struct interp *ip, struct tracee *t, const uint64_t *a)
{
	struct proc	*p;

	if ((p = proc_arg(ip, t, a[0])) == NULL)
		return -ESRCH;
	return vid_of(p->p_sid);
}

/* A getter at a ptrace stop (no listener): emulated, one stop. */
enum verdict
h_answer(struct interp *ip, struct tracee *t, struct call *c)
{
	return call_return(t, c, handlers[c->c_sn].answer(ip, t, c->c_arg));
}

/*
 * setpgid(pid, pgid): both translated; the kernel checks sessions and
 * permissions on the real ids, and the model follows a success.
 */
enum verdict
h_setpgid(struct interp *ip, struct tracee *t, struct call *c)
{
	pid_t	 pid = (pid_t)c->c_arg[0], pg = (pid_t)c->c_arg[1];

	if (pid > 0 && call_setarg(t, c, 0, pid_in(ip, pid)) == -1)
		return V_CONT;
	if (pg > 0 && call_setarg(t, c, 1, pid_in(ip, pg)) == -1)
		return V_CONT;
	return V_EXIT;
}

enum verdict
h_setpgid_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	struct proc	*p;
	struct vid	*g;
	pid_t		 pg = (pid_t)c->c_arg[1];

	if (c->c_ret != 0 || (p = proc_arg(ip, t, c->c_arg[0])) == NULL)
		return V_CONT;
	g = pg == 0 ? p->p_pid : vmap_virt(&ip->i_vmap, pg);
	if (g != NULL)
		proc_setpgid(ip, p, g);
	return V_CONT;
}

/* setsid: the new session's id is the caller's pid. */
enum verdict
h_setsid_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	if (c->c_ret <= 0)
		return V_CONT;
	proc_setsid(ip, t->t_proc);
	(void)regs_set(t, R_RET, t->t_proc->p_pid->v_virt);
	return V_CONT;
}

/*
 * set_tid_address(addr): the kernel keeps addr for the thread and, when
 * the thread ends while its address space has another user, writes 0
 * there and wakes a futex waiter (mm_release()); glibc's pthread_join
 * of the main thread waits so.  The result is the caller's tid.
 *
 * While the caller is the only task of its address space, as when libc
 * starts a new image, nothing can see that word before the space gains
 * a user: so the address is only recorded (t_tidaddr, t_tidset) and the
 * call answered with the virtual tid, by the listener (no stop, and
 * never a stop for the result) or at a stop.  The kernel is given it
 * before it can matter: set_tid_address injected at the next clone with
 * CLONE_VM and without CLONE_VFORK (the filters trap every such clone),
 * and before prctl(PR_GET_TID_ADDRESS) answers; exec forgets it, as the
 * kernel does.  A vfork child shares the space too, but its parent waits
 * until it execs or ends, and could only end meanwhile killed, the child
 * never looking at its word; a process that such a child makes with
 * CLONE_VM and that outlives it is a user when the parent goes on, so
 * the address is injected then (tidaddr_vforked()).  A caller that
 * shares its address space makes the call itself (taken back from the
 * listener), its result made virtual at the exit.
 */
int64_t
a_settid(struct interp *ip, struct tracee *t, const uint64_t *a)
{
	(void)ip;
	if (t->t_mm == NULL || t->t_mm->m_refs != 1)
		return ANSWER_BACK;
	t->t_tidaddr = a[0];
	t->t_tidset = 1;
	return t->t_id->v_virt;
}

enum verdict
h_settid(struct interp *ip, struct tracee *t, struct call *c)
{
	int64_t	 v;

	if ((v = a_settid(ip, t, c->c_arg)) != ANSWER_BACK)
		return call_return(t, c, v);
	t->t_tidset = 0;	/* the kernel's own from now on */
	return V_EXIT;
}

/* Tries of an injection at an exit that signals keep cutting short. */
#define TID_TRIES	8

static void
tidaddr_done(struct interp *ip, struct tracee *t, int64_t ret)
{
	uint64_t	 a[6] = { TB_MAGIC, 0, 0, 0, 0, 0 };
	uint64_t	 addr = t->t_inj.fixval;

	(void)ip;
	if (ret >= 0) {
		t->t_tidset = 0;
		return;
	}
	/*
	 * Cut short by a signal (the vfork child's SIGCHLD, which the
	 * listener's wait gives way to).  At a seccomp stop the call that
	 * stopped runs again, and injects again.  At an exit nothing comes
	 * back: again from here, the signal delivered first.
	 */
	if (t->t_inj.mode != INJ_EXIT || !call_restarts(ret) ||
	    t->t_inj.data[0]++ >= TID_TRIES)
		return;
	if (inject_call(t, SN_set_tid_address, a, INJ_EXIT,
	    tidaddr_done) == 0) {
		t->t_inj.fixarg = 0;
		t->t_inj.fixval = addr;
	}
}

/*
 * At the seccomp stop of call c, before t's address space gains a user
 * or its address is asked for: the recorded address given to the
 * kernel, set_tid_address injected (the listener lets the kernel's
 * recheck through), after which c runs again from its start.  Returns
 * 1 with *v, or 0: nothing recorded, or the injection failed.
 */
int
tidaddr_apply(struct interp *ip, struct tracee *t, struct call *c,
    enum verdict *v)
{
	uint64_t	 a[6] = { 0, 0, 0, 0, 0, 0 };

	if (!t->t_tidset || c->c_pers == NULL)
		return 0;
	a[0] = c->c_pers->p_compat ? t->t_tidaddr & 0xffffffffULL :
	    t->t_tidaddr;
	t->t_rcnr = c->c_pers->p_nr[SN_set_tid_address];
	t->t_rcarg = a[0];
	if (inject_call(t, SN_set_tid_address, a, INJ_ENTRY,
	    tidaddr_done) == -1) {
		t->t_rcnr = -1;
		return 0;
	}
	*v = V_PARK;
	return 1;
}

/*
 * At the exit stop of t's vfork (or clone with CLONE_VFORK, c its call;
 * NULL if the clone went untrapped): t runs again only now that its
 * child, whose virtual pid is vchild, has left the address space (exec,
 * exit).  If t's address is kept and the space has another user all the
 * same, a process the child made with CLONE_VM that outlives it, the
 * kernel is given the address before t can end: set_tid_address injected
 * here (INJ_EXIT), as set_tid_address(TB_MAGIC), which the notify filter
 * lets reach the guard's stop; there the address is put in
 * (inject_seccomp()), the listener lets the kernel's recheck through,
 * and t's registers, the fork's result in them, come back after.
 * Returns 1 if it was injected (t runs it: V_PARK), else 0.
 */
int
tidaddr_vforked(struct interp *ip, struct tracee *t, struct call *c,
    pid_t vchild)
{
	struct ptrace_syscall_info	 info;
	struct tracee			*ct;
	const struct pers		*p;
	uint64_t			 a[6] = { TB_MAGIC, 0, 0, 0, 0, 0 };
	int				 users;

	if (!t->t_tidset || t->t_mm == NULL || (users = t->t_mm->m_refs) < 2)
		return 0;
	/* The model may not have seen the child's exec or exit yet. */
	if ((ct = tracee_find(ip, vmap_v2r(&ip->i_vmap, vchild))) != NULL &&
	    ct != t && ct->t_mm == t->t_mm)
		users--;
	if (users <= 1)
		return 0;
	if (c == NULL) {
		/* An untrapped clone: t_call is an older call's. */
		memset(&info, 0, sizeof(info));
		if (ptrace(PTRACE_GET_SYSCALL_INFO, t->t_tid, sizeof(info),
		    &info) == -1 || info.op != PTRACE_SYSCALL_INFO_EXIT ||
		    (p = arch_pers(info.arch)) == NULL)
			return 0;
		c = &t->t_call;
		memset(c, 0, sizeof(*c));
		c->c_pers = p;
		c->c_sn = SN__MAX;
		c->c_ip = info.instruction_pointer;
		c->c_fan = -1;
		c->c_sbuf.off = c->c_obuf.off = SIZE_MAX;
	} else
		call_restore(t, c);
	if (inject_call(t, SN_set_tid_address, a, INJ_EXIT,
	    tidaddr_done) == -1)
		return 0;
	t->t_inj.fixarg = 0;
	t->t_inj.fixval = c->c_pers->p_compat ?
	    t->t_tidaddr & 0xffffffffULL : t->t_tidaddr;
	t->t_inj.data[0] = 0;
	return 1;
}

/* set_tid_address made by the kernel: its result is the caller's tid. */
enum verdict
h_ret_tid(struct interp *ip, struct tracee *t, struct call *c)
{
	(void)ip;
	if (c->c_ret > 0)
		(void)regs_set(t, R_RET, t->t_id->v_virt);
	return V_CONT;
}

/* Enter handler of calls that only need their exit. */
enum verdict
h_want_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	(void)ip;
	(void)t;
	(void)c;
	return V_EXIT;
}
