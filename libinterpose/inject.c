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

#include <linux/ptrace.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "interpose.h"
#include "extern.h"

/*
 * System calls the supervisor runs in a task on its own behalf, in the
 * task's ABI.
 *
 * At a seccomp stop (INJ_ENTRY): the registers are saved and replaced by
 * the injected call, which the kernel then runs (filters rechecked,
 * RET_TRACE counting as allow) without the task returning to user mode;
 * at its exit stop the callback gets the result, and the saved registers
 * come back rewound, so the call that stopped runs again from its start
 * and its handler finds the effect (a flag on the process, say).  The
 * effect must be idempotent: a signal handler may run before the call
 * does.
 *
 * At a syscall-exit stop (INJ_EXIT): the call instruction is rewound to
 * run the injected call, which must be one the filters trap in that ABI.
 * The task returns to user mode first, where a signal handler may run
 * and make calls of its own (handled as usual, the pending call's state
 * stashed); the injected call is recognised at its seccomp stop by its
 * address, number and arguments, and runs to its exit stop, where the
 * callback gets the result and may inject again; at the end the
 * registers, with the first call's result (or -t_injerr if the callback
 * set it), come back as they were.
 */

/* A pending INJ_EXIT call, put aside while a signal handler runs. */
struct injframe {
	struct injframe	*next;
	struct call	 call;
	struct injstate	 st;
};

/*
 * Start one injected call of system call sn with arguments a.  The task
 * must be stopped at a seccomp stop (INJ_ENTRY) or at the exit stop of a
 * call (INJ_EXIT), or at the exit of a previous injection (from its
 * callback, to chain).  Returns 0 (the task runs it; the handler returns
 * V_PARK) or -1 (nothing was changed).
 */
int
inject_call(struct tracee *t, int sn, const uint64_t a[6], enum injmode mode,
    inject_fn done)
{
	struct injstate		*s = &t->t_inj;
	const struct pers	*p = t->t_call.c_pers;
	int			 nr, i, chained;

	if (p == NULL || (nr = p->p_nr[sn]) < 0)
		return -1;
	chained = t->t_state == TS_INJECT;
	if (!chained) {
		if (regs_getall(t, s->saved) == -1)
			return -1;
		s->mode = mode;
		s->err = 0;
	}
	s->fixarg = -1;
	if (regs_set(t, R_NR, (uint64_t)nr) == -1)
		return -1;
	for (i = 0; i < 6; i++) {
		if (regs_set(t, R_A0 + i, a[i]) == -1)
			return -1;
		s->arg[i] = p->p_compat ? (uint32_t)a[i] : a[i];
	}
	s->nr = nr;
	s->fn = done;
	t->t_state = TS_INJECT;
	takeback_rewind(t);
	if (s->mode == INJ_EXIT) {
		/* Run the call instruction again, with rax the number. */
		if (regs_set(t, R_RET, (uint64_t)nr) == -1 ||
		    regs_set(t, R_IP, t->t_call.c_ip - arch.a_insnlen) == -1)
			goto fail;
		s->pending = 1;
		if (ptrace(PTRACE_CONT, t->t_tid, NULL, 0) == -1)
			goto fail;
	} else if (ptrace(PTRACE_SYSCALL, t->t_tid, NULL, 0) == -1)
		goto fail;
	return 0;
 fail:
	s->fn = NULL;
	s->pending = 0;
	t->t_state = TS_RUN;
	return -1;
}

/*
 * The exit stop of an injected call: hand the result to the callback,
 * then put the task back.
 */
void
inject_stop(struct interp *ip, struct tracee *t)
{
	struct injstate	*s = &t->t_inj;
	inject_fn	 fn;
	int64_t		 ret;

	if (regs_exitinfo(t, &ret) == -1)
		ret = -EIO;
	fn = s->fn;
	s->fn = NULL;
	fn(ip, t, ret);
	if (s->fn != NULL)
		return;		/* it injected again */
	if (s->mode == INJ_EXIT) {
		(void)regs_setall(t, s->saved);
		if (s->err != 0)
			(void)regs_set(t, R_RET, (uint64_t)-s->err);
	} else {
		takeback_rearm(t, s->saved);
		(void)regs_restart(t, s->saved);
	}
	t->t_state = TS_RUN;
	scratch_release(ip, &t->t_call);
	(void)ptrace(PTRACE_CONT, t->t_tid, NULL, 0);
	if (t->t_call.c_hold[0] != 0) {
		t->t_call.c_hold[0] = t->t_call.c_hold[1] = 0;
		hold_release(ip);
	}
}

/* Is the call at this seccomp stop the pending call of state s? */
static int
inject_is(const struct ptrace_syscall_info *info, const struct call *c,
    const struct injstate *s)
{
	const struct pers	*p;
	int			 i;

	if (!s->pending || info->instruction_pointer != c->c_ip ||
	    info->seccomp.nr != (uint64_t)s->nr ||
	    (p = arch_pers(info->arch)) != c->c_pers)
		return 0;
	for (i = 0; i < 6; i++)
		if ((p->p_compat ? (uint32_t)info->seccomp.args[i] :
		    info->seccomp.args[i]) != s->arg[i])
			return 0;
	return 1;
}

static void
frame_free(struct interp *ip, struct injframe *f)
{
	scratch_release(ip, &f->call);
	if (f->st.fan)
		free(f->call.c_fanv);
	free(f);
}

/*
 * A fan-out (fan_step()) rewinds its call for the next step with
 * PTRACE_CONT: the task returns to user mode, where a signal handler may
 * run.  Make the step a pending call, recognised like an injected one.
 */
