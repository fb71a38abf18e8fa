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
#include <sys/syscall.h>
#include <sys/tree.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interpose.h"
#include "extern.h"

/*
 * Signals: the kill family, and the si_pid of every delivered signal.
 */

/*
 * Signal 0 only asks whether the target is there and may be signalled:
 * for a caller with the supervisor's credentials and label, the
 * supervisor asks, at the seccomp stop, one stop instead of two.  Is
 * this such a call?
 */
static int
sig0_ours(struct interp *ip, struct tracee *t, uint64_t sig)
{
	return (int)sig == 0 && cred_same(ip, t);
}

/* The answer the supervisor got (r, -1 with errno) as the call's. */
static enum verdict
sig0_answer(struct tracee *t, struct call *c, long r)
{
	return call_return(t, c, r == -1 ? -errno : 0);
}

/* A signal to a zombie: no effect, as on the host. */
static enum verdict
sig_to_zombie(struct tracee *t, struct call *c, uint64_t sig)
{
	return call_return(t, c, (int)sig < 0 || (int)sig > _NSIG - 1 ?
	    -EINVAL : 0);
}

/*
 * kill(pid, sig).  pid > 0 and pid < -1 are translated; 0 is the
 * caller's own group already.  pid == -1 would reach every process the
 * caller may signal on the host, so it is run once per instance process
 * (except pid 1 and the caller, as in a PID namespace), by the caller
 * itself, so that permissions and the sender's identity stay the
 * kernel's.
 */
enum verdict
h_kill(struct interp *ip, struct tracee *t, struct call *c)
{
	struct proc	*p;
	pid_t		 pid = (pid_t)c->c_arg[0];
	int		 n = 0;

	if (c->c_fan >= 0)
		return V_EXIT;	/* next step, registers set at the exit */
	if (pid != -1) {
		if (pid == 0 || pid == INT32_MIN)
			return V_CONT;
		if (pid_dead(ip, pid))
			return sig_to_zombie(t, c, c->c_arg[1]);
		if (sig0_ours(ip, t, c->c_arg[1]))
			return sig0_answer(t, c, kill(pid_in_pg(ip, pid), 0));
		return call_setarg(t, c, 0, (uint32_t)pid_in_pg(ip, pid)) ==
		    -1 ? V_CONT : V_EXIT;
	}
	TAILQ_FOREACH(p, &ip->i_procs, p_entry)
		n++;
	if ((c->c_fanv = calloc(n + 1, sizeof(pid_t))) == NULL)
		return call_deny(ip, t, c, ENOMEM, "kill(-1) fan-out");
	c->c_fann = 0;
	TAILQ_FOREACH(p, &ip->i_procs, p_entry)
		if (proc_alive(p) && !(p->p_flags & P_ROOT) &&
		    p != t->t_proc)
			c->c_fanv[c->c_fann++] = p->p_pid->v_real;
	if (c->c_fann == 0) {
		free(c->c_fanv);
		c->c_fanv = NULL;
		return call_return(t, c, -ESRCH);
	}
	c->c_fan = 0;
	c->c_fanmode = FAN_KILL;
	c->c_fanret = -ESRCH;	/* until a target counts */
	c->c_hold[0] = c->c_fanv[0];
	return call_setarg(t, c, 0, c->c_fanv[0]) == -1 ? V_CONT : V_EXIT;
}

/* Is real pid r a task of the instance that has not died? */
static int
fan_alive(struct interp *ip, pid_t r)
{
	struct tracee	*t;

	return (t = tracee_find(ip, r)) != NULL && !(t->t_flags & T_HELD);
}

/*
 * Collect one fan-out step's result and set up the next one: rewind the
 * instruction pointer so the task runs the same call again.  Returns
 * V_AGAIN while steps remain, V_CONT after the last, with the combined
 * result in place.
 */
