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
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/queue.h>
#include <sys/tree.h>
#include <sys/types.h>

#include <linux/futex.h>
#include <linux/sched.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <fcntl.h>
#include <termios.h>

#include <linux/sockios.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interpose.h"
#include "extern.h"

/*
 * The system call table: the single source of the seccomp filter, the
 * dispatcher and docs/syscalls.md.  A row traps its call when any of its
 * rules holds (no rule: always); a row without an enter handler is
 * documentation of a call handled through ptrace events.  Every name of
 * sysno.list without a row runs untrapped; a number not in sysno.list
 * traps and is refused.
 */

#define M32	0xffffffffULL
#define CEQ(a, v)	{ (a), HOP_EQ, M32, (uint64_t)(v), #v }
#define CBIT(a, v)	{ (a), HOP_EQ, (uint64_t)(v), (uint64_t)(v), #v }
#define CMASK(a, m, v)	{ (a), HOP_EQ, (m), (uint64_t)(v), #v }
#define CNE0(a)		{ (a), HOP_NE, ~0ULL, 0, "0" }
#define CNE(a, v)	{ (a), HOP_NE, ~0ULL, (uint64_t)(v), #v }
#define CLT(a, v)	{ (a), HOP_LT, ~0ULL, (uint64_t)(v), #v }
#define R1(x)		{ 1, { x } }
#define R2(x, y)	{ 2, { x, y } }

#define PID0	.enter = h_pid0, .class = HC_PID, .stops = 2, \
		.how = "pid argument translated", \
		.rule = { R1(CNE0(0)) }, .nrule = 1
#define CLOCK	.enter = h_clock, .class = HC_TIMER, .stops = 2, \
		.how = "CPU clock id of a pid translated", \
		.rule = { R1(CBIT(0, 0x80000000)) }, .nrule = 1
#define RANGE	.enter = h_range, .class = HC_MEMORY, .stops = 1, \
		.how = "refused (EPERM) if the range meets scratch", \
		.rule = { R1(CLT(0, SCRATCH_END)) }, .nrule = 1
#define CRED	.enter = h_credset, .class = HC_ID, .stops = 1, \
		.how = "the caller's rights compared with the supervisor's " \
		"again at its next path query; without CAP_SYS_PTRACE: its " \
		"dumpability checked at its next trapped call"
#define PROCPATH .enter = h_procpath, .exit = h_procpath_exit, \
		.class = HC_PROC, .stops = 2, .how = PROCPATH_HOW
#define PROCPATH_HOW \
		"walked by the supervisor first: a walk that meets an " \
		"outside pid fails (ENOENT); one that stays out of procfs " \
		"made openat2 of the steps it took with RESOLVE_NO_SYMLINKS " \
		"(x86-64 open and openat); a path under /proc naming a pid " \
		"translated, in a copy in scratch; stat, status, sched, " \
		"children, fdinfo, net/netlink, loadavg, locks and " \
		"ns_last_pid opened as rewritten snapshots (ns_last_pid for " \
		"writing: EPERM); readlink of self and thread-self answered " \
		"(1 stop); opens checked at the exit: an outside /proc entry " \
		"is closed, ENOENT, and so is one of those files opened " \
		"readable unrewritten, EACCES"
#define OPENQ	.enter = h_procpath, .exit = h_procpath_exit, \
		.class = HC_PROC, .stops = 1, .query = h_openq, \
		.how = "for reading (no O_CREAT, O_TRUNC, O_PATH or " \
		"O_TMPFILE), when the instance started with the supervisor's " \
		"rights: by the answer thread (a user notification, no ptrace " \
		"stop), which walks the path as for stat, answers a missing " \
		"file or a refused search itself, and opens a regular file " \
		"or directory with the caller's rights and installs the " \
		"descriptor in the caller (SECCOMP_IOCTL_NOTIF_ADDFD); else, " \
		"or where the thread cannot (a device, a FIFO, procfs, an " \
		"i386 open without O_LARGEFILE), at a ptrace stop (2 stops): " \
		PROCPATH_HOW
#define PATHQ	.enter = h_pathq, .exit = h_procpath_exit, \
		.class = HC_PROC, .stops = 1, \
		.how = "the path walked by the supervisor in the caller's " \
		"root and working directory (pids translated, an outside " \
		"pid ENOENT, links read, magic links of the instance " \
		"followed) and the call answered from what it found, skipped: " \
		"by the answer thread (a user notification, no ptrace stop) " \
		"when the instance started with the supervisor's rights, " \
		"else, or where the thread cannot, at a ptrace stop; " \
		"by a supervisor with other rights than the instance's (root): " \
		"walked only to decide, then run by the kernel on a copy, the " \
		"text of a magic link made virtual at the exit (2 stops)"
#define PATHCHK	.enter = h_pathchk, .class = HC_PROC, .stops = 2, \
		.how = "the path walked by the supervisor first (an outside " \
		"pid: ENOENT); the kernel given a copy in scratch, or the " \
		"path the walk found in /proc"
