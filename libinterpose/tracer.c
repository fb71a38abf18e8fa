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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/tree.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <linux/capability.h>
#include <linux/ptrace.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interpose.h"
#include "extern.h"

/*
 * The tracer: seize the root, wait for stops, classify them and hand
 * them to the system call, process and signal code.  One instance per
 * struct interp; the caller drives interpose_step() in its own loop.
 */

#define SEIZE_OPTS	(PTRACE_O_EXITKILL | PTRACE_O_TRACESECCOMP | \
			 PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | \
			 PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | \
			 PTRACE_O_TRACEEXIT | PTRACE_O_TRACESYSGOOD)

static pid_t
pid_max(void)
{
	FILE	*f;
	long	 v = 32768;

	if ((f = fopen("/proc/sys/kernel/pid_max", "re")) != NULL) {
		if (fscanf(f, "%ld", &v) != 1)
			v = 32768;
		fclose(f);
	}
	return (pid_t)v;
}

/* Is capability cap in our effective set? */
static int
cap_has(int cap)
{
	struct __user_cap_header_struct	 h;
	struct __user_cap_data_struct	 d[2];

	memset(&h, 0, sizeof(h));
	memset(d, 0, sizeof(d));
	h.version = _LINUX_CAPABILITY_VERSION_3;
	if (syscall(SYS_capget, &h, d) == -1)
		return 0;
	return (d[cap / 32].effective & (1U << (cap % 32))) != 0;
}

/*
 * A new instance with no process yet.  The log hook gets denials when
 * verbose > 0 and every stop when verbose > 1.  Returns NULL on memory
 * exhaustion or if the system call table cannot be built.
 */
struct interp *
interpose_new(interpose_log_fn fn, void *arg, int verbose)
{
	struct interp	*ip;
	struct stat	 st;

	if (arch_init() == -1)
		return NULL;
	if ((ip = calloc(1, sizeof(*ip))) == NULL)
		return NULL;
	vmap_init(&ip->i_vmap, pid_max());
	RB_INIT(&ip->i_tracees);
	TAILQ_INIT(&ip->i_procs);
	TAILQ_INIT(&ip->i_parked);
	ip->i_log = fn;
	ip->i_logarg = arg;
	ip->i_verbose = verbose;
	ip->i_status = -1;
	ip->i_notify = -1;
	ip->i_captrace = cap_has(CAP_SYS_PTRACE);
	/*
	 * Without privilege, the instance (under NO_NEW_PRIVS) can never
	 * have more access rights than ours, nor fewer but through Landlock
	 * (h_confine()) or an LSM that keeps contexts, which can put an exec
	 * in a narrower one (AppArmor attaches profiles to programs, under
	 * NO_NEW_PRIVS too).  Otherwise, task by task: those whose rights
	 * are ours (cred_same()).
	 */
	ip->i_lsm = 1;
	ip->i_cred = cred_text((pid_t)syscall(SYS_gettid), &ip->i_lsm);
	ip->i_samecred = geteuid() != 0 && !cap_has(CAP_DAC_OVERRIDE) &&
	    !cap_has(CAP_DAC_READ_SEARCH) && !ip->i_lsm;
	/* The instance starts in our root: walks start there until a chroot. */
	if ((ip->i_rootfd = open("/", O_PATH | O_CLOEXEC)) != -1 &&
	    fstat(ip->i_rootfd, &st) == 0) {
		ip->i_rootdev = st.st_dev;
		ip->i_rootino = st.st_ino;
	} else
		ip->i_chrooted = 1;
	procmnt_load(ip);
	if (scratch_init(ip) == -1)
		ilog(ip, ILOG_WARN, "no scratch area: memory arguments "
		    "that carry pids will be refused");
	return ip;
}

/* Free an instance whose tasks are all gone. */
void
interpose_free(struct interp *ip)
{
	struct deny	*d;

	if (ip == NULL)
		return;
	while ((d = ip->i_denied) != NULL) {
		ip->i_denied = d->d_next;
		free(d);
	}
	notify_stop(ip);
	free(ip->i_cred);
	free(ip->i_groups);
	vmap_clear(&ip->i_vmap);
	scratch_free(ip);
	if (ip->i_notify != -1)
		close(ip->i_notify);
	if (ip->i_rootfd != -1)
		close(ip->i_rootfd);
	procmnt_free(ip);
	free(ip);
}

