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

#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/tree.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "interpose.h"
#include "extern.h"

/*
 * /proc, first part: the instance sees its own processes there, by
 * virtual pid.
 *
 *  - A path under /proc (absolute, or relative to a descriptor or a
 *    working directory that is /proc) whose first component is a pid has
 *    it translated; a pid the instance does not have becomes GHOST_PID,
 *    which the kernel reports as ENOENT.  The rewritten path is copied to
 *    scratch, and the kernel reads that copy.
 *  - The files whose contents carry pids are opened by the supervisor
 *    and handed to the instance as a sealed memfd snapshot with the ids
 *    translated (the listener installs it, see notify_addfd()): stat,
 *    status, sched and fdinfo/N of a process or thread, task/T/children,
 *    net/netlink, and /proc/loadavg, /proc/locks and
 *    /proc/sys/kernel/ns_last_pid (procfix.c rewrites them).
 *    ns_last_pid cannot be opened for writing (EPERM): the instance's
 *    last pid is the supervisor's to choose, and the host's is not the
 *    instance's to set.
 *  - readlink of /proc/self and /proc/thread-self is answered here.
 *  - getdents64 of /proc and of /proc/PID/task is done by the supervisor
 *    on its own copy of the descriptor (same file offset) and the
 *    records, filtered and renamed, are written to the instance.
 *
 *  - What an open resolved is checked at its exit (h_procpath_exit):
 *    an outside process's entry, or one of the files above opened
 *    readable by the kernel rather than served (through a symbolic
 *    link, /proc/self/fd/N, a path a sibling thread changed), is closed.
 *
 *  - Before that, the supervisor walks the path itself (h_path.c): a
 *    walk that meets an outside pid fails with ENOENT; one that reaches
 *    an instance process's entry by a link or ".." is served as its
 *    plain path.
 *  - A pid is the instance's as long as its process's pidfd, taken when
 *    it became ours, reaches it (proc_held()): whatever was opened under
 *    /proc/R before that test says so is R's, not a newer process's.
 *
 * /proc/stat's process counts stay the host's, as in a PID namespace.
 */

enum pkind {
	PK_NONE,	/* not under /proc */
	PK_OTHER,	/* under /proc, run with the translated path */
	PK_SELF,	/* exactly /proc/self */
	PK_TSELF,	/* exactly /proc/thread-self */
	/* Served as snapshots from here on. */
	PK_STAT,	/* stat or status of a process or thread */
	PK_STATUS,
	PK_SCHED,	/* sched of a process or thread */
	PK_CHILDREN,	/* task/T/children */
	PK_FDINFO,	/* fdinfo/N of a process or thread */
	PK_NETLINK,	/* net/netlink */
	PK_LOADAVG,	/* /proc/loadavg */
	PK_LOCKS,	/* /proc/locks */
	PK_SHM,		/* /proc/sysvipc/shm */
	PK_MSG,		/* /proc/sysvipc/msg */
	PK_NSLAST	/* /proc/sys/kernel/ns_last_pid */
};

#define SNAP_MAX	(4 * 1024 * 1024)	/* largest file served */

struct ppath {
	enum pkind	 kind;
	pid_t		 real;		/* the process (PK_STAT...) */
	pid_t		 tid;		/* its thread, or 0 */
	char		 path[PATH_MAX];	/* rewritten, absolute */
};

/* The path argument of each handled call, and its dirfd (-1: none). */
static int
path_args(int sn, int *dirarg)
{
	*dirarg = -1;
	switch (sn) {
	case SN_open:
	case SN_stat:
	case SN_lstat:
	case SN_stat64:
	case SN_lstat64:
	case SN_oldstat:
	case SN_oldlstat:
	case SN_access:
	case SN_readlink:
	case SN_chdir:
		return 0;
	default:	/* the *at calls */
		*dirarg = 0;
		return 1;
	}
}

/*
 * If dirfd (AT_FDCWD: the working directory) of task tid is /proc or a
 * directory in it, put its path in buf as the instance would name it:
 * "/proc/R[/task/T]..." with the ids virtual (0 for an outside one,
 * which no process has).  Returns 1, or 0 if it is not in /proc.
 */
static int
proc_dir_virtual(struct interp *ip, pid_t tid, int dirfd, char *buf,
    size_t len)
{
	char	 l[PATH_MAX];
	int	 r, k = -1, t, j = -1;

	if (task_fdlink(tid, dirfd, l, sizeof(l)) < 5 ||
	    strncmp(l, "/proc", 5) != 0 || (l[5] != '\0' && l[5] != '/'))
		return 0;
	if (sscanf(l, "/proc/%d%n", &r, &k) != 1 || k < 0) {
		(void)strlcpy(buf, l, len);
		return 1;
	}
	if (sscanf(l + k, "/task/%d%n", &t, &j) == 1 && j > 0)
		(void)snprintf(buf, len, "/proc/%d/task/%d%s",
		    (int)pid_out(ip, r), (int)pid_out(ip, t), l + k + j);
	else
		(void)snprintf(buf, len, "/proc/%d%s", (int)pid_out(ip, r),
		    l + k);
	return 1;
}

/* The first component of *s (slashes and "." skipped), its length. */
static size_t
component(const char **s)
{
	const char	*p = *s;

	for (;;) {
		while (*p == '/')
			p++;
		if (p[0] == '.' && (p[1] == '/' || p[1] == '\0'))
			p++;
		else
			break;
	}
	*s = p;
	return strcspn(p, "/");
}

static pid_t
digits(const char *s, size_t n)
{
	long	 v = 0;
	size_t	 i;

	if (n == 0 || n > 9)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return (pid_t)v;
}

/* Is s exactly the path want ("a/b"), give or take "." and slashes? */
static int
subpath_is(const char *s, const char *want)
{
	size_t	 n, m;

	for (;;) {
		n = component(&s);
		m = strcspn(want, "/");
		if (n != m || memcmp(s, want, n) != 0)
			return 0;
		s += n;
		want += m;
		if (*want == '\0')
			return *s == '\0';
		want++;
	}
}

/* The kind of a file directly under /proc, not in a pid's directory. */
static enum pkind
global_kind(const char *s)
{
	if (subpath_is(s, "loadavg"))
		return PK_LOADAVG;
	if (subpath_is(s, "locks"))
		return PK_LOCKS;
	if (subpath_is(s, "sys/kernel/ns_last_pid"))
		return PK_NSLAST;
	if (subpath_is(s, "net/netlink"))
		return PK_NETLINK;
	if (subpath_is(s, "sysvipc/shm"))
		return PK_SHM;
	if (subpath_is(s, "sysvipc/msg"))
		return PK_MSG;
	return PK_OTHER;
}

/*
 * The kind of path s in the directory of a process (thread: of one of
 * its threads, task/T).
 */
