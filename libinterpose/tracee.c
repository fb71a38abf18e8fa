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

#include <sys/queue.h>
#include <sys/syscall.h>
#include <sys/tree.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "interpose.h"
#include "extern.h"

/*
 * Tasks and processes of an instance.  The process model (parent,
 * process group, session, subreaper) is what a PID namespace's kernel
 * would keep; it is updated only from stops the supervisor sees, so that
 * the answers it gives are the kernel's own, in virtual ids.
 */

int
tracee_cmp(const struct tracee *a, const struct tracee *b)
{
	return a->t_tid < b->t_tid ? -1 : a->t_tid > b->t_tid;
}

RB_GENERATE(tracee_tree, tracee, t_entry, tracee_cmp)

/* The task with real tid, or NULL. */
struct tracee *
tracee_find(struct interp *ip, pid_t tid)
{
	struct tracee	 key;

	key.t_tid = tid;
	return RB_FIND(tracee_tree, &ip->i_tracees, &key);
}

/*
 * Add a task.  It takes a reference on id (the caller's) and on mm, and
 * counts in proc.
 * Returns NULL on memory exhaustion.
 */
struct tracee *
tracee_new(struct interp *ip, pid_t tid, struct proc *p, struct mm *mm,
    struct vid *id)
{
	struct tracee	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->t_tid = tid;
	t->t_id = id;
	t->t_proc = p;
	t->t_mm = mm;
	if (mm != NULL)
		mm->m_refs++;
	t->t_call.c_sbuf.off = SIZE_MAX;
	t->t_call.c_obuf.off = SIZE_MAX;
	t->t_afd = -1;
	t->t_rcnr = -1;
	if (p != NULL)
		p->p_threads++;
	RB_INSERT(tracee_tree, &ip->i_tracees, t);
	ip->i_ntasks++;
	return t;
}

/*
 * Forget a task that died.  Its tid is released now unless it is the
 * process's pid, which lives until the zombie is reaped.
 */
void
tracee_free(struct interp *ip, struct tracee *t)
{
	RB_REMOVE(tracee_tree, &ip->i_tracees, t);
	ip->i_ntasks--;
	if (t->t_state == TS_PARKED)
		TAILQ_REMOVE(&ip->i_parked, t, t_wait);
	scratch_forget(ip, t);
	notify_addfd_drop(t);
	takeback_drop(ip, t);
	if (t->t_flags & T_HELD)
		ip->i_nheld--;
	scratch_release(ip, &t->t_call);
	inject_free(ip, t);
	inject_gone(t);
	if (t->t_mm != NULL)
		mm_unref(t->t_mm);
	if (t->t_proc != NULL) {
		t->t_proc->p_threads--;
		if (t->t_id != t->t_proc->p_pid)
			vmap_unref(&ip->i_vmap, t->t_id);
		if (t->t_proc->p_threads == 0)
			proc_dead(ip, t->t_proc);
	} else
		vmap_unref(&ip->i_vmap, t->t_id);
	free(t);
}

/*
 * A new process, child of parent (NULL for the root), whose pid entry is
 * id (a reference is taken).  It inherits the parent's process group and
 * session.
 */
struct proc *
proc_new(struct interp *ip, struct proc *parent, struct vid *id)
{
	struct proc	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	TAILQ_INIT(&p->p_children);
	p->p_pid = id;
	vmap_ref(id);
	p->p_pidfd = syscall(SYS_pidfd_open, id->v_real, 0);
	p->p_parent = parent;
	if (parent != NULL) {
		TAILQ_INSERT_TAIL(&parent->p_children, p, p_sibling);
		if ((p->p_pgid = parent->p_pgid) != NULL)
			vmap_ref(p->p_pgid);
		if ((p->p_sid = parent->p_sid) != NULL)
			vmap_ref(p->p_sid);
	}
	TAILQ_INSERT_TAIL(&ip->i_procs, p, p_entry);
	return p;
}

/* Move p into process group g (NULL: outside). */
void
proc_setpgid(struct interp *ip, struct proc *p, struct vid *g)
{
	if (g != NULL)
		vmap_ref(g);
	vmap_unref(&ip->i_vmap, p->p_pgid);
	p->p_pgid = g;
}

/* p became a session and process group leader. */
void
proc_setsid(struct interp *ip, struct proc *p)
{
	proc_setpgid(ip, p, p->p_pid);
	vmap_ref(p->p_pid);
	vmap_unref(&ip->i_vmap, p->p_sid);
	p->p_sid = p->p_pid;
}

/*
 * The nearest living subreaper above p, as the kernel's
 * find_new_reaper(); the root is always one.
 */
static struct proc *
proc_reaper(struct interp *ip, struct proc *p)
{
	struct proc	*a;

	for (a = p->p_parent; a != NULL; a = a->p_parent)
		if ((a->p_flags & (P_SUBREAPER | P_DEAD)) == P_SUBREAPER)
			return a;
	return ip->i_root != NULL && !(ip->i_root->p_flags & P_DEAD) ?
	    ip->i_root : NULL;
}