#define DENY(e, why) .enter = h_deny, .class = HC_DENY, .err = (e), \
		.stops = 1, .how = "refused (" #e "): " why
#define FUTEXPI	.enter = h_futex, .class = HC_FUTEX, .stops = 1, \
		.how = "priority-inheritance operations refused (ENOSYS)", \
		.rule = { R1(CMASK(1, 0x7f, FUTEX_LOCK_PI)), \
		    R1(CMASK(1, 0x7f, FUTEX_UNLOCK_PI)), \
		    R1(CMASK(1, 0x7f, FUTEX_TRYLOCK_PI)), \
		    R1(CMASK(1, 0x7f, FUTEX_WAIT_REQUEUE_PI)), \
		    R1(CMASK(1, 0x7f, FUTEX_CMP_REQUEUE_PI)), \
		    R1(CMASK(1, 0x7f, FUTEX_LOCK_PI2)) }, .nrule = 6

/*
 * A getter: its value from the model, through the seccomp listener (one
 * user notification, no ptrace stop), or at a ptrace stop where the
 * kernel gives no listener.
 */
#define ANSWER(fn)	.enter = h_answer, .answer = (fn), .class = HC_ID, \
		.stops = 1
#define ANSWERED	"answered from the process model by the supervisor's " \
		"answer thread (a seccomp user notification, no ptrace " \
		"stop; emulated at a ptrace stop where the kernel has no " \
		"listener)"