static enum pkind
pid_kind(const char *s, int thread)
{
	const char	*q = s;
	size_t		 n;

	if (subpath_is(s, "stat"))
		return PK_STAT;
	if (subpath_is(s, "status"))
		return PK_STATUS;
	if (subpath_is(s, "sched"))
		return PK_SCHED;
	if (thread && subpath_is(s, "children"))
		return PK_CHILDREN;
	if (subpath_is(s, "net/netlink"))
		return PK_NETLINK;
	n = component(&q);
	if (n == 6 && memcmp(q, "fdinfo", 6) == 0) {
		q += n;
		n = component(&q);
		if (digits(q, n) >= 0 && q[n] == '\0')
			return PK_FDINFO;
	}
	return PK_OTHER;
}

/*
 * The kind of what the kernel opened, from its path as /proc/PID/fd/N
 * shows it (real ids, no "." or double slashes).
 */
static enum pkind
real_kind(const char *l)
{
	const char	*s;
	char		*e;
	int		 thread = 0;

	if (strncmp(l, "/proc/", 6) != 0)
		return PK_NONE;
	s = l + 6;
	if (!isdigit((unsigned char)*s))
		return global_kind(s);
	(void)strtol(s, &e, 10);
	s = e;
	if (strncmp(s, "/task/", 6) == 0 && isdigit((unsigned char)s[6])) {
		(void)strtol(s + 6, &e, 10);
		s = e;
		thread = 1;
	}
	if (*s != '/')
		return PK_OTHER;
	return pid_kind(s + 1, thread);
}

/*
 * Is l (as real_kind() takes it) a file of an LSM's attributes, which a
 * process writes to change its own context: /proc/R[/task/T]/attr/...?
 */
static int
attr_file(const char *l)
{
	const char	*s = l + 6;
	char		*e;

	if (strncmp(l, "/proc/", 6) != 0 || !isdigit((unsigned char)*s))
		return 0;
	(void)strtol(s, &e, 10);
	s = e;
	if (strncmp(s, "/task/", 6) == 0 && isdigit((unsigned char)s[6])) {
		(void)strtol(s + 6, &e, 10);
		s = e;
	}
	return strncmp(s, "/attr/", 6) == 0;
}

/*
 * The real tgid of virtual process v of the instance, or GHOST_PID; with
 * tid, that of its thread vt (or GHOST_PID) in *tid.
 */
static pid_t
vproc_real(struct interp *ip, pid_t v)
{
	struct proc	*p;

	if ((p = proc_byvpid(ip, v)) == NULL || (p->p_flags & P_GONE))
		return GHOST_PID;
	return p->p_pid->v_real;
}

static pid_t
vtask_real(struct interp *ip, pid_t real, pid_t vt)
{
	struct vid	*id;
	struct tracee	*u;

	if ((id = vmap_virt(&ip->i_vmap, vt)) == NULL ||
	    (u = tracee_find(ip, id->v_real)) == NULL || u->t_proc == NULL ||
	    u->t_proc->p_pid->v_real != real)
		return GHOST_PID;
	return id->v_real;
}

/*
 * Decide what path s, relative to dirfd, names for task t.  Returns the
 * kind; for anything under /proc, pp->path is the path to use.
 */
static enum pkind
ppath_make(struct interp *ip, struct tracee *t, const char *s, int dirfd,
    struct ppath *pp)
{
	const char	*rest = s, *sub;
	char		 abs[PATH_MAX];
	size_t		 n, m;
	pid_t		 v, real, tid = 0;
	int		 self = 0;

	pp->kind = PK_NONE;
	pp->real = pp->tid = 0;
	if (*s != '/') {
		/* Relative to a directory in /proc: made absolute. */
		if (!proc_dir_virtual(ip, t->t_tid, dirfd, abs, sizeof(abs)) ||
		    strlcat(abs, "/", sizeof(abs)) >= sizeof(abs) ||
		    strlcat(abs, s, sizeof(abs)) >= sizeof(abs))
			return PK_NONE;
		rest = abs;
	}
	n = component(&rest);
	if (n != 4 || memcmp(rest, "proc", 4) != 0)
		return PK_NONE;
	rest += 4;
	n = component(&rest);
	pp->kind = PK_OTHER;
	if (n == 0 || (real = digits(rest, n)) < 0) {
		if (n == 4 && memcmp(rest, "self", 4) == 0)
			self = 1;
		else if (n == 11 && memcmp(rest, "thread-self", 11) == 0)
			self = 2;
		if (self != 0 && rest[n] == '\0')
			pp->kind = self == 1 ? PK_SELF : PK_TSELF;
		real = self != 0 ? t->t_proc->p_pid->v_real : 0;
		if (self == 2)
			tid = t->t_tid;
		if (self == 0 && (pp->kind = global_kind(rest)) ==
		    PK_NETLINK) {
			/* /proc/net is /proc/self/net. */
			pp->real = t->t_proc->p_pid->v_real;
			(void)snprintf(pp->path, sizeof(pp->path),
			    "/proc/%d/net/netlink", (int)pp->real);
			return pp->kind;
		}
		if (self == 0 || pp->kind != PK_OTHER) {
			(void)snprintf(pp->path, sizeof(pp->path), "/proc/%s",
			    rest);
			return pp->kind;
		}
	} else {
		v = real;
		real = vproc_real(ip, v);
	}
	sub = rest + n;
	/* task/T: a thread of that process. */
	m = component(&sub);
	if (tid == 0 && m == 4 && memcmp(sub, "task", 4) == 0) {
		const char *q = sub + 4;
		size_t	 k = component(&q);

		if ((v = digits(q, k)) >= 0) {
			tid = vtask_real(ip, real, v);
			sub = q + k;
			m = component(&sub);
		}
	}
	if (real != GHOST_PID && tid != GHOST_PID &&
	    (pp->kind = pid_kind(sub, tid != 0)) != PK_OTHER) {
		pp->real = real;
		pp->tid = tid;
	}
	if (tid != 0)
		n = (size_t)snprintf(pp->path, sizeof(pp->path),
		    "/proc/%d/task/%d/%s", (int)real, (int)tid, sub);
	else
		n = (size_t)snprintf(pp->path, sizeof(pp->path), "/proc/%d/%s",
		    (int)real, sub);
	if (n >= sizeof(pp->path))
		pp->kind = PK_NONE;	/* the kernel's ENAMETOOLONG */
	return pp->kind;
}

/*
 * Does the instance process whose real pid is r still hold it?  Its
 * pidfd reaches it until it is reaped, a zombie too, and a pid is not
 * handed out again before: what was opened under /proc/r before a 1
 * here is that process's.  0: gone (the pid may be another's by now);
 * -1: cannot tell (no thread r traced, or no pidfd).
 */
static int
proc_held(struct interp *ip, pid_t r)
{
	struct tracee	*lt;

	if ((lt = tracee_find(ip, r)) == NULL || lt->t_proc == NULL ||
	    lt->t_proc->p_pid->v_real != r || lt->t_proc->p_pidfd == -1)
		return -1;
	if (syscall(SYS_pidfd_send_signal, lt->t_proc->p_pidfd, 0, NULL,
	    0) == 0 || errno != ESRCH)
		return 1;
	return 0;
}

