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
#include <stdint.h>
#include <stdlib.h>

#include "interpose.h"
#include "extern.h"

/*
 * System calls the supervisor runs in a task on its own behalf, in the
 * task's ABI, without the task returning to user mode in between.
 *
 * At a seccomp stop (INJ_ENTRY): the registers are saved and replaced by
 * the injected call, which the kernel then runs (filters rechecked,
 * RET_TRACE counting as allow); at its exit stop the callback gets the
 * result, and the saved registers come back rewound, so the call that
 * stopped runs again from its start and its handler finds the effect
 * (a flag on the process, say).  The effect must be idempotent: a signal
 * handler may run before the call does.
 *
 * At a syscall-exit stop (INJ_EXIT): the call instruction is rewound to
 * run the injected call, which stops at its entry (and at a seccomp stop
 * if a filter traps it), then at its exit; the callback gets the result
 * and may inject again; at the end the registers, with the first call's
 * result (or -t_injerr if the callback set it), come back as they were.
 */

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
	const struct pers	*p = t->t_call.c_pers;
	int			 nr, i, chained;

	if (p == NULL || (nr = p->p_nr[sn]) < 0)
		return -1;
	chained = t->t_state == TS_INJECT;
	if (!chained && regs_getall(t, t->t_saved) == -1)
		return -1;
	if (regs_set(t, R_NR, (uint64_t)nr) == -1)
		return -1;
	for (i = 0; i < 6; i++)
		if (regs_set(t, R_A0 + i, a[i]) == -1)
			return -1;
	if (mode == INJ_EXIT || chained) {
		/* Run the call instruction again, with rax the number. */
		if (regs_set(t, R_RET, (uint64_t)nr) == -1 ||
		    regs_set(t, R_IP, t->t_call.c_ip - arch.a_insnlen) == -1)
			return -1;
		t->t_injentry = 1;
	} else
		t->t_injentry = 0;
	if (!chained)
		t->t_injmode = mode;
	t->t_injfn = done;
	t->t_state = TS_INJECT;
	if (ptrace(PTRACE_SYSCALL, t->t_tid, NULL, 0) == -1) {
		t->t_injfn = NULL;
		t->t_state = TS_RUN;
		return -1;
	}
	return 0;
}

/*
 * A syscall stop of a task running an injected call: its entry (go on to
 * the exit), or its exit (hand the result to the callback, then put the
 * task back).
 */
void
inject_stop(struct interp *ip, struct tracee *t)
{
	inject_fn	 fn;
	int64_t		 ret;

	if (t->t_injentry) {
		t->t_injentry = 0;
		(void)ptrace(PTRACE_SYSCALL, t->t_tid, NULL, 0);
		return;
	}
	if (regs_exitinfo(t, &ret) == -1)
		ret = -EIO;
	fn = t->t_injfn;
	t->t_injfn = NULL;
	fn(ip, t, ret);
	if (t->t_injfn != NULL)
		return;		/* it injected again */
	if (t->t_injmode == INJ_EXIT) {
		(void)regs_setall(t, t->t_saved);
		if (t->t_injerr != 0)
			(void)regs_set(t, R_RET, (uint64_t)-t->t_injerr);
	} else
		(void)regs_restart(t, t->t_saved);
	t->t_injerr = 0;
	t->t_state = TS_RUN;
	scratch_release(ip, &t->t_call);
	(void)ptrace(PTRACE_CONT, t->t_tid, NULL, 0);
	if (t->t_call.c_hold[0] != 0) {
		t->t_call.c_hold[0] = t->t_call.c_hold[1] = 0;
		hold_release(ip);
	}
}

/* A seccomp stop of an injected call: let it run to its exit. */
void
inject_seccomp(struct interp *ip, struct tracee *t)
{
	(void)ip;
	(void)ptrace(PTRACE_SYSCALL, t->t_tid, NULL, 0);
}
