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
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/tree.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interpose.h"
#include "extern.h"

/*
 * The scratch area.  One sealed memfd per instance: the supervisor maps
 * it read-write; every instance address space that needs it maps it
 * read-only, shared, at SCRATCH_ADDR.  Memory arguments that the kernel
 * must read after the supervisor checked them are copied there, and
 * results that carry pids are written there by the kernel and copied
 * out only once translated.
 *
 * The instance never holds a writable descriptor of it: it receives a
 * read-only one through seccomp user notification (SECCOMP_ADDFD_FLAG_SEND,
 * answering a getppid call with magic arguments that the supervisor
 * injects), maps it, and closes it, each step injected at a seccomp stop
 * of the call that needed scratch, which then runs again.  The memfd is
 * sealed against writes, growth and shrinking (F_SEAL_FUTURE_WRITE), the
 * mapping has neither VM_WRITE nor VM_MAYWRITE, and FOLL_FORCE writes
 * through /proc/PID/mem cannot break a shared mapping's copy-on-write.
 */


static long	units_take(struct scratch *, size_t, size_t, size_t);

/*
 * Put the read filter in the first units of read-only scratch for good:
 * at 0 its struct sock_fprog for 64-bit callers, at 16 the compat one,
 * at 64 the instructions.  Without it, s_rdprog stays 0 and signalfd is
 * refused.
 */
static void
scratch_rdprog(struct scratch *s)
{
	uint8_t		*prog, *b = s->s_base;
	size_t		 len;
	uint64_t	 a = SCRATCH_ADDR + 64;
	uint32_t	 a32 = (uint32_t)a;
	uint16_t	 n;

	if (filter_rdtrap(&prog, &len) == -1)
		return;
	if (len % 8 != 0 || len / 8 > UINT16_MAX || 64 + len > SCRATCH_LEN ||
	    units_take(s, 0, SCRATCH_ROUNITS, (64 + len + SCRATCH_UNIT - 1) /
	    SCRATCH_UNIT) != 0) {
		free(prog);
		return;
	}
	n = (uint16_t)(len / 8);
	memcpy(b, &n, sizeof(n));
	memcpy(b + 8, &a, sizeof(a));
	memcpy(b + 16, &n, sizeof(n));
	memcpy(b + 20, &a32, sizeof(a32));
	memcpy(b + 64, prog, len);
	free(prog);
	s->s_rdprog[0] = SCRATCH_ADDR;
	s->s_rdprog[1] = SCRATCH_ADDR + 16;
}

