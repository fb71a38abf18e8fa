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
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/tree.h>
#include <sys/types.h>

#include <linux/magic.h>
#include <linux/openat2.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interpose.h"
#include "extern.h"

/*
 * Path calls decided on the supervisor's own resolution of the path.
 *
 * A string check cannot say where the kernel's walk of a path goes: a
 * symbolic link the instance made, a "..", a directory descriptor, a
 * sibling thread rewriting the string after the check, all lead it
 * elsewhere.  So the supervisor walks the path itself, one component at
 * a time on descriptors of its own (O_PATH, never following a link it
 * has not read), in the task's context: from the task's root, working
 * directory or directory descriptor, a ".." stopping at its root.  In
 * procfs, a pid component is translated from virtual to real as the
 * walk meets it; a pid the instance does not have stops the walk with
 * ENOENT, whatever follows it, exactly as for a pid that does not exist.
 * Magic links (/proc/N/cwd, root, fd/M, exe) of the instance's processes
 * are followed by opening them; where they land is checked again.
 *
 * The walk is the only walk: for the calls that only ask (the stat
 * family, statx, access, readlink) the answer is taken from the object
 * the walk ended on, written in the instance's buffer, and the call is
 * skipped (one stop, as before; nothing left for a racing thread).  For
 * the calls that act (chdir, inotify_add_watch, ...) the walk decides
 * (ENOENT if it met an outside pid) and the kernel runs the call on a
 * copy of the string in scratch, or of the walk's procfs path: between
 * the two walks, a directory replaced by a symbolic link can still lead
 * the kernel's walk elsewhere (see CAVEATS).
 *
 * The walk uses the supervisor's credentials, so the query calls are
 * answered from it only where those are the instance's (an unprivileged
 * supervisor); a supervisor that cannot
 * open the task's /proc entries (an unprivileged one, the task made
 * itself non-dumpable) falls back to the string checks of h_procfs.c.
 */

#define PW_FOLLOW	0x01	/* follow a link in the last component */
#define PW_PARENT	0x02	/* the last component may be missing */
#define PW_FAST		0x04	/* walk_fast() or -EAGAIN, never procfs */

struct pwalk {
	int	 w_root;	/* the task's root */
	int	 w_cur;		/* where the walk is */
	dev_t	 w_rdev;	/* the root's identity */
	ino_t	 w_rino;
	dev_t	 w_dev;		/* w_cur's device, and */
	int	 w_proc;	/* whether it is procfs */
	struct stat	 w_st;		/* w_cur's */
	int	 w_links;	/* links followed */
	int	 w_inproc;	/* the walk went through procfs */
	int	 w_last;	/* it stopped at the last component */
	int	 w_atroot;	/* the last is in the root of procfs */
	char	 w_name[NAME_MAX + 1];	/* the last component */
	int	 w_magic;	/* a magic link was followed */
	int	 w_canonbad;	/* w_canon overflowed */
	size_t	 w_clen;
	char	 w_canon[PATH_MAX];	/* the steps taken, links expanded */
	int	 w_pp;		/* w_cur's proc_pos(), if w_proc */
	pid_t	 w_ppr;
	pid_t	 w_pptid;
};

/* w_canon: where descriptor fd is, from our root.  0, or -1. */
static int
canon_fd(struct pwalk *w, int fd)
{
	char	 p[64];
	ssize_t	 n;

	(void)snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	if ((n = readlink(p, w->w_canon, sizeof(w->w_canon) - 1)) <= 0 ||
	    w->w_canon[0] != '/')
		return -1;
	w->w_canon[n] = '\0';
	w->w_clen = (size_t)n;
	return n > 10 && strcmp(w->w_canon + n - 10, " (deleted)") == 0 ?
	    -1 : 0;
}

/*
 * A relative walk starts at directory fd: where it is, from the root
 * (ours: no chroot), starts w_canon, so that the kernel's walk does not
 * depend on a working directory or a descriptor a sibling thread can
 * change.  A directory without a name there (deleted, or elsewhere)
 * leaves w_canon relative.
 */
static void
canon_start(struct pwalk *w, int fd)
{
	if (canon_fd(w, fd) == -1 || w->w_clen + 2 > sizeof(w->w_canon)) {
		w->w_canon[0] = '\0';
		w->w_clen = 0;
		return;
	}
	if (w->w_clen > 1)
		w->w_canon[w->w_clen++] = '/';
	w->w_canon[w->w_clen] = '\0';
}

/*
 * Record a step of the walk in w_canon: the path, without any symbolic
 * link, that leads the kernel from the same start to the same place.
 * name NULL: back to the root ("/").
 */
static void
canon_step(struct pwalk *w, const char *name)
{
	size_t	 n;

	if (name == NULL) {
		w->w_canon[0] = '/';
		w->w_canon[1] = '\0';
		w->w_clen = 1;
		return;
	}
	n = strlen(name);
	if (w->w_clen + n + 2 > sizeof(w->w_canon)) {
		w->w_canonbad = 1;
		return;
	}
	memcpy(w->w_canon + w->w_clen, name, n);
	w->w_clen += n;
	w->w_canon[w->w_clen++] = '/';
	w->w_canon[w->w_clen] = '\0';
}

/* Identity of where procfs lies relative to its mount: see proc_pos(). */
enum ppos {
	PP_OTHER,	/* in procfs, not a pid directory or under one */
	PP_ROOT,	/* the root of procfs */
	PP_TASKS,	/* /proc/R/task */
	PP_PID,		/* /proc/R or under it */
	PP_UNKNOWN	/* a procfs the supervisor does not see at /proc */
};

/*
 * Where descriptor fd (in procfs) is: its process in *r, PP_TASKS with
 * r, PP_PID with r (and its thread in *tid, 0 if none) if it lies in
 * /proc/R.
 */
static enum ppos
proc_pos(int fd, pid_t *r, pid_t *tid)
{
	char	 p[64], l[PATH_MAX];
	ssize_t	 n;
	int	 k = -1, j = -1, v;

	*r = *tid = 0;
	(void)snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	if ((n = readlink(p, l, sizeof(l) - 1)) == -1)
		return PP_UNKNOWN;
	l[n] = '\0';
	if (strcmp(l, "/proc") == 0)
		return PP_ROOT;
	if (strncmp(l, "/proc/", 6) != 0)
		return PP_UNKNOWN;
	if (sscanf(l, "/proc/%d%n", &v, &k) != 1 || k < 0)
		return PP_OTHER;
	*r = v;
	if (sscanf(l + k, "/task%n", &j) == 0 && j > 0 && l[k + j] == '\0')
		return PP_TASKS;
	j = -1;
	if (sscanf(l + k, "/task/%d%n", &v, &j) == 1 && j > 0)
		*tid = v;
	return PP_PID;
}

/* Is real process r (thread tid, if not 0) one of the instance's? */
static int
proc_ours(struct interp *ip, pid_t r, pid_t tid)
{
	struct vid	*id;
	struct tracee	*u;

	if ((id = vmap_real(&ip->i_vmap, r)) == NULL || id->v_gone ||
	    id->v_virt == 0)
		return 0;
	if (tid == 0 || tid == r)
		return 1;
	return (u = tracee_find(ip, tid)) != NULL && u->t_proc != NULL &&
	    u->t_proc->p_pid->v_real == r;
}

static pid_t
name_pid(const char *s)
{
	long	 v = 0;
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i >= 9 || !isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return i == 0 ? -1 : (pid_t)v;
}

/*
 * Make w_cur descriptor fd (owned by the walk from now on), learning
 * whether it is in procfs.  Returns 0, or -errno: it is an outside
 * process's entry, ENOENT.
 */
