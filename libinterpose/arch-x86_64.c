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
#include <sys/tree.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/user.h>

#include <linux/audit.h>
#include <linux/ptrace.h>

#include <errno.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "interpose.h"
#include "extern.h"

/*
 * x86-64 with its i386 personality (int $0x80 and 32-bit executables).
 * x32 is recognised only to be refused.  Registers are read with
 * PTRACE_GET_SYSCALL_INFO and written one by one with PTRACE_POKEUSER,
 * which costs less than a GETREGS/SETREGS pair for the usual one or two
 * changed registers.
 */

#define UOFF(r)	offsetof(struct user_regs_struct, r)

static struct pers x86_64 = {
	.p_name = "x86_64",
	.p_audit = AUDIT_ARCH_X86_64,
	.p_scmp = SCMP_ARCH_X86_64,
	.p_compat = 0,
	.p_off = {
		[R_NR] = UOFF(orig_rax),
		[R_RET] = UOFF(rax),
		[R_A0] = UOFF(rdi),
		[R_A1] = UOFF(rsi),
		[R_A2] = UOFF(rdx),
		[R_A3] = UOFF(r10),
		[R_A4] = UOFF(r8),
		[R_A5] = UOFF(r9),
		[R_IP] = UOFF(rip),
	},
};

static struct pers i386 = {
	.p_name = "i386",
	.p_audit = AUDIT_ARCH_I386,
	.p_scmp = SCMP_ARCH_X86,
	.p_compat = 1,
	.p_off = {
		[R_NR] = UOFF(orig_rax),
		[R_RET] = UOFF(rax),
		[R_A0] = UOFF(rbx),
		[R_A1] = UOFF(rcx),
		[R_A2] = UOFF(rdx),
		[R_A3] = UOFF(rsi),
		[R_A4] = UOFF(rdi),
		[R_A5] = UOFF(rbp),
		[R_IP] = UOFF(rip),
	},
};

struct arch arch = {
	.a_native = &x86_64,
	.a_pers = { &x86_64, &i386, NULL },
	.a_x32 = 0,	/* x32 shares AUDIT_ARCH_X86_64; see arch_pers() */
	.a_insnlen = 2,
};

#define NRMAX	1024

/*
 * Build the number maps of one personality from libseccomp's tables, so
 * that no system call number is written by hand.  Returns 0 or -1.
 */
static int
pers_init(struct pers *p)
{
	char		*s;
	int		 nr, sn;

	if ((p->p_sn = calloc(NRMAX, sizeof(*p->p_sn))) == NULL ||
	    (p->p_nr = calloc(SN__MAX, sizeof(*p->p_nr))) == NULL)
		return -1;
	p->p_nrmax = NRMAX;
	for (sn = 0; sn < SN__MAX; sn++)
		p->p_nr[sn] = -1;
	for (nr = 0; nr < NRMAX; nr++) {
		p->p_sn[nr] = SN__MAX;
		if ((s = seccomp_syscall_resolve_num_arch(p->p_scmp, nr)) ==
		    NULL)
			continue;
		if ((sn = sysno_lookup(s)) != -1) {
			p->p_sn[nr] = sn;
			p->p_nr[sn] = nr;
		}
		free(s);
	}
	return 0;
}

/* Fill the number maps.  Returns 0 or -1 with errno set. */
int
arch_init(void)
{
	size_t	 i;

	for (i = 0; arch.a_pers[i] != NULL; i++)
		if (arch.a_pers[i]->p_sn == NULL &&
		    pers_init(arch.a_pers[i]) == -1)
			return -1;
	return 0;
}

/* The personality of an audit arch, or NULL (x32, anything else). */
struct pers *
arch_pers(uint32_t audit)
{
	size_t	 i;

	for (i = 0; arch.a_pers[i] != NULL; i++)
		if (arch.a_pers[i]->p_audit == audit)
			return arch.a_pers[i];
	return NULL;
}

/*
 * Read a seccomp stop: number, arguments, ABI and instruction pointer.
 * An x32 call (nr with bit 30) or an unknown ABI leaves c_pers NULL.
 * Returns 0 or -1 (the task vanished).
 */
int
regs_fetch(struct tracee *t, struct call *c)
{
	struct ptrace_syscall_info	 info;
	struct pers			*p;
	int				 i;

	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->t_tid, sizeof(info),
	    &info) == -1)
		return -1;
	memset(c, 0, sizeof(*c));
	c->c_fan = -1;
	c->c_sbuf.off = SIZE_MAX;
	c->c_obuf.off = SIZE_MAX;
	c->c_ip = info.instruction_pointer;
	if (info.op != PTRACE_SYSCALL_INFO_SECCOMP) {
		errno = EINVAL;
		return -1;
	}
	c->c_nr = info.seccomp.nr;
	for (i = 0; i < 6; i++)
		c->c_arg[i] = info.seccomp.args[i];
	p = arch_pers(info.arch);
	c->c_sn = SN__MAX;
	if (p == NULL)
		return 0;
	if (!p->p_compat && (c->c_nr & 0x40000000))
		return 0;	/* x32 */
	if (p->p_compat)
		for (i = 0; i < 6; i++)
			c->c_arg[i] &= 0xffffffffULL;
	c->c_pers = p;
	if (c->c_nr < (uint64_t)p->p_nrmax)
		c->c_sn = p->p_sn[c->c_nr];
	return 0;
}

