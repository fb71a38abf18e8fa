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
#include <sys/socket.h>
#include <sys/queue.h>
#include <sys/syscall.h>
#include <sys/tree.h>
#include <sys/types.h>

#include <linux/futex.h>
#include <linux/net.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "interpose.h"
#include "extern.h"

/*
 * Calls refused outright, calls that could reach the scratch area, the
 * i386 multiplexers and futexes.
 */

/* A call the table refuses with its row's errno. */
enum verdict
h_deny(struct interp *ip, struct tracee *t, struct call *c)
{
	const struct handler	*h = &handlers[c->c_sn];

	return call_deny(ip, t, c, h->err, h->how);
}

/* Does [addr, addr + len) meet the scratch range? */
static int
meets_scratch(uint64_t addr, uint64_t len)
{
	if (len == 0)
		len = 1;
	return addr < SCRATCH_END && addr + len > SCRATCH_ADDR &&
	    addr + len > addr;
}

/*
 * mmap/mmap2 below the end of scratch.  MAP_FIXED over it would replace
 * it: refused.  A mere hint there is dropped, so the kernel places the
 * mapping elsewhere.
 */
enum verdict
h_mmap(struct interp *ip, struct tracee *t, struct call *c)
{
	if (c->c_pers->p_compat && c->c_sn == SN_mmap)
		return call_deny(ip, t, c, ENOSYS,
		    "i386 old mmap: arguments in memory");
	if (!meets_scratch(c->c_arg[0], c->c_arg[1]))
		return V_CONT;
	if (c->c_arg[3] & MAP_FIXED)
		return call_deny(ip, t, c, EPERM, "mapping over scratch");
	if (c->c_arg[3] & MAP_FIXED_NOREPLACE)
		return call_return(t, c, -EEXIST);
	return call_setarg(t, c, 0, 0) == -1 ? V_CONT : V_EXIT;
}

/* munmap, mprotect, pkey_mprotect, madvise, mlock...: (addr, len). */
enum verdict
h_range(struct interp *ip, struct tracee *t, struct call *c)
{
	if (meets_scratch(c->c_arg[0], c->c_arg[1]))
		return call_deny(ip, t, c, EPERM, "range meets scratch");
	return V_CONT;
}

/* mremap(old, oldlen, newlen, flags, new). */
enum verdict
h_mremap(struct interp *ip, struct tracee *t, struct call *c)
{
	if (meets_scratch(c->c_arg[0], c->c_arg[1]) ||
	    ((c->c_arg[3] & MREMAP_FIXED) &&
	    meets_scratch(c->c_arg[4], c->c_arg[2])))
		return call_deny(ip, t, c, EPERM, "remap meets scratch");
	return V_CONT;
}

/*
 * shmat(id, addr, flags): an address at or below scratch could land on
 * it (SHM_REMAP); the segment's size is not known here, so refuse it.
 */
enum verdict
h_shmat(struct interp *ip, struct tracee *t, struct call *c)
{
	if (c->c_arg[1] != 0 && c->c_arg[1] < SCRATCH_END)
		return call_deny(ip, t, c, EINVAL, "shmat below scratch end");
	return V_CONT;
}

/*
 * i386 socketcall(call, args) and ipc(call, ...): their arguments are in
 * memory.  The subcalls that carry pids are refused on i386 for now;
 * the others run untouched.
 */
/*
 * socketcall(SYS_SOCKET, args): run as the direct socket call, with the
 * arguments in registers (read once, here), so that a netlink socket is
 * bound at its exit as any other (h_socket).
 */
static enum verdict
socketcall_socket(struct interp *ip, struct tracee *t, struct call *c)
{
	uint32_t	 a[3];
	enum verdict	 v;
	int		 i;

	if (c->c_pers->p_nr[SN_socket] < 0)
		return V_CONT;
	if (mem_read(t->t_tid, c->c_arg[1], a, sizeof(a)) == -1)
		return call_return(t, c, -EFAULT);
	/* Scratch first: its injection reruns the call as it was. */
	if (a[0] == AF_NETLINK &&
	    need_scratch(ip, t, c, 0, &v, "netlink socket without scratch"))
		return v;
	if (regs_set(t, R_NR, (uint64_t)c->c_pers->p_nr[SN_socket]) == -1)
		return V_CONT;
	for (i = 0; i < 3; i++)
		if (call_setarg(t, c, i, a[i]) == -1)
			return V_CONT;
	c->c_sn = SN_socket;
	c->c_arg[0] = a[0];
	c->c_arg[1] = a[1];
	c->c_arg[2] = a[2];
	return V_EXIT;		/* h_socket_exit; the registers come back */
}

