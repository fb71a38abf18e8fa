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
#include <sys/tree.h>
#include <sys/types.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "interpose.h"
#include "extern.h"

/*
 * The /proc files that carry pids, other than stat and status, as a
 * fresh PID namespace with its own procfs would show them to the
 * instance.  Each function takes the file as the supervisor read it
 * (in, len: real ids) and writes the instance's version into out (cap
 * bytes).  It returns the length written, or PROCFIX_ERR if the input
 * is not what the kernel writes or the output does not fit; the caller
 * then serves nothing, never the real file.  No function here reads
 * anything but its arguments.
 */

struct obuf {
	char	*b;
	size_t	 n;
	size_t	 cap;
	int	 err;
};

static void
ob_put(struct obuf *o, const char *s, size_t len)
{
	if (o->err || len > o->cap - o->n) {
		o->err = 1;
		return;
	}
	memcpy(o->b + o->n, s, len);
	o->n += len;
}

static void
ob_num(struct obuf *o, long v)
{
	char	 num[24];

	ob_put(o, num, (size_t)snprintf(num, sizeof(num), "%ld", v));
}

static size_t
ob_end(const struct obuf *o)
{
	return o->err ? PROCFIX_ERR : o->n;
}

/*
 * A strict decimal number, optionally negative, at [p, end): its value
 * in *v and its length, or 0 if there is none or it is out of range.
 */
static size_t
number(const char *p, const char *end, long *v)
{
	const char	*q = p;
	long		 x = 0;
	int		 neg = 0;

	if (q < end && *q == '-') {
		neg = 1;
		q++;
	}
	if (q == end || *q < '0' || *q > '9')
		return 0;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		x = x * 10 + (*q - '0');
		if (x > UINT32_MAX)
			return 0;
	}
	*v = neg ? -x : x;
	return (size_t)(q - p);
}

/*
 * A real pid as the namespace shows it: a positive one becomes its
 * virtual pid, or 0 if it is not in the instance (dead and freed, or
 * outside), as pid_nr_ns() does; 0 and negative values (no pid, an OFD
 * lock's -1, a pidfd whose process is gone) stay.
 */
static long
r2v(const struct vmap *vm, long r)
{
	if (r <= 0)
		return r;
	return r <= INT_MAX ? vmap_r2v(vm, (pid_t)r) : 0;
}

/* The end of the line at p (its newline, or end). */
static const char *
eol(const char *p, const char *end)
{
	const char	*nl;

	return (nl = memchr(p, '\n', (size_t)(end - p))) == NULL ? end : nl;
}

/*
 * task/T/children: "C1 C2 ... " (each pid followed by a space), the
 * children of thread T.  Those outside the instance are dropped.
 */
size_t
procfix_children(const struct vmap *vm, const char *in, size_t len,
    char *out, size_t cap)
{
	struct obuf	 o = { out, 0, cap, 0 };
	const char	*p = in, *end = in + len;
	size_t		 k;
	long		 r, v;

	while (p < end) {
		if (*p == ' ' || *p == '\n') {
			p++;
			continue;
		}
		if ((k = number(p, end, &r)) == 0 || r <= 0)
			return PROCFIX_ERR;
		p += k;
		if ((v = r2v(vm, r)) == 0)
			continue;
		ob_num(&o, v);
		ob_put(&o, " ", 1);
	}
	return ob_end(&o);
}

/*
 * Does [p, end) start with "(PID, #threads: N)\n"?  The length up to
 * the end of PID, with PID in *pid, or 0.
 */
static size_t
sched_header(const char *p, const char *end, long *pid)
{
	static const char	 mid[] = ", #threads: ";
	const char		*q = p + 1;
	size_t			 k, m;
	long			 n;

	if (p == end || *p != '(' || (k = number(q, end, pid)) == 0 ||
	    *pid <= 0)
		return 0;
	q += k;
	if ((size_t)(end - q) < sizeof(mid) - 1 ||
	    memcmp(q, mid, sizeof(mid) - 1) != 0)
		return 0;
	q += sizeof(mid) - 1;
	if ((m = number(q, end, &n)) == 0 || n < 0)
		return 0;
	q += m;
	if (end - q < 2 || q[0] != ')' || q[1] != '\n')
		return 0;
	return 1 + k;
}