/*
 * Check once, before anything else, for the kernel features the engine
 * cannot do without.  Returns NULL if all are there, or the name of the
 * first one missing.
 */
const char *
interpose_probe(void)
{
	int	 fd;

	if ((fd = syscall(SYS_pidfd_open, getpid(), 0)) == -1)
		return "pidfd_open (Linux 5.3)";
	close(fd);
	if (syscall(SYS_memfd_create, "probe", 0) == -1)
		return "memfd_create (Linux 3.17)";
	return NULL;
}

/*
 * Seize the root of the instance, which waits (blocked, not stopped) for
 * the caller's go-ahead.  Returns 0 or -1 with errno set.
 */
int
interpose_seize(struct interp *ip, pid_t pid)
{
	struct proc	*p;
	struct tracee	*t;
	struct vid	*id;
	struct mm	*mm;
	pid_t		 sid;

	if (ptrace(PTRACE_SEIZE, pid, NULL, SEIZE_OPTS) == -1)
		return -1;
	if ((id = vmap_add(&ip->i_vmap, pid)) == NULL)
		return -1;
	if ((p = proc_new(ip, NULL, id)) == NULL)
		return -1;
	p->p_flags |= P_ROOT | P_SUBREAPER;
	/* As filter_install() will see it: a signalfd passed in. */
	if (fd_any_signalfd(pid))
		p->p_flags |= P_RDTRAP;
	/* The caller made it a process group leader. */
	proc_setpgid(ip, p, id);
	if ((sid = getsid(pid)) == pid)
		proc_setsid(ip, p);
	if ((mm = mm_new()) == NULL)
		return -1;
	if ((t = tracee_new(ip, pid, p, mm, id)) == NULL)
		return -1;
	mm_unref(mm);
	t->t_state = TS_RUN;
	t->t_flags |= T_SEEN;
	ip->i_root = p;
	ip->i_rootpid = pid;
	return 0;
}

/*
 * Take the seccomp listener of the instance's filter (the supervisor's
 * own copy) and start the thread that serves it (notify.c): it answers
 * the getters if interpose_filter_install() sent them there, and
 * installs descriptors.  Without a listener there is no scratch area.
 * Returns 0, or -1 with errno set: the instance's getters would then
 * have nobody to answer them, and it must not start.
 */
int
interpose_notify(struct interp *ip, int fd)
{
	if (ip->i_nthread) {
		errno = EBUSY;
		return -1;
	}
	if (ip->i_notify != -1)
		close(ip->i_notify);
	ip->i_notify = fd;
	if (notify_start(ip) == -1)
		return -1;
	ilog(ip, ILOG_INFO, "seccomp listener served by a thread%s",
	    ip->i_syncwake ? " (synchronous wake-up)" : "");
	return 0;
}

/*
 * If the root has entered a group stop since the last call, the signal
 * that stopped it (so that the caller can stop too, for its shell's job
 * control), else 0.
 */
int
interpose_rootstop(struct interp *ip)
{
	int	 sig = ip->i_rootstop;

	ip->i_rootstop = 0;
	return sig;
}

/*
 * Resume task tid with ptrace request req (PTRACE_CONT, PTRACE_SYSCALL)
 * and signal sig.  With the answer thread running, not at once but in
 * notify_unlock(), once i_mu is free: the task woken often takes the
 * CPU from the tracing thread (one CPU is the default placement) and
 * makes a notified call, whose answer would then wait for the lock
 * until the tracing thread ran again; each such turn cost two futex
 * calls and two more context switches.  Until then the task stays
 * stopped, so its tid cannot be reused (this thread alone reaps).
 */
void
tracer_cont(struct interp *ip, pid_t tid, int req, int sig)
{
	tracer_flush(ip);
	if (!ip->i_nthread) {
		(void)ptrace((enum __ptrace_request)req, tid, NULL, sig);
		return;
	}
	ip->i_rtid = tid;
	ip->i_rreq = req;
	ip->i_rsig = sig;
}