/* Read the instance's path argument.  -1: fault. */
static int
path_read(struct tracee *t, uint64_t addr, char *buf, size_t len)
{
	size_t	 i, chunk;

	for (i = 0; i < len; i += chunk) {
		chunk = 256 - ((addr + i) % 256);
		if (chunk > len - i)
			chunk = len - i;
		if (mem_read(t->t_tid, addr + i, buf + i, chunk) == -1)
			return i == 0 ? -1 : 0;
		if (memchr(buf + i, '\0', chunk) != NULL)
			return 0;
	}
	buf[len - 1] = '\0';
	return 0;
}

/* Append s to the buffer (b, *n of cap). */
static void
put(char *b, size_t *n, size_t cap, const char *s, size_t len)
{
	if (*n + len < cap) {
		memcpy(b + *n, s, len);
		*n += len;
	}
}

/*
 * stat: "pid (comm) state ppid pgrp session tty_nr tpgid ...": fields
 * 1, 4, 5, 6 and 8 carry ids (tpgid is a process group).  A state 't'
 * (our stop), or was, becomes state.
 */
static size_t
fix_stat(struct interp *ip, const char *in, size_t len, char *out,
    size_t cap, char state, char was)
{
	const char	*rp, *p, *end = in + len;
	char		 num[32];
	size_t		 n = 0;
	long		 v;
	int		 field;

	if ((rp = memrchr(in, ')', len)) == NULL)
		return 0;
	p = memchr(in, ' ', len);
	v = strtol(in, NULL, 10);
	put(out, &n, cap, num, (size_t)snprintf(num, sizeof(num), "%ld",
	    (long)pid_out(ip, (pid_t)v)));
	put(out, &n, cap, p, (size_t)(rp + 1 - p));
	p = rp + 1;
	for (field = 3; p < end; field++) {
		const char *q;

		put(out, &n, cap, p, 1);	/* the space */
		p++;
		q = p;
		while (q < end && *q != ' ')
			q++;
		if (field == 3 && q - p == 1 && (*p == 't' || *p == was))
			put(out, &n, cap, &state, 1);
		else if (field == 4 || field == 5 || field == 6 || field == 8) {
			v = pid_out(ip, (pid_t)strtol(p, NULL, 10));
			put(out, &n, cap, num, (size_t)snprintf(num,
			    sizeof(num), "%ld", v));
		} else
			put(out, &n, cap, p, (size_t)(q - p));
		p = q;
	}
	return n;
}

/*
 * status: the id lines, one value each as in a fresh PID namespace; with
 * blk, the signal mask is *blk (the reader's own, which a take-back
 * holds blocked: see takeback_arm()); the state as fix_stat() has it.
 */
static size_t
fix_status(struct interp *ip, const char *in, size_t len, char *out,
    size_t cap, char state, char was, const uint64_t *blk)
{
	static const char *const keys[] = { "Tgid:", "Pid:", "PPid:",
	    "TracerPid:", "NStgid:", "NSpid:", "NSpgid:", "NSsid:", NULL };
	const char	*p = in, *end = in + len, *nl, *k;
	char		 line[64];
	size_t		 n = 0, i, kl;
	long		 v;

	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		for (i = 0; (k = keys[i]) != NULL; i++)
			if ((size_t)(nl - p) > (kl = strlen(k)) &&
			    memcmp(p, k, kl) == 0)
				break;
		if (k == NULL && blk != NULL && (size_t)(nl - p) > 7 &&
		    memcmp(p, "SigBlk:", 7) == 0) {
			put(out, &n, cap, line, (size_t)snprintf(line,
			    sizeof(line), "SigBlk:\t%016llx\n",
			    (unsigned long long)*blk));
			continue;
		}
		if (k == NULL && (size_t)(nl - p) > 8 &&
		    memcmp(p, "State:\t", 7) == 0 &&
		    (p[7] == 't' || p[7] == was)) {
			put(out, &n, cap, line, (size_t)snprintf(line,
			    sizeof(line), "State:\t%s\n", state == 'R' ?
			    "R (running)" : "S (sleeping)"));
			continue;
		}
		if (k == NULL) {
			put(out, &n, cap, p, (size_t)(nl - p) +
			    (nl < end ? 1 : 0));
			continue;
		}
		/* NS* lines list one id per namespace: the first is ours. */
		v = strtol(p + kl, NULL, 10);
		v = strcmp(k, "TracerPid:") == 0 ? 0 : pid_out(ip, (pid_t)v);
		put(out, &n, cap, line, (size_t)snprintf(line, sizeof(line),
		    "%s\t%ld\n", k, v));
	}
	return n;
}

/*
 * The whole of file path as the supervisor reads it, in a buffer the
 * caller frees, its length in *len; NULL if it cannot be read or is
 * larger than SNAP_MAX.
 */