/* Write one register of a stopped task.  Returns 0 or -1. */
int
regs_set(struct tracee *t, enum reg r, uint64_t v)
{
	const struct pers *p = t->t_call.c_pers != NULL ?
	    t->t_call.c_pers : arch.a_native;

	return ptrace(PTRACE_POKEUSER, t->t_tid, p->p_off[r], v) == -1 ?
	    -1 : 0;
}

/* Read one register of a stopped task.  Returns 0 or -1. */
int
regs_get(struct tracee *t, enum reg r, uint64_t *v)
{
	const struct pers *p = t->t_call.c_pers != NULL ?
	    t->t_call.c_pers : arch.a_native;
	long	 l;

	errno = 0;
	l = ptrace(PTRACE_PEEKUSER, t->t_tid, p->p_off[r], NULL);
	if (l == -1 && errno != 0)
		return -1;
	*v = (uint64_t)l;
	return 0;
}

/*
 * The slot of register r, for personality p, in a register set read by
 * regs_getall().
 */
uint64_t *
regs_slot(const struct pers *p, uint64_t *buf, enum reg r)
{
	return (uint64_t *)(void *)((char *)buf + p->p_off[r]);
}

/*
 * Save (regs_getall) and restore (regs_setall) the whole register set,
 * for injected calls.  The buffer must hold a struct user_regs_struct.
 */
int
regs_getall(struct tracee *t, uint64_t *buf)
{
	return ptrace(PTRACE_GETREGS, t->t_tid, NULL, buf) == -1 ? -1 : 0;
}

int
regs_setall(struct tracee *t, const uint64_t *buf)
{
	return ptrace(PTRACE_SETREGS, t->t_tid, NULL, buf) == -1 ? -1 : 0;
}

/* At a syscall-exit-stop, the return value.  Returns 0 or -1. */
int
regs_exitinfo(struct tracee *t, int64_t *ret)
{
	struct ptrace_syscall_info	 info;

	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->t_tid, sizeof(info),
	    &info) == -1)
		return -1;
	if (info.op != PTRACE_SYSCALL_INFO_EXIT) {
		errno = EINVAL;
		return -1;
	}
	*ret = info.exit.rval;
	if (t->t_call.c_pers != NULL && t->t_call.c_pers->p_compat)
		*ret = (int32_t)*ret;
	return 0;
}

/*
 * At an event stop (fork, clone, exec), the system call in progress: its
 * personality, number and arguments.  Returns 0 or -1.
 */
int
regs_event(struct tracee *t, const struct pers **pp, uint64_t *nr,
    uint64_t *args)
{
	struct ptrace_syscall_info	 info;
	struct user_regs_struct		 u;
	const struct pers		*p;
	int				 i;

	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->t_tid, sizeof(info),
	    &info) == -1 || ptrace(PTRACE_GETREGS, t->t_tid, NULL, &u) == -1)
		return -1;
	if ((p = arch_pers(info.arch)) == NULL) {
		errno = EINVAL;
		return -1;
	}
	*pp = p;
	*nr = *regs_slot(p, (uint64_t *)(void *)&u, R_NR);
	for (i = 0; i < 6; i++) {
		args[i] = *regs_slot(p, (uint64_t *)(void *)&u, R_A0 + i);
		if (p->p_compat)
			args[i] &= 0xffffffffULL;
	}
	return 0;
}

/*
 * At a signal-delivery-stop: did the signal cut a system call short
 * with ERESTARTSYS (512)?  Then 1, with the call's personality and the
 * registers (for regs_setall()); else 0, or -1.  One PEEKUSER when not.
 */
int
regs_cutshort(struct tracee *t, const struct pers **pp, uint64_t *buf)
{
	struct ptrace_syscall_info	 info;
	long				 ret;

	errno = 0;
	ret = ptrace(PTRACE_PEEKUSER, t->t_tid, arch.a_native->p_off[R_RET],
	    NULL);
	if (errno != 0)
		return -1;
	if ((int32_t)ret != -512)
		return 0;
	/* The ABI of the call the signal came in: TS_COMPAT still says. */
	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->t_tid, sizeof(info),
	    &info) == -1 || (*pp = arch_pers(info.arch)) == NULL ||
	    regs_getall(t, buf) == -1)
		return -1;
	return 1;
}

/*
 * Put back registers saved at a seccomp stop, with the instruction
 * pointer on the system call instruction and the number where the
 * instruction reads it, so the task makes the same call again.
 */
int
regs_restart(struct tracee *t, uint64_t *saved)
{
	struct user_regs_struct	*u = (struct user_regs_struct *)saved;

	u->rip -= arch.a_insnlen;
	u->rax = u->orig_rax;
	return regs_setall(t, saved);
}