enum verdict
fan_step(struct interp *ip, struct tracee *t, struct call *c, int arg)
{
	int64_t	 r = c->c_ret;

	(void)ip;
	switch (c->c_fanmode) {
	case FAN_KILL:
		/*
		 * The kernel's kill(-1): the result of the last target
		 * other than EPERM, 0 if all gave EPERM, ESRCH if there was
		 * none.  A target that died meanwhile (ESRCH) would not
		 * have been one.
		 */
		if (r == -ESRCH)
			break;
		if (c->c_fanret == -ESRCH)
			c->c_fanret = 0;
		if (r != -EPERM)
			c->c_fanret = r;
		break;
	case FAN_GETPRIO:
		if (r >= 0 && (c->c_fanret < 0 || r > c->c_fanret))
			c->c_fanret = r;
		break;
	case FAN_SETPRIO:
		if (r == -EPERM || r == -EACCES)
			c->c_fanret = r;
		else if (c->c_fanret == -ESRCH)
			c->c_fanret = 0;
		break;
	}
	/* Skip targets that died meanwhile: their pids may be free. */
	while (++c->c_fan < c->c_fann &&
	    !fan_alive(ip, c->c_fanv[c->c_fan]))
		;
	if (c->c_fan < c->c_fann) {
		c->c_fanarg = arg;
		c->c_hold[0] = c->c_fanv[c->c_fan];
		if (call_setarg(t, c, arg, (uint32_t)c->c_fanv[c->c_fan]) ==
		    -1 || regs_set(t, R_IP, c->c_ip - arch.a_insnlen) == -1 ||
		    regs_set(t, R_RET, c->c_nr) == -1)
			return V_CONT;
		return V_AGAIN;
	}
	(void)regs_set(t, R_RET, (uint64_t)c->c_fanret);
	free(c->c_fanv);
	c->c_fanv = NULL;
	c->c_fan = -1;
	return V_CONT;
}

enum verdict
h_kill_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	if (c->c_fan < 0)
		return V_CONT;
	return fan_step(ip, t, c, 0);
}

/* tgkill and rt_tgsigqueueinfo: (tgid, tid, sig). */
enum verdict
h_tgkill(struct interp *ip, struct tracee *t, struct call *c)
{
	if (pid_dead(ip, (pid_t)c->c_arg[0]) && (pid_t)c->c_arg[1] ==
	    (pid_t)c->c_arg[0])
		return sig_to_zombie(t, c, c->c_arg[2]);
	/* pthread_kill(t, 0); not rt_tgsigqueueinfo, which has a siginfo. */
	if (c->c_sn == SN_tgkill && sig0_ours(ip, t, c->c_arg[2]))
		return sig0_answer(t, c, syscall(SYS_tgkill,
		    pid_in(ip, (pid_t)c->c_arg[0]),
		    pid_in(ip, (pid_t)c->c_arg[1]), 0));
	return h_pid01(ip, t, c);
}

/* tkill and rt_sigqueueinfo: (pid, sig). */
enum verdict
h_tkill(struct interp *ip, struct tracee *t, struct call *c)
{
	if (pid_dead(ip, (pid_t)c->c_arg[0]))
		return sig_to_zombie(t, c, c->c_arg[1]);
	if (sig0_ours(ip, t, c->c_arg[1]))
		return sig0_answer(t, c, syscall(SYS_tkill,
		    pid_in(ip, (pid_t)c->c_arg[0]), 0));
	return h_pid0(ip, t, c);
}

/*
 * Does the siginfo of this signal carry a pid the kernel filled in?
 * sigqueue's SI_QUEUE carries the sender's own claim (virtual already),
 * faults and I/O signals carry none.
 */
int
siginfo_haspid(int signo, int code)
{
	if (code == SI_USER || code == SI_TKILL || code == SI_MESGQ)
		return 1;
	return signo == SIGCHLD && code > 0 && code <= CLD_CONTINUED;
}

/*
 * A signal-delivery-stop: translate si_pid (an outside sender reads as
 * 0, as from a parent namespace), then deliver the signal.
 */
void
signal_delivery(struct interp *ip, struct tracee *t, int sig)
{
	siginfo_t	 si;
	pid_t		 v;
	int		 req;

	if (t->t_state == TS_RUN)
		notify_restart(ip, t);
	if (ptrace(PTRACE_GETSIGINFO, t->t_tid, NULL, &si) == 0 &&
	    siginfo_haspid(si.si_signo, si.si_code)) {
		v = pid_out(ip, si.si_pid);
		if (v != si.si_pid) {
			si.si_pid = v;
			(void)ptrace(PTRACE_SETSIGINFO, t->t_tid, NULL, &si);
		}
	}
	req = t->t_state == TS_CALL && t->t_call.c_fan < 0 ?
	    PTRACE_SYSCALL : PTRACE_CONT;
	tracer_cont(ip, t->t_tid, req, sig);
}
