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

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interpose.h"
#include "extern.h"

/*
 * Entry and exit of a trapped system call: decode, dispatch through
 * handlers[], restore what the handler rewrote.
 */

/* Pass a message to the caller's log hook. */
void
ilog(struct interp *ip, enum interpose_log lvl, const char *fmt, ...)
{
	char	 buf[512];
	va_list	 ap;

	if (ip->i_log == NULL || (lvl == ILOG_DEBUG && ip->i_verbose < 2) ||
	    (lvl == ILOG_DENY && ip->i_verbose < 1))
		return;
	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ip->i_log(lvl, buf, ip->i_logarg);
}

static int	in_wait(struct interp *);

/*
 * Virtual to real for a pid argument: 0 stays 0 (the caller itself), an
 * id the instance does not have (or whose pid the kernel has freed)
 * becomes GHOST_PID, which no process can
 * have, so the kernel answers as for a pid that does not exist.
 */
pid_t
pid_in(struct interp *ip, pid_t v)
{
	struct vid	*id;

	if (v <= 0)
		return v;
	if ((id = vmap_virt(&ip->i_vmap, v)) == NULL || id->v_gone)
		return GHOST_PID;
	if (!in_wait(ip) && tracee_find(ip, id->v_real) == NULL)
		return GHOST_PID;	/* a zombie: see pid_dead() */
	hold_add(ip, id->v_real);
	return id->v_real;
}

/* Is the call being handled a wait? */
static int
in_wait(struct interp *ip)
{
	int	 sn;

	if (ip->i_cur == NULL)
		return 0;
	sn = ip->i_cur->t_call.c_sn;
	return sn == SN_wait4 || sn == SN_waitid || sn == SN_waitpid;
}

/*
 * Is virtual pid v a process that has exited but is not reaped?  Its
 * real pid is freed by its parent's wait, which may be running already,
 * so no call other than a wait is given it: signals to it are answered
 * here (they would have no effect), anything else sees no such process.
 */
int
pid_dead(struct interp *ip, pid_t v)
{
	struct vid	*id;

	return v > 0 && (id = vmap_virt(&ip->i_vmap, v)) != NULL &&
	    !id->v_gone && tracee_find(ip, id->v_real) == NULL;
}

/*
 * The call being handled will name real pid r once resumed: until its
 * exit stop, r must not be freed, so a task r reaching its exit is held
 * there (hold_exit).  Waits are exempt: they wait for the very task, and
 * a pid they name can only be freed by themselves.
 */
void
hold_add(struct interp *ip, pid_t r)
{
	struct call	*c;

	if (ip->i_cur == NULL || in_wait(ip))
		return;
	c = &ip->i_cur->t_call;
	if (c->c_hold[0] == 0 || c->c_hold[0] == r)
		c->c_hold[0] = r;
	else
		c->c_hold[1] = r;
}

/* Is real tid r named by a call in flight in a task other than t? */
static int
held(struct interp *ip, struct tracee *t, pid_t r)
{
	struct tracee	*u;

	RB_FOREACH(u, tracee_tree, &ip->i_tracees)
		if (u != t && u->t_state == TS_CALL &&
		    (u->t_call.c_hold[0] == r || u->t_call.c_hold[1] == r))
			return 1;
	return 0;
}

/*
 * A task stopped before exiting (PTRACE_EVENT_EXIT).  If a call in
 * flight names it, keep it there, so that its pid cannot be freed and
 * reused by an outside process before that call has run.
 */
void
hold_exit(struct interp *ip, struct tracee *t)
{
	if (held(ip, t, t->t_tid)) {
		t->t_flags |= T_HELD;
		ip->i_nheld++;
	} else
		tracer_resume(ip, t, V_CONT);
}

/* A call ended: let exiting tasks it held go. */
void
hold_release(struct interp *ip)
{
	struct tracee	*t;

	if (ip->i_nheld == 0)
		return;
	RB_FOREACH(t, tracee_tree, &ip->i_tracees)
		if ((t->t_flags & T_HELD) && !held(ip, t, t->t_tid)) {
			t->t_flags &= ~T_HELD;
			ip->i_nheld--;
			tracer_resume(ip, t, V_CONT);
		}
}

/* The same for a signed "pid or -pgid" argument (kill, F_SETOWN). */
pid_t
pid_in_pg(struct interp *ip, pid_t v)
{
	if (v < -1 && v != INT32_MIN)
		return -pid_in(ip, -v);
	return pid_in(ip, v);
}

/*
 * An owner: a pid, or a process group as its negation (F_SETOWN,
 * FIOSETOWN); unlike kill's, -1 is process group 1.
 */
pid_t
pid_in_owner(struct interp *ip, pid_t v)
{
	if (v < 0 && v != INT32_MIN)
		return -pid_in(ip, -v);
	return pid_in(ip, v);
}

/* Real to virtual for a result: anything outside reads as 0. */
pid_t
pid_out(struct interp *ip, pid_t r)
{
	return r > 0 ? vmap_r2v(&ip->i_vmap, r) : r;
}