/* Create the instance's memfd.  Returns 0 or -1. */
int
scratch_init(struct interp *ip)
{
	struct scratch	*s;
	struct stat	 st;
	char		 path[64];

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	s->s_fd = s->s_rofd = -1;
	if ((s->s_fd = memfd_create("mult-scratch",
	    MFD_CLOEXEC | MFD_ALLOW_SEALING)) == -1 ||
	    ftruncate(s->s_fd, SCRATCH_LEN) == -1)
		goto fail;
	s->s_base = mmap(NULL, SCRATCH_LEN, PROT_READ | PROT_WRITE,
	    MAP_SHARED, s->s_fd, 0);
	if (s->s_base == MAP_FAILED)
		goto fail;
	if (fcntl(s->s_fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
	    F_SEAL_FUTURE_WRITE | F_SEAL_SEAL) == -1)
		goto fail;
	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", s->s_fd);
	if ((s->s_rofd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(s->s_rofd, &st) == -1)
		goto fail;
	s->s_dev = st.st_dev;
	s->s_ino = st.st_ino;
	scratch_rdprog(s);
	ip->i_scr = s;
	return 0;
 fail:
	if (s->s_base != NULL && s->s_base != MAP_FAILED)
		munmap(s->s_base, SCRATCH_LEN);
	if (s->s_fd != -1)
		close(s->s_fd);
	if (s->s_rofd != -1)
		close(s->s_rofd);
	free(s);
	return -1;
}

void
scratch_free(struct interp *ip)
{
	struct scratch	*s = ip->i_scr;

	if (s == NULL)
		return;
	munmap(s->s_base, SCRATCH_LEN);
	close(s->s_fd);
	close(s->s_rofd);
	free(s);
	ip->i_scr = NULL;
}

/* A new address space, no scratch. */
struct mm *
mm_new(void)
{
	struct mm	*mm;

	if ((mm = calloc(1, sizeof(*mm))) == NULL)
		return NULL;
	mm->m_refs = 1;
	mm->m_state = MM_NONE;
	mm->m_fd = -1;
	mm->m_memfd = -1;
	mm->m_mapsfd = -1;
	return mm;
}

/*
 * The address space of a fork child: a copy, so it has scratch mapped if
 * the parent had (MADV_DONTFORK cannot be set on it: madvise there is
 * refused).
 */
struct mm *
mm_fork(const struct mm *parent)
{
	struct mm	*mm;

	if ((mm = mm_new()) == NULL)
		return NULL;
	if (parent->m_state == MM_READY)
		mm->m_state = MM_READY;
	else if (parent->m_state == MM_MAPPED ||
	    parent->m_state == MM_CLOSED)
		mm->m_state = MM_CLOSED;	/* it has the memfd mapped */
	else if (parent->m_state == MM_FAILED)
		mm->m_state = MM_FAILED;
	mm->m_dump = parent->m_dump;		/* fork copies the flag */
	mm->m_nodump = parent->m_nodump;
	return mm;
}

void
mm_unref(struct mm *mm)
{
	if (mm != NULL && --mm->m_refs == 0) {
		if (mm->m_memfd >= 0)
			close(mm->m_memfd);
		if (mm->m_mapsfd >= 0)
			close(mm->m_mapsfd);
		free(mm);
	}
}

/* Find and take n free units in [lo, hi); the first unit, or -1. */
static long
units_take(struct scratch *s, size_t lo, size_t hi, size_t n)
{
	size_t	 i, j, run;

	for (i = lo, run = 0; i < hi; i++) {
		if (s->s_used[i / 64] & (1ULL << (i % 64))) {
			run = 0;
			continue;
		}
		if (++run < n)
			continue;
		i = i + 1 - n;
		for (j = i; j < i + n; j++)
			s->s_used[j / 64] |= 1ULL << (j % 64);
		return (long)i;
	}
	return -1;
}

static void
units_give(struct scratch *s, struct sbuf *b)
{
	size_t	 i, n;

	if (b->off == SIZE_MAX)
		return;
	n = (b->len + SCRATCH_UNIT - 1) / SCRATCH_UNIT;
	for (i = b->off / SCRATCH_UNIT; n > 0; i++, n--)
		s->s_used[i / 64] &= ~(1ULL << (i % 64));
	b->off = SIZE_MAX;
}

/*
 * Hand out len bytes of read-only scratch for call c, filled from data
 * (or zeroed) and held until the exit stop.  One region per call.
 * Returns the address in the tracee, or 0 if scratch is full.
 */
uint64_t
scratch_put(struct interp *ip, struct call *c, const void *data, size_t len)
{
	struct scratch	*s = ip->i_scr;
	long		 u;

	if (s == NULL || len == 0 || c->c_sbuf.off != SIZE_MAX)
		return 0;
	if ((u = units_take(s, 0, SCRATCH_ROUNITS,
	    (len + SCRATCH_UNIT - 1) / SCRATCH_UNIT)) == -1)
		return 0;
	c->c_sbuf.off = (size_t)u * SCRATCH_UNIT;
	c->c_sbuf.len = len;
	if (data != NULL)
		memcpy(s->s_base + c->c_sbuf.off, data, len);
	else
		memset(s->s_base + c->c_sbuf.off, 0, len);
	return SCRATCH_ADDR + c->c_sbuf.off;
}

/*
 * Hand out len bytes of the task's output area for call c, zeroed.  The
 * kernel writes there; the exit handler reads it with mem_read().
 * Returns the address in the tracee, or 0.
 */
uint64_t
scratch_out(struct interp *ip, struct tracee *t, struct call *c, size_t len)
{
	static const uint8_t	 zero[4096];
	struct scratch		*s = ip->i_scr;
	uint64_t		 addr;
	long			 u;

	if (s == NULL || len == 0 || len > sizeof(zero) ||
	    c->c_obuf.off != SIZE_MAX)
		return 0;
	if ((u = units_take(s, SCRATCH_ROUNITS, SCRATCH_UNITS,
	    (len + SCRATCH_UNIT - 1) / SCRATCH_UNIT)) == -1)
		return 0;
	c->c_obuf.off = (size_t)u * SCRATCH_UNIT;
	c->c_obuf.len = len;
	addr = SCRATCH_ADDR + c->c_obuf.off;
	if (mem_write(t->t_tid, addr, zero, len) == -1) {
		units_give(s, &c->c_obuf);
		return 0;
	}
	return addr;
}

/* The supervisor's view of the call's read-only region, or NULL. */
void *
scratch_ptr(struct interp *ip, const struct call *c)
{
	if (ip->i_scr == NULL || c->c_sbuf.off == SIZE_MAX)
		return NULL;
	return ip->i_scr->s_base + c->c_sbuf.off;
}

/* Give back the call's regions. */
void
scratch_release(struct interp *ip, struct call *c)
{
	if (ip->i_scr == NULL)
		return;
	units_give(ip->i_scr, &c->c_sbuf);
	units_give(ip->i_scr, &c->c_obuf);
}

/*
 * The mapping at addr in the address space of fd (a /proc/PID/maps),
 * if it has every permission of want (PMQ_READ, PMQ_WRITE; 0: any), in
 * *q.  Returns 0, or -1 with errno (ENOENT: none, or without them;
 * ENOTTY or EINVAL: a kernel without PROCMAP_QUERY).
 */
int
maps_query(int fd, uint64_t addr, uint64_t want, struct pmq *q)
{
	memset(q, 0, sizeof(*q));
	q->size = sizeof(*q);
	q->query_addr = addr;
	q->query_flags = want;	/* the VMA_READABLE, _WRITABLE filters */
	return ioctl(fd, PMQ_IOCTL, q) == -1 ? -1 : 0;
}

/*
 * Is the mapping at SCRATCH_ADDR of task tid our memfd, read-only and
 * shared, the whole of it?  Asked with PROCMAP_QUERY, or read from the
 * text of /proc/TID/maps on a kernel without it.
 */
static int
scratch_mapped(struct interp *ip, pid_t tid)
{
	struct pmq	 q;
	char		 path[64], line[512], perm[8];
	unsigned long	 lo, hi, off, ino;
	unsigned int	 maj, min;
	FILE		*f;
	int		 fd, ok = 0;

	(void)snprintf(path, sizeof(path), "/proc/%d/maps", (int)tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	if (maps_query(fd, SCRATCH_ADDR, 0, &q) == 0) {
		close(fd);
		return q.vma_start == SCRATCH_ADDR &&
		    q.vma_end == SCRATCH_ADDR + SCRATCH_LEN &&
		    (q.vma_flags & (PMQ_READ | PMQ_WRITE | PMQ_EXEC |
		    PMQ_SHARED)) == (PMQ_READ | PMQ_SHARED) &&
		    q.vma_offset == 0 && q.inode == ip->i_scr->s_ino &&
		    makedev(q.dev_major, q.dev_minor) == ip->i_scr->s_dev;
	}
	if (errno != ENOTTY && errno != EINVAL) {
		close(fd);
		return 0;	/* ENOENT: nothing mapped there */
	}
	if ((f = fdopen(fd, "re")) == NULL) {
		close(fd);
		return 0;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu", &lo, &hi, perm,
		    &off, &maj, &min, &ino) != 7)
			continue;
		if (lo != SCRATCH_ADDR)
			continue;
		ok = hi == SCRATCH_ADDR + SCRATCH_LEN && strcmp(perm, "r--s") == 0 &&
		    off == 0 && ino == ip->i_scr->s_ino &&
		    makedev(maj, min) == ip->i_scr->s_dev;
		break;
	}
	fclose(f);
	return ok;
}