static int
walk_set(struct interp *ip, struct pwalk *w, int fd, const struct stat *st)
{
	struct statfs	 sf;
	pid_t		 r, tid;
	enum ppos	 pp;

	if (w->w_cur != -1 && w->w_cur != fd)
		close(w->w_cur);
	w->w_cur = fd;
	w->w_st = *st;
	if (st->st_dev != w->w_dev) {
		w->w_dev = st->st_dev;
		w->w_proc = fstatfs(fd, &sf) == 0 &&
		    sf.f_type == PROC_SUPER_MAGIC;
	}
	if (!w->w_proc)
		return 0;
	w->w_inproc = 1;
	pp = w->w_pp = proc_pos(fd, &r, &tid);
	w->w_ppr = r;
	w->w_pptid = tid;
	if (pp == PP_UNKNOWN && st->st_ino == 1)
		return 0;	/* the root of another procfs mount */
	if (pp == PP_UNKNOWN || ((pp == PP_PID || pp == PP_TASKS) &&
	    !proc_ours(ip, r, tid)))
		return -ENOENT;
	return 0;
}

/* proc_pos() of w_cur, in procfs: as walk_set() found it. */
static enum ppos
cur_pos(const struct pwalk *w, pid_t *r, pid_t *tid)
{
	*r = w->w_ppr;
	*tid = w->w_pptid;
	return (enum ppos)w->w_pp;
}

/*
 * The name of the next component of *s, in name (NAME_MAX or
 * ENAMETOOLONG), *s moved past it.  Returns its length, 0 at the end.
 * *slash: a slash follows it.
 */
static int
walk_next(const char **s, char *name, int *slash)
{
	const char	*p = *s;
	size_t		 n;

	while (*p == '/')
		p++;
	n = strcspn(p, "/");
	if (n > NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(name, p, n);
	name[n] = '\0';
	p += n;
	*slash = *p == '/';
	*s = p;
	return (int)n;
}

/* Open what the task names as its root, working directory or fd. */
static int
task_open(pid_t tid, const char *what, int fd)
{
	char	 p[64];

	if (fd == AT_FDCWD)
		(void)snprintf(p, sizeof(p), "/proc/%d/%s", (int)tid, what);
	else
		(void)snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)tid, fd);
	return open(p, O_PATH | O_CLOEXEC);
}

/*
 * Descriptor fd of task t (AT_FDCWD: its working directory), ours now,
 * with w_st, w_proc and w_name filled as a walk to it would.  Returns
 * the descriptor, or -errno (EBADF: t has no such descriptor).
 */
static int
task_fd(struct tracee *t, int fd, struct pwalk *w)
{
	struct statfs	 sf;
	int		 ours = -1;

	memset(w, 0, sizeof(*w));
	w->w_root = w->w_cur = -1;
	if (fd < 0 && fd != AT_FDCWD)
		return -EBADF;
	/*
	 * The descriptor itself, from the pidfd, for the leader: its pidfd
	 * names its table.  Another thread's table may be its own
	 * (unshare), reached through /proc/TID/fd, a slower walk.
	 */
	if (fd != AT_FDCWD && t->t_proc->p_pidfd != -1 &&
	    t->t_tid == t->t_proc->p_pid->v_real)
		ours = (int)syscall(SYS_pidfd_getfd, t->t_proc->p_pidfd, fd, 0);
	else
		ours = task_open(t->t_tid, "cwd", fd);
	if (ours == -1)
		return errno == EBADF || errno == ENOENT ? -EBADF : -EAGAIN;
	/* procfs only on an anonymous device, as in walk_fast(). */
	if (fstat(ours, &w->w_st) == -1 || (major(w->w_st.st_dev) == 0 &&
	    fstatfs(ours, &sf) == -1)) {
		close(ours);
		return -EAGAIN;
	}
	w->w_dev = w->w_st.st_dev;
	w->w_proc = major(w->w_st.st_dev) == 0 &&
	    sf.f_type == PROC_SUPER_MAGIC;
	return ours;
}


/*
 * Where procfs is mounted in our mount namespace, which is the
 * instance's until a chroot or a new one (i_chrooted): the mount points
 * of /proc/self/mountinfo of type proc.  Unknown (more than fit, or
 * unreadable): i_nprocmnt -1, and every walk takes the long way.  One
 * mounted with hidepid (other than 0 or off) sets i_prochide: what it
 * shows depends on who looks.
 */
void
procmnt_load(struct interp *ip)
{
	FILE	*f;
	char	*line = NULL, *mp, *sep, *o;
	size_t	 cap = 0;
	int	 i;

	ip->i_nprocmnt = -1;
	ip->i_prochide = 1;	/* until known */
	if ((f = fopen("/proc/self/mountinfo", "re")) == NULL)
		return;
	ip->i_prochide = 0;
	ip->i_nprocmnt = 0;
	while (getline(&line, &cap, f) != -1) {
		/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT ... - TYPE ..." */
		if ((sep = strstr(line, " - ")) == NULL ||
		    strncmp(sep + 3, "proc ", 5) != 0)
			continue;
		/* "proc SOURCE OPTIONS": hidepid=N or a name. */
		if ((o = strstr(sep, "hidepid=")) != NULL &&
		    strncmp(o + 8, "0", 1) != 0 && strncmp(o + 8, "off", 3) != 0)
			ip->i_prochide = 1;
		mp = line;
		for (i = 0; i < 4 && mp != NULL; i++)
			if ((mp = strchr(mp, ' ')) != NULL)
				mp++;
		if (mp == NULL || (o = strchr(mp, ' ')) == NULL ||
		    ip->i_nprocmnt == (int)(sizeof(ip->i_procmnt) /
		    sizeof(ip->i_procmnt[0])) ||
		    memchr(mp, '\\', (size_t)(o - mp)) != NULL) {
			procmnt_free(ip);	/* escaped, or too many */
			ip->i_nprocmnt = -1;
			break;
		}
		if ((ip->i_procmnt[ip->i_nprocmnt] =
		    strndup(mp, (size_t)(o - mp))) == NULL) {
			procmnt_free(ip);
			ip->i_nprocmnt = -1;
			break;
		}
		ip->i_nprocmnt++;
	}
	free(line);
	fclose(f);
}

void
procmnt_free(struct interp *ip)
{
	int	 i;

	for (i = 0; i < ip->i_nprocmnt; i++)
		free(ip->i_procmnt[i]);
	ip->i_nprocmnt = 0;
}

/* Does absolute path p lie in, or pass through, a procfs mount? */
static int
procmnt_under(const struct interp *ip, const char *p)
{
	size_t	 n;
	int	 i;

	for (i = 0; i < ip->i_nprocmnt; i++) {
		n = strlen(ip->i_procmnt[i]);
		if (n == 1)
			return 1;	/* procfs at the root */
		if (strncmp(p, ip->i_procmnt[i], n) == 0 &&
		    (p[n] == '/' || p[n] == '\0'))
			return 1;
	}
	return 0;
}


/*
 * Extend w_canon, an absolute directory ending in "/", by path,
 * lexically: "." dropped, ".." taking the last name off (never above
 * "/").  With no link on the way, which openat2 with RESOLVE_NO_SYMLINKS
 * then checks, this is the kernel's walk, mount points included.  -1 if
 * it passes through a procfs mount, does not fit, or has no component.
 */