enum verdict
h_multiplex(struct interp *ip, struct tracee *t, struct call *c)
{
	int	 call = (int)c->c_arg[0];

	if (c->c_sn == SN_socketcall) {
		switch (call) {
		case SYS_SOCKET:
			return socketcall_socket(ip, t, c);
		case SYS_GETSOCKOPT:
		case SYS_SENDMSG:
		case SYS_RECVMSG:
		case SYS_RECVMMSG:
		case SYS_SENDMMSG:
			return call_deny(ip, t, c, ENOSYS,
			    "i386 socketcall with credentials");
		default:
			return V_CONT;
		}
	}
	switch (call & 0xffff) {
	case 3:		/* SEMCTL */
	case 14:	/* MSGCTL */
	case 24:	/* SHMCTL */
		return call_deny(ip, t, c, ENOSYS, "i386 ipc ctl");
	case 21:	/* SHMAT: ipc(SHMAT, id, flags, &raddr, addr) */
		if (c->c_arg[4] != 0 && c->c_arg[4] < SCRATCH_END)
			return call_deny(ip, t, c, EINVAL,
			    "shmat below scratch end");
		return V_CONT;
	default:
		return V_CONT;
	}
}

/*
 * Priority-inheritance futexes: the kernel reads the owner's tid from
 * the futex word, where libc wrote the virtual one.  They fail with
 * ENOSYS, for which libc reports ENOTSUP for PI mutexes.
 */
enum verdict
h_futex(struct interp *ip, struct tracee *t, struct call *c)
{
	switch (c->c_arg[1] & FUTEX_CMD_MASK) {
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
	case FUTEX_UNLOCK_PI:
	case FUTEX_TRYLOCK_PI:
	case FUTEX_WAIT_REQUEUE_PI:
	case FUTEX_CMP_REQUEUE_PI:
		return call_deny(ip, t, c, ENOSYS, "priority-inheritance futex");
	default:
		return V_CONT;
	}
}

/*
 * set_robust_list(head, len) of the i386 ABI: remember the head for the
 * task's exit.  The native list needs no stop: robust_exit() asks the
 * kernel for it (get_robust_list), which has no form for the compat
 * list.
 */
enum verdict
h_robust(struct interp *ip, struct tracee *t, struct call *c)
{
	(void)ip;
	if (c->c_pers->p_compat && c->c_arg[1] == 12)
		t->t_robust = c->c_arg[0];
	return V_CONT;
}

#define ROBUST_LIMIT	2048

/* Rewrite one robust futex word owned by virtual tid vt to real tid. */
static void
robust_fix(pid_t tid, uint64_t entry, int64_t off, uint32_t vt)
{
	uint64_t	 w = (entry & ~(uint64_t)1) + (uint64_t)off;
	uint32_t	 word;

	if (mem_read(tid, w, &word, sizeof(word)) == 0 &&
	    (word & FUTEX_TID_MASK) == vt) {
		word = (word & ~FUTEX_TID_MASK) |
		    ((uint32_t)tid & FUTEX_TID_MASK);
		(void)mem_write(tid, w, &word, sizeof(word));
	}
}

/* The next entry of a robust list, or 0. */
static uint64_t
robust_next(pid_t tid, uint64_t e, size_t ps)
{
	uint64_t	 n = 0;
	uint32_t	 n32;

	if (ps == 8)
		return mem_read(tid, e & ~(uint64_t)1, &n, 8) == -1 ? 0 : n;
	return mem_read(tid, e & ~(uint64_t)1, &n32, 4) == -1 ? 0 : n32;
}

/* Walk one robust list of t, whose head is at h, pointers of ps bytes. */
static void
robust_walk(struct tracee *t, uint64_t h, size_t ps, uint32_t vt)
{
	uint64_t	 head[3], e;
	uint32_t	 h32[3];
	size_t		 n;
	int64_t		 off;

	if (ps == 8) {
		if (mem_read(t->t_tid, h, head, sizeof(head)) == -1)
			return;
	} else {
		if (mem_read(t->t_tid, h, h32, sizeof(h32)) == -1)
			return;
		head[0] = h32[0];
		head[1] = (uint64_t)(int64_t)(int32_t)h32[1];
		head[2] = h32[2];
	}
	off = (int64_t)head[1];
	for (e = head[0], n = 0; e != 0 && e != h && n < ROBUST_LIMIT; n++) {
		robust_fix(t->t_tid, e, off, vt);
		e = robust_next(t->t_tid, e, ps);
	}
	if (head[2] != 0)
		robust_fix(t->t_tid, head[2], off, vt);
}

/*
 * A task is about to exit (PTRACE_EVENT_EXIT).  The kernel will walk its
 * robust lists and mark futexes whose owner field is its real tid; libc
 * wrote the virtual tid there, so rewrite those words to the real tid
 * first, and the waiters get EOWNERDEAD as on the host.  The native list
 * is the kernel's (get_robust_list, as its tracer may); the i386 one is
 * the head its set_robust_list gave.
 */
void
robust_exit(struct interp *ip, struct tracee *t)
{
	void		*h = NULL;
	size_t		 len = 0;
	uint32_t	 vt;

	(void)ip;
	if (t->t_id == NULL)
		return;
	vt = (uint32_t)t->t_id->v_virt;
	if (syscall(SYS_get_robust_list, t->t_tid, &h, &len) == 0 &&
	    h != NULL)
		robust_walk(t, (uint64_t)(uintptr_t)h, 8, vt);
	if (t->t_robust != 0)
		robust_walk(t, t->t_robust, 4, vt);
}