static char *
slurp(const char *path, size_t *len)
{
	char	*b = NULL, *nb;
	size_t	 n = 0, cap = 0;
	ssize_t	 r;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	for (;;) {
		if (n + 1 >= cap) {	/* room for a NUL */
			if (cap >= SNAP_MAX ||
			    (nb = realloc(b, cap = cap == 0 ? 8192 :
			    cap * 2)) == NULL)
				goto fail;
			b = nb;
		}
		if ((r = read(fd, b + n, cap - n)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	b[n] = '\0';
	*len = n;
	return b;
 fail:
	close(fd);
	free(b);
	return NULL;
}

/*
 * The rewritten contents of pp, made from the real file, in a buffer
 * the caller frees, its length in *len, or NULL.
 */
static char *
snapshot_text(struct interp *ip, struct tracee *t, const struct ppath *pp,
    int nq, size_t *len)
{
	const struct vmap	*vm = &ip->i_vmap;
	char			*in = NULL, *out;
	size_t			 n = 0, cap, r = 0;
	char			 state, was;
	int			 own;

	if (pp->kind != PK_NSLAST && (in = slurp(pp->path, &r)) == NULL)
		return NULL;
	/* Read from a pid that is not the process's any more: another's. */
	if (pp->real != 0 && proc_held(ip, pp->real) == 0) {
		free(in);
		return NULL;
	}
	/* A number can grow from 1 digit to 10: "1 " becomes 11 bytes. */
	cap = r * 6 + 256;
	if ((out = malloc(cap)) == NULL) {
		free(in);
		return NULL;
	}
	/*
	 * "t" is our stop: the reader itself is running, another task of
	 * the instance is in a system call.
	 */
	state = pp->real == t->t_proc->p_pid->v_real && (pp->tid == 0 ||
	    pp->tid == t->t_tid) ? 'R' : 'S';
	/* The reader's own thread's file (a process's shows its first's). */
	own = pp->tid == t->t_tid || (pp->tid == 0 && pp->real == t->t_tid);
	/* With nq, the reader waits for the listener: 'S' to the kernel. */
	was = nq && own ? 'S' : 't';
	switch (pp->kind) {
	case PK_STAT:
	case PK_STATUS:
		n = pp->kind == PK_STAT ? fix_stat(ip, in, r, out, cap,
		    state, was) : fix_status(ip, in, r, out, cap, state, was,
		    (t->t_flags & T_TBMASK) && own ? &t->t_tbmask : NULL);
		if (n == 0)
			n = PROCFIX_ERR;
		break;
	case PK_SCHED:
		n = procfix_sched(vm, in, r, out, cap);
		break;
	case PK_CHILDREN:
		n = procfix_children(vm, in, r, out, cap);
		break;
	case PK_FDINFO:
		n = procfix_fdinfo(vm, in, r, out, cap);
		break;
	case PK_NETLINK:
		n = procfix_netlink(in, r, out, cap);
		break;
	case PK_LOADAVG:
		n = procfix_loadavg(in, r, out, cap, ip->i_ntasks,
		    vmap_last(vm));
		break;
	case PK_LOCKS:
		n = procfix_locks(vm, in, r, out, cap);
		break;
	case PK_SHM:
		n = procfix_sysvipc(vm, in, r, out, cap, 4, 5);
		break;
	case PK_MSG:
		n = procfix_sysvipc(vm, in, r, out, cap, 5, 6);
		break;
	case PK_NSLAST:
		n = procfix_nslast(out, cap, vmap_last(vm));
		break;
	default:
		n = PROCFIX_ERR;
		break;
	}
	free(in);
	if (n == PROCFIX_ERR) {
		ilog(ip, ILOG_DEBUG, "tid %d: %s not rewritten", t->t_tid,
		    pp->path);
		free(out);
		return NULL;
	}
	*len = n;
	return out;
}

/*
 * A sealed memfd with the rewritten contents of pp, opened read-only,
 * or -1 (the file went away or could not be rewritten: the caller lets
 * the kernel answer, and the exit check refuses what it opens).  nq: t
 * is not at a stop but waits for the listener.
 */
static int
snapshot(struct interp *ip, struct tracee *t, const struct ppath *pp, int nq)
{
	char	*out, path[64];
	size_t	 n;
	int	 mfd, ro = -1;

	if ((out = snapshot_text(ip, t, pp, nq, &n)) == NULL)
		return -1;
	if ((mfd = memfd_create("mult-proc", MFD_CLOEXEC |
	    MFD_ALLOW_SEALING)) == -1) {
		free(out);
		return -1;
	}
	if ((n == 0 || write(mfd, out, n) == (ssize_t)n) &&
	    fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW |
	    F_SEAL_SHRINK | F_SEAL_SEAL) == 0) {
		(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
		ro = open(path, O_RDONLY | O_CLOEXEC);
	}
	close(mfd);
	free(out);
	return ro;
}

/*
 * Serve the open of a snapshot: the call becomes getppid(MAGIC0, MAGIC1)
 * and the listener installs the memfd as its result, close-on-exec if
 * the open flags say so.  Returns 1 with the
 * verdict in *v, or 0 if it could not be made (the kernel opens the file
 * then, with its real ids: the process is gone or going).
 */
static int
open_snapshot(struct interp *ip, struct tracee *t, struct call *c,
    const struct ppath *pp, uint64_t flags, enum verdict *v)
{
	int	 fd, nr = c->c_pers->p_nr[SN_getppid];

	if (ip->i_notify == -1 || (fd = snapshot(ip, t, pp, 0)) == -1)
		return 0;	/* not served */
	/* The listener installs it, and closes fd, when the call comes. */
	if (notify_addfd(ip, t, nr, fd, (flags & O_CLOEXEC) ? O_CLOEXEC : 0,
	    1) == -1) {
		close(fd);
		return 0;
	}
	*v = V_CONT;
	if (regs_set(t, R_NR, (uint64_t)nr) == -1 ||
	    call_setarg(t, c, 0, MAGIC0) == -1 ||
	    call_setarg(t, c, 1, MAGIC1) == -1) {
		notify_addfd_drop(t);
		return 1;
	}
	c->c_aux[0] = 1;	/* served: nothing to check at the exit */
	t->t_state = TS_CALL;
	(void)ptrace(PTRACE_SYSCALL, t->t_tid, NULL, 0);
	*v = V_PARK;
	return 1;
}

/* Answer readlink(at) with s (no NUL, cut at bufsiz, as the kernel). */
static enum verdict
readlink_answer(struct tracee *t, struct call *c, const char *s, int pa)
{
	uint64_t	 buf = c->c_arg[pa + 1];
	int64_t		 cap = (int32_t)c->c_arg[pa + 2];
	size_t		 len = strlen(s);

	if (cap <= 0)
		return call_return(t, c, -EINVAL);
	if (len > (size_t)cap)
		len = (size_t)cap;
	if (mem_write(t->t_tid, buf, s, len) == -1)
		return call_return(t, c, -EFAULT);
	return call_return(t, c, (int64_t)len);
}

static int
is_open(int sn)
{
	return sn == SN_open || sn == SN_openat || sn == SN_openat2;
}

/* Does open flags f follow a symbolic link in the last component? */
static int
open_follows(uint64_t f)
{
	return !(f & O_NOFOLLOW) &&
	    (f & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
}

/* Does path call c follow a symbolic link in the last component? */
static int
path_follows(const struct call *c)
{
	switch (c->c_sn) {
	case SN_open:
		return open_follows(c->c_arg[1]);
	case SN_openat:
		return open_follows(c->c_arg[2]);
	case SN_lstat:
	case SN_lstat64:
	case SN_oldlstat:
	case SN_readlink:
	case SN_readlinkat:
		return 0;
	case SN_newfstatat:
	case SN_fstatat64:
	case SN_faccessat2:
		return !(c->c_arg[3] & AT_SYMLINK_NOFOLLOW);
	case SN_statx:
		return !(c->c_arg[2] & AT_SYMLINK_NOFOLLOW);
	default:	/* openat2: its flags are in memory; the exit checks */
		return 1;
	}
}

/*
 * The open flags of call c in *flags, and in *served whether a snapshot
 * may stand for what it opens (not for openat2 with RESOLVE_ flags,
 * which could make the kernel refuse the path).  -1: not an open, or
 * openat2's struct cannot be read.  A sibling thread may change that
 * struct after it is read here: the call a snapshot replaces never
 * reads it.
 */
static int
open_flags(struct tracee *t, struct call *c, uint64_t *flags, int *served)
{
	uint64_t	 how[3];

	*served = 1;
	switch (c->c_sn) {
	case SN_open:
		*flags = c->c_arg[1];
		return 0;
	case SN_openat:
		*flags = c->c_arg[2];
		return 0;
	case SN_openat2:
		if (c->c_arg[3] < sizeof(how) ||
		    mem_read(t->t_tid, c->c_arg[2], how, sizeof(how)) == -1)
			return -1;
		*flags = how[0];
		*served = how[2] == 0;
		return 0;
	default:
		return -1;
	}
}

/*
 * The files of an instance process's entry (/proc/R/NAME, /proc/R/task/
 * T/NAME) that the answer thread opens for its caller, when it has the
 * caller's rights: what they read is R's whoever opened them, and the
 * checks at their open are of the opener's rights, which are the
 * caller's then, with one exception that a refusal shows (the kernel
 * lets a process open its own environ or maps whatever its
 * dumpability): a refused open is taken back.  Not mem, whose open asks
 * for the right to attach, which Yama grants the supervisor over its
 * descendants and may refuse the caller.  Sorted.
 */
static const char *const held_files[] = {
	"arch_status", "auxv", "cgroup", "cmdline", "comm",
	"coredump_filter", "cpuset", "environ", "io", "limits", "loginuid",
	"maps", "mountinfo", "mounts", "mountstats", "numa_maps", "oom_adj",
	"oom_score", "oom_score_adj", "personality", "schedstat",
	"sessionid", "smaps", "smaps_rollup", "stack", "statm", "syscall",
	"timerslack_ns", "wchan",
};

static int
held_cmp(const void *a, const void *b)
{
	return strcmp(a, *(const char *const *)b);
}

/*
 * The files of /proc/sys that read the same in every namespace (others,
 * the network and IPC ones, are looked up in the opener's at the open:
 * a root caller may have unshared its own).
 */
static const char *const held_sysctls[] = {
	"kernel/cap_last_cap", "kernel/osrelease", "kernel/ostype",
	"kernel/pid_max", "kernel/random/boot_id", "kernel/version",
};

/*
 * Is path, "/proc/REST" and not a process's entry, a file the answer
 * thread may open for its caller?  Those that read the opener's
 * namespaces, not the reader's, are not: /proc/sys (but held_sysctls)
 * and /proc/sysvipc, looked up or bound at the open; /proc/net and
 * /proc/mounts, links to /proc/self, fail the open's walk (no link is
 * followed).  Everything else there is the machine's, or decided at
 * each read by the reader, who is the caller (/proc/uptime's time
 * namespace).  No "." or ".." component: the first one must be the
 * one tested.
 */
static int
held_global(const char *path)
{
	const char	*q = path + 6;
	size_t		 i, n;

	if (strncmp(path, "/proc/", 6) != 0 || strstr(path, "/.") != NULL)
		return 0;
	n = component(&q);
	if (n == 7 && memcmp(q, "sysvipc", 7) == 0)
		return 0;
	if (n != 3 || memcmp(q, "sys", 3) != 0)
		return 1;
	for (i = 0; i < sizeof(held_sysctls) / sizeof(held_sysctls[0]); i++)
		if (subpath_is(q + n, held_sysctls[i]))
			return 1;
	return 0;
}

/*
 * If path is "/proc/R/NAME" or "/proc/R/task/T/NAME", NAME one
 * component: 1, with R in *r and NAME in *name.
 */
static int
held_name(const char *path, pid_t *r, const char **name)
{
	const char	*p;
	char		*end;
	long		 v;

	if (strncmp(path, "/proc/", 6) != 0 || !isdigit((unsigned char)path[6]))
		return 0;
	v = strtol(path + 6, &end, 10);
	if (v <= 0 || v >= GHOST_PID || *end != '/')
		return 0;
	p = end + 1;
	if (strncmp(p, "task/", 5) == 0 && isdigit((unsigned char)p[5])) {
		(void)strtol(p + 5, &end, 10);
		if (*end != '/')
			return 0;
		p = end + 1;
	}
	if (*p == '\0' || strchr(p, '/') != NULL)
		return 0;
	*r = (pid_t)v;
	*name = p;
	return 1;
}

/*
 * An open for reading of pp, a file of /proc that is no snapshot
 * (h_openq_proc()), opened here with the walk's plain path, no link
 * followed, and installed as the call's result: one of held_files of an
 * instance process R's entry if R still held its pid after the open
 * (proc_held()), or one that held_global() allows.  A name of R's entry
 * that is not there is answered ENOENT, unless procfs hides entries by
 * the opener's rights (hidepid), which are not quite the caller's.
 * Anything else is taken back.  f: the caller's flags, none of
 * OPENQ_NOT.
 */
static enum verdict
openq_held(struct interp *ip, struct tracee *t, struct call *c,
    const struct ppath *pp, uint64_t f)
{
	struct open_how	 how;
	struct stat	 st;
	const char	*name = NULL;
	pid_t		 r = 0;
	int		 fd, h;

	if (!isdigit((unsigned char)pp->path[6])) {
		if (!held_global(pp->path))
			return V_CONT;
	} else if (!held_name(pp->path, &r, &name))
		return V_CONT;
	else if (bsearch(name, held_files, sizeof(held_files) /
	    sizeof(held_files[0]), sizeof(held_files[0]), held_cmp) == NULL) {
		if (ip->i_prochide || fstatat(AT_FDCWD, pp->path, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
			return V_CONT;
		return call_return(t, c, -ENOENT);
	}
	memset(&how, 0, sizeof(how));
	how.flags = (f & ~(uint64_t)O_CLOEXEC) | O_CLOEXEC;
	how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	if ((fd = (int)syscall(SYS_openat2, AT_FDCWD, pp->path, &how,
	    sizeof(how))) == -1)
		return errno == ENOENT && !ip->i_prochide ?
		    call_return(t, c, -ENOENT) : V_CONT;
	if (r != 0 && (h = proc_held(ip, r)) != 1) {
		close(fd);
		return h == 0 ? call_return(t, c, -ENOENT) : V_CONT;
	}
	c->c_nq->afd = fd;
	c->c_nq->afdfl = (f & O_CLOEXEC) ? O_CLOEXEC : 0;
	return call_return(t, c, 0);
}

/*
 * Is s a plain absolute path into procfs, for a caller whose root is
 * ours, with procfs mounted once, at /proc, hiding nothing: "/proc/"
 * then names, none empty, "." or "..", no slash at the end?  Then the
 * kernel's walk goes where the string says as far as ppath_make() reads
 * it (a pid, or self or thread-self, task and a tid, a file of the pid
 * directory, none of them a link): what the long walk would find,
 * without its two dozen system calls.  What lies past that is opened
 * with RESOLVE_NO_SYMLINKS (openq_held()) or taken back.
 */
static int
proc_plain(const struct interp *ip, const char *s)
{
	const char	*p;
	size_t		 n;

	if (ip->i_chrooted || ip->i_prochide || ip->i_nprocmnt != 1 ||
	    strcmp(ip->i_procmnt[0], "/proc") != 0 ||
	    strncmp(s, "/proc/", 6) != 0)
		return 0;
	for (p = s + 5; *p == '/'; p += n) {
		n = strcspn(++p, "/");
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
	}
	return 1;
}

/*
 * An open for reading that the answer thread's short walk left (h_openq()
 * in h_path.c), with its caller's rights ours: if it names a file of
 * /proc served as a snapshot, the snapshot is made here, as h_procpath()
 * makes it at a stop, and becomes the call's result (c_nq->afd), which
 * saves the take-back's three stops and the hand-over's notification;
 * most other files of /proc are opened here (openq_held()).  The long
 * walk is the stop's too (path_outside()), made in the caller's root
 * and working directory by tid while the caller waits, but for a plain
 * path (proc_plain()).  Anything else is taken back.  f: the open flags,
 * which the notify filter keeps to reading (OPENQ_NOT).
 */
enum verdict
h_openq_proc(struct interp *ip, struct tracee *t, struct call *c, int dirfd,
    const char *s, uint64_t f)
{
	struct ppath	 pp;
	char		 vpath[PATH_MAX];
	const char	*p = s;
	enum pkind	 k;
	int		 e, fd;

	if (f & O_DIRECTORY)
		return V_CONT;
	if (proc_plain(ip, s))
		e = 0;
	else
		e = path_outside(ip, t, dirfd, s, open_follows(f), vpath,
		    sizeof(vpath));
	switch (e) {
	case 0:
		break;
	case 1:
		return call_return(t, c, -ENOENT);	/* an outside pid */
	case 2:
		p = vpath;	/* an instance process's entry, plainly */
		break;
	default:
		return e < 0 ? call_return(t, c, e) : V_CONT;
	}
	if ((k = ppath_make(ip, t, p, dirfd, &pp)) == PK_OTHER)
		return openq_held(ip, t, c, &pp, f);
	if (k < PK_STAT || (fd = snapshot(ip, t, &pp, 1)) == -1)
		return V_CONT;
	c->c_nq->afd = fd;
	c->c_nq->afdfl = (f & O_CLOEXEC) ? O_CLOEXEC : 0;
	return call_return(t, c, 0);
}

/* The open flags of descriptor fd of task tid, from fdinfo, or -1. */
static int
fd_flags(pid_t tid, int fd)
{
	char	 path[64], buf[512], *p;
	ssize_t	 r;
	int	 f;

	(void)snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)tid,
	    fd);
	if ((f = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	r = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (r <= 0)
		return -1;
	buf[r] = '\0';
	if ((p = strstr(buf, "\nflags:")) == NULL)
		return -1;
	return (int)strtol(p + 8, NULL, 8);
}

/*
 * An open or openat whose path the supervisor walked out of procfs,
 * without a magic link: made openat2(dirfd, steps, RESOLVE_NO_SYMLINKS)
 * with the steps the walk took, links expanded, so that a link swapped
 * in after the walk (into /proc) makes it fail (ELOOP) instead of
 * leading it elsewhere.  The flags as open(2) takes them: unknown bits
 * and, with O_PATH, all but O_PATH's are dropped; the mode only counts
 * when creating.
 */
static enum verdict
open_beneath(struct interp *ip, struct tracee *t, struct call *c,
    const char *steps)
{
	struct open_how	 how;
	char		 buf[sizeof(how) + PATH_MAX];
	uint64_t	 f, ap, ah, a[6] = { 0 };
	enum verdict	 v;
	int		 nr, sn = c->c_sn;

	f = c->c_arg[sn == SN_open ? 1 : 2] & OPEN_KNOWN;
	if (f & O_PATH)
		f &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	memset(&how, 0, sizeof(how));
	how.flags = f;
	if ((f & O_CREAT) || (f & O_TMPFILE) == O_TMPFILE)
		how.mode = c->c_arg[sn == SN_open ? 2 : 3] & 07777;
	how.resolve = RESOLVE_NO_SYMLINKS;
	if ((nr = c->c_pers->p_nr[SN_openat2]) < 0)
		return V_EXIT;		/* the exit check alone */
	/*
	 * From our root, which is every task's until a chroot (and never
	 * procfs: chroot there is refused), nothing can lead the kernel
	 * into procfs: no check at the exit.
	 */
	if (steps[0] == '/' && !ip->i_chrooted)
		c->c_aux[0] = 1;
	if (need_scratch(ip, t, c, 0, &v, "open without scratch"))
		return v;
	/* One buffer: the struct (aligned, first), then the steps. */
	memcpy(buf, &how, sizeof(how));
	(void)strlcpy(buf + sizeof(how), steps, sizeof(buf) - sizeof(how));
	if ((ah = scratch_put(ip, c, buf, sizeof(how) + strlen(steps) +
	    1)) == 0)
		return call_deny(ip, t, c, ENAMETOOLONG, "scratch full");
	ap = ah + sizeof(how);
	a[0] = sn == SN_open ? (uint64_t)AT_FDCWD : c->c_arg[0];
	a[1] = ap;
	a[2] = ah;
	a[3] = sizeof(how);
	if (call_setargs(t, c, 0xf, a, nr) == -1)
		return V_CONT;		/* vanished */
	return V_EXIT;
}

/*
 * The path calls: open, openat, openat2, the stat family, access,
 * faccessat(2), readlink(at), chdir.
 */
enum verdict
h_procpath(struct interp *ip, struct tracee *t, struct call *c)
{
	struct ppath	 pp;
	char		 s[PATH_MAX], link[64], vpath[PATH_MAX];
	int		 da, pa = path_args(c->c_sn, &da);
	int		 dirfd = da < 0 ? AT_FDCWD : (int)c->c_arg[da];
	uint64_t	 a, flags = 0;
	enum verdict	 v;
	int		 served, e;

	if (c->c_arg[pa] == 0)
		return V_CONT;	/* the kernel's EFAULT */
	if (path_read(t, c->c_arg[pa], s, sizeof(s)) == -1)
		return errno == EFAULT ? V_CONT :
		    call_deny(ip, t, c, EACCES, "path unreadable");
	if (s[0] == '\0') {
		/*
		 * ENOENT, or the descriptor (AT_EMPTY_PATH): the kernel reads
		 * an empty string of ours, not the caller's, which a sibling
		 * could have made a path by then.
		 */
		pp.path[0] = '\0';
		goto copy;
	}
	if (c->c_sn == SN_open || c->c_sn == SN_openat)
		flags = c->c_arg[c->c_sn == SN_open ? 1 : 2];
	/*
	 * The queries come here when their answer cannot be the walk's:
	 * other rights (walked first, the kernel answers: an instance
	 * that started with ours can narrow them, h_confine()), or, with
	 * ours, a walk that could not be made (the string checks alone).
	 */
	if (is_open(c->c_sn) || !ip->i_samecred || !cred_same(ip, t)) {
		switch ((e = path_outside(ip, t, dirfd, s, path_follows(c),
		    vpath, sizeof(vpath)))) {
		case 1:
			return call_return(t, c, -ENOENT);  /* on the way */
		case 2:
			(void)strlcpy(s, vpath, sizeof(s));  /* where to */
			break;
		case 3:
			if ((c->c_sn == SN_open || c->c_sn == SN_openat) &&
			    !c->c_pers->p_compat)
				return open_beneath(ip, t, c, vpath);
			/* The steps, from where the start directory is. */
			(void)strlcpy(s, vpath, sizeof(s));
			break;
		default:
			if (e < 0)
				return call_return(t, c, e);  /* as it would */
			break;
		}
	}
	switch (ppath_make(ip, t, s, dirfd, &pp)) {
	case PK_NONE:
		/*
		 * The string walked, not one a sibling changes after (the
		 * kernel reads it again, for queries too: a prefix flipped
		 * to "/proc" would reach an outside pid).
		 */
		(void)strlcpy(pp.path, s, sizeof(pp.path));
		break;
	case PK_SELF:
	case PK_TSELF:
		if (c->c_sn != SN_readlink && c->c_sn != SN_readlinkat)
			break;
		if (pp.kind == PK_SELF)
			(void)snprintf(link, sizeof(link), "%d",
			    (int)t->t_proc->p_pid->v_virt);
		else
			(void)snprintf(link, sizeof(link), "%d/task/%d",
			    (int)t->t_proc->p_pid->v_virt, (int)t->t_id->v_virt);
		return readlink_answer(t, c, link, pa);
	case PK_STAT:
	case PK_STATUS:
	case PK_SCHED:
	case PK_CHILDREN:
	case PK_FDINFO:
	case PK_NETLINK:
	case PK_LOADAVG:
	case PK_LOCKS:
	case PK_SHM:
	case PK_MSG:
	case PK_NSLAST:
		if (open_flags(t, c, &flags, &served) == -1)
			break;
		if (pp.kind == PK_NSLAST && (flags & O_PATH) == 0 &&
		    (flags & O_ACCMODE) != O_RDONLY)
			return call_return(t, c, -EPERM);
		if (!served || (flags & (O_ACCMODE | O_PATH | O_DIRECTORY)) !=
		    O_RDONLY)
			break;
		if (open_snapshot(ip, t, c, &pp, flags, &v))
			return v;
		break;
	default:
		break;
	}
 copy:
	if (need_scratch(ip, t, c, 0, &v, "/proc path without scratch"))
		return v;
	if ((a = scratch_put(ip, c, pp.path, strlen(pp.path) + 1)) == 0)
		return call_deny(ip, t, c, ENAMETOOLONG, "scratch full");
	if (c->c_sn == SN_readlink || c->c_sn == SN_readlinkat)
		c->c_aux[1] = 1;	/* the text, real pids, fixed at the exit */
	return call_setarg(t, c, pa, a) == -1 ? V_CONT : V_EXIT;
}

/*
 * The exit of a readlink the kernel ran in /proc (a magic link: cwd,
 * root, exe, fd/N): the pids in its text made virtual.
 */
static enum verdict
readlink_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	char		 l[PATH_MAX + 1];
	int		 da, pa = path_args(c->c_sn, &da);
	uint64_t	 buf = c->c_arg[pa + 1];
	size_t		 n = (size_t)c->c_ret, cap = (size_t)(int32_t)c->c_arg[pa + 2];

	if (n >= sizeof(l) || mem_read(t->t_tid, buf, l, n) == -1)
		return V_CONT;
	l[n] = '\0';
	link_virtual(ip, l, sizeof(l));
	if ((n = strlen(l)) > cap)
		n = cap;
	if (mem_write(t->t_tid, buf, l, n) == -1)
		(void)regs_set(t, R_RET, (uint64_t)-EFAULT);
	else
		(void)regs_set(t, R_RET, (uint64_t)n);
	return V_CONT;
}

/*
 * The exit of an open: whatever the path was (a symbolic link, a string a
 * sibling thread changed after it was checked, /proc/self/fd/N), if what
 * was opened lies in /proc under the pid of a process outside the
 * instance, it is closed and the open fails with ENOENT, as for a pid
 * that does not exist.  If it is one of the files served as snapshots,
 * opened by the kernel with its real ids, it is closed too unless it
 * cannot be read (O_PATH, or O_WRONLY but for ns_last_pid): the open
 * fails with EACCES, or EPERM for writing ns_last_pid.
 */
enum verdict
h_procpath_exit(struct interp *ip, struct tracee *t, struct call *c)
{
	char		 l[128];
	long		 r;
	struct vid	*id;
	enum pkind	 k;
	ssize_t		 n;
	int		 fd, fl, err = ENOENT;

	if (c->c_aux[1] == 1 && c->c_ret > 0)
		return readlink_exit(ip, t, c);
	if (!is_open(c->c_sn) || c->c_aux[0] == 1 || c->c_ret < 0)
		return V_CONT;
	fd = (int)c->c_ret;
	if ((n = task_fdlink(t->t_tid, fd, l, sizeof(l))) == -1 &&
	    (errno == EACCES || errno == EPERM)) {
		err = EACCES;	/* what it is cannot be told: not handed out */
		goto refuse;
	}
	if (n < 6 || (size_t)n >= sizeof(l) - 1 || memcmp(l, "/proc/", 6) != 0)
		return V_CONT;
	if (isdigit((unsigned char)l[6])) {
		r = strtol(l + 6, NULL, 10);
		if ((id = vmap_real(&ip->i_vmap, (pid_t)r)) == NULL ||
		    id->v_gone || proc_held(ip, (pid_t)r) == 0)
			goto refuse;
	}
	/*
	 * A context may change by the write (see h_confine()): the
	 * opener's, or that of the task the file is of, which alone may
	 * write it, should the opener hand it the descriptor.
	 */
	if (attr_file(l) && ((fl = fd_flags(t->t_tid, fd)) == -1 ||
	    (!(fl & O_PATH) && (fl & O_ACCMODE) != O_RDONLY))) {
		tracee_confine(t);
		tracee_confine(tracee_find(ip, (pid_t)strtol(l + 6, NULL,
		    10)));
	}
	if ((k = real_kind(l)) < PK_STAT)
		return V_CONT;
	/* Unknown flags: as if readable. */
	if ((fl = fd_flags(t->t_tid, fd)) != -1 && (fl & O_PATH))
		return V_CONT;
	if (k == PK_NSLAST)
		err = fl != -1 && (fl & O_ACCMODE) == O_RDONLY ? EACCES : EPERM;
	else if (fl != -1 && (fl & O_ACCMODE) == O_WRONLY)
		return V_CONT;
	else
		err = EACCES;
	ilog(ip, ILOG_DENY, "tid %d: %s opened unserved, closed", t->t_tid,
	    l);
 refuse:
	call_restore(t, c);
	if (inject_close(t, &fd, 1) == -1) {
		ilog(ip, ILOG_WARN, "tid %d: cannot close an outside /proc "
		    "entry", t->t_tid);
		return V_CONT;
	}
	t->t_inj.err = err;
	return V_PARK;
}

/* Is descriptor fd of task tid /proc (1) or /proc/R/task (2, *r)? */
static int
dir_kind(pid_t tid, int fd, pid_t *r)
{
	char	 l[64];
	int	 k = -1;

	if (task_fdlink(tid, fd, l, sizeof(l)) <= 0)
		return 0;
	if (strcmp(l, "/proc") == 0)
		return 1;
	/* %n is stored only if everything before it matched. */
	if (sscanf(l, "/proc/%d/task%n", r, &k) == 1 && k > 0 && l[k] == '\0')
		return 2;
	return 0;
}

/*
 * Where /proc's process entries start in its directory offsets: the
 * entry of tgid N is at PROC_TGID_OFFSET + N (TGID_OFFSET in the
 * kernel's fs/proc/base.c, FIRST_PROCESS_ENTRY + 2).
 */
#define PROC_TGID_OFFSET	258

/*
 * Append to out (n bytes used of cap) a dirent64 record: ino, next
 * offset doff, type, name (len bytes).  Returns 0, or -1 if it does not
 * fit.
 */
static int
dirent_put(uint8_t *out, size_t *n, size_t cap, uint64_t ino, int64_t doff,
    uint8_t type, const char *name, size_t len)
{
	size_t	 rec = (19 + len + 1 + 7) & ~(size_t)7;

	if (*n + rec > cap)
		return -1;
	memset(out + *n, 0, rec);
	memcpy(out + *n, &ino, 8);
	memcpy(out + *n + 8, &doff, 8);
	out[*n + 16] = (uint8_t)(rec & 0xff);
	out[*n + 17] = (uint8_t)(rec >> 8);
	out[*n + 18] = type;
	memcpy(out + *n + 19, name, len);
	*n += rec;
	return 0;
}

static int
proc_vcmp(const void *a, const void *b)
{
	pid_t	 x = (*(struct proc *const *)a)->p_pid->v_virt;
	pid_t	 y = (*(struct proc *const *)b)->p_pid->v_virt;

	return x < y ? -1 : x > y;
}

/*
 * The process entries of /proc, from virtual pid first on, in the order
 * of the virtual pids, as a PID namespace's procfs lists its own: the
 * kernel's is that of the real pids, which wrap at pid_max, so that a
 * child's can come before pid 1's.  Each at PROC_TGID_OFFSET + its
 * virtual pid, the offset left after the last one that fits.  Returns
 * 0, -EINVAL if not even the first fits, or -ENOMEM.
 */
static int
getdents_pids(struct interp *ip, int fd, pid_t first, uint8_t *out,
    size_t *n, size_t cap)
{
	struct proc	**v = NULL, *p;
	struct stat	 st;
	char		 name[16], path[32];
	size_t		 nv = 0, max = 0, i, len;
	pid_t		 next = first;
	int		 rc = 0;

	TAILQ_FOREACH(p, &ip->i_procs, p_entry)
		max++;
	if (max > 0 && (v = calloc(max, sizeof(*v))) == NULL)
		return -ENOMEM;
	TAILQ_FOREACH(p, &ip->i_procs, p_entry)
		if (!(p->p_flags & P_GONE) && p->p_pid->v_virt >= first)
			v[nv++] = p;
	qsort(v, nv, sizeof(*v), proc_vcmp);
	for (i = 0; i < nv; i++) {
		/* Its inode, as the kernel's entry gives it; gone: left out. */
		(void)snprintf(path, sizeof(path), "/proc/%d",
		    (int)v[i]->p_pid->v_real);
		if (stat(path, &st) == -1)
			continue;
		len = (size_t)snprintf(name, sizeof(name), "%d",
		    (int)v[i]->p_pid->v_virt);
		if (dirent_put(out, n, cap, st.st_ino, PROC_TGID_OFFSET +
		    (int64_t)v[i]->p_pid->v_virt + 1, DT_DIR, name,
		    len) == -1) {
			if (*n == 0)
				rc = -EINVAL;
			break;
		}
		next = v[i]->p_pid->v_virt + 1;
	}
	free(v);
	(void)lseek(fd, PROC_TGID_OFFSET + (off_t)next, SEEK_SET);
	return rc;
}

/*
 * getdents64 of /proc or /proc/R/task: done here on a copy of the
 * descriptor (the same open file, so the same offset), keeping
 * everything that is not a number and the instance's processes (threads
 * of R) renamed to their virtual ids, until the instance's buffer is
 * full or the directory ends.  A record that does not fit is read again
 * next time (the offset goes back to it).  /proc's processes come from
 * the model, in the order of their virtual pids (getdents_pids()),
 * where the kernel's first one would.
 */
enum verdict
h_getdents(struct interp *ip, struct tracee *t, struct call *c)
{
	uint8_t		 in[4096], out[4096];
	size_t		 cap = (size_t)c->c_arg[2], n = 0, off, len;
	pid_t		 r = 0, v;
	ssize_t		 got;
	off_t		 pos;
	int64_t		 doff;
	uint64_t	 ino;
	uint16_t	 rl;
	struct vid	*id;
	struct tracee	*u;
	const char	*nm;
	char		 name[16];
	int		 kind, fd, e = 0;

	if ((kind = dir_kind(t->t_tid, (int)c->c_arg[0], &r)) == 0)
		return V_CONT;
	if (cap > sizeof(out))
		cap = sizeof(out);
	if ((fd = task_getfd(t, (int)c->c_arg[0])) < 0)
		return V_CONT;
	if (kind == 1 && (pos = lseek(fd, 0, SEEK_CUR)) >= PROC_TGID_OFFSET) {
		e = getdents_pids(ip, fd, (pid_t)(pos - PROC_TGID_OFFSET),
		    out, &n, cap);
		goto full;
	}
	while ((pos = lseek(fd, 0, SEEK_CUR)) != -1 &&
	    (got = syscall(SYS_getdents64, fd, in, sizeof(in))) > 0) {
		for (off = 0; off < (size_t)got; off += rl, pos = doff) {
			memcpy(&ino, in + off, sizeof(ino));
			memcpy(&doff, in + off + 8, sizeof(doff));
			memcpy(&rl, in + off + 16, sizeof(rl));
			nm = (const char *)in + off + 19;
			len = strlen(nm);
			if ((v = digits(nm, len)) >= 0 && kind == 1) {
				/* The first process: ours from here on. */
				e = getdents_pids(ip, fd, 1, out, &n, cap);
				goto full;
			}
			if (v >= 0) {
				if ((id = vmap_real(&ip->i_vmap, v)) == NULL ||
				    (u = tracee_find(ip, v)) == NULL ||
				    u->t_proc == NULL ||
				    u->t_proc->p_pid->v_real != r)
					continue;
				len = (size_t)snprintf(name, sizeof(name), "%d",
				    (int)id->v_virt);
				nm = name;
			}
			if (dirent_put(out, &n, cap, ino, doff, in[off + 18],
			    nm, len) == -1) {
				/* The next call starts at this record. */
				(void)lseek(fd, pos, SEEK_SET);
				e = n == 0 ? -EINVAL : 0;	/* as the kernel */
				goto full;
			}
		}
	}
 full:
	close(fd);
	if (e < 0)
		return call_return(t, c, e);
	if (n > 0 && mem_write(t->t_tid, c->c_arg[1], out, n) == -1)
		return call_return(t, c, -EFAULT);
	return call_return(t, c, (int64_t)n);
}