static int
canon_lex(const struct interp *ip, struct pwalk *w, const char *path)
{
	const char	*p;
	size_t		 n;
	int		 any = 0;

	for (p = path; ; p += n) {
		while (*p == '/')
			p++;
		if ((n = strcspn(p, "/")) == 0)
			break;
		any = 1;
		if (n == 1 && p[0] == '.')
			continue;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (w->w_clen > 1) {
				w->w_clen--;
				while (w->w_canon[w->w_clen - 1] != '/')
					w->w_clen--;
				w->w_canon[w->w_clen] = '\0';
			}
		} else {
			if (w->w_clen + n + 2 > sizeof(w->w_canon))
				return -1;
			memcpy(w->w_canon + w->w_clen, p, n);
			w->w_clen += n;
			w->w_canon[w->w_clen++] = '/';
			w->w_canon[w->w_clen] = '\0';
		}
		if (procmnt_under(ip, w->w_canon))
			return -1;
	}
	if (!any)
		return -1;
	/* The last slash only if the path ends in one. */
	if (w->w_clen > 1 && path[strlen(path) - 1] != '/')
		w->w_canon[--w->w_clen] = '\0';
	return 0;
}

/*
 * The short way, for a path with no link and no dot in it, from our
 * root (no chroot) and outside procfs: one openat2 with
 * RESOLVE_NO_SYMLINKS does the walk the long way would do, step for
 * step.  Returns what path_walk() would, or -EAGAIN: take the long way
 * (a link on the way, a missing last component the caller may create,
 * procfs, any doubt).
 */
static int
walk_fast(struct interp *ip, struct tracee *t, int dirfd, const char *path,
    int flags, struct pwalk *w)
{
	struct open_how	 how;
	struct statfs	 sf;
	const char	*last;
	char		 dir[PATH_MAX];
	size_t		 n;
	int		 start, fd;

	if (ip->i_chrooted || ip->i_nprocmnt < 0)
		return -EAGAIN;
	if (*path == '/')
		start = ip->i_rootfd;	/* ours: not closed below */
	else if ((start = task_open(t->t_tid, "cwd", dirfd)) == -1)
		return -EAGAIN;
	w->w_root = -1;
	w->w_cur = -1;
	w->w_clen = 0;
	w->w_canon[0] = '\0';
	if (*path == '/')
		canon_step(w, NULL);
	else
		canon_start(w, start);
	if (w->w_clen == 0 || procmnt_under(ip, w->w_canon) ||
	    canon_lex(ip, w, path) == -1) {
		if (start != ip->i_rootfd)
			close(start);
		return -EAGAIN;
	}
	n = strlen(path);
	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_CLOEXEC | ((flags & PW_FOLLOW) ? 0 : O_NOFOLLOW);
	how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	fd = (int)syscall(SYS_openat2, start, path, &how, sizeof(how));
	if (fd == -1 && errno == ELOOP) {
		/*
		 * A link on the way (/lib on a merged /usr): followed, as
		 * long as the walk stays on the start's mount, where procfs
		 * cannot be; the steps are then where it ended.
		 */
		how.resolve = RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
		fd = (int)syscall(SYS_openat2, start, path, &how, sizeof(how));
		if (fd != -1 && canon_fd(w, fd) == -1) {
			close(fd);
			fd = -1;
			errno = EAGAIN;
		}
	}
	last = path + n;
	while (last > path && last[-1] == '/')
		last--;
	n = (size_t)(last - path);
	while (last > path && last[-1] != '/')
		last--;
	if (fd == -1 && errno == ENOENT && (flags & PW_PARENT) &&
	    how.resolve == (RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS) &&
	    n == strlen(path) && last > path && last < path + n &&
	    (size_t)(last - path) < sizeof(dir)) {
		/*
		 * Missing: the last component alone (a file to create, a
		 * header searched for), if its directory is there.  w_canon
		 * already names the missing one too.
		 */
		memcpy(dir, path, (size_t)(last - path));
		dir[last - path] = '\0';
		how.flags = O_PATH | O_CLOEXEC | O_DIRECTORY;
		if ((fd = (int)syscall(SYS_openat2, start, dir, &how,
		    sizeof(how))) != -1)
			w->w_last = 1;
		else if (errno == ENOENT)
			flags &= ~PW_PARENT;	/* a directory missing */
		else
			errno = EAGAIN;
	}
	if (start != ip->i_rootfd)
		close(start);
	if (fd == -1) {
		/* No mount crossed up to the missing component. */
		if (errno == ENOENT && !(flags & PW_PARENT))
			return -ENOENT;
		/*
		 * A directory on the way not searchable (no link before it:
		 * the kernel's walk meets it too), for PW_FAST, which has
		 * no long way: what the long way would find.
		 */
		if (errno == EACCES && (flags & PW_FAST) &&
		    how.resolve == (RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS))
			return -EACCES;
		return -EAGAIN;
	}
	/*
	 * procfs is on an anonymous device (major 0), as are tmpfs and
	 * others: those are asked; a block device's file system is not.
	 */
	if (fstat(fd, &w->w_st) == -1 || (major(w->w_st.st_dev) == 0 &&
	    (fstatfs(fd, &sf) == -1 || sf.f_type == PROC_SUPER_MAGIC))) {
		close(fd);
		w->w_last = 0;
		return -EAGAIN;
	}
	(void)snprintf(w->w_name, sizeof(w->w_name), "%.*s",
	    (int)(path + n - last), last);
	w->w_dev = w->w_st.st_dev;
	return fd;
}

/*
 * Walk path, relative to dirfd (AT_FDCWD: the working directory) of task
 * t.  Returns an O_PATH descriptor of what it names (the caller closes
 * it), or -errno as the kernel's walk would fail; -ENOENT as well if it
 * met an outside process's /proc entry (w_inproc is 2 then), -EAGAIN if
 * the supervisor cannot walk for this task.  With PW_PARENT, a missing
 * last component is no error: its directory is returned, w_last set.
 */