const struct handler handlers[SN__MAX] = {
	/* The caller's ids. */
	[SN_getpid] = { ANSWER(a_getpid), .how = ANSWERED },
	[SN_gettid] = { ANSWER(a_gettid), .how = ANSWERED },
	[SN_getppid] = { ANSWER(a_getppid),
	    .how = ANSWERED "; a parent outside reads as 0" },
	[SN_getpgrp] = { ANSWER(a_getpgrp), .how = ANSWERED },
	[SN_getpgid] = { ANSWER(a_getpgid), .how = ANSWERED "; outside: ESRCH" },
	[SN_getsid] = { ANSWER(a_getsid), .how = ANSWERED "; outside: ESRCH" },
	[SN_setpgid] = { .enter = h_setpgid, .exit = h_setpgid_exit,
	    .class = HC_ID, .stops = 2,
	    .how = "both ids translated; the model follows" },
	[SN_setsid] = { .enter = h_want_exit, .exit = h_setsid_exit,
	    .class = HC_ID, .stops = 2, .how = "result translated" },
	[SN_set_tid_address] = { .enter = h_settid, .exit = h_ret_tid,
	    .answer = a_settid, .nqarg = 1, .class = HC_ID, .stops = 1,
	    .how = "answered with the virtual tid by the answer thread (no "
	    "ptrace stop; at a stop where the kernel has no listener) while "
	    "the caller is alone in its address space, the address kept "
	    "and given to the kernel (injected) at its next clone with "
	    "CLONE_VM but not CLONE_VFORK, prctl(PR_GET_TID_ADDRESS), or the "
	    "return of a vfork whose child left a process sharing the space; "
	    "otherwise made by the kernel, result translated (2 stops)" },

	/* Creation and exec. */
	[SN_fork] = { .class = HC_CREATE, .stops = 2,
	    .how = "fork event; result translated at the exit stop" },
	[SN_vfork] = { .class = HC_CREATE, .stops = 2,
	    .how = "vfork event; result translated at the exit stop" },
	[SN_clone] = { .enter = h_clone, .exit = h_clone3_exit,
	    .class = HC_CREATE, .stops = 2,
	    .how = "CLONE_UNTRACED, CLONE_NEWPID refused (EPERM); "
	    "CLONE_PARENT from pid 1 refused (EINVAL); "
	    "CLONE_PARENT_SETTID written in the output area; otherwise "
	    "the clone event, *_SETTID words and the result translated; "
	    "CLONE_VM without CLONE_VFORK: a kept set_tid_address given "
	    "first",
	    .rule = { R1(CBIT(0, CLONE_UNTRACED)), R1(CBIT(0, CLONE_NEWPID)),
	    R1(CBIT(0, CLONE_PARENT)), R1(CBIT(0, CLONE_PARENT_SETTID)),
	    R1(CBIT(0, CLONE_NEWNS)), R1(CBIT(0, CLONE_NEWUSER)),
	    R1(CMASK(0, CLONE_VM | CLONE_VFORK, CLONE_VM)) }, .nrule = 7 },
	[SN_clone3] = { .enter = h_clone3, .exit = h_clone3_exit,
	    .class = HC_CREATE, .stops = 3,
	    .how = "clone_args copied to scratch and checked there "
	    "(set_tid refused); then as clone" },
	[SN_execve] = { .class = HC_CREATE, .stops = 1,
	    .how = "exec event: new address space; a non-leader takes "
	    "the leader's id" },
	[SN_execveat] = { .class = HC_CREATE, .stops = 1,
	    .how = "as execve" },
	[SN_unshare] = { .enter = h_unshare, .class = HC_CREATE, .stops = 1,
	    .how = "CLONE_NEWPID refused (EPERM); CLONE_NEWNS and "
	    "CLONE_NEWUSER noted (path walks start from each task's root)",
	    .rule = { R1(CBIT(0, CLONE_NEWPID)), R1(CBIT(0, CLONE_NEWNS)),
	    R1(CBIT(0, CLONE_NEWUSER)) }, .nrule = 3 },
	[SN_setns] = { DENY(EPERM, "joining a namespace") },
	[SN_setuid] = { CRED },
	[SN_setuid32] = { CRED },
	[SN_setgid] = { CRED },
	[SN_setgid32] = { CRED },
	[SN_setreuid] = { CRED },
	[SN_setreuid32] = { CRED },
	[SN_setregid] = { CRED },
	[SN_setregid32] = { CRED },
	[SN_setresuid] = { CRED },
	[SN_setresuid32] = { CRED },
	[SN_setresgid] = { CRED },
	[SN_setresgid32] = { CRED },
	[SN_setfsuid] = { CRED },
	[SN_setfsuid32] = { CRED },
	[SN_setfsgid] = { CRED },
	[SN_setfsgid32] = { CRED },
	[SN_setgroups] = { CRED },
	[SN_setgroups32] = { CRED },
	[SN_landlock_restrict_self] = { .enter = h_confine, .class = HC_ID,
	    .stops = 1, .how = "the caller's process, and every process it "
	    "makes, marked as narrowing its own rights: its path queries "
	    "and opens are left to the kernel (at a ptrace stop), never "
	    "answered with the supervisor's rights; so is a process that "
	    "opens an LSM's attribute files in /proc for writing" },
	[SN_prctl] = { .enter = h_prctl, .exit = h_prctl_exit,
	    .class = HC_PID, .stops = 2,
	    .how = "PR_SET_PTRACER and PR_SCHED_CORE pids translated; "
	    "PR_SET_CHILD_SUBREAPER followed (pid 1 stays one); "
	    "PR_SET_DUMPABLE 0 emulated without CAP_SYS_PTRACE; "
	    "PR_GET_TID_ADDRESS: a kept set_tid_address given first",
	    .rule = { R1(CEQ(0, PR_SET_PTRACER)), R1(CEQ(0, PR_SCHED_CORE)),
	    R1(CEQ(0, PR_SET_CHILD_SUBREAPER)), R1(CEQ(0, PR_SET_DUMPABLE)),
	    R1(CEQ(0, PR_GET_DUMPABLE)), R1(CEQ(0, PR_GET_TID_ADDRESS)) },
	    .nrule = 6 },
	[SN_seccomp] = { .enter = h_seccomp, .class = HC_DENY, .stops = 1,
	    .how = "filters with a listener refused (EPERM): "
	    "SECCOMP_RET_USER_NOTIF outranks SECCOMP_RET_TRACE; TSYNC "
	    "trapped so that the read filter can be injected at an exit",
	    .rule = { R2(CEQ(0, SECCOMP_SET_MODE_FILTER),
	    CBIT(1, SECCOMP_FILTER_FLAG_NEW_LISTENER)),
	    R2(CEQ(0, SECCOMP_SET_MODE_FILTER),
	    CBIT(1, SECCOMP_FILTER_FLAG_TSYNC)) }, .nrule = 2 },
	[SN_ptrace] = { .enter = h_ptrace, .class = HC_DENY, .stops = 1,
	    .how = "emulated: TRACEME and attaching to an instance task "
	    "EPERM (already traced), anything else ESRCH" },

	/* Waiting. */
	[SN_wait4] = { .enter = h_wait4, .exit = h_wait4_exit,
	    .class = HC_WAIT, .stops = 2,
	    .how = "pid or -pgid translated; result translated; "
	    "left alone, with no exit stop (1 stop), in a process with "
	    "one thread and no child, where it can only fail" },
	[SN_waitpid] = { .enter = h_wait4, .exit = h_wait4_exit,
	    .class = HC_WAIT, .stops = 2, .how = "as wait4 (i386)" },
	[SN_waitid] = { .enter = h_waitid, .exit = h_waitid_exit,
	    .class = HC_WAIT, .stops = 2,
	    .how = "P_PID/P_PGID id translated; siginfo written in "
	    "scratch, copied out translated (zeros on an error, as the "
	    "kernel writes); as wait4 in a process with one thread and "
	    "no child" },

	/* Signals. */
	[SN_kill] = { .enter = h_kill, .exit = h_kill_exit,
	    .class = HC_SIGNAL, .stops = 2,
	    .how = "pid or -pgid translated; -1 run once per instance "
	    "process; signal 0 from a caller with the supervisor's "
	    "credentials asked by the supervisor (1 stop)" },
	[SN_tkill] = { .enter = h_tkill, .class = HC_SIGNAL, .stops = 2,
	    .how = "tid translated; signal 0 asked by the supervisor, as "
	    "for kill" },
	[SN_tgkill] = { .enter = h_tgkill, .class = HC_SIGNAL, .stops = 2,
	    .how = "tgid and tid translated; signal 0 asked by the "
	    "supervisor, as for kill" },
	[SN_rt_sigqueueinfo] = { .enter = h_tkill, .class = HC_SIGNAL,
	    .stops = 2, .how = "pid translated; si_pid is the sender's "
	    "own (virtual) claim" },
	[SN_rt_tgsigqueueinfo] = { .enter = h_tgkill, .class = HC_SIGNAL,
	    .stops = 2, .how = "tgid and tid translated" },
	[SN_pidfd_open] = { .enter = h_pid0, .class = HC_SIGNAL,
	    .stops = 2, .how = "pid translated" },
	[SN_pidfd_send_signal] = { .class = HC_SIGNAL, .stops = 0,
	    .how = "untrapped: a pidfd names an instance process (received "
	    "ones of outside processes are closed, see recvmsg; instproc "
	    "-f refuses them)" },
	[SN_pidfd_getfd] = { .enter = h_signalfd, .class = HC_SIGNAL,
	    .stops = 1, .how = "the caller is given the read filter first, "
	    "as it may take a signalfd; a pidfd names an instance process "
	    "as for pidfd_send_signal" },

	/* Pid arguments. */
	[SN_sched_setaffinity] = { PID0 },
	[SN_sched_getaffinity] = { PID0 },
	[SN_sched_setscheduler] = { PID0 },
	[SN_sched_getscheduler] = { PID0 },
	[SN_sched_setparam] = { PID0 },
	[SN_sched_getparam] = { PID0 },
	[SN_sched_rr_get_interval] = { PID0 },
	[SN_sched_rr_get_interval_time64] = { PID0 },
	[SN_sched_setattr] = { PID0 },
	[SN_sched_getattr] = { PID0 },
	[SN_prlimit64] = { PID0 },
	[SN_get_robust_list] = { PID0 },
	[SN_move_pages] = { PID0 },
	[SN_migrate_pages] = { PID0 },
	[SN_process_vm_readv] = { .enter = h_pid0, .class = HC_PID,
	    .stops = 2, .how = "pid translated" },
	[SN_process_vm_writev] = { .enter = h_pid0, .class = HC_PID,
	    .stops = 2, .how = "pid translated" },
	[SN_kcmp] = { .enter = h_pid01, .class = HC_PID, .stops = 2,
	    .how = "both pids translated" },
	[SN_getpriority] = { .enter = h_prio, .exit = h_prio_exit,
	    .class = HC_PID, .stops = 2,
	    .how = "PRIO_PROCESS/PRIO_PGRP translated; PRIO_USER run once "
	    "per instance task of that user",
	    .rule = { R1(CNE0(0)), R1(CNE0(1)) }, .nrule = 2 },
	[SN_setpriority] = { .enter = h_prio, .exit = h_prio_exit,
	    .class = HC_PID, .stops = 2, .how = "as getpriority",
	    .rule = { R1(CNE0(0)), R1(CNE0(1)) }, .nrule = 2 },
	[SN_ioprio_get] = { .enter = h_prio, .exit = h_prio_exit,
	    .class = HC_PID, .stops = 2, .how = "as getpriority" },
	[SN_ioprio_set] = { .enter = h_prio, .exit = h_prio_exit,
	    .class = HC_PID, .stops = 2, .how = "as getpriority" },
	[SN_perf_event_open] = { .enter = h_perf, .class = HC_PID,
	    .stops = 2, .how = "pid translated; every task (-1) and "
	    "cgroups refused (EACCES)" },
	[SN_sysinfo] = { .enter = h_sysinfo, .exit = h_sysinfo_exit,
	    .class = HC_PID, .stops = 2,
	    .how = "written in the output area, copied out with procs the "
	    "instance's task count" },
	[SN_capget] = { .enter = h_capget,
	    .class = HC_PID, .stops = 2,
	    .how = "header copied to scratch, pid translated" },
	[SN_capset] = { .enter = h_capget,
	    .class = HC_PID, .stops = 2, .how = "as capget" },

	/* Timers and clocks. */
	[SN_clock_gettime] = { CLOCK },
	[SN_clock_gettime64] = { CLOCK },
	[SN_clock_getres] = { CLOCK },
	[SN_clock_getres_time64] = { CLOCK },
	[SN_clock_nanosleep] = { CLOCK },
	[SN_clock_nanosleep_time64] = { CLOCK },
	[SN_clock_settime] = { CLOCK },
	[SN_clock_settime64] = { CLOCK },
	[SN_clock_adjtime] = { CLOCK },
	[SN_clock_adjtime64] = { CLOCK },

	/* Futexes. */
	[SN_futex] = { FUTEXPI },
	[SN_futex_time64] = { FUTEXPI },
	[SN_set_robust_list] = { .enter = h_robust, .class = HC_FUTEX,
	    .stops = 1, .how = "untrapped on x86-64: at the task's exit "
	    "its robust list, as get_robust_list gives it to the tracer, "
	    "gets the real tid back in its words; i386: the head recorded "
	    "for that (1 stop)",
	    .rule = { R1(CNE(1, sizeof(struct robust_list_head))) },
	    .nrule = 1 },

	/* The scratch area. */
	[SN_mmap] = { .enter = h_mmap, .class = HC_MEMORY, .stops = 1,
	    .how = "MAP_FIXED over scratch refused (EPERM), a hint there "
	    "dropped",
	    .rule = { R2(CLT(0, SCRATCH_END), CBIT(3, MAP_FIXED)),
	    R1(CMASK(0, ~0xffffULL, SCRATCH_ADDR)),
	    R1(CMASK(0, ~0xffffULL, SCRATCH_ADDR + SCRATCH_BLOCK)),
	    R1(CMASK(0, ~0xffffULL, SCRATCH_ADDR + 2 * SCRATCH_BLOCK)) },
	    .nrule = 4 },
	[SN_mmap2] = { .enter = h_mmap, .class = HC_MEMORY, .stops = 1,
	    .how = "as mmap (i386)" },
	[SN_munmap] = { RANGE },
	[SN_mprotect] = { RANGE },
	[SN_pkey_mprotect] = { RANGE },
	[SN_madvise] = { RANGE },
	[SN_remap_file_pages] = { RANGE },
	[SN_mremap] = { .enter = h_mremap, .class = HC_MEMORY, .stops = 1,
	    .how = "refused (EPERM) if either range meets scratch",
	    .rule = { R1(CLT(0, SCRATCH_END)),
	    R2(CBIT(3, MREMAP_FIXED), CLT(4, SCRATCH_END)) }, .nrule = 2 },
	[SN_shmat] = { .enter = h_shmat, .class = HC_MEMORY, .stops = 1,
	    .how = "an address below the end of scratch refused (EINVAL)",
	    .rule = { R1(CLT(1, SCRATCH_END)) }, .nrule = 1 },
	[SN_socketcall] = { .enter = h_multiplex, .class = HC_DENY,
	    .stops = 1, .how = "i386: subcalls with credentials refused "
	    "(ENOSYS); SYS_SOCKET run as the direct socket call (as "
	    "socket); others run" },
	[SN_ipc] = { .enter = h_multiplex, .class = HC_DENY, .stops = 1,
	    .how = "i386: *ctl subcalls refused (ENOSYS), others run" },

	/* Owners and terminals. */
	[SN_fcntl] = { .enter = h_fcntl, .exit = h_fcntl_exit,
	    .class = HC_OWNER, .stops = 2,
	    .how = "F_SETOWN translated; F_GETOWN(_EX) answered from the "
	    "supervisor's copy of the descriptor (1 stop); F_SETOWN_EX read "
	    "from scratch; l_pid written in the output area, copied out "
	    "translated (i386 F_GETLK refused)",
	    .rule = { R1(CEQ(1, F_SETOWN)), R1(CEQ(1, F_GETOWN)),
	    R1(CEQ(1, F_SETOWN_EX)), R1(CEQ(1, F_GETOWN_EX)),
	    R1(CEQ(1, F_GETLK)), R1(CEQ(1, F_OFD_GETLK)) }, .nrule = 6 },
	[SN_fcntl64] = { .enter = h_fcntl, .exit = h_fcntl_exit,
	    .class = HC_OWNER, .stops = 2, .how = "as fcntl (i386)" },
	[SN_ioctl] = { .enter = h_ioctl, .exit = h_ioctl_exit,
	    .class = HC_OWNER, .stops = 2,
	    .how = "the int is read from scratch or written in the output "
	    "area and copied out translated; PIDFD_GET_INFO pids "
	    "translated; nsfs pid translation refused (EPERM)",
	    .rule = { R1(CEQ(1, TIOCSPGRP)), R1(CEQ(1, TIOCGPGRP)),
	    R1(CEQ(1, TIOCGSID)), R1(CEQ(1, FIOSETOWN)),
	    R1(CEQ(1, SIOCSPGRP)), R1(CEQ(1, FIOGETOWN)),
	    R1(CEQ(1, SIOCGPGRP)), R1(CMASK(1, 0xffff, 0xff0b)),
	    R1(CMASK(1, 0xffff, 0xb706)), R1(CMASK(1, 0xffff, 0xb707)),
	    R1(CMASK(1, 0xffff, 0xb708)), R1(CMASK(1, 0xffff, 0xb709)) },
	    .nrule = 12 },

	/* Sockets. */
	[SN_getsockopt] = { .enter = h_getsockopt,
	    .exit = h_getsockopt_exit, .class = HC_SOCKET, .stops = 2,
	    .how = "SO_PEERCRED written in the output area, copied out with "
	    "the pid translated (outside peer: 0); SO_PEERPIDFD refused "
	    "(ENOPROTOOPT)",
	    .rule = { R2(CEQ(1, SOL_SOCKET), CEQ(2, SO_PEERCRED)),
	    R2(CEQ(1, SOL_SOCKET), CEQ(2, 77)) }, .nrule = 2 },
	[SN_setsockopt] = { .enter = h_setsockopt, .class = HC_SOCKET,
	    .stops = 1, .how = "SO_PASSPIDFD refused (ENOPROTOOPT)",
	    .rule = { R2(CEQ(1, SOL_SOCKET), CEQ(2, 76)) }, .nrule = 1 },
	[SN_sendmsg] = { .enter = h_sendmsg, .class = HC_SOCKET, .stops = 2,
	    .how = "header and control data read from scratch, "
	    "SCM_CREDENTIALS pid translated" },
	[SN_sendmmsg] = { .enter = h_sendmsg, .exit = h_sendmsg_exit,
	    .class = HC_SOCKET, .stops = 2,
	    .how = "as sendmsg, one message per call" },
	[SN_socket] = { .enter = h_socket, .exit = h_socket_exit,
	    .class = HC_SOCKET, .stops = 4,
	    .how = "a netlink socket is bound at once (bind injected at the "
	    "exit) to a random port in [INT32_MIN, -4097], never a pid",
	    .rule = { R1(CEQ(0, AF_NETLINK)) }, .nrule = 1 },
	[SN_bind] = { .enter = h_bind, .class = HC_SOCKET, .stops = 1,
	    .how = "netlink: nl_pid set to the socket's own port, in a copy "
	    "in scratch (2 stops); anything else runs as is" },
	[SN_recvmsg] = { .enter = h_recvmsg, .exit = h_recvmsg_exit,
	    .class = HC_SOCKET, .stops = 2,
	    .how = "header and control data written in the output area, "
	    "copied out with SCM_CREDENTIALS pids translated; SCM_PIDFD, "
	    "and pidfds and /proc/PID directories of outside processes in "
	    "SCM_RIGHTS, closed and left out (MSG_CTRUNC)" },
	[SN_recvmmsg] = { .enter = h_recvmsg, .exit = h_recvmsg_exit,
	    .class = HC_SOCKET, .stops = 2,
	    .how = "as recvmsg, one message per call" },
	[SN_recvmmsg_time64] = { .enter = h_recvmsg, .exit = h_recvmsg_exit,
	    .class = HC_SOCKET, .stops = 2, .how = "as recvmmsg (i386)" },

	/* SysV IPC. */
	[SN_msgctl] = { .enter = h_ipcctl, .exit = h_ipcctl_exit,
	    .class = HC_IPC, .stops = 2,
	    .how = "msqid_ds written in the output area, msg_lspid and "
	    "msg_lrpid copied out translated",
	    .rule = { R1(CMASK(1, 0xff, IPC_STAT)), R1(CMASK(1, 0xff, MSG_STAT)),
	    R1(CMASK(1, 0xff, MSG_STAT_ANY)) }, .nrule = 3 },
	[SN_shmctl] = { .enter = h_ipcctl, .exit = h_ipcctl_exit,
	    .class = HC_IPC, .stops = 2,
	    .how = "shmid_ds written in the output area, shm_cpid and "
	    "shm_lpid copied out translated",
	    .rule = { R1(CMASK(1, 0xff, IPC_STAT)), R1(CMASK(1, 0xff, SHM_STAT)),
	    R1(CMASK(1, 0xff, SHM_STAT_ANY)) }, .nrule = 3 },
	[SN_semctl] = { .enter = h_ipcctl, .exit = h_ipcctl_exit,
	    .class = HC_IPC, .stops = 2, .how = "GETPID result translated",
	    .rule = { R1(CMASK(2, 0xff, GETPID)) }, .nrule = 1 },

	/* Timers and signal information. */
	[SN_timer_create] = { .enter = h_timer_create, .class = HC_TIMER,
	    .stops = 2, .how = "sigevent read from scratch with a "
	    "SIGEV_THREAD_ID tid translated; CPU clock pid translated" },
	[SN_rt_sigtimedwait] = { .enter = h_sigtimedwait,
	    .exit = h_siginfo_exit, .class = HC_SIGNAL, .stops = 2,
	    .how = "siginfo written in the output area, copied out with "
	    "si_pid translated", .rule = { R1(CNE0(1)) }, .nrule = 1 },
	[SN_rt_sigtimedwait_time64] = { .enter = h_sigtimedwait,
	    .exit = h_siginfo_exit, .class = HC_SIGNAL, .stops = 2,
	    .how = "as rt_sigtimedwait (i386)" },
	[SN_mq_notify] = { .class = HC_TIMER, .stops = 0,
	    .how = "untrapped: the notification's si_pid is translated at "
	    "delivery" },
	[SN_signalfd] = { .enter = h_signalfd, .class = HC_SIGNAL,
	    .stops = 1, .how = "the process is given the read filter "
	    "first (TSYNC, 2 more stops once); without NO_NEW_PRIVS or "
	    "CAP_SYS_ADMIN refused (ENOSYS)" },
	[SN_signalfd4] = { .enter = h_signalfd, .class = HC_SIGNAL,
	    .stops = 1, .how = "as signalfd" },
	[SN_read] = { .enter = h_rdtrap, .exit = h_rdtrap_exit,
	    .class = HC_SIGNAL, .stops = 1, .rdtrap = 1,
	    .how = "of a signalfd: records read in the output area, "
	    "copied out with ssi_pid translated (2 stops); of anything "
	    "else: run as is" },
	[SN_readv] = { .enter = h_rdtrap, .exit = h_rdtrap_exit,
	    .class = HC_SIGNAL, .stops = 1, .rdtrap = 1,
	    .how = "as read, the vector filled at the exit" },
	[SN_preadv2] = { .enter = h_rdtrap, .exit = h_rdtrap_exit,
	    .class = HC_SIGNAL, .stops = 1, .rdtrap = 1,
	    .how = "at offset -1 as readv; otherwise run as is (ESPIPE)" },

	[SN_close_range] = { .enter = h_close_range, .class = HC_SIGNAL,
	    .stops = 1, .how = "the form the supervisor injects to close "
	    "a signalfd a process cannot be given the read filter for; "
	    "from the instance, the kernel's EINVAL",
	    .rule = { R1(CEQ(2, CLOSE_MAGIC)) }, .nrule = 1 },

	/* /proc. */
	[SN_open] = { OPENQ, .nqarg = 1, .nqflags = 2 },
	[SN_openat] = { OPENQ, .nqarg = 2, .nqflags = 3 },
	[SN_openat2] = { PROCPATH },
	[SN_creat] = { PATHCHK },
	[SN_stat] = { PATHQ, .nqarg = 1, .query = h_pathq },
	[SN_lstat] = { PATHQ, .nqarg = 1, .query = h_pathq },
	[SN_oldstat] = { PATHQ, .nqarg = 1, .query = h_pathq },
	[SN_oldlstat] = { PATHQ, .nqarg = 1, .query = h_pathq },
	[SN_stat64] = { PATHQ, .nqarg = 1, .query = h_pathq },
	[SN_lstat64] = { PATHQ, .nqarg = 1, .query = h_pathq },
	[SN_newfstatat] = { PATHQ, .nqarg = 2, .query = h_pathq },
	[SN_fstatat64] = { PATHQ, .nqarg = 2, .query = h_pathq },
	[SN_statx] = { PATHQ, .nqarg = 2, .query = h_pathq },
	[SN_access] = { PATHQ, .nqarg = 1, .query = h_pathq },
	[SN_faccessat] = { PATHQ, .nqarg = 2, .query = h_pathq },
	[SN_faccessat2] = { PATHQ, .nqarg = 2, .query = h_pathq },
	[SN_readlink] = { PATHQ, .nqarg = 1, .query = h_pathq },
	[SN_readlinkat] = { PATHQ, .nqarg = 2, .query = h_pathq },
	[SN_chdir] = { PATHCHK },
	[SN_chroot] = { PATHCHK },
	[SN_inotify_add_watch] = { PATHCHK },
	[SN_name_to_handle_at] = { PATHCHK },
	[SN_statfs] = { PATHCHK },
	[SN_statfs64] = { PATHCHK },
	[SN_getxattr] = { PATHCHK },
	[SN_lgetxattr] = { PATHCHK },
	[SN_listxattr] = { PATHCHK },
	[SN_llistxattr] = { PATHCHK },
	[SN_setxattr] = { PATHCHK },
	[SN_lsetxattr] = { PATHCHK },
	[SN_removexattr] = { PATHCHK },
	[SN_lremovexattr] = { PATHCHK },
	[SN_truncate] = { PATHCHK },
	[SN_truncate64] = { PATHCHK },
	[SN_chmod] = { PATHCHK },
	[SN_fchmodat] = { PATHCHK },
	[SN_fchmodat2] = { PATHCHK },
	[SN_chown] = { PATHCHK },
	[SN_chown32] = { PATHCHK },
	[SN_lchown] = { PATHCHK },
	[SN_lchown32] = { PATHCHK },
	[SN_fchownat] = { PATHCHK },
	[SN_utime] = { PATHCHK },
	[SN_utimes] = { PATHCHK },
	[SN_futimesat] = { PATHCHK },
	[SN_utimensat] = { PATHCHK },
	[SN_utimensat_time64] = { PATHCHK },
	[SN_mkdir] = { PATHCHK },
	[SN_mkdirat] = { PATHCHK },
	[SN_mknod] = { PATHCHK },
	[SN_mknodat] = { PATHCHK },
	[SN_rmdir] = { PATHCHK },
	[SN_unlink] = { PATHCHK },
	[SN_unlinkat] = { PATHCHK },
	[SN_rename] = { PATHCHK },
	[SN_renameat] = { PATHCHK },
	[SN_renameat2] = { PATHCHK },
	[SN_link] = { PATHCHK },
	[SN_linkat] = { PATHCHK },
	[SN_symlink] = { PATHCHK },
	[SN_symlinkat] = { PATHCHK },
	[SN_swapon] = { PATHCHK },
	[SN_swapoff] = { PATHCHK },
	[SN_getdents64] = { .enter = h_getdents, .class = HC_PROC, .stops = 1,
	    .how = "of /proc or /proc/PID/task: done by the supervisor on "
	    "its copy of the descriptor, the instance's entries renamed to "
	    "virtual ids, others left out" },

	/* What cannot be virtualised. */
	[SN_io_uring_setup] = { DENY(ENOSYS, "bypasses system call entry") },
	[SN_io_uring_enter] = { DENY(ENOSYS, "bypasses system call entry") },
	[SN_io_uring_register] = { DENY(ENOSYS,
	    "bypasses system call entry") },
	[SN_userfaultfd] = { DENY(EPERM,
	    "could stall or feed the kernel's reads of scratch") },
	[SN_acct] = { DENY(EPERM, "records carry real pids") },
	[SN_bpf] = { DENY(EPERM, "programs see real pids") },
	[SN_fanotify_init] = { DENY(EPERM, "events carry real pids") },
	[SN_mount] = { DENY(EPERM, "a new or bound procfs shows every "
	    "process") },
	[SN_umount] = { DENY(EPERM, "mounts are the host's") },
	[SN_umount2] = { DENY(EPERM, "mounts are the host's") },
	[SN_pivot_root] = { DENY(EPERM, "mounts are the host's") },
	[SN_open_tree] = { DENY(EPERM, "as mount") },
	[SN_move_mount] = { DENY(EPERM, "as mount") },
	[SN_fsopen] = { DENY(EPERM, "as mount") },
	[SN_fsconfig] = { DENY(EPERM, "as mount") },
	[SN_fsmount] = { DENY(EPERM, "as mount") },
	[SN_fspick] = { DENY(EPERM, "as mount") },
	[SN_mount_setattr] = { DENY(EPERM, "as mount") },
	[SN_quotactl] = { DENY(EPERM, "its path is walked by the kernel") },
	[SN_uselib] = { DENY(ENOSYS, "its path is walked by the kernel") },
};