/*
 * Refuse a call: log it once per call site and reason, then skip it with
 * -err as its result.
 */
enum verdict
call_deny(struct interp *ip, struct tracee *t, struct call *c, int err,
    const char *why)
{
	struct deny	*d;
	char		 name[32];

	for (d = ip->i_denied; d != NULL; d = d->d_next)
		if (d->d_sn == c->c_sn && d->d_ip == c->c_ip && d->d_why == why)
			break;
	if (d == NULL && (d = calloc(1, sizeof(*d))) != NULL) {
		d->d_sn = c->c_sn;
		d->d_ip = c->c_ip;
		d->d_why = why;
		d->d_next = ip->i_denied;
		ip->i_denied = d;
		if (c->c_sn < SN__MAX)
			(void)snprintf(name, sizeof(name), "%s",
			    sysno_names[c->c_sn]);
		else
			(void)snprintf(name, sizeof(name), "#%llu",
			    (unsigned long long)c->c_nr);
		ilog(ip, ILOG_DENY, "pid %d: %s %s(%#llx, %#llx, %#llx): "
		    "%s (%s)", t->t_id != NULL ? t->t_id->v_virt : 0,
		    c->c_pers != NULL ? c->c_pers->p_name : "x32", name,
		    (unsigned long long)c->c_arg[0],
		    (unsigned long long)c->c_arg[1],
		    (unsigned long long)c->c_arg[2], strerrorname_np(err),
		    why);
	}
	return call_return(t, c, -err);
}

/*
 * Will the kernel run the call again from orig_rax once the signal that
 * cut it short is dealt with: ERESTARTSYS (512), ERESTARTNOINTR (513),
 * ERESTARTNOHAND (514), the kernel's own codes?
 */
int
call_restarts(int64_t ret)
{
	return ret == -512 || ret == -513 || ret == -514;
}

/*
 * Did a signal cut the call short: a restart code, ERESTART_RESTARTBLOCK
 * (516, restart_syscall instead), or EINTR?
 */
int
call_interrupted(int64_t ret)
{
	return call_restarts(ret) || ret == -516 || ret == -EINTR;
}

/* Skip the call and give it ret as its result. */
enum verdict
call_return(struct tracee *t, struct call *c, int64_t ret)
{
	if (c->c_nq != NULL) {
		/* For the answer thread (notify.c). */
		c->c_nq->ret = ret;
		c->c_nq->done = 1;
		return V_CONT;
	}
	if (regs_set(t, R_NR, (uint64_t)-1) == -1 ||
	    regs_set(t, R_RET, (uint64_t)ret) == -1)
		return V_CONT;	/* vanished */
	return V_CONT;
}

/*
 * Write a result of call c into t's memory at addr: at a stop, or for
 * the answer thread (notify_write()).  Returns 0, -EFAULT, or -EAGAIN
 * (the answer thread cannot: take the call back).
 */
int
call_write(struct tracee *t, struct call *c, uint64_t addr, const void *buf,
    size_t len)
{
	if (c->c_nq != NULL)
		return notify_write(t, c->c_nq, addr, buf, len);
	return mem_write(t->t_tid, addr, buf, len) == -1 ? -EFAULT : 0;
}

/*
 * Rewrite argument i to v for the kernel; the instance's value comes back
 * at the exit stop (the ABI preserves argument registers).  Returns 0 or
 * -1.
 */
int
call_setarg(struct tracee *t, struct call *c, int i, uint64_t v)
{
	uint64_t	 raw;

	if (!(c->c_restore & (1U << i))) {
		/* Native: the seccomp data is the whole register. */
		if (!c->c_pers->p_compat)
			raw = c->c_arg[i];
		else if (regs_get(t, R_A0 + i, &raw) == -1)
			return -1;
		c->c_raw[i] = raw;
		c->c_restore |= 1U << i;
	}
	return regs_set(t, R_A0 + i, v);
}

/*
 * Rewrite the arguments of mask (bit i: argument i) to v[i], and the
 * call number to nr unless it is -1, in one read and one write of the
 * registers.  As call_setarg(), the instance's values come back at the
 * exit stop.  Returns 0 or -1.
 */
int
call_setargs(struct tracee *t, struct call *c, unsigned int mask,
    const uint64_t v[6], int64_t nr)
{
	uint64_t	 buf[32];
	int		 i;

	if (regs_getall(t, buf) == -1)
		return -1;
	for (i = 0; i < 6; i++) {
		if (!(mask & (1U << i)))
			continue;
		if (!(c->c_restore & (1U << i))) {
			c->c_raw[i] = *regs_slot(c->c_pers, buf, R_A0 + i);
			c->c_restore |= 1U << i;
		}
		*regs_slot(c->c_pers, buf, R_A0 + i) = v[i];
	}
	if (nr != -1)
		*regs_slot(c->c_pers, buf, R_NR) = (uint64_t)nr;
	return regs_setall(t, buf);
}