/* Wake the tasks parked while another task injected. */
static void
scratch_wake(struct interp *ip)
{
	TAILQ_HEAD(, tracee)	 woken;
	struct tracee		*u;

	/* A woken task may park again: take the list as it is now. */
	TAILQ_INIT(&woken);
	TAILQ_CONCAT(&woken, &ip->i_parked, t_wait);
	while ((u = TAILQ_FIRST(&woken)) != NULL) {
		TAILQ_REMOVE(&woken, u, t_wait);
		u->t_state = TS_RUN;
		syscall_enter(ip, u);
	}
}

/*
 * Make sure t's address space has scratch, and the output area too if
 * out: most processes never need it, and each step costs two stops.  Call
 * it before changing any register: an injected step runs the call again
 * from its start, with the registers as they were here.  Returns 0 if it
 * has, -1 if it cannot (the call must be refused), 1 if t is now busy
 * with an injected step (or parked behind another task's): the handler
 * returns V_PARK and the call runs again from the start once the step is
 * done.
 */
int
scratch_ensure(struct interp *ip, struct tracee *t, int out)
{
	struct mm		*mm = t->t_mm;
	const struct pers	*p = t->t_call.c_pers;
	uint64_t		 u[32], a[6] = { 0 };
	int			 nr, i;

	if (mm == NULL || ip->i_scr == NULL || ip->i_notify == -1)
		return -1;
	if (mm->m_state == MM_READY || (mm->m_state == MM_CLOSED && !out))
		return 0;
	if (mm->m_state == MM_FAILED || (mm->m_state == MM_CLOSED &&
	    mm->m_outfail))
		return -1;
	if (mm->m_busy != 0 && mm->m_busy != t->t_tid) {
		t->t_state = TS_PARKED;
		TAILQ_INSERT_TAIL(&ip->i_parked, t, t_wait);
		return 1;
	}
	switch (mm->m_state) {
	case MM_NONE:
		nr = p->p_nr[SN_getppid];
		a[0] = MAGIC0;
		a[1] = MAGIC1;
		break;
	case MM_FD:
		nr = p->p_compat ? p->p_nr[SN_mmap2] : p->p_nr[SN_mmap];
		a[0] = SCRATCH_ADDR;
		a[1] = SCRATCH_LEN;
		a[2] = PROT_READ;
		a[3] = MAP_SHARED | MAP_FIXED_NOREPLACE;
		a[4] = (uint64_t)mm->m_fd;
		break;
	case MM_MAPPED:
		nr = p->p_nr[SN_close];
		a[0] = (uint64_t)mm->m_fd;
		break;
	default:	/* MM_CLOSED */
		nr = p->p_compat ? p->p_nr[SN_mmap2] : p->p_nr[SN_mmap];
		a[0] = OUTPUT_ADDR;
		a[1] = OUTPUT_LEN;
		a[2] = PROT_READ | PROT_WRITE;
		a[3] = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
		a[4] = (uint64_t)-1;
		break;
	}
	/* Saved for the restart; the step's registers in one write. */
	if (regs_getall(t, t->t_saved) == -1)
		return -1;
	memcpy(u, t->t_saved, sizeof(u));
	*regs_slot(p, u, R_NR) = (uint64_t)nr;
	for (i = 0; i < 6; i++)
		*regs_slot(p, u, R_A0 + i) = p->p_compat ? (uint32_t)a[i] :
		    a[i];
	/*
	 * The descriptor, for the listener to install when the call comes;
	 * whether it did is told by the call's result at its exit stop.
	 */
	if (mm->m_state == MM_NONE &&
	    notify_addfd(ip, t, nr, ip->i_scr->s_rofd, O_CLOEXEC, 0) == -1)
		return -1;
	if (regs_setall(t, u) == -1) {
		notify_addfd_drop(t);
		return -1;
	}
	mm->m_busy = t->t_tid;
	t->t_state = TS_INJECT;
	takeback_rewind(t);
	if (ptrace(PTRACE_SYSCALL, t->t_tid, NULL, 0) == -1)
		return -1;
	return 1;
}