const char *const hclass_names[HC__MAX] = {
	"ids",			/* HC_ID */
	"creation",		/* HC_CREATE */
	"waiting",		/* HC_WAIT */
	"signals",		/* HC_SIGNAL */
	"pid arguments",	/* HC_PID */
	"owners and terminals",	/* HC_OWNER */
	"sockets",		/* HC_SOCKET */
	"timers and clocks",	/* HC_TIMER */
	"SysV IPC",		/* HC_IPC */
	"futexes",		/* HC_FUTEX */
	"scratch protection",	/* HC_MEMORY */
	"/proc",		/* HC_PROC */
	"refused",		/* HC_DENY */
};

/* One condition as text, e.g. "a1 == TIOCSPGRP". */
static void
hcond_text(const struct hcond *c, char *buf, size_t sz)
{
	switch (c->op) {
	case HOP_EQ:
		if (c->mask == M32)
			(void)snprintf(buf, sz, "a%d == %s", c->arg, c->name);
		else if (c->mask == c->val)
			(void)snprintf(buf, sz, "a%d & %s", c->arg, c->name);
		else
			(void)snprintf(buf, sz, "(a%d & %#llx) == %s", c->arg,
			    (unsigned long long)c->mask, c->name);
		break;
	case HOP_NE:
		(void)snprintf(buf, sz, "a%d != %s", c->arg, c->name);
		break;
	default:
		(void)snprintf(buf, sz, "a%d < %s", c->arg, c->name);
		break;
	}
}