/*
 * sched: the first line is "COMM (PID, #threads: N)".  COMM is the
 * task's own name and may hold anything, " (" and newlines included,
 * but it comes first and is short: the header is the last place in
 * the first SCHED_COMM + 2 bytes where " (" starts the exact pattern
 * (nothing after the header can match it).  PID becomes virtual; the
 * rest is copied.
 */
#define SCHED_COMM	64	/* TASK_COMM_LEN is 16: room to spare */

size_t
procfix_sched(const struct vmap *vm, const char *in, size_t len,
    char *out, size_t cap)
{
	struct obuf	 o = { out, 0, cap, 0 };
	const char	*end = in + len;
	size_t		 k, h = 0;
	long		 pid = 0;

	for (k = len < SCHED_COMM + 2 ? len : SCHED_COMM + 2; k-- > 0;)
		if (in[k] == ' ' && (h = sched_header(in + k + 1, end,
		    &pid)) > 0)
			break;
	if (h == 0)
		return PROCFIX_ERR;
	ob_put(&o, in, k + 2);			/* COMM and " (" */
	ob_num(&o, r2v(vm, pid));
	ob_put(&o, in + k + 1 + h, len - (k + 1 + h));
	return ob_end(&o);
}

/*
 * loadavg: "L1 L5 L15 RUNNING/TOTAL LASTPID".  The load averages are
 * the machine's (a PID namespace does not change them either).  TOTAL
 * becomes the instance's task count, RUNNING at most that (the host's
 * runnable count, capped: the reader itself is one of them), LASTPID
 * the virtual pid the instance handed out last, which is what the
 * kernel shows there: the last pid of the reader's namespace.
 */
size_t
procfix_loadavg(const char *in, size_t len, char *out, size_t cap,
    size_t ntasks, pid_t last)
{
	struct obuf	 o = { out, 0, cap, 0 };
	const char	*p = in, *end = in + len;
	size_t		 k;
	long		 run, total, lastpid;
	int		 i;

	for (i = 0; i < 3; i++) {
		if ((p = memchr(p, ' ', (size_t)(end - p))) == NULL)
			return PROCFIX_ERR;
		p++;
	}
	if ((k = number(p, end, &run)) == 0 || run < 0 || p + k == end ||
	    p[k] != '/')
		return PROCFIX_ERR;
	ob_put(&o, in, (size_t)(p - in));
	p += k + 1;
	if ((k = number(p, end, &total)) == 0 || p + k == end ||
	    p[k] != ' ')
		return PROCFIX_ERR;
	p += k + 1;
	if ((k = number(p, end, &lastpid)) == 0)
		return PROCFIX_ERR;
	p += k;
	if ((size_t)run > ntasks)
		run = (long)ntasks;
	ob_num(&o, run);
	ob_put(&o, "/", 1);
	ob_num(&o, (long)ntasks);
	ob_put(&o, " ", 1);
	ob_num(&o, (long)last);
	ob_put(&o, p, (size_t)(end - p));
	return ob_end(&o);
}

/* ns_last_pid: the namespace's last pid, nothing to read. */
size_t
procfix_nslast(char *out, size_t cap, pid_t last)
{
	struct obuf	 o = { out, 0, cap, 0 };

	ob_num(&o, (long)last);
	ob_put(&o, "\n", 1);
	return ob_end(&o);
}

/*
 * One lock line, as lock_get_status() writes it: "ID: [-> ]KIND...
 * TYPE PID DEV:INO START END", where no word before DEV:INO (or
 * "<none>:0") has a colon.  The span of PID in [*ps, *pe), its value
 * in *pid, whether it waits on the lock above it in *waiter.  0, or -1
 * if the line is not one.
 */