/* Is a thread of process p inside a wait call? */
static int
proc_waiting(struct interp *ip, struct proc *p)
{
	struct tracee	*t;
	int		 sn;

	RB_FOREACH(t, tracee_tree, &ip->i_tracees) {
		if (t->t_proc != p || t->t_state != TS_CALL)
			continue;
		sn = t->t_call.c_sn;
		if (sn == SN_wait4 || sn == SN_waitid || sn == SN_waitpid)
			return 1;
	}
	return 0;
}

/*
 * Every task of p is gone: p is a zombie.  Its children move to the
 * reaper.  If the kernel already reaped it, its pid may be reused from
 * now on, so it must not be used again.  That happens at once when its
 * parent does not wait for children (autoreap), or as soon as our own
 * wait handed it to a parent blocked in wait: then the entry stays, with
 * the pid unusable (v_gone), until that wait's exit stop translates its
 * result.  The pidfd, unlike the number, still names this process, so a
 * reused pid cannot make it look alive.
 */
void
proc_dead(struct interp *ip, struct proc *p)
{
	struct proc	*c, *r;

	p->p_flags |= P_DEAD;
	r = proc_reaper(ip, p);
	while ((c = TAILQ_FIRST(&p->p_children)) != NULL) {
		TAILQ_REMOVE(&p->p_children, c, p_sibling);
		c->p_parent = r;
		if (r != NULL)
			TAILQ_INSERT_TAIL(&r->p_children, c, p_sibling);
	}
	if (p->p_parent != NULL && p->p_pidfd != -1 &&
	    (syscall(SYS_pidfd_send_signal, p->p_pidfd, 0, NULL, 0) == 0 ||
	    errno != ESRCH))
		return;		/* a zombie, until its parent's wait */
	if (p->p_parent != NULL && proc_waiting(ip, p->p_parent)) {
		p->p_flags |= P_GONE;
		p->p_pid->v_gone = 1;
		return;
	}
	proc_reaped(ip, p);
}

/* A wait of p ended: children reaped meanwhile leave the table. */
void
proc_waited(struct interp *ip, struct proc *p)
{
	struct proc	*c, *n;

	for (c = TAILQ_FIRST(&p->p_children); c != NULL; c = n) {
		n = TAILQ_NEXT(c, p_sibling);
		if (c->p_flags & P_GONE)
			proc_reaped(ip, c);
	}
}

/* A new task has real id r: an entry left for a reaped pid r goes. */
void
proc_drop_real(struct interp *ip, pid_t r)
{
	struct vid	*v;
	struct proc	*p;

	if ((v = vmap_real(&ip->i_vmap, r)) == NULL || !v->v_gone)
		return;
	TAILQ_FOREACH(p, &ip->i_procs, p_entry)
		if (p->p_pid == v) {
			proc_reaped(ip, p);
			return;
		}
}

/*
 * The zombie p was reaped: its pid can be reused by the kernel from now
 * on, so it leaves the table (unless it still names a group or session).
 */
void
proc_reaped(struct interp *ip, struct proc *p)
{
	struct proc	*c;

	if (!(p->p_flags & P_DEAD) || p->p_threads > 0)
		return;
	if (p->p_parent != NULL)
		TAILQ_REMOVE(&p->p_parent->p_children, p, p_sibling);
	while ((c = TAILQ_FIRST(&p->p_children)) != NULL) {
		TAILQ_REMOVE(&p->p_children, c, p_sibling);
		c->p_parent = NULL;
	}
	TAILQ_REMOVE(&ip->i_procs, p, p_entry);
	if (ip->i_root == p)
		ip->i_root = NULL;
	vmap_unref(&ip->i_vmap, p->p_pgid);
	vmap_unref(&ip->i_vmap, p->p_sid);
	vmap_unref(&ip->i_vmap, p->p_pid);	/* proc_new's */
	vmap_unref(&ip->i_vmap, p->p_pid);	/* the leader task's */
	if (p->p_pidfd != -1)
		close(p->p_pidfd);
	free(p);
}

/* The living or zombie process with virtual pid v, or NULL. */
struct proc *
proc_byvpid(struct interp *ip, pid_t v)
{
	struct vid	*id;
	struct tracee	*t;
	struct proc	*p;

	if ((id = vmap_virt(&ip->i_vmap, v)) == NULL)
		return NULL;
	if ((t = tracee_find(ip, id->v_real)) != NULL)
		return t->t_proc != NULL && t->t_proc->p_pid == id ?
		    t->t_proc : NULL;
	TAILQ_FOREACH(p, &ip->i_procs, p_entry)
		if (p->p_pid == id)
			return p;
	return NULL;
}

int
proc_alive(const struct proc *p)
{
	return !(p->p_flags & P_DEAD);
}

/*
 * What descriptor fd of task tid (AT_FDCWD: its working directory) names,
 * as /proc/TID/fd/N shows it, NUL-terminated and cut at len - 1 bytes.
 * Returns its length, or -1.
 */
ssize_t
task_fdlink(pid_t tid, int fd, char *buf, size_t len)
{
	char	 p[64];
	ssize_t	 n;

	if (fd == AT_FDCWD)
		(void)snprintf(p, sizeof(p), "/proc/%d/cwd", (int)tid);
	else
		(void)snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)tid, fd);
	if ((n = readlink(p, buf, len - 1)) == -1)
		return -1;
	buf[n] = '\0';
	return n;
}