static int
path_walk(struct interp *ip, struct tracee *t, int dirfd, const char *path,
    int flags, struct pwalk *w)
{
	char		 buf[2][PATH_MAX + 1], name[NAME_MAX + 1];
	char		 link[PATH_MAX + 1];
	const char	*s = path;
	struct stat	 st;
	ssize_t		 ll;
	size_t		 len;
	pid_t		 r, tid, v;
	enum ppos	 pp;
	int		 n, slash, fd, e, cur = 0, follow, mustdir = 0;

	memset(w, 0, sizeof(*w));
	if ((fd = walk_fast(ip, t, dirfd, path, flags, w)) != -EAGAIN ||
	    (flags & PW_FAST))
		return fd;
	memset(w, 0, sizeof(*w));
	w->w_cur = -1;
	w->w_dev = (dev_t)-1;
	if (!ip->i_chrooted) {
		/* Until a chroot, every task's root is ours. */
		if ((w->w_root = dup(ip->i_rootfd)) == -1)
			return -EAGAIN;
		w->w_rdev = ip->i_rootdev;
		w->w_rino = ip->i_rootino;
	} else {
		if ((w->w_root = task_open(t->t_tid, "root", AT_FDCWD)) == -1)
			return -EAGAIN;
		if (fstat(w->w_root, &st) == -1) {
			close(w->w_root);
			return -EAGAIN;
		}
		w->w_rdev = st.st_dev;
		w->w_rino = st.st_ino;
	}
	if (*s == '/')
		canon_step(w, NULL);
	if (*s == '/')
		fd = dup(w->w_root);
	else if ((fd = task_open(t->t_tid, "cwd", dirfd)) != -1 &&
	    !ip->i_chrooted)
		canon_start(w, fd);
	if (fd == -1 && *s != '/') {
		e = dirfd == AT_FDCWD || errno == EACCES || errno == EPERM ?
		    -EAGAIN : -EBADF;
		goto fail;
	}
	if (fd == -1 || fstat(fd, &st) == -1) {
		if (fd != -1)
			close(fd);
		e = -EAGAIN;
		goto fail;
	}
	if (walk_set(ip, w, fd, &st) < 0)
		goto outside;
	for (;;) {
		if ((n = walk_next(&s, name, &slash)) < 0) {
			e = n;
			goto fail;
		}
		if (n == 0)
			break;
		if (!S_ISDIR(w->w_st.st_mode)) {
			e = -ENOTDIR;
			goto fail;
		}
		mustdir = slash;
		follow = slash || *s != '\0' || (flags & PW_FOLLOW);
		if (strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0 && w->w_st.st_dev == w->w_rdev &&
		    w->w_st.st_ino == w->w_rino)
			continue;	/* the task's root: no way up */
		if (w->w_proc && strcmp(name, "..") != 0) {
			pp = cur_pos(w, &r, &tid);
			v = name_pid(name);
			if (pp == PP_ROOT && follow &&
			    (strcmp(name, "self") == 0 ||
			    strcmp(name, "thread-self") == 0)) {
				/* Its text, with the virtual ids. */
				if (name[4] == '\0')
					(void)snprintf(link, sizeof(link), "%d",
					    (int)t->t_proc->p_pid->v_virt);
				else
					(void)snprintf(link, sizeof(link),
					    "%d/task/%d",
					    (int)t->t_proc->p_pid->v_virt,
					    (int)t->t_id->v_virt);
				ll = (ssize_t)strlen(link);
				goto text;
			}
			if (pp == PP_UNKNOWN && v >= 0)
				goto outside;
			if (pp == PP_ROOT && v >= 0) {
				struct proc *p = proc_byvpid(ip, v);

				if (p == NULL || (p->p_flags & P_GONE))
					goto outside;
				(void)snprintf(name, sizeof(name), "%d",
				    (int)p->p_pid->v_real);
			} else if (pp == PP_TASKS && v >= 0) {
				struct vid *id = vmap_virt(&ip->i_vmap, v);

				if (id == NULL || !proc_ours(ip, r, id->v_real))
					goto outside;
				(void)snprintf(name, sizeof(name), "%d",
				    (int)id->v_real);
			}
		}
		w->w_atroot = w->w_proc && *s == '\0' &&
		    cur_pos(w, &r, &tid) == PP_ROOT;
		(void)strlcpy(w->w_name, name, sizeof(w->w_name));
		if ((fd = openat(w->w_cur, name, O_PATH | O_NOFOLLOW |
		    O_CLOEXEC)) == -1) {
			e = -errno;
			if (e == -ENOENT && (flags & PW_PARENT) && *s == '\0') {
				w->w_last = 1;
				canon_step(w, name);
				break;
			}
			goto fail;
		}
		if (fstat(fd, &st) == -1) {
			e = -errno;
			close(fd);
			goto fail;
		}
		if (S_ISLNK(st.st_mode) && follow && w->w_proc &&
		    cur_pos(w, &r, &tid) != PP_ROOT) {
			/* A magic link: opened, where it lands checked. */
			w->w_magic = 1;
			close(fd);
			if ((fd = openat(w->w_cur, name, O_PATH |
			    O_CLOEXEC)) == -1) {
				e = -errno;
				goto fail;
			}
			if (fstat(fd, &st) == -1) {
				e = -errno;
				close(fd);
				goto fail;
			}
		} else if (S_ISLNK(st.st_mode) && follow) {
			ll = readlinkat(fd, "", link, sizeof(link) - 1);
			close(fd);
			if (ll <= 0) {
				e = ll == 0 ? -ENOENT : -errno;
				goto fail;
			}
 text:
			link[ll] = '\0';
			if (++w->w_links > 40) {
				e = -ELOOP;
				goto fail;
			}
			len = strlen(s);
			if ((size_t)ll + 1 + len >= sizeof(buf[0])) {
				e = -ENAMETOOLONG;
				goto fail;
			}
			(void)snprintf(buf[cur], sizeof(buf[cur]), "%s%s%s",
			    link, len > 0 || slash ? "/" : "", s);
			s = buf[cur];
			cur ^= 1;
			if (*link == '/') {
				canon_step(w, NULL);
				if ((fd = dup(w->w_root)) == -1 ||
				    fstat(fd, &st) == -1) {
					e = -EAGAIN;
					if (fd != -1)
						close(fd);
					goto fail;
				}
				if (walk_set(ip, w, fd, &st) < 0)
					goto outside;
			}
			continue;
		}
		canon_step(w, name);
		if (walk_set(ip, w, fd, &st) < 0)
			goto outside;
	}
	/* The last slash only if the path must name a directory. */
	if (w->w_clen > 1 && w->w_canon[w->w_clen - 1] == '/' && !mustdir)
		w->w_canon[--w->w_clen] = '\0';
	if (mustdir && !w->w_last && !S_ISDIR(w->w_st.st_mode)) {
		e = -ENOTDIR;
		goto fail;
	}
	close(w->w_root);
	fd = w->w_cur;
	w->w_cur = -1;
	return fd;
 outside:
	w->w_inproc = 2;
	e = -ENOENT;
 fail:
	if (w->w_cur != -1)
		close(w->w_cur);
	close(w->w_root);
	w->w_cur = -1;
	return e;
}

/* Read the path argument at addr into buf.  Returns 0 or -errno. */
static int
path_get(struct tracee *t, uint64_t addr, char *buf, size_t len)
{
	size_t	 i, chunk;

	if (addr == 0)
		return -EFAULT;
	for (i = 0; i < len; i += chunk) {
		chunk = 256 - ((addr + i) % 256);
		if (chunk > len - i)
			chunk = len - i;
		if (mem_read(t->t_tid, addr + i, buf + i, chunk) == -1)
			return -EFAULT;
		if (memchr(buf + i, '\0', chunk) != NULL)
			return 0;
	}
	return -ENAMETOOLONG;
}

/* uid and gid as 16 bits, as the kernel's SET_UID: 65534 if too big. */
static uint16_t
low16(uint32_t v)
{
	return v > 0xffff ? 65534 : (uint16_t)v;
}

static void
put32(uint8_t *b, size_t off, uint64_t v)
{
	uint32_t	 x = (uint32_t)v;

	memcpy(b + off, &x, 4);
}

static void
put64(uint8_t *b, size_t off, uint64_t v)
{
	memcpy(b + off, &v, 8);
}

/*
 * st in the layout of the call (sn, in the task's ABI) in b.  Returns
 * its size, or -EOVERFLOW as the kernel.
 */
