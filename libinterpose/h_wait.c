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

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "interpose.h"
#include "extern.h"

/*
 * wait4 and waitid.  A pid or pgid argument is translated; a pid outside
 * becomes GHOST_PID, for which the kernel answers ECHILD.  The result is
 * translated back, and a reaped zombie leaves the table only now, when
 * its pid becomes reusable.
 */

/* The process whose real pid a wait returned, if it is now reaped. */
static void
wait_reaped(struct interp *ip, pid_t real)
{
	struct vid	*id;
	struct proc	*p;

	if ((id = vmap_real(&ip->i_vmap, real)) == NULL)
		return;
	TAILQ_FOREACH(p, &ip->i_procs, p_entry)
		if (p->p_pid == id) {
			if (!proc_alive(p))
				proc_reaped(ip, p);
			return;
		}
}

/*
 * Whether t's process can only be told ECHILD (or an argument's error):
 * it has no child, dead or alive, and t is its only thread, so none can
 * be made while it waits (a CLONE_PARENT needs a child of its own,
 * orphans go to an ancestor of theirs, and instance processes trace
 * nothing).  Its wait then returns no pid and takes no exit stop, and
 * its arguments are left as they are: no number names a child of it.
 */
static int
wait_childless(const struct tracee *t)
{
	const struct proc	*p = t->t_proc;

	return p != NULL && p->p_threads == 1 &&
	    TAILQ_EMPTY(&p->p_children);
}

enum verdict
h_wait4(struct interp *ip, struct tracee *t, struct call *c)
{
	pid_t	 pid = (pid_t)c->c_arg[0];

	if (wait_childless(t))
		return V_CONT;
	if (pid > 0 || (pid < -1 && pid != INT32_MIN))
		if (call_setarg(t, c, 0, (uint32_t)pid_in_pg(ip, pid)) == -1)
			return V_CONT;
	return V_EXIT;
}

enum verdict
h_wait4_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	pid_t	 r = (pid_t)c->c_ret;

	if (r > 0) {
		(void)regs_set(t, R_RET, pid_out(ip, r));
		wait_reaped(ip, r);
	}
	proc_waited(ip, t->t_proc);
	return V_CONT;
}

enum verdict
h_waitid(struct interp *ip, struct tracee *t, struct call *c)
{
	int	 type = (int)c->c_arg[0];
	pid_t	 id = (pid_t)c->c_arg[1];

	if (wait_childless(t))
		return V_CONT;
	if (c->c_arg[2] != 0) {
		switch (scratch_ensure(ip, t, 1)) {
		case 0:
			break;
		case 1:
			return V_PARK;
		default:
			return call_deny(ip, t, c, ENOSYS,
			    "waitid siginfo without scratch");
		}
		/* The kernel writes the real si_pid where no thread looks. */
		if ((c->c_aux[0] = scratch_out(ip, t, c,
		    sizeof(siginfo_t))) == 0)
			return call_deny(ip, t, c, EAGAIN, "scratch full");
		if (call_setarg(t, c, 2, (uint64_t)c->c_aux[0]) == -1)
			return V_CONT;
	}
	if ((type == P_PID || type == P_PGID) && id > 0)
		if (call_setarg(t, c, 1, pid_in(ip, id)) == -1)
			return V_CONT;
	return V_EXIT;
}

/* Offset of si_pid in the siginfo of a personality. */
size_t
siginfo_pidoff(const struct pers *p)
{
	return p->p_compat ? 12 : 16;
}

enum verdict
h_waitid_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	uint8_t		 copy[128];
	size_t		 off;
	int32_t		 pid, r;

	/*
	 * The kernel writes the siginfo whatever the result (zeros on an
	 * error), except when the rusage could not be written: EFAULT.
	 */
	if (c->c_arg[2] == 0 || c->c_ret == -EFAULT || c->c_aux[0] == 0 ||
	    mem_read(t->t_tid, (uint64_t)c->c_aux[0], copy,
	    sizeof(copy)) == -1) {
		proc_waited(ip, t->t_proc);
		return V_CONT;
	}
	off = siginfo_pidoff(c->c_pers);
	memcpy(&pid, copy + off, sizeof(pid));
	if (c->c_ret == 0 && pid > 0) {
		r = pid;
		pid = pid_out(ip, r);
		memcpy(copy + off, &pid, sizeof(pid));
		if (!(c->c_arg[3] & WNOWAIT))
			wait_reaped(ip, r);
	}
	/*
	 * Only now does the instance see it, translated: the fields the
	 * kernel writes, si_signo to si_status, and nothing after them.
	 */
	if (mem_write(t->t_tid, c->c_arg[2], copy, off + 12) == -1)
		(void)regs_set(t, R_RET, (uint64_t)-EFAULT);
	proc_waited(ip, t->t_proc);
	return V_CONT;
}
