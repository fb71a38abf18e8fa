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
#include <sys/socket.h>
#include <sys/tree.h>
#include <sys/types.h>

#include <linux/seccomp.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interpose.h"
#include "extern.h"

/*
 * signalfd.  A read of a signalfd returns signalfd_siginfo records whose
 * ssi_pid the kernel filled with the sender's real pid.  Reads are far
 * too common to trap everywhere, so a process is given a second filter,
 * the read filter (filter_rdtrap()), which traps read, readv and preadv2
 * (pread and preadv of a signalfd fail with ESPIPE; splice, sendfile and
 * copy_file_range with EINVAL), just before it makes a signalfd or may
 * acquire one (pidfd_getfd; SCM_RIGHTS, checked at recvmsg's exit).  The
 * filter is injected with TSYNC, so every thread has it; children and
 * exec'd images inherit it.  A read of a descriptor that is not a
 * signalfd then costs one stop; one of a signalfd is redirected into the
 * output area and copied out translated.
 *
 * Installing a filter needs NO_NEW_PRIVS or CAP_SYS_ADMIN: a root
 * instance's process that dropped its privileges without setting
 * NO_NEW_PRIVS cannot be given one, and its signalfd calls fail with
 * ENOSYS (logged with -v).
 */

#define SSI_SIZE	128	/* sizeof(struct signalfd_siginfo) */
#define SSI_MAX		(32 * SSI_SIZE)	/* per read, in the output area */
#define IOV_MAX_READ	64

static const char	sigfd_link[] = "anon_inode:[signalfd]";

static void	rdtrap_done(struct interp *, struct tracee *, int64_t);

/* Inject the read filter, in t's ABI, at the given kind of stop. */
static int
rdtrap_inject(struct interp *ip, struct tracee *t, enum injmode mode)
{
	uint64_t	 a[6] = { SECCOMP_SET_MODE_FILTER,
			    SECCOMP_FILTER_FLAG_TSYNC, 0, 0, 0, 0 };

	a[2] = ip->i_scr->s_rdprog[t->t_call.c_pers->p_compat ? 1 : 0];
	return inject_call(t, SN_seccomp, a, mode, rdtrap_done);
}

static void
rdtrap_done(struct interp *ip, struct tracee *t, int64_t ret)
{
	if (ret == 0)
		t->t_proc->p_flags |= P_RDTRAP;
	else {
		t->t_proc->p_flags |= P_RDFAIL;
		ilog(ip, ILOG_DEBUG, "tid %d: read filter: %s", t->t_tid,
		    ret < 0 ? strerror((int)-ret) : "a thread diverged");
	}
}

/*
 * Give t's process the read filter before call c runs.  Returns 0 if it
 * has it, 1 if the injection started (the handler returns *v, V_PARK),
 * -1 if it cannot have it (*v is the refusal).
 */
static int
rdtrap_ensure(struct interp *ip, struct tracee *t, struct call *c,
    enum verdict *v)
{
	if (t->t_proc->p_flags & P_RDTRAP)
		return 0;
	if ((t->t_proc->p_flags & P_RDFAIL) || ip->i_scr == NULL ||
	    ip->i_scr->s_rdprog[0] == 0 || !can_filter(t->t_tid)) {
		*v = call_deny(ip, t, c, ENOSYS,
		    "reads of a signalfd could not be trapped");
		return -1;
	}
	if (need_scratch(ip, t, c, 0, v, "signalfd without scratch"))
		return 1;
	if (rdtrap_inject(ip, t, INJ_ENTRY) == -1) {
		*v = call_deny(ip, t, c, ENOSYS, "cannot inject the read filter");
		return -1;
	}
	*v = V_PARK;
	return 1;
}

/* signalfd, signalfd4 and pidfd_getfd: the read filter first. */
enum verdict
h_signalfd(struct interp *ip, struct tracee *t, struct call *c)
{
	enum verdict	 v;

	if (rdtrap_ensure(ip, t, c, &v) != 0)
		return v;
	return V_CONT;
}

/* Is descriptor fd of task tid a signalfd? */
int
fd_is_signalfd(pid_t tid, int fd)
{
	char	 link[sizeof(sigfd_link) + 1];

	return task_fdlink(tid, fd, link, sizeof(link)) ==
	    (ssize_t)sizeof(sigfd_link) - 1 && strcmp(link, sigfd_link) == 0;
}

/*
 * Can task tid be given a filter: has it NO_NEW_PRIVS, or CAP_SYS_ADMIN
 * in its effective set?
 */
