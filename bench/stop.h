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

/*
 * For the bench programs that make their own stops and choose their own
 * CPUs (bw-stopcost, bw-lanes, bw-tracer): a filter that traps one call,
 * and placement.  Include after <sched.h>, <sys/prctl.h>, <sys/syscall.h>,
 * <linux/audit.h>, <linux/filter.h>, <linux/seccomp.h> and <stddef.h>,
 * with _GNU_SOURCE defined first.
 */

#ifndef BENCH_STOP_H
#define BENCH_STOP_H

/*
 * Install a filter that gives system call nr (x86-64) action
 * (SECCOMP_RET_TRACE, SECCOMP_RET_USER_NOTIF) and allows everything
 * else, other ABIs included, with seccomp(2) flags.  Returns what
 * seccomp(2) does (the listener with SECCOMP_FILTER_FLAG_NEW_LISTENER),
 * or -1 with errno.
 */
static inline int
bench_trap(uint32_t nr, uint32_t action, unsigned int flags)
{
	struct sock_filter	 f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog	 prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags,
	    &prog);
}

/* Pin the calling thread (and what it forks after) to one CPU. */
static inline void
bench_pin(int cpu)
{
	cpu_set_t	 set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) == -1)
		err(1, "sched_setaffinity %d", cpu);
}

/* The first two CPUs we may run on; cpu[1] is -1 if there is one. */
static inline void
bench_cpus(int cpu[2])
{
	cpu_set_t	 set;
	int		 i, k = 0;

	cpu[0] = cpu[1] = -1;
	if (sched_getaffinity(0, sizeof(set), &set) == -1)
		err(1, "sched_getaffinity");
	for (i = 0; i < CPU_SETSIZE && k < 2; i++)
		if (CPU_ISSET(i, &set))
			cpu[k++] = i;
}

#endif /* !BENCH_STOP_H */