/*
 * The table as rows of text, in sysno order, for docs/syscalls.md.
 * Built once; the memory lives as long as the process.
 */
size_t
interpose_rows(const struct interpose_row **out)
{
	static struct interpose_row	*rows;
	static size_t			 n;
	const struct handler		*h;
	char				 when[1024], cond[128];
	int				 sn, i, j;

	if (rows == NULL) {
		if ((rows = calloc(SN__MAX, sizeof(*rows))) == NULL)
			return 0;
		for (sn = 0; sn < SN__MAX; sn++) {
			h = &handlers[sn];
			if (h->how == NULL)
				continue;
			when[0] = '\0';
			for (i = 0; i < h->nrule; i++) {
				if (i > 0)
					(void)strlcat(when, " or ",
					    sizeof(when));
				for (j = 0; j < h->rule[i].n; j++) {
					if (j > 0)
						(void)strlcat(when, " and ",
						    sizeof(when));
					hcond_text(&h->rule[i].c[j], cond,
					    sizeof(cond));
					(void)strlcat(when, cond,
					    sizeof(when));
				}
			}
			rows[n].name = sysno_names[sn];
			rows[n].class = hclass_names[h->class];
			rows[n].when = h->enter == NULL ? "never (events)" :
			    h->rdtrap ? "in a process with the read filter "
			    "(signalfd)" : h->nrule == 0 ? "always" :
			    strdup(when);
			rows[n].how = h->how;
			rows[n].stops = h->stops;
			n++;
		}
	}
	*out = rows;
	return n;
}