/* The resume tracer_cont() left, if any. */
void
tracer_flush(struct interp *ip)
{
	if (ip->i_rtid <= 0)
		return;
	(void)ptrace((enum __ptrace_request)ip->i_rreq, ip->i_rtid, NULL,
	    ip->i_rsig);
	ip->i_rtid = 0;
}

/* Resume a stopped task as the verdict says.  A vanished task is fine. */
void
tracer_resume(struct interp *ip, struct tracee *t, enum verdict v)
{
	switch (v) {
	case V_CONT:
		if (t->t_state == TS_CALL)
			t->t_state = TS_RUN;
		tracer_cont(ip, t->t_tid, PTRACE_CONT, 0);
		break;
	case V_EXIT:
		t->t_state = TS_CALL;
		tracer_cont(ip, t->t_tid, PTRACE_SYSCALL, 0);
		break;
	case V_AGAIN:
		t->t_state = TS_CALL;
		tracer_cont(ip, t->t_tid, PTRACE_CONT, 0);
		break;
	case V_PARK:
		break;
	}
}

/* Kill every task of the instance (the root has gone). */
void
interpose_kill(struct interp *ip, int sig)
{
	struct tracee	*t;

	RB_FOREACH(t, tracee_tree, &ip->i_tracees)
		(void)syscall(SYS_tgkill, t->t_proc != NULL ?
		    t->t_proc->p_pid->v_real : t->t_tid, t->t_tid, sig);
}

/* Send a signal to the root, as instproc forwards SIGTERM and friends. */
int
interpose_signal_root(struct interp *ip, int sig)
{
	if (ip->i_root == NULL || !proc_alive(ip->i_root))
		return 0;
	return syscall(SYS_pidfd_send_signal, ip->i_root->p_pidfd, sig,
	    NULL, 0) == -1 ? -1 : 0;
}

/* A task died: its exit status was reported to us as tracer. */
static void
tracer_died(struct interp *ip, pid_t pid, int status)
{
	struct tracee	*t;
	int		 held;

	if (pid == ip->i_rootpid) {
		ip->i_status = status;
		interpose_kill(ip, SIGKILL);
	}
	if ((t = tracee_find(ip, pid)) != NULL) {
		held = t->t_state == TS_CALL && t->t_call.c_hold[0] != 0;
		tracee_free(ip, t);
		if (held)
			hold_release(ip);
	}
}

/*
 * A PTRACE_EVENT_STOP: first stop of a new task, group stop, listen, or
 * the interrupt of a query taken back (notify.c).
 */
static void
tracer_eventstop(struct interp *ip, struct tracee *t, int sig)
{
	if (!(t->t_flags & T_SEEN)) {
		t->t_flags |= T_SEEN;
		if (t->t_state == TS_BORN)
			proc_first_stop(ip, t);
		/* else TS_NEW: parked until the parent's event. */
		return;
	}
	if (sig == SIGTRAP && t->t_tb == TB_SENT) {
		takeback_arm(ip, t);	/* our PTRACE_INTERRUPT */
		return;
	}
	if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	    sig == SIGTTOU) {
		if (t->t_tid == ip->i_rootpid)
			ip->i_rootstop = sig;
		(void)ptrace(PTRACE_LISTEN, t->t_tid, NULL, 0);
		return;
	}
	tracer_resume(ip, t, V_CONT);
}

/*
 * Handle one stop or death.  Returns 0 while the instance runs, 1 once
 * its root has ended and every task is gone, -1 on error.
 */