int
can_filter(pid_t tid)
{
	char			 path[64], line[256];
	unsigned long long	 cap;
	int			 nnp = 0, admin = 0;
	FILE			*f;

	(void)snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "NoNewPrivs:", 11) == 0)
			nnp = atoi(line + 11) == 1;
		else if (sscanf(line, "CapEff: %llx", &cap) == 1)
			admin = (cap >> 21) & 1;	/* CAP_SYS_ADMIN */
	}
	fclose(f);
	return nnp || admin;
}

/* Has process pid a signalfd among its descriptors? */
int
fd_any_signalfd(pid_t pid)
{
	char		 path[64];
	struct dirent	*e;
	DIR		*d;
	int		 found = 0;

	(void)snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	if ((d = opendir(path)) == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			found = fd_is_signalfd(pid, atoi(e->d_name));
	closedir(d);
	return found;
}

#ifndef SCM_PIDFD
#define SCM_PIDFD	0x04
#endif

/* What a received descriptor is, for rights_check(). */
#define FDK_OTHER	0
#define FDK_SIGNALFD	1
#define FDK_OUTSIDE	2	/* a pidfd or /proc/PID of a process outside */

/*
 * Descriptor fd of task tid, received in SCM_RIGHTS: a signalfd, a
 * handle on a process outside the instance (a pidfd, or a /proc/PID
 * directory, which pidfd_send_signal takes as one: sent in from
 * outside, either would reach that process), or anything else.  A
 * pidfd of a process that has exited names nobody.  One readlink; a
 * pidfd costs a read of its fdinfo.
 */
static int
fd_kind(struct interp *ip, pid_t tid, int fd)
{
	char		 l[64], line[128], *end;
	struct vid	*id;
	FILE		*f;
	long		 r = -2;

	if (task_fdlink(tid, fd, l, sizeof(l)) <= 0)
		return FDK_OTHER;
	if (strcmp(l, sigfd_link) == 0)
		return FDK_SIGNALFD;
	if (strcmp(l, "anon_inode:[pidfd]") == 0) {
		(void)snprintf(line, sizeof(line), "/proc/%d/fdinfo/%d",
		    (int)tid, fd);
		if ((f = fopen(line, "re")) == NULL)
			return FDK_OUTSIDE;	/* fail closed */
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "Pid: %ld", &r) == 1)
				break;
		fclose(f);
		if (r == -1)
			return FDK_OTHER;
	} else if (strncmp(l, "/proc/", 6) == 0 &&
	    l[6] >= '0' && l[6] <= '9') {
		r = strtol(l + 6, &end, 10);
		if (*end != '\0')
			return FDK_OTHER;
	} else
		return FDK_OTHER;
	if (r > 0 && (id = vmap_real(&ip->i_vmap, (pid_t)r)) != NULL &&
	    !id->v_gone)
		return FDK_OTHER;
	return FDK_OUTSIDE;
}

/*
 * Rebuild the control data ctl (*len bytes) without its SCM_PIDFD
 * messages and without the SCM_RIGHTS descriptors of the kinds in mask
 * (1 << FDK_*), setting MSG_CTRUNC in *flags as the kernel does for
 * descriptors it could not install.  What was taken out goes to drop[]
 * (*ndrop; DROP_MAX, as many as a message can carry).
 * With counts non-NULL, only count: counts[FDK_*] per kind, counts[3]
 * SCM_PIDFD messages, and leave ctl alone.
 */
static void
rights_scan(struct interp *ip, pid_t tid, uint8_t *ctl, size_t *len,
    int *flags, int mask, int *drop, int *ndrop, int *counts)
{
	uint8_t		 out[4096];
	struct cmsghdr	 h;
	size_t		 off, o = 0, i, n, k;
	int		 fd, fds[256], kind;

	if (counts == NULL && *len > sizeof(out))
		return;
	for (off = 0; off + sizeof(h) <= *len; off += CMSG_ALIGN(h.cmsg_len)) {
		memcpy(&h, ctl + off, sizeof(h));
		if (h.cmsg_len < sizeof(h) || off + h.cmsg_len > *len)
			break;
		if (h.cmsg_level == SOL_SOCKET && h.cmsg_type == SCM_PIDFD) {
			if (counts != NULL) {
				counts[3]++;
				continue;
			}
			if (h.cmsg_len >= CMSG_LEN(sizeof(fd))) {
				memcpy(&fd, ctl + off + CMSG_LEN(0),
				    sizeof(fd));
				if (fd >= 0 && *ndrop < DROP_MAX)
					drop[(*ndrop)++] = fd;
			}
			continue;
		}
		if (h.cmsg_level != SOL_SOCKET || h.cmsg_type != SCM_RIGHTS) {
			if (counts != NULL)
				continue;
			k = CMSG_ALIGN(h.cmsg_len) <= *len - off ?
			    CMSG_ALIGN(h.cmsg_len) : h.cmsg_len;
			memcpy(out + o, ctl + off, k);
			o += k;
			continue;
		}
		n = (h.cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = k = 0; i < n && i < 256; i++) {
			memcpy(&fd, ctl + off + CMSG_LEN(0) + i * sizeof(int),
			    sizeof(fd));
			kind = fd_kind(ip, tid, fd);
			if (counts != NULL)
				counts[kind]++;
			else if ((mask & (1 << kind)) && *ndrop < DROP_MAX)
				drop[(*ndrop)++] = fd;
			else
				fds[k++] = fd;
		}
		if (counts != NULL)
			continue;
		if (k < n)
			*flags |= MSG_CTRUNC;
		if (k > 0) {
			h.cmsg_len = CMSG_LEN(k * sizeof(int));
			memcpy(out + o, &h, sizeof(h));
			memcpy(out + o + CMSG_LEN(0), fds, k * sizeof(int));
			o += CMSG_SPACE(k * sizeof(int));
		}
	}
	if (counts != NULL)
		return;
	memcpy(ctl, out, o);
	*len = o;
}