static int
lock_line(const char *p, const char *end, const char **ps,
    const char **pe, long *pid, int *waiter)
{
	const char	*w, *we, *prev = NULL, *preve = NULL;
	long		 id;
	size_t		 k;

	if ((k = number(p, end, &id)) == 0 || p + k == end || p[k] != ':')
		return -1;
	*waiter = 0;
	for (w = p + k + 1; ; w = we) {
		while (w < end && *w == ' ')
			w++;
		if (w == end)
			return -1;
		for (we = w; we < end && *we != ' '; we++)
			;
		if (prev == NULL && we - w == 2 && memcmp(w, "->", 2) == 0)
			*waiter = 1;
		if (memchr(w, ':', (size_t)(we - w)) != NULL)
			break;
		prev = w;
		preve = we;
	}
	if (prev == NULL || number(prev, preve, pid) != (size_t)(preve - prev))
		return -1;
	*ps = prev;
	*pe = preve;
	return 0;
}

/* Copy lock line [p, e) with its pid as v. */
static void
lock_put(struct obuf *o, const char *p, const char *e, const char *ps,
    const char *pe, long v)
{
	ob_put(o, p, (size_t)(ps - p));
	ob_num(o, v);
	ob_put(o, pe, (size_t)(e - pe));
}

/*
 * locks: as locks_show() in a PID namespace: a lock whose owner the
 * namespace cannot see (outside, or dead and freed) is left out with
 * the requests waiting on it ("ID: -> ..." lines); a waiting request
 * of an outside process under a lock of the instance is shown with pid
 * 0.  OFD locks (-1) stay.  The ids of the remaining locks keep their
 * gaps, as the kernel's do.
 */
size_t
procfix_locks(const struct vmap *vm, const char *in, size_t len,
    char *out, size_t cap)
{
	struct obuf	 o = { out, 0, cap, 0 };
	const char	*p = in, *end = in + len, *e, *ps, *pe;
	long		 pid, v;
	int		 waiter, skip = 0;

	for (; p < end; p = e + 1) {
		e = eol(p, end);
		if (lock_line(p, e, &ps, &pe, &pid, &waiter) == -1)
			return PROCFIX_ERR;
		v = r2v(vm, pid);
		if (!waiter)
			skip = v == 0;
		if (skip)
			continue;
		lock_put(&o, p, e, ps, pe, v);
		if (e < end)
			ob_put(&o, "\n", 1);
	}
	return ob_end(&o);
}

/*
 * fdinfo: a pidfd's "Pid:" and "NSpid:" as pidfd_show_fdinfo() in the
 * namespace: the virtual pid, 0 for a process outside (and then no
 * further NSpid levels: the instance has one), -1 once it has exited;
 * and the "lock:\t" lines of a locked file as show_fd_locks(), pid 0
 * for an owner outside.  Other lines are copied.
 */
size_t
procfix_fdinfo(const struct vmap *vm, const char *in, size_t len,
    char *out, size_t cap)
{
	struct obuf	 o = { out, 0, cap, 0 };
	const char	*p = in, *end = in + len, *e, *ps, *pe, *q;
	long		 pid;
	int		 waiter;

	for (; p < end; p = e + 1) {
		e = eol(p, end);
		q = NULL;
		if (e - p > 4 && memcmp(p, "Pid:", 4) == 0)
			q = p + 4;
		else if (e - p > 6 && memcmp(p, "NSpid:", 6) == 0)
			q = p + 6;
		if (q != NULL) {
			while (q < e && (*q == '\t' || *q == ' '))
				q++;
			if (number(q, e, &pid) == 0)
				return PROCFIX_ERR;
			ob_put(&o, p, (size_t)(q - p));
			ob_num(&o, r2v(vm, pid));
		} else if (e - p > 6 && memcmp(p, "lock:\t", 6) == 0) {
			if (lock_line(p + 6, e, &ps, &pe, &pid, &waiter) == -1)
				return PROCFIX_ERR;
			lock_put(&o, p, e, ps, pe, r2v(vm, pid));
		} else
			ob_put(&o, p, (size_t)(e - p));
		if (e < end)
			ob_put(&o, "\n", 1);
	}
	return ob_end(&o);
}