int
interpose_step(struct interp *ip)
{
	struct tracee	*t;
	pid_t		 pid;
	int		 st, sig, ev, werr = 0;

	if (ip->i_done)
		return 1;
	notify_unlock(ip);
	/*
	 * A take-back asked since the lock was let go (the task resumed
	 * just now often runs first, on one CPU, and its next call may be
	 * one): its TB_SIGNAL came before wait4, which would then sleep
	 * until the answer thread's 2 ms retry.  What comes between this
	 * test and the wait is left to that retry.
	 */
	if (__atomic_load_n(&ip->i_ntb, __ATOMIC_RELAXED) > 0) {
		pid = -1;
		werr = EINTR;
	} else if ((pid = wait4(-1, &st, __WALL, NULL)) == -1)
		werr = errno;
	notify_lock(ip);
	/* The take-backs' own failures (a task gone) must not leak. */
	takeback_run(ip);
	if (pid == -1) {
		if (werr == EINTR)
			return 0;
		if (werr == ECHILD) {
			ip->i_done = 1;
			return 1;
		}
		errno = werr;
		return -1;
	}
	if (WIFEXITED(st) || WIFSIGNALED(st)) {
		tracer_died(ip, pid, st);
		goto out;
	}
	if (!WIFSTOPPED(st))
		goto out;
	ip->i_stops++;
	sig = WSTOPSIG(st);
	ev = (unsigned int)st >> 16;
	if ((t = tracee_find(ip, pid)) == NULL) {
		/* A child whose parent's event has not arrived yet. */
		if ((t = tracee_new(ip, pid, NULL, NULL, NULL)) == NULL)
			return -1;
		t->t_state = TS_NEW;
		if (ev == PTRACE_EVENT_STOP)
			t->t_flags |= T_SEEN;
		return 0;
	}
	ilog(ip, ILOG_DEBUG, "stop tid %d sig %d event %d", pid, sig, ev);
	t->t_rcnr = -1;
	if (t->t_tb == TB_ARMED)
		takeback_undo(t, sig == SIGTRAP ? ev : -1);
	if (ev == PTRACE_EVENT_STOP) {
		tracer_eventstop(ip, t, sig);
		goto out;
	}
	if (sig == (SIGTRAP | 0x80)) {
		if (t->t_state == TS_INJECT && t->t_inj.fn != NULL)
			inject_stop(ip, t);
		else if (t->t_state == TS_INJECT)
			scratch_inject_exit(ip, t);
		else if (t->t_flags & T_FORKRET) {
			/*
			 * The exit of the clone whose event stop this follows:
			 * nothing fails after that event, the result is the
			 * child's real pid.
			 */
			t->t_flags &= ~T_FORKRET;
			(void)regs_set(t, R_RET, (uint64_t)t->t_newchild);
			t->t_state = TS_RUN;
			if (!tidaddr_vforked(ip, t, NULL, t->t_newchild))
				tracer_resume(ip, t, V_CONT);
		} else if (t->t_state == TS_CALL)
			syscall_exit(ip, t);
		else
			tracer_resume(ip, t, V_CONT);
		goto out;
	}
	if (sig == SIGTRAP && ev != 0) {
		switch (ev) {
		case PTRACE_EVENT_SECCOMP:
			if ((!t->t_inj.pending && t->t_injstack == NULL &&
			    !(t->t_state == TS_CALL && t->t_call.c_fan >= 0)) ||
			    inject_seccomp(ip, t) != 1)
				syscall_enter(ip, t);
			break;
		case PTRACE_EVENT_FORK:
		case PTRACE_EVENT_VFORK:
		case PTRACE_EVENT_CLONE:
			proc_event_fork(ip, t, ev);
			break;
		case PTRACE_EVENT_EXEC:
			proc_event_exec(ip, t);
			break;
		case PTRACE_EVENT_EXIT:
			robust_exit(ip, t);
			hold_exit(ip, t);
			break;
		default:
			tracer_resume(ip, t, V_CONT);
			break;
		}
		goto out;
	}
	signal_delivery(ip, t, sig);
 out:
	if (ip->i_status != -1 && ip->i_ntasks == 0)
		ip->i_done = 1;
	return ip->i_done;
}

/* The root's wait status, once interpose_step() returned 1. */
int
interpose_status(const struct interp *ip)
{
	return ip->i_status;
}

pid_t
interpose_root(const struct interp *ip)
{
	return ip->i_rootpid;
}

size_t
interpose_ntasks(const struct interp *ip)
{
	return ip->i_ntasks;
}

/* How many ptrace stops the instance has cost so far. */
unsigned long long
interpose_nstops(const struct interp *ip)
{
	return ip->i_stops;
}

/* Path queries the answer thread gave back to a ptrace stop. */
unsigned long long
interpose_ntakebacks(const struct interp *ip)
{
	return __atomic_load_n(&ip->i_ntbs, __ATOMIC_RELAXED);
}

/* User notifications answered (getters), once interpose_step() returned 1. */
unsigned long long
interpose_nnotifs(const struct interp *ip)
{
	return __atomic_load_n(&ip->i_nnotif, __ATOMIC_RELAXED);
}