/*
 * recvmsg's exit, before the control data (ctl, *len bytes) is copied
 * out.  A handle on a process outside the instance must not arrive: an
 * SCM_PIDFD (SO_PASSPIDFD is refused, but a socket passed in from
 * outside may have it set), or a pidfd or /proc/PID directory of an
 * outside process in SCM_RIGHTS; these are taken out of the message
 * into drop[] (*ndrop), for the caller to close.  And did a signalfd
 * arrive in a process without the read filter?  Returns RIGHTS_FILTER if
 * the process can be given it (the caller injects it with
 * rdtrap_rights(); only when nothing is to be closed), RIGHTS_DROP if
 * descriptors are to be closed (signalfds too, if the filter cannot be
 * given), otherwise RIGHTS_NONE.  Each descriptor costs a readlink.
 */
int
rights_check(struct interp *ip, struct tracee *t, uint8_t *ctl, size_t *len,
    int *flags, int *drop, int *ndrop)
{
	int	 counts[4] = { 0, 0, 0, 0 }, mask = 0;

	*ndrop = 0;
	rights_scan(ip, t->t_tid, ctl, len, flags, 0, NULL, NULL, counts);
	if (counts[FDK_SIGNALFD] > 0 && !(t->t_proc->p_flags & P_RDTRAP)) {
		if (counts[FDK_OUTSIDE] == 0 && counts[3] == 0 &&
		    !(t->t_proc->p_flags & P_RDFAIL) && ip->i_scr != NULL &&
		    ip->i_scr->s_rdprog[0] != 0 && can_filter(t->t_tid))
			return RIGHTS_FILTER;
		mask |= 1 << FDK_SIGNALFD;
	}
	if (counts[FDK_OUTSIDE] > 0)
		mask |= 1 << FDK_OUTSIDE;
	if (mask == 0 && counts[3] == 0)
		return RIGHTS_NONE;
	rights_scan(ip, t->t_tid, ctl, len, flags, mask, drop, ndrop, NULL);
	return *ndrop > 0 ? RIGHTS_DROP : RIGHTS_NONE;
}

/* Inject the read filter at recvmsg's exit.  Returns 0 or -1. */
int
rdtrap_rights(struct interp *ip, struct tracee *t, struct call *c)
{
	call_restore(t, c);
	return rdtrap_inject(ip, t, INJ_EXIT);
}

/* close_range(fd, fd, CLOSE_MAGIC): the instance gets the kernel's EINVAL. */
enum verdict
h_close_range(struct interp *ip, struct tracee *t, struct call *c)
{
	(void)ip;
	(void)t;
	(void)c;
	return V_CONT;
}

/* The iovec array of readv/preadv2, as (base, len) pairs.  -1: fault. */
static int
iov_fetch(struct tracee *t, struct call *c, uint64_t (*v)[2], size_t *n)
{
	uint64_t	 w[2 * IOV_MAX_READ];
	uint32_t	 w32[2 * IOV_MAX_READ];
	size_t		 i, cnt = (size_t)c->c_arg[2];

	if (cnt > IOV_MAX_READ)
		cnt = IOV_MAX_READ;
	if (c->c_pers->p_compat) {
		if (mem_read(t->t_tid, c->c_arg[1], w32, cnt * 8) == -1)
			return -1;
		for (i = 0; i < cnt; i++) {
			v[i][0] = w32[2 * i];
			v[i][1] = w32[2 * i + 1];
		}
	} else {
		if (mem_read(t->t_tid, c->c_arg[1], w, cnt * 16) == -1)
			return -1;
		for (i = 0; i < cnt; i++) {
			v[i][0] = w[2 * i];
			v[i][1] = w[2 * i + 1];
		}
	}
	*n = cnt;
	return 0;
}