static void
inject_fan_aside(struct tracee *t)
{
	struct call	*c = &t->t_call;
	int		 i;

	memset(&t->t_inj, 0, sizeof(t->t_inj));
	t->t_inj.fan = 1;
	t->t_inj.pending = 1;
	t->t_inj.nr = (int)c->c_nr;
	for (i = 0; i < 6; i++)
		t->t_inj.arg[i] = c->c_arg[i];
	t->t_inj.arg[c->c_fanarg] = (uint32_t)c->c_fanv[c->c_fan];
}

/*
 * A seccomp stop of a task with an INJ_EXIT call or a fan-out step
 * pending, its own or one put aside.  If it is such a call, an injected
 * one runs to its exit stop (1 is returned), a fan-out step is handed
 * back to its handler (2); calls put aside above it were abandoned, by a
 * handler that did not return.  Otherwise, a signal handler runs: the
 * pending call is put aside, so that the handler's call is dispatched
 * as usual, and 0 is returned.
 */
int
inject_seccomp(struct interp *ip, struct tracee *t)
{
	struct ptrace_syscall_info	 info;
	struct injframe			*f, *g;

	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->t_tid, sizeof(info),
	    &info) == -1 || info.op != PTRACE_SYSCALL_INFO_SECCOMP)
		return 0;
	if (!t->t_inj.pending && t->t_state == TS_CALL &&
	    t->t_call.c_fan >= 0)
		inject_fan_aside(t);
	if (inject_is(&info, &t->t_call, &t->t_inj))
		goto ours;
	for (f = t->t_injstack; f != NULL; f = f->next)
		if (inject_is(&info, &f->call, &f->st))
			break;
	if (f != NULL) {
		/* Everything above it, and the task's own, was abandoned. */
		while ((g = t->t_injstack) != f) {
			t->t_injstack = g->next;
			frame_free(ip, g);
		}
		t->t_injstack = f->next;
		if (t->t_inj.pending) {
			scratch_release(ip, &t->t_call);
			if (t->t_inj.fan)
				free(t->t_call.c_fanv);
		}
		t->t_call = f->call;
		t->t_inj = f->st;
		free(f);
		goto ours;
	}
	if (t->t_inj.pending) {
		if ((f = calloc(1, sizeof(*f))) == NULL)
			return 0;	/* the call will be handled as any */
		f->call = t->t_call;
		f->st = t->t_inj;
		f->next = t->t_injstack;
		t->t_injstack = f;
		memset(&t->t_inj, 0, sizeof(t->t_inj));
		t->t_call.c_sbuf.off = t->t_call.c_obuf.off = SIZE_MAX;
		t->t_call.c_fanv = NULL;
		t->t_call.c_fan = -1;
		t->t_state = TS_RUN;
	}
	return 0;
 ours:
	if (t->t_inj.fan) {
		/* A fan-out step: its handler takes it from here. */
		memset(&t->t_inj, 0, sizeof(t->t_inj));
		t->t_state = TS_CALL;
		return 2;
	}
	t->t_inj.pending = 0;
	if (t->t_inj.fixarg >= 0)
		(void)regs_set(t, R_A0 + t->t_inj.fixarg, t->t_inj.fixval);
	/*
	 * An argument put in that the notify filter sends to the listener
	 * (set_tid_address's address): the kernel's recheck let through.
	 */
	recheck_mark(ip, t, &t->t_call);
	t->t_state = TS_INJECT;
	(void)ptrace(PTRACE_SYSCALL, t->t_tid, NULL, 0);
	return 1;
}

/* The task is gone: drop what it had put aside. */
void
inject_free(struct interp *ip, struct tracee *t)
{
	struct injframe	*f;

	while ((f = t->t_injstack) != NULL) {
		t->t_injstack = f->next;
		frame_free(ip, f);
	}
}

/* The task is gone: what it still had to close with it. */
void
inject_gone(struct tracee *t)
{
	free(t->t_drop);
	t->t_drop = NULL;
	t->t_ndrop = 0;
}

static void	close_done(struct interp *, struct tracee *, int64_t);

/* Close the last descriptor of t's list, injected.  Returns 0 or -1. */
static int
close_next(struct tracee *t)
{
	uint64_t	 a[6] = { 0, 0, CLOSE_MAGIC, 0, 0, 0 };

	if (t->t_ndrop == 0) {
		free(t->t_drop);
		t->t_drop = NULL;
		return -1;
	}
	a[0] = a[1] = (uint64_t)t->t_drop[--t->t_ndrop];
	if (inject_call(t, SN_close_range, a, INJ_EXIT, close_done) == -1)
		return -1;
	t->t_inj.fixarg = 2;
	t->t_inj.fixval = 0;
	return 0;
}

static void
close_done(struct interp *ip, struct tracee *t, int64_t ret)
{
	(void)ip;
	(void)ret;
	(void)close_next(t);
}

/*
 * From an exit stop (or an injection's callback): close descriptors fds
 * (n of them) of t's process with close_range(fd, fd, 0), one after the
 * other, injected as close_range(fd, fd, CLOSE_MAGIC), the form the
 * filters trap, its flags cleared at its stop.  The list is the task's:
 * a chain started under a signal handler while another is pending adds
 * to it, and whichever chain goes on takes the next.  Returns 0 or -1
 * (nothing started).
 */
int
inject_close(struct tracee *t, const int *fds, int n)
{
	int	*p;

	if (n <= 0 || (p = reallocarray(t->t_drop, (size_t)t->t_ndrop + n,
	    sizeof(int))) == NULL)
		return -1;
	memcpy(p + t->t_ndrop, fds, (size_t)n * sizeof(int));
	t->t_drop = p;
	t->t_ndrop += n;
	return close_next(t);
}