/*
 * net/netlink: "sk Eth Pid Groups ...", one socket a line after the
 * header; Pid is the port id.  A positive port is, by the kernel's
 * autobind convention, the pid of the process that made the socket,
 * and never the instance's: every netlink socket of the instance gets a
 * port in [INT32_MIN, -4097] (see h_sock.c).  Those lines are dropped,
 * whatever process they name; ports 0 (the kernel's) and negative ones
 * (no pid in them) stay.  A PID namespace would not hide other
 * processes' sockets either (they belong to the network namespace).
 */
size_t
procfix_netlink(const char *in, size_t len, char *out, size_t cap)
{
	struct obuf	 o = { out, 0, cap, 0 };
	const char	*p = in, *end = in + len, *e, *w;
	long		 port;
	int		 i;

	for (; p < end; p = e + 1) {
		e = eol(p, end);
		if (p != in) {
			w = p;
			for (i = 0; i < 2; i++) {
				while (w < e && *w != ' ')
					w++;
				while (w < e && *w == ' ')
					w++;
			}
			if (number(w, e, &port) == 0 || port < 0)
				return PROCFIX_ERR;
			if ((int32_t)(uint32_t)port > 0)
				continue;
		}
		ob_put(&o, p, (size_t)(e - p) + (e < end ? 1 : 0));
	}
	return ob_end(&o);
}

/*
 * sysvipc/shm and sysvipc/msg: a header line, then one line per object
 * in fixed-width columns; columns c1 and c2 (0-based) hold pids (shm:
 * cpid, lpid; msg: lspid, lrpid), shown as the namespace shows them:
 * the virtual pid, also of a process that has exited since (from the
 * recently freed ones), 0 for one it cannot see.  The width is kept:
 * a shorter number is padded on the left.
 */
size_t
procfix_sysvipc(const struct vmap *vm, const char *in, size_t len,
    char *out, size_t cap, int c1, int c2)
{
	struct obuf	 o = { out, 0, cap, 0 };
	const char	*p = in, *end = in + len, *e, *w, *ws;
	char		 num[24];
	long		 v;
	size_t		 k, nl, nl2;
	int		 col, first = 1;

	for (; p < end; p = e + 1) {
		e = eol(p, end);
		nl = e < end;
		if (first) {		/* the header */
			first = 0;
			ob_put(&o, p, (size_t)(e - p) + nl);
			continue;
		}
		for (w = p, col = 0; w < e; col++) {
			for (ws = w; w < e && *w == ' '; w++)
				;
			if (w == e) {
				ob_put(&o, ws, (size_t)(w - ws));
				break;
			}
			if ((col != c1 && col != c2) || col == 0) {
				while (w < e && *w != ' ')
					w++;
				ob_put(&o, ws, (size_t)(w - ws));
				continue;
			}
			if ((k = number(w, e, &v)) == 0 ||
			    (w + k < e && w[k] != ' '))
				return PROCFIX_ERR;
			w += k;
			/* The kernel keeps a dead creator's pid. */
			if (v > 0 && v <= INT_MAX && vmap_r2v(vm, (pid_t)v) == 0)
				v = vmap_r2v_hist(vm, (pid_t)v);
			else
				v = r2v(vm, v);
			k = (size_t)snprintf(num, sizeof(num), "%ld", v);
			/* Right-aligned in the old span, after a space. */
			for (nl2 = k + 1; nl2 < (size_t)(w - ws); nl2++)
				ob_put(&o, " ", 1);
			ob_put(&o, " ", 1);
			ob_put(&o, num, k);
		}
		ob_put(&o, "\n", nl);
	}
	return ob_end(&o);
}