/*
 * read, readv, preadv2 in a process with the read filter.  Of a
 * signalfd: read at most SSI_MAX bytes (whole records) into the output
 * area instead, as read(2) (readv's vector is filled at the exit, in
 * order; preadv2 at offset -1 is readv, at any other offset it fails
 * with ESPIPE untouched).  Anything else runs as it is.
 */
enum verdict
h_rdtrap(struct interp *ip, struct tracee *t, struct call *c)
{
	uint64_t	 iov[IOV_MAX_READ][2], total = 0, cap, a;
	size_t		 n, i;
	enum verdict	 v;

	if (!fd_is_signalfd(t->t_tid, (int)c->c_arg[0]))
		return V_CONT;
	if (c->c_sn == SN_read)
		total = c->c_arg[2];
	else {
		if (c->c_sn == SN_preadv2 && (c->c_pers->p_compat ?
		    (uint32_t)c->c_arg[3] != UINT32_MAX ||
		    (uint32_t)c->c_arg[4] != UINT32_MAX :
		    c->c_arg[3] != UINT64_MAX))
			return V_CONT;
		if (iov_fetch(t, c, iov, &n) == -1)
			return call_return(t, c, -EFAULT);
		for (i = 0; i < n; i++)
			total += iov[i][1];
	}
	if (total < SSI_SIZE)
		return V_CONT;		/* EINVAL */
	cap = total > SSI_MAX ? SSI_MAX : total - total % SSI_SIZE;
	if (need_scratch(ip, t, c, 1, &v, "signalfd read without scratch"))
		return v;
	if ((a = scratch_out(ip, t, c, (size_t)cap)) == 0)
		return call_deny(ip, t, c, EAGAIN, "scratch full");
	if (c->c_sn != SN_read &&
	    regs_set(t, R_NR, (uint64_t)c->c_pers->p_nr[SN_read]) == -1)
		return V_CONT;
	c->c_aux[4] = (int64_t)a;
	if (call_setarg(t, c, 1, a) == -1 || call_setarg(t, c, 2, cap) == -1)
		return V_CONT;
	return V_EXIT;
}

/*
 * The records, translated, go where the instance asked.  The sender may
 * have been reaped since it sent (a SIGCHLD's child always may): its pid
 * is looked up among the recently freed too, as the kernel recorded the
 * number when the signal was sent.
 */
enum verdict
h_rdtrap_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	uint8_t		 buf[SSI_MAX];
	uint64_t	 iov[IOV_MAX_READ][2];
	size_t		 len, off, n, i, k;
	uint32_t	 signo, pid, v;
	int32_t		 code;

	if (c->c_ret <= 0 || c->c_aux[4] == 0)
		return V_CONT;
	len = (size_t)c->c_ret;
	if (len > sizeof(buf) ||
	    mem_read(t->t_tid, (uint64_t)c->c_aux[4], buf, len) == -1)
		goto fault;
	for (off = 0; off + SSI_SIZE <= len; off += SSI_SIZE) {
		memcpy(&signo, buf + off, sizeof(signo));
		memcpy(&code, buf + off + 8, sizeof(code));
		memcpy(&pid, buf + off + 12, sizeof(pid));
		if (!siginfo_haspid((int)signo, code) || pid == 0)
			continue;
		v = (uint32_t)pid_out(ip, (pid_t)pid);
		if (v == 0)
			v = (uint32_t)vmap_r2v_hist(&ip->i_vmap, (pid_t)pid);
		memcpy(buf + off + 12, &v, sizeof(v));
	}
	if (c->c_sn == SN_read) {
		if (mem_write(t->t_tid, c->c_arg[1], buf, len) == -1)
			goto fault;
		return V_CONT;
	}
	if (iov_fetch(t, c, iov, &n) == -1)
		goto fault;
	for (i = 0, off = 0; i < n && off < len; i++) {
		k = iov[i][1] < len - off ? (size_t)iov[i][1] : len - off;
		if (k > 0 && mem_write(t->t_tid, iov[i][0], buf + off, k) ==
		    -1)
			goto fault;
		off += k;
	}
	return V_CONT;
 fault:
	(void)regs_set(t, R_RET, (uint64_t)-EFAULT);
	return V_CONT;
}