static int
stat_layout(int sn, int compat, const struct stat *st, uint8_t *b)
{
	uint16_t	 h[8];

	if (!compat) {
		memcpy(b, st, sizeof(*st));	/* the kernel's struct stat */
		return (int)sizeof(*st);
	}
	memset(b, 0, 96);
	switch (sn) {
	case SN_stat64:
	case SN_lstat64:
	case SN_fstatat64:
		put64(b, 0, st->st_dev);
		put32(b, 12, st->st_ino);
		put32(b, 16, st->st_mode);
		put32(b, 20, st->st_nlink);
		put32(b, 24, st->st_uid);
		put32(b, 28, st->st_gid);
		put64(b, 32, st->st_rdev);
		put64(b, 44, (uint64_t)st->st_size);
		put32(b, 52, (uint64_t)st->st_blksize);
		put64(b, 56, (uint64_t)st->st_blocks);
		put32(b, 64, (uint64_t)st->st_atim.tv_sec);
		put32(b, 68, (uint64_t)st->st_atim.tv_nsec);
		put32(b, 72, (uint64_t)st->st_mtim.tv_sec);
		put32(b, 76, (uint64_t)st->st_mtim.tv_nsec);
		put32(b, 80, (uint64_t)st->st_ctim.tv_sec);
		put32(b, 84, (uint64_t)st->st_ctim.tv_nsec);
		put64(b, 88, st->st_ino);
		return 96;
	case SN_stat:
	case SN_lstat:
		if (st->st_ino > UINT32_MAX || st->st_nlink > UINT16_MAX ||
		    (uint64_t)st->st_size > INT32_MAX)
			return -EOVERFLOW;
		put32(b, 0, st->st_dev);
		put32(b, 4, st->st_ino);
		h[0] = (uint16_t)st->st_mode;
		h[1] = (uint16_t)st->st_nlink;
		h[2] = low16(st->st_uid);
		h[3] = low16(st->st_gid);
		memcpy(b + 8, h, 8);
		put32(b, 16, st->st_rdev);
		put32(b, 20, (uint64_t)st->st_size);
		put32(b, 24, (uint64_t)st->st_blksize);
		put32(b, 28, (uint64_t)st->st_blocks);
		put32(b, 32, (uint64_t)st->st_atim.tv_sec);
		put32(b, 36, (uint64_t)st->st_atim.tv_nsec);
		put32(b, 40, (uint64_t)st->st_mtim.tv_sec);
		put32(b, 44, (uint64_t)st->st_mtim.tv_nsec);
		put32(b, 48, (uint64_t)st->st_ctim.tv_sec);
		put32(b, 52, (uint64_t)st->st_ctim.tv_nsec);
		return 64;
	default:	/* oldstat, oldlstat: struct __old_kernel_stat */
		if (st->st_ino > UINT16_MAX || st->st_nlink > UINT16_MAX)
			return -EOVERFLOW;
		h[0] = (uint16_t)((major(st->st_dev) << 8) |
		    minor(st->st_dev));
		h[1] = (uint16_t)st->st_ino;
		h[2] = (uint16_t)st->st_mode;
		h[3] = (uint16_t)st->st_nlink;
		h[4] = low16(st->st_uid);
		h[5] = low16(st->st_gid);
		h[6] = (uint16_t)((major(st->st_rdev) << 8) |
		    minor(st->st_rdev));
		h[7] = 0;
		memcpy(b, h, 16);
		put32(b, 16, (uint64_t)st->st_size);
		put32(b, 20, (uint64_t)st->st_atim.tv_sec);
		put32(b, 24, (uint64_t)st->st_mtim.tv_sec);
		put32(b, 28, (uint64_t)st->st_ctim.tv_sec);
		return 32;
	}
}

/*
 * The text of a link in procfs as the instance reads it: pids real to
 * virtual in "/proc/R[/task/T]..." and, for the links at the root of
 * procfs (self, thread-self), in "R[/task/T]".
 */
void
link_virtual(struct interp *ip, char *l, size_t len)
{
	char	 out[PATH_MAX + 1];
	int	 r, t, k = -1, j = -1;
	const char *p = l;

	if (strncmp(l, "/proc/", 6) == 0)
		p = l + 6;
	if (sscanf(p, "%d%n", &r, &k) != 1 || k <= 0 ||
	    (p[k] != '\0' && p[k] != '/'))
		return;
	if (sscanf(p + k, "/task/%d%n", &t, &j) == 1 && j > 0 &&
	    (p[k + j] == '\0' || p[k + j] == '/'))
		(void)snprintf(out, sizeof(out), "%.*s%d/task/%d%s",
		    (int)(p - l), l, (int)pid_out(ip, r), (int)pid_out(ip, t),
		    p + k + j);
	else
		(void)snprintf(out, sizeof(out), "%.*s%d%s", (int)(p - l), l,
		    (int)pid_out(ip, r), p + k);
	(void)strlcpy(l, out, len);
}

/*
 * The access rights of task tid, as text: the Uid, Gid (real, effective,
 * saved, filesystem), Groups and CapEff lines of its status, and, if
 * *lsm, its LSM context.  malloc'ed, or NULL.  *lsm is left 0 if no LSM
 * has a context to give (EINVAL: none of those loaded keeps one, which
 * holds until the next boot).
 */