/* Put back every argument register call_setarg() changed. */
void
call_restore(struct tracee *t, struct call *c)
{
	uint64_t	 buf[32];
	int		 i, n = __builtin_popcount(c->c_restore);

	if (n > 2 && c->c_pers != NULL && regs_getall(t, buf) == 0) {
		/* Two calls rather than one for each. */
		for (i = 0; i < 6; i++)
			if (c->c_restore & (1U << i))
				*regs_slot(c->c_pers, buf, R_A0 + i) = c->c_raw[i];
		(void)regs_setall(t, buf);
	} else
		for (i = 0; i < 6; i++)
			if (c->c_restore & (1U << i))
				(void)regs_set(t, R_A0 + i, c->c_raw[i]);
	c->c_restore = 0;
}

/*
 * A seccomp stop.  Decode the call and run its handler.  A call whose
 * ABI or number the table does not know is refused: a list of handled
 * calls goes stale, so anything new fails closed.
 */
void
syscall_enter(struct interp *ip, struct tracee *t)
{
	struct call		*c = &t->t_call;
	const struct handler	*h;
	enum verdict		 v;

	if (t->t_state == TS_CALL && c->c_fan >= 0) {
		/* A fan-out step re-entering: registers are set already. */
		h = &handlers[c->c_sn];
		v = h->enter(ip, t, c);
		goto resume;
	}
	if (regs_fetch(t, c) == -1) {
		tracer_resume(ip, t, V_CONT);
		return;
	}
	if (ip->i_verbose >= 2)
		ilog(ip, ILOG_DEBUG, "tid %d: %s %s", t->t_tid,
		    c->c_pers != NULL ? c->c_pers->p_name : "x32",
		    c->c_sn < SN__MAX ? sysno_names[c->c_sn] : "?");
	if (c->c_pers == NULL)
		v = call_deny(ip, t, c, ENOSYS, "x32 ABI");
	else if (c->c_sn == SN__MAX)
		v = call_deny(ip, t, c, ENOSYS, "system call unknown to mult");
	else if (!ip->i_captrace && dump_lost(ip, t, c, &v))
		;	/* v: its dumpability comes back first, or a refusal */
	else if ((h = &handlers[c->c_sn])->enter == NULL)
		v = V_CONT;	/* traced by an instance filter of its own */
	else {
		ip->i_cur = t;
		v = h->enter(ip, t, c);
		ip->i_cur = NULL;
	}
 resume:
	if (v == V_CONT && c->c_restore)
		v = V_EXIT;
	if (v == V_CONT && (t->t_flags & T_TBMASK)) {
		/* A call taken back: its signals wait for its exit. */
		t->t_flags |= T_TBCONT;
		v = V_EXIT;
	} else if (v == V_EXIT && (t->t_flags & T_TBMASK) && t->t_afd == -1)
		/*
		 * Rewritten (into scratch, or as openat2), which the
		 * listener lets through: its signals may come, as natively
		 * (the open of a FIFO waits for a writer, for ever maybe).
		 * Not a snapshot the listener hands over (t_afd), which a
		 * signal would cut short, and the call start again.
		 */
		takeback_unmask(t);
	if ((v == V_CONT || v == V_EXIT) && c->c_sn < SN__MAX &&
	    c->c_pers != NULL && handlers[c->c_sn].nqarg != 0)
		recheck_mark(ip, t, c);
	if (v == V_CONT) {
		scratch_release(ip, c);
		c->c_hold[0] = c->c_hold[1] = 0;
	}
	tracer_resume(ip, t, v);
}

/* A syscall-exit-stop we asked for. */
void
syscall_exit(struct interp *ip, struct tracee *t)
{
	struct call		*c = &t->t_call;
	const struct handler	*h;
	enum verdict		 v = V_CONT;
	int			 tbcont = t->t_flags & T_TBCONT;

	if (t->t_flags & T_TBMASK)
		takeback_unmask(t);
	if (regs_exitinfo(t, &c->c_ret) == -1) {
		tracer_resume(ip, t, V_CONT);
		return;
	}
	notify_addfd_drop(t);	/* a snapshot a signal kept from it */
	h = c->c_sn < SN__MAX ? &handlers[c->c_sn] : NULL;
	if (h != NULL && h->exit != NULL && !tbcont)
		v = h->exit(ip, t, c);
	if (v == V_PARK)
		return;		/* it injected a call: see inject_stop() */
	if (v == V_AGAIN) {
		/* Fan-out: the handler rewound the call for its next step. */
		tracer_resume(ip, t, V_AGAIN);
		hold_release(ip);
		return;
	}
	/*
	 * Cut short by a signal, the kernel will run the call again from
	 * orig_rax: the instance's call, which traps again, not the one a
	 * handler made of it (openat2 of the walk's steps, ...).
	 */
	if (call_restarts(c->c_ret))
		(void)regs_set(t, R_NR, c->c_nr);
	call_restore(t, c);
	scratch_release(ip, c);
	tracer_resume(ip, t, v);
	if (c->c_hold[0] != 0) {
		c->c_hold[0] = c->c_hold[1] = 0;
		hold_release(ip);
	}
}
