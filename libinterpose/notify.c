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
#include <sys/queue.h>
#include <sys/tree.h>
#include <sys/types.h>

#include <linux/seccomp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "interpose.h"
#include "extern.h"

/*
 * The answer thread.  The rows of handlers[] with an answer function
 * (the getters: getpid, getppid, ...) need no register, no memory and
 * no exit stop, only a value from the process model.  The notify filter
 * sends them to the seccomp listener (SECCOMP_RET_USER_NOTIF outranks
 * the guard's SECCOMP_RET_TRACE), and this thread answers them: a task
 * woken by SECCOMP_IOCTL_NOTIF_SEND costs about half a ptrace stop,
 * which wakes the tracer and is resumed by another call.
 *
 * One lock, i_mu, guards the whole engine: the tracing thread holds it
 * at all times but inside wait4, so this thread answers only between
 * two stops, from a model that no handler is halfway through changing.
 * The answer functions only read the model.
 *
 * The listener also serves the tracing thread's getppid(MAGIC0, MAGIC1)
 * that installs a descriptor (notify_addfd()): the request is left with
 * the task and the thread, the listener's only reader, does the
 * SECCOMP_IOCTL_NOTIF_ADDFD when the notification comes.
 *
 * A notification names the task by its tid in our PID namespace.  The
 * task is blocked in the call until answered; if it dies, or a signal
 * takes it out of its wait, the kernel drops the notification and the
 * answer, which goes by the notification's id, fails with ENOENT.  A
 * notification read before the lock was ours may be such a one: the
 * answer functions only read the model, and a stale hand-over keeps its
 * request (see notify_serve()).
 */

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS	SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP	(1UL << 0)
#endif

/* Answer one notification.  Called with i_mu held. */
static void
notify_serve(struct interp *ip, const struct seccomp_notif *req,
    struct seccomp_notif_resp *resp)
{
	struct seccomp_notif_addfd	 add;
	const struct pers		*p;
	struct tracee			*t;
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
	    (t = tracee_find(ip, (pid_t)req->pid)) != NULL &&
	    t->t_afd != -1 && req->data.nr == t->t_afdnr) {
		/*
		 * The descriptor the tracing thread left for t, installed
		 * as the call's result.  ENOENT: a signal took t out of its
		 * wait first.  The call's result at its exit stop says so
		 * and the step is made again, maybe already: this
		 * notification was read before the lock was ours, and the
		 * request may be the next step's, so it stays.
		 */
		memset(&add, 0, sizeof(add));
		add.id = req->id;
		add.flags = SECCOMP_ADDFD_FLAG_SEND;
		add.srcfd = (uint32_t)t->t_afd;
		add.newfd_flags = (uint32_t)t->t_afdflags;
		if (ioctl(ip->i_notify, SECCOMP_IOCTL_NOTIF_ADDFD, &add) >= 0) {
			notify_addfd_drop(t);
			return;
		}
		if (errno == ENOENT)
			return;
		/*
		 * Not installed (EMFILE: the task has no descriptor free):
		 * the notification still waits for an answer, the error.
		 */
		resp->error = -errno;
		(void)seccomp_notify_respond(ip->i_notify, resp);
		notify_addfd_drop(t);
		return;
	}
	if (sn == SN__MAX || handlers[sn].answer == NULL ||
	    (req->data.args[0] == MAGIC0 && req->data.args[1] == MAGIC1) ||
	    (t = tracee_find(ip, (pid_t)req->pid)) == NULL ||
	    t->t_proc == NULL || t->t_id == NULL) {
		/* Forged magic, or a task we do not know: ENOSYS. */
		(void)seccomp_notify_respond(ip->i_notify, resp);
		return;
	}
	ip->i_nnotif++;
	for (i = 0; i < 6; i++)
		args[i] = req->data.args[i];
	v = handlers[sn].answer(ip, t, args);
	if (v < 0 && v >= -4095) {
		resp->error = (int32_t)v;
		resp->val = 0;
	} else {
		resp->error = 0;
		resp->val = v;
	}
	/* ENOENT: the task died meanwhile; nobody waits for this answer. */
	(void)seccomp_notify_respond(ip->i_notify, resp);
}

static void *
notify_main(void *arg)
{
	struct interp			*ip = arg;
	struct seccomp_notif		*req = NULL;
	struct seccomp_notif_resp	*resp = NULL;
	struct pollfd			 pfd[2];

	if (seccomp_notify_alloc(&req, &resp) != 0)
		return NULL;
	pfd[0].fd = ip->i_notify;
	pfd[0].events = POLLIN;
	pfd[1].fd = ip->i_nstop[0];
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents != 0)
			break;
		if (pfd[0].revents & POLLIN) {
			memset(req, 0, sizeof(*req));
			/* ENOENT: the caller went away before we got it. */
			if (ioctl(ip->i_notify, SECCOMP_IOCTL_NOTIF_RECV,
			    req) == -1)
				continue;
			(void)pthread_mutex_lock(&ip->i_mu);
			notify_serve(ip, req, resp);
			(void)pthread_mutex_unlock(&ip->i_mu);
		} else if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;	/* no task has the filter any more */
	}
	seccomp_notify_free(req, resp);
	return NULL;
}

/*
 * Start the answer thread on the listener ip->i_notify.  The caller
 * (the tracing thread) holds i_mu from now on, but inside wait4.
 * Returns 0 or -1 with errno set.
 */
int
notify_start(struct interp *ip)
{
	sigset_t	 all, old;
	unsigned long	 fl = SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP;
	int		 rc;

	if (ip->i_nthread)
		return 0;
	if (pipe2(ip->i_nstop, O_CLOEXEC) == -1)
		return -1;
	(void)pthread_mutex_init(&ip->i_mu, NULL);
	/*
	 * The woken task should run on our CPU at once (Linux 6.6): the
	 * answer is a hand-off.  Older kernels answer EINVAL; no matter.
	 */
	ip->i_syncwake = ioctl(ip->i_notify, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
	    fl) == 0;
	/* Every signal stays with the caller's thread. */
	(void)sigfillset(&all);
	(void)pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&ip->i_nthr, NULL, notify_main, ip);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		close(ip->i_nstop[0]);
		close(ip->i_nstop[1]);
		(void)pthread_mutex_destroy(&ip->i_mu);
		errno = rc;
		return -1;
	}
	(void)pthread_mutex_lock(&ip->i_mu);
	ip->i_nthread = 1;
	return 0;
}

/* Stop the answer thread, if any.  Called with i_mu held. */
void
notify_stop(struct interp *ip)
{
	if (!ip->i_nthread)
		return;
	(void)write(ip->i_nstop[1], "x", 1);
	(void)pthread_mutex_unlock(&ip->i_mu);
	(void)pthread_join(ip->i_nthr, NULL);
	close(ip->i_nstop[0]);
	close(ip->i_nstop[1]);
	(void)pthread_mutex_destroy(&ip->i_mu);
	ip->i_nthread = 0;
}

/* Around a blocking wait of the tracing thread: let answers through. */
void
notify_unlock(struct interp *ip)
{
	if (ip->i_nthread)
		(void)pthread_mutex_unlock(&ip->i_mu);
}

void
notify_lock(struct interp *ip)
{
	if (ip->i_nthread)
		(void)pthread_mutex_lock(&ip->i_mu);
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