char *
cred_text(pid_t tid, int *lsm)
{
	static const char *const keys[] = { "Uid:", "Gid:", "Groups:",
	    "CapEff:" };
	char	 p[64], st[4096], out[1024], *l, *e;
	size_t	 i, o = 0;
	ssize_t	 n;
	int	 fd;

	(void)snprintf(p, sizeof(p), "/proc/%d/status", (int)tid);
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	n = read(fd, st, sizeof(st) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	st[n] = '\0';
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		for (l = st; l != NULL; l = (e = strchr(l, '\n')) ?
		    e + 1 : NULL)
			if (strncmp(l, keys[i], strlen(keys[i])) == 0)
				break;
		if (l == NULL)
			return NULL;
		n = (e = strchr(l, '\n')) != NULL ? e - l : (ssize_t)strlen(l);
		if (o + (size_t)n + 2 > sizeof(out))
			return NULL;
		memcpy(out + o, l, (size_t)n);
		o += (size_t)n;
		out[o++] = '\n';
	}
	(void)snprintf(p, sizeof(p), "/proc/%d/attr/current", (int)tid);
	if (!*lsm)
		;
	else if ((fd = open(p, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, out + o, sizeof(out) - o - 1);
		if (n == -1 && errno == EINVAL)
			*lsm = 0;
		close(fd);
		if (n > 0)
			o += (size_t)n;
	} else if (errno == ENOENT || errno == EINVAL)
		*lsm = 0;
	out[o] = '\0';
	return strdup(out);
}

/*
 * Can the answer thread take on the rights c (cred_text()'s) for a walk?
 * The plain shape a dropped privilege leaves: one uid (real, effective,
 * filesystem; not root), one gid likewise, at most CR_GROUPS groups, no
 * capability, and our LSM context (the text after CapEff in ours).  Then
 * 1, with cr filled.
 */
static int
cred_parse(const char *c, const char *ours, struct tcred *cr)
{
	unsigned long	 r, e, s, f, v;
	const char	*l;
	char		*end;
	int		 i;

	if (sscanf(c, "Uid:\t%lu\t%lu\t%lu\t%lu", &r, &e, &s, &f) != 4 ||
	    r != e || e != f || r == 0 || r > UINT32_MAX - 1)
		return 0;
	cr->uid = (uid_t)r;
	if ((l = strchr(c, '\n')) == NULL || sscanf(l + 1,
	    "Gid:\t%lu\t%lu\t%lu\t%lu", &r, &e, &s, &f) != 4 || r != e ||
	    e != f || r > UINT32_MAX - 1)
		return 0;
	cr->gid = (gid_t)r;
	if ((l = strchr(l + 1, '\n')) == NULL ||
	    strncmp(l + 1, "Groups:", 7) != 0)
		return 0;
	for (l += 8, cr->ngroups = 0; *l != '\n' && *l != '\0'; l = end) {
		while (*l == ' ' || *l == '\t')
			l++;
		if (*l == '\n')
			break;
		v = strtoul(l, &end, 10);
		if (end == l || v > UINT32_MAX - 1 || cr->ngroups == CR_GROUPS)
			return 0;
		cr->groups[cr->ngroups++] = (gid_t)v;
	}
	if (*l != '\n' || strncmp(l + 1, "CapEff:\t0000000000000000\n", 25) != 0)
		return 0;
	for (i = 0; i < 4 && ours != NULL; i++)
		ours = (ours = strchr(ours, '\n')) != NULL ? ours + 1 : NULL;
	return ours != NULL && strcmp(l + 26, ours) == 0;
}

/*
 * Are t's access rights ours?  Then what a walk of ours finds is what
 * the kernel would find for t, and a query can be answered from it.
 * Known until t execs or changes ids, groups or capabilities (exec,
 * h_credset() and capset set t_cred to 0 again); a task's credentials
 * are its own, no other task changes them.
 */
int
cred_same(struct interp *ip, struct tracee *t)
{
	char	*c;
	int	 lsm = ip->i_lsm;

	if (t->t_proc != NULL && (t->t_proc->p_flags & P_CONFINED)) {
		t->t_cred = 2;	/* never ours again: see h_confine() */
		return 0;
	}
	if (ip->i_samecred)
		return 1;
	if (t->t_cred == 0) {
		/* Without an LSM context of ours, a task has none either. */
		c = ip->i_cred != NULL ? cred_text(t->t_tid, &lsm) : NULL;
		t->t_cred = c == NULL ? 2 : strcmp(c, ip->i_cred) == 0 ? 1 :
		    __atomic_load_n(&ip->i_canbe, __ATOMIC_RELAXED) > 0 &&
		    cred_parse(c, ip->i_cred, &t->t_cr) ?
		    3 : 2;
		free(c);
	}
	return t->t_cred == 1;
}

/*
 * A query the walk cannot answer: the string checks of h_procfs.c at a
 * stop; the answer thread gives it back to one (V_CONT, no answer).
 */
static enum verdict
pathq_long(struct interp *ip, struct tracee *t, struct call *c)
{
	return c->c_nq != NULL ? V_CONT : h_procpath(ip, t, c);
}

/*
 * The stat family, statx, access, faccessat(2), readlink(at): walked
 * here, answered from what the walk found, the call skipped; for a
 * supervisor whose access rights are not the instance's, the string
 * checks of h_procfs.c instead.  The answer thread runs it too, with
 * c_nq set (notify.c): then every way but an answer returns without
 * one (c_nq->done 0), and the call is taken back to a ptrace stop.
 */
enum verdict
h_pathq(struct interp *ip, struct tracee *t, struct call *c)
{
	struct pwalk	 w;
	struct stat	 st;
	struct statx	 sx;
	char		 s[PATH_MAX], l[PATH_MAX + 1];
	uint8_t		 b[256];
	int		 sn = c->c_sn, compat = c->c_pers->p_compat;
	int		 dirfd = AT_FDCWD, pa = 0, flags = 0, wf = PW_FOLLOW;
	int		 fd, e, n, as;
	uint64_t	 out;
	int64_t		 cap;
	ssize_t		 ll;

	/*
	 * An answer from the walk holds only for a caller with our access
	 * rights, or the answer thread's with the caller's taken on (as);
	 * otherwise (an instance run with -u, or that changed ids or
	 * capabilities) the kernel answers, with the caller's credentials,
	 * after the string checks.
	 */
	as = c->c_nq != NULL && c->c_nq->as;
	if (!as && !cred_same(ip, t))
		return pathq_long(ip, t, c);
	switch (sn) {
	case SN_lstat:
	case SN_lstat64:
	case SN_oldlstat:
		wf = 0;
		/* FALLTHROUGH */
	case SN_stat:
	case SN_stat64:
	case SN_oldstat:
	case SN_access:
		break;
	case SN_readlink:
		wf = 0;
		break;
	case SN_newfstatat:
	case SN_fstatat64:
		flags = (int)c->c_arg[3];
		/* The kernel takes the statx sync bits here too. */
		if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT |
		    AT_EMPTY_PATH | AT_STATX_SYNC_TYPE))
			return call_return(t, c, -EINVAL);
		/* FALLTHROUGH */
	case SN_faccessat:
	case SN_readlinkat:
		dirfd = (int)c->c_arg[0];
		pa = 1;
		wf = sn == SN_readlinkat ? 0 : PW_FOLLOW;
		break;
	case SN_faccessat2:
		flags = (int)c->c_arg[3];
		if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH))
			return V_CONT;
		dirfd = (int)c->c_arg[0];
		pa = 1;
		break;
	case SN_statx:
		flags = (int)c->c_arg[2];
		if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT |
		    AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)) ||
		    (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE ||
		    ((uint32_t)c->c_arg[3] & STATX__RESERVED))
			return V_CONT;
		dirfd = (int)c->c_arg[0];
		pa = 1;
		if (c->c_arg[1] == 0 && (flags & AT_EMPTY_PATH))
			return V_CONT;	/* the descriptor itself */
		break;
	default:
		return V_CONT;
	}
	if (flags & AT_SYMLINK_NOFOLLOW)
		wf = 0;
	/*
	 * With the caller's rights taken on, procfs is left to a stop: the
	 * kernel lets a task into its own /proc entries whatever its
	 * dumpability (same thread group), which the answer thread is not.
	 */
	if (as)
		wf |= PW_FAST;
	if ((sn == SN_access || sn == SN_faccessat || sn == SN_faccessat2) &&
	    (c->c_arg[sn == SN_access ? 1 : 2] & ~(uint64_t)S_IRWXO))
		return V_CONT;
	if ((sn == SN_readlink || sn == SN_readlinkat) &&
	    (int32_t)c->c_arg[pa + 2] <= 0)
		return V_CONT;
	e = c->c_nq != NULL ? notify_path(t, c->c_nq, c->c_arg[pa], s,
	    sizeof(s)) : path_get(t, c->c_arg[pa], s, sizeof(s));
	if (e == -EAGAIN)
		return V_CONT;		/* the answer thread's: take it back */
	if (e < 0)
		return call_return(t, c, e);
	if (compat && dirfd != AT_FDCWD)
		dirfd = (int32_t)dirfd;
	if (s[0] == '\0') {
		/*
		 * Not left to the kernel, which would read the string again:
		 * a sibling could have made it a path by then.  The
		 * descriptor itself (AT_EMPTY_PATH; readlinkat always), or
		 * ENOENT.
		 */
		if (!(flags & AT_EMPTY_PATH) && sn != SN_readlinkat)
			return call_return(t, c, -ENOENT);
		if ((fd = task_fd(t, dirfd, &w)) == -EAGAIN)
			return pathq_long(ip, t, c);	/* "" in scratch */
	} else if ((fd = path_walk(ip, t, dirfd, s, wf, &w)) == -EAGAIN)
		return pathq_long(ip, t, c);	/* the string checks */
	if (fd < 0)
		return call_return(t, c, fd);
	if (as && w.w_proc) {
		close(fd);
		return V_CONT;		/* a descriptor in procfs: as above */
	}
	e = 0;
	switch (sn) {
	case SN_access:
	case SN_faccessat:
	case SN_faccessat2:
		/*
		 * Taken on, the caller's real ids are its fsuid and fsgid
		 * (cred_parse()), which AT_EACCESS checks with.
		 */
		if (syscall(SYS_faccessat2, fd, "", (int)c->c_arg[sn ==
		    SN_access ? 1 : 2], AT_EMPTY_PATH | (flags & AT_EACCESS) |
		    (as ? AT_EACCESS : 0)) == -1)
			e = -errno;
		break;
	case SN_readlink:
	case SN_readlinkat:
		out = c->c_arg[pa + 1];
		cap = (int32_t)c->c_arg[pa + 2];
		if (!S_ISLNK(w.w_st.st_mode)) {	/* the walk's stat of fd */
			e = s[0] == '\0' ? -ENOENT : -EINVAL;
			break;
		}
		if ((ll = readlinkat(fd, "", l, sizeof(l) - 1)) == -1) {
			e = -errno;
			break;
		}
		l[ll] = '\0';
		/* The supervisor read its own self and thread-self. */
		if (w.w_atroot && strcmp(w.w_name, "self") == 0)
			(void)snprintf(l, sizeof(l), "%d",
			    (int)t->t_proc->p_pid->v_virt);
		else if (w.w_atroot && strcmp(w.w_name, "thread-self") == 0)
			(void)snprintf(l, sizeof(l), "%d/task/%d",
			    (int)t->t_proc->p_pid->v_virt, (int)t->t_id->v_virt);
		else if (w.w_proc)
			link_virtual(ip, l, sizeof(l));
		ll = (ssize_t)strlen(l);
		if (ll > cap)
			ll = cap;
		if ((e = call_write(t, c, out, l, (size_t)ll)) == 0)
			e = (int)ll;
		break;
	case SN_statx:
		if (statx(fd, "", AT_EMPTY_PATH | (flags & (AT_NO_AUTOMOUNT |
		    AT_STATX_SYNC_TYPE)), (unsigned int)c->c_arg[3],
		    &sx) == -1) {
			e = -errno;
			break;
		}
		e = call_write(t, c, c->c_arg[4], &sx, sizeof(sx));
		break;
	default:
		st = w.w_st;	/* the walk's stat of fd, just taken */
		if ((flags & AT_STATX_SYNC_TYPE) && fstatat(fd, "", &st,
		    AT_EMPTY_PATH | (flags & AT_STATX_SYNC_TYPE)) == -1) {
			e = -errno;
			break;
		}
		if ((n = stat_layout(sn, compat, &st, b)) < 0)
			e = n;
		else
			e = call_write(t, c, c->c_arg[sn == SN_newfstatat ||
			    sn == SN_fstatat64 ? 2 : 1], b, (size_t)n);
		break;
	}
	close(fd);
	/* The answer thread could not write the result: a stop will. */
	if (e == -EAGAIN && c->c_nq != NULL)
		return V_CONT;
	return call_return(t, c, e);
}