/*
 * The exit stop of an injected step: record its outcome, then rewind the
 * task so that the call that needed scratch runs again from its start.
 */
void
scratch_inject_exit(struct interp *ip, struct tracee *t)
{
	struct mm		*mm = t->t_mm;
	const struct pers	*p = t->t_call.c_pers;
	int64_t			 ret;
	int			 full = 0;

	if (regs_exitinfo(t, &ret) == -1)
		ret = -EIO;
	notify_addfd_drop(t);		/* if a signal came before it */
	switch (mm->m_state) {
	case MM_NONE:
		if (ret >= 0) {
			mm->m_fd = (int)ret;
			mm->m_state = MM_FD;
		} else if (ret == -EMFILE || ret == -ENFILE)
			full = 1;	/* no descriptor free: not for good */
		else if (!call_interrupted(ret))
			mm->m_state = MM_FAILED;
		break;
	case MM_FD:
		if (ret == (int64_t)SCRATCH_ADDR &&
		    scratch_mapped(ip, t->t_tid))
			mm->m_state = MM_MAPPED;
		else {
			ilog(ip, ILOG_WARN, "tid %d: scratch not mapped (%lld)",
			    t->t_tid, (long long)ret);
			mm->m_state = MM_FAILED;
		}
		break;
	case MM_MAPPED:
		mm->m_state = MM_CLOSED;
		mm->m_fd = -1;
		break;
	case MM_CLOSED:
		if (ret == (int64_t)OUTPUT_ADDR)
			mm->m_state = MM_READY;
		else
			mm->m_outfail = 1;	/* read-only scratch still good */
		break;
	default:
		break;
	}
	mm->m_busy = 0;
	if (full && p != NULL) {
		/* The call that needed scratch fails as an open would. */
		t->t_flags &= ~T_TBAGAIN;
		*regs_slot(p, t->t_saved, R_RET) = (uint64_t)ret;
		(void)regs_setall(t, t->t_saved);
	} else {
		takeback_rearm(t, t->t_saved);
		(void)regs_restart(t, t->t_saved);
	}
	t->t_state = TS_RUN;
	(void)ptrace(PTRACE_CONT, t->t_tid, NULL, 0);
	scratch_wake(ip);
}

/* A task died: an injection it was running is abandoned. */
void
scratch_forget(struct interp *ip, struct tracee *t)
{
	if (t->t_mm != NULL && t->t_mm->m_busy == t->t_tid) {
		t->t_mm->m_busy = 0;
		if (t->t_mm->m_state != MM_READY)
			t->t_mm->m_state = MM_FAILED;
		scratch_wake(ip);
	}
}