/*
 * open and openat for reading, which the notify filter sends the answer
 * thread (c_nq; no O_CREAT, O_TRUNC or O_TMPFILE, not for writing): the
 * walk of h_pathq() (walk_fast() alone: never procfs), then an open of
 * what it found, by this thread with the caller's rights, and the
 * descriptor installed in the caller as the call's result (SECCOMP_
 * IOCTL_NOTIF_ADDFD, in notify.c).  Only a regular file or a directory
 * is opened here: a device's open acts (a terminal's belongs to the
 * opener), a FIFO's waits.  The second open is of the walk's steps,
 * links expanded, and must land where the walk did (a sibling can swap
 * a directory meanwhile); O_NONBLOCK keeps a FIFO or a lease swapped in
 * from holding this thread, and O_NOCTTY a terminal from becoming ours,
 * until the descriptor is found not to be the walk's and closed.  A
 * missing file, or the caller's lack of rights, is answered as the
 * kernel would; a file of /proc that is served as a snapshot is made
 * here, and most other files of /proc are opened here too
 * (h_openq_proc()); anything else is taken back to a ptrace stop,
 * and h_procpath().
 */
enum verdict
h_openq(struct interp *ip, struct tracee *t, struct call *c)
{
	struct open_how	 how;
	struct pwalk	 w;
	struct stat	 st;
	char		 s[PATH_MAX];
	uint64_t	 f;
	int		 sn = c->c_sn, dirfd = AT_FDCWD, pa = 0, wf, fd, nfd, e;

	if (c->c_nq == NULL || (sn != SN_open && sn != SN_openat))
		return V_CONT;
	if (sn == SN_openat) {
		dirfd = (int32_t)c->c_arg[0];
		pa = 1;
	}
	f = c->c_arg[pa + 1] & OPEN_KNOWN;
	/*
	 * The filter's test, and: a 32-bit caller's file without
	 * O_LARGEFILE, which ours would have (an EOVERFLOW to decide).
	 */
	if ((f & OPENQ_NOT) != 0 ||
	    (c->c_pers->p_compat && !(f & KO_LARGEFILE)))
		return V_CONT;
	if (!c->c_nq->as && !cred_same(ip, t))
		return V_CONT;
	if ((e = notify_path(t, c->c_nq, c->c_arg[pa], s, sizeof(s))) ==
	    -EAGAIN)
		return V_CONT;
	if (e < 0)
		return call_return(t, c, e);
	if (s[0] == '\0')
		return call_return(t, c, -ENOENT);
	wf = PW_FAST | ((f & O_NOFOLLOW) ? 0 : PW_FOLLOW);
	if ((fd = path_walk(ip, t, dirfd, s, wf, &w)) == -EAGAIN)
		return c->c_nq->as || ip->i_chrooted ? V_CONT :
		    h_openq_proc(ip, t, c, dirfd, s, f);
	if (fd < 0)
		return call_return(t, c, fd);
	close(fd);
	if (S_ISLNK(w.w_st.st_mode))
		return call_return(t, c, -ELOOP);	/* O_NOFOLLOW */
	if ((!S_ISREG(w.w_st.st_mode) && !S_ISDIR(w.w_st.st_mode)) ||
	    w.w_canon[0] != '/')
		return V_CONT;
	memset(&how, 0, sizeof(how));
	how.flags = f | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
	how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	nfd = (int)syscall(SYS_openat2, ip->i_rootfd, w.w_canon, &how,
	    sizeof(how));
	if (nfd == -1) {
		/* What the caller's rights or flags make of this file. */
		e = errno;
		if (e == EACCES || e == EPERM || e == ENOTDIR)
			return call_return(t, c, -e);
		return V_CONT;
	}
	if (fstat(nfd, &st) == -1 || st.st_dev != w.w_st.st_dev ||
	    st.st_ino != w.w_st.st_ino || (!(f & O_NONBLOCK) &&
	    fcntl(nfd, F_SETFL, (int)(f & ~(uint64_t)O_NONBLOCK)) == -1)) {
		close(nfd);
		return V_CONT;
	}
	c->c_nq->afd = nfd;
	c->c_nq->afdfl = (f & O_CLOEXEC) ? O_CLOEXEC : 0;
	return call_return(t, c, 0);
}

/* The path arguments of a call that acts: dirfd (-1: none), path. */
struct pspec {
	int	 dirarg;
	int	 patharg;
	int	 wf;		/* PW_* */
};

/* The path arguments of call c, at most 2.  Returns how many. */
static int
path_specs(const struct call *c, struct pspec *p)
{
	uint64_t	 fl;

	p[0].dirarg = -1;
	p[0].patharg = 0;
	p[0].wf = PW_FOLLOW;
	switch (c->c_sn) {
	case SN_chdir:
	case SN_chroot:
	case SN_statfs:
	case SN_statfs64:
	case SN_getxattr:
	case SN_setxattr:
	case SN_listxattr:
	case SN_removexattr:
	case SN_truncate:
	case SN_truncate64:
	case SN_chmod:
	case SN_chown:
	case SN_chown32:
	case SN_utime:
	case SN_utimes:
	case SN_swapon:
	case SN_swapoff:
		return 1;
	case SN_lgetxattr:
	case SN_lsetxattr:
	case SN_llistxattr:
	case SN_lremovexattr:
	case SN_lchown:
	case SN_lchown32:
		p[0].wf = 0;
		return 1;
	case SN_creat:
		p[0].wf = PW_FOLLOW | PW_PARENT;
		return 1;
	case SN_mkdir:
	case SN_mknod:
	case SN_rmdir:
	case SN_unlink:
		p[0].wf = PW_PARENT;
		return 1;
	case SN_inotify_add_watch:
		p[0].patharg = 1;
		if (c->c_arg[2] & 0x02000000)	/* IN_DONT_FOLLOW */
			p[0].wf = 0;
		return 1;
	case SN_fchmodat:
	case SN_futimesat:
		p[0].dirarg = 0;
		p[0].patharg = 1;
		return 1;
	case SN_fchmodat2:
	case SN_utimensat:
	case SN_utimensat_time64:
	case SN_fchownat:
	case SN_name_to_handle_at:
		fl = c->c_arg[c->c_sn == SN_fchownat ||
		    c->c_sn == SN_name_to_handle_at ? 4 : 3];
		p[0].dirarg = 0;
		p[0].patharg = 1;
		if (c->c_sn == SN_name_to_handle_at)
			p[0].wf = (fl & AT_SYMLINK_FOLLOW) ? PW_FOLLOW : 0;
		else if (fl & AT_SYMLINK_NOFOLLOW)
			p[0].wf = 0;
		return 1;
	case SN_mkdirat:
	case SN_mknodat:
	case SN_unlinkat:
		p[0].dirarg = 0;
		p[0].patharg = 1;
		p[0].wf = PW_PARENT;
		return 1;
	case SN_symlink:
		p[0].patharg = 1;
		p[0].wf = PW_PARENT;
		return 1;
	case SN_symlinkat:
		p[0].dirarg = 1;
		p[0].patharg = 2;
		p[0].wf = PW_PARENT;
		return 1;
	case SN_rename:
	case SN_link:
		p[0].wf = c->c_sn == SN_link ? 0 : PW_PARENT;
		p[1].dirarg = -1;
		p[1].patharg = 1;
		p[1].wf = PW_PARENT;
		return 2;
	case SN_renameat:
	case SN_renameat2:
	case SN_linkat:
		p[0].dirarg = 0;
		p[0].patharg = 1;
		p[0].wf = c->c_sn != SN_linkat ? PW_PARENT :
		    (c->c_arg[4] & AT_SYMLINK_FOLLOW) ? PW_FOLLOW : 0;
		p[1].dirarg = 2;
		p[1].patharg = 3;
		p[1].wf = PW_PARENT;
		return 2;
	default:
		return 0;
	}
}

/*
 * The calls that act on a path: walked here first.  If the walk met an
 * outside process's /proc entry the call fails with ENOENT; if it went
 * through procfs, the kernel is given the path the walk found there (real
 * ids); otherwise the instance's string, copied to scratch so that no
 * sibling thread changes it after the walk.
 */
enum verdict
h_pathchk(struct interp *ip, struct tracee *t, struct call *c)
{
	struct pspec	 p[2];
	struct pwalk	 w;
	char		 s[2][PATH_MAX], l[2 * PATH_MAX + 2], fp[64];
	const char	*use[2];
	size_t		 len[2];
	int		 n, i, fd, dirfd, e;
	ssize_t		 ll;
	uint64_t	 a;
	enum verdict	 v;

	if ((n = path_specs(c, p)) == 0)
		return V_CONT;
	if (c->c_sn == SN_chroot)
		ip->i_chrooted = 1;	/* path walks: roots may differ */
	for (i = 0; i < n; i++) {
		if (c->c_arg[p[i].patharg] == 0)
			return V_CONT;	/* EFAULT, or a descriptor op */
		if ((e = path_get(t, c->c_arg[p[i].patharg], s[i],
		    sizeof(s[i]))) < 0)
			return call_return(t, c, e);
		use[i] = s[i];
		if (s[i][0] == '\0')
			continue;
		dirfd = p[i].dirarg < 0 ? AT_FDCWD :
		    (int32_t)c->c_arg[p[i].dirarg];
		fd = path_walk(ip, t, dirfd, s[i], p[i].wf, &w);
		if (fd == -EAGAIN)
			continue;	/* the string as it is */
		if (fd < 0 && w.w_inproc)
			return call_return(t, c, fd);
		if (fd < 0)
			continue;	/* the kernel's own error */
		if ((w.w_inproc || w.w_proc) && c->c_sn == SN_chroot) {
			close(fd);
			return call_deny(ip, t, c, EPERM, "chroot into procfs");
		}
		if (w.w_inproc || w.w_proc) {
			(void)snprintf(fp, sizeof(fp), "/proc/self/fd/%d", fd);
			ll = readlink(fp, l, PATH_MAX);
			close(fd);
			if (ll <= 0)
				return call_return(t, c, -ENOENT);
			l[ll] = '\0';
			if (w.w_last && (strlcat(l, "/", sizeof(l)) >=
			    sizeof(l) || strlcat(l, w.w_name, sizeof(l)) >=
			    sizeof(l)))
				return call_return(t, c, -ENAMETOOLONG);
			(void)strlcpy(s[i], l, sizeof(s[i]));
		} else
			close(fd);
	}
	if (need_scratch(ip, t, c, 0, &v, "path call without scratch"))
		return v;
	/* One region per call: the paths one after the other. */
	len[0] = strlen(use[0]) + 1;
	len[1] = n > 1 ? strlen(use[1]) + 1 : 0;
	memcpy(l, use[0], len[0]);
	if (n > 1) {
		if (len[0] + len[1] > sizeof(l))
			return call_return(t, c, -ENAMETOOLONG);
		memmove(l + len[0], use[1], len[1]);
	}
	if ((a = scratch_put(ip, c, l, len[0] + len[1])) == 0)
		return call_deny(ip, t, c, ENAMETOOLONG, "scratch full");
	for (i = 0; i < n; i++)
		if (call_setarg(t, c, p[i].patharg, a + (i ? len[0] : 0)) ==
		    -1)
			return V_CONT;
	return V_EXIT;
}

/*
 * For an open of path s (relative to dirfd): 1 if its walk meets an
 * outside process's /proc entry (whatever the open then lands on, which
 * is checked at its exit); 2 if it goes through procfs, with the path it
 * ends on there, ids virtual, in vpath (an instance process's entries
 * reached by a link or ".." are then served as by their plain path); 3
 * if it stays out of procfs and follows no magic link, with the steps it
 * took, no link among them, in vpath (relative to the same start), for
 * an openat2 with RESOLVE_NO_SYMLINKS that no link swapped in later can
 * lead elsewhere; -errno if the walk failed and our access rights are the
 * instance's (the open would fail the same way); 0 otherwise, or if the
 * supervisor cannot walk for this task.
 */
int
path_outside(struct interp *ip, struct tracee *t, int dirfd, const char *s,
    int follow, char *vpath, size_t len)
{
	struct pwalk	 w;
	char		 fp[64], l[PATH_MAX + 1];
	ssize_t		 ll;
	int		 fd;

	if (s[0] == '\0')
		return 0;
	fd = path_walk(ip, t, dirfd, s, PW_PARENT | (follow ? PW_FOLLOW : 0),
	    &w);
	if (fd == -ENOENT && w.w_inproc == 2)
		return 1;
	if (fd < 0)
		return fd != -EAGAIN && cred_same(ip, t) ? fd : 0;
	if (!w.w_inproc) {
		close(fd);
		if (w.w_magic || w.w_canonbad)
			return 0;
		return strlcpy(vpath, w.w_clen > 0 ? w.w_canon : ".", len) <
		    len ? 3 : 0;
	}
	(void)snprintf(fp, sizeof(fp), "/proc/self/fd/%d", fd);
	ll = readlink(fp, l, sizeof(l) - 1);
	close(fd);
	if (ll <= 0 || strncmp(l, "/proc", 5) != 0)
		return 0;
	l[ll] = '\0';
	link_virtual(ip, l, sizeof(l));
	if (w.w_last && (strlcat(l, "/", sizeof(l)) >= sizeof(l) ||
	    strlcat(l, w.w_name, sizeof(l)) >= sizeof(l)))
		return 0;
	return strlcpy(vpath, l, len) < len ? 2 : 0;
}
