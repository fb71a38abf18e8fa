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
 * probe-sys: issue one system call and print its raw result.
 *
 * usage: probe-sys [-32] NAME [ARG ...]
 *
 * ARGs are integers (decimal, 0x hex, negative) and fill, in order, the
 * integer parameters of the call; missing ones are 0.  Pointer
 * parameters get a valid local buffer (see the table: 'i' integer
 * argument, 'b' buffer, 'k' constant, '0' zero/NULL).  Prints "ret=N" or
 * "ret=-ERRNAME", plus a few decoded out values on success (status=,
 * si_pid=, ...).  Examples:
 *	probe-sys kill PID SIG		probe-sys wait4 PID OPTIONS
 *	probe-sys waitid IDTYPE ID OPTIONS   probe-sys capget PID
 *	probe-sys pidfd_kill PID SIG	(pidfd_open + pidfd_send_signal)
 * With -32 the call goes through int $0x80 with its i386 number; only
 * getpid gettid getppid getpgrp getpgid getsid setpgid setsid kill tkill
 * tgkill set_tid_address are allowed then.
 */

#define _GNU_SOURCE
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>

#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>

#include "probe.h"

struct call {
	const char	*name;
	long		 nr;
	long		 nr32;		/* -1: not allowed with -32 */
	const char	*sig;		/* parameter kinds, see above */
	long		 konst[6];
};

static const struct call calls[] = {
	{ "getpid", SYS_getpid, 20, "", { 0 } },
	{ "gettid", SYS_gettid, 224, "", { 0 } },
	{ "getppid", SYS_getppid, 64, "", { 0 } },
	{ "getpgrp", SYS_getpgrp, 65, "", { 0 } },
	{ "getpgid", SYS_getpgid, 132, "i", { 0 } },
	{ "getsid", SYS_getsid, 147, "i", { 0 } },
	{ "setpgid", SYS_setpgid, 57, "ii", { 0 } },
	{ "setsid", SYS_setsid, 66, "", { 0 } },
	{ "set_tid_address", SYS_set_tid_address, 258, "i", { 0 } },
	{ "kill", SYS_kill, 37, "ii", { 0 } },
	{ "tkill", SYS_tkill, 238, "ii", { 0 } },
	{ "tgkill", SYS_tgkill, 270, "iii", { 0 } },
	{ "wait4", SYS_wait4, -1, "ibi0", { 0 } },
	{ "waitid", SYS_waitid, -1, "iibi0", { 0 } },
	{ "sched_getaffinity", SYS_sched_getaffinity, -1, "ikb",
	    { 0, 128 } },
	{ "sched_setaffinity", SYS_sched_setaffinity, -1, "ikb",
	    { 0, 128 } },
	{ "sched_getscheduler", SYS_sched_getscheduler, -1, "i", { 0 } },
	{ "sched_getparam", SYS_sched_getparam, -1, "ib", { 0 } },
	{ "sched_rr_get_interval", SYS_sched_rr_get_interval, -1, "ib",
	    { 0 } },
	{ "sched_getattr", SYS_sched_getattr, -1, "ibk0", { 0, 0, 56 } },
	{ "getpriority", SYS_getpriority, -1, "ii", { 0 } },
	{ "setpriority", SYS_setpriority, -1, "iii", { 0 } },
	{ "ioprio_get", SYS_ioprio_get, -1, "ii", { 0 } },
	{ "prlimit64", SYS_prlimit64, -1, "ii0b", { 0 } },
	{ "kcmp", SYS_kcmp, -1, "iiiii", { 0 } },
	{ "get_robust_list", SYS_get_robust_list, -1, "ibb", { 0 } },
	{ "process_vm_readv", SYS_process_vm_readv, -1, "ibkbk0",
	    { 0, 0, 1, 0, 1 } },
	{ "migrate_pages", SYS_migrate_pages, -1, "ikbb", { 0, 64 } },
	{ "move_pages", SYS_move_pages, -1, "i0bbb0", { 0 } },
	{ "pidfd_open", SYS_pidfd_open, -1, "ii", { 0 } },
	{ "pidfd_send_signal", SYS_pidfd_send_signal, -1, "ii0i", { 0 } },
	{ "pidfd_kill", -1, -1, "ii", { 0 } },
	{ "capget", SYS_capget, -1, "bb", { 0 } },
	{ "ptrace", SYS_ptrace, -1, "iiii", { 0 } },
	{ "rt_sigqueueinfo", SYS_rt_sigqueueinfo, -1, "iib", { 0 } },
	{ "rt_tgsigqueueinfo", SYS_rt_tgsigqueueinfo, -1, "iiib", { 0 } },
	{ "sysinfo", SYS_sysinfo, -1, "b", { 0 } },
	{ NULL, 0, 0, NULL, { 0 } }
};

static union {
	char				 raw[4096];
	int				 status;
	siginfo_t			 si;
	struct sched_param		 sp;
	struct rlimit			 rl;
	struct sysinfo			 sysinfo;
	struct iovec			 iov;
	struct __user_cap_header_struct	 caphdr;
	struct __user_cap_data_struct	 capdata[2];
	uint64_t			 u64;
} buf[6];

static uint64_t localvar = 0x6d756c74;

/* Fill the buffers that need more than zeroes before the call. */
static void
prepare(const struct call *c, const long *a)
{
	const char *n = c->name;
	size_t i;

	if (strcmp(n, "sched_setaffinity") == 0) {
		if (syscall(SYS_sched_getaffinity, 0, 128, buf[2].raw) < 0)
			fail("sched_getaffinity");
	} else if (strcmp(n, "process_vm_readv") == 0) {
		buf[1].iov.iov_base = &localvar;
		buf[1].iov.iov_len = sizeof(localvar);
		buf[3].iov.iov_base = &localvar;
		buf[3].iov.iov_len = sizeof(localvar);
	} else if (strcmp(n, "migrate_pages") == 0) {
		buf[2].u64 = 1;
		buf[3].u64 = 1;
	} else if (strcmp(n, "capget") == 0) {
		buf[0].caphdr.version = _LINUX_CAPABILITY_VERSION_3;
		buf[0].caphdr.pid = a[0];
	} else if (strcmp(n, "rt_sigqueueinfo") == 0 ||
	    strcmp(n, "rt_tgsigqueueinfo") == 0) {
		i = strlen(c->sig) - 1;
		buf[i].si.si_signo = a[i - 1];
		buf[i].si.si_code = SI_QUEUE;
		buf[i].si.si_pid = sys_getpid();
		buf[i].si.si_uid = getuid();
	}
}

/* Print the decoded out values of a successful call. */
static void
decode(const struct call *c)
{
	const char *n = c->name;

	if (strcmp(n, "wait4") == 0)
		kv("status", buf[1].status);
	else if (strcmp(n, "waitid") == 0) {
		kv("si_pid", buf[2].si.si_pid);
		kv("si_code", buf[2].si.si_code);
		kv("si_status", buf[2].si.si_status);
	} else if (strcmp(n, "sched_getparam") == 0)
		kv("priority", buf[1].sp.sched_priority);
	else if (strcmp(n, "capget") == 0)
		kv("cap_effective0", buf[1].capdata[0].effective);
	else if (strcmp(n, "sysinfo") == 0)
		kv("procs", buf[0].sysinfo.procs);
}

int
main(int argc, char *argv[])
{
	const struct call *c;
	long a[6] = { 0 }, args[6] = { 0 }, ret;
	int compat = 0, i, na, ni;

	if (argc > 1 && strcmp(argv[1], "-32") == 0) {
		compat = 1;
		argc--;
		argv++;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: probe-sys [-32] NAME [ARG ...]\n");
		return 1;
	}
	for (c = calls; c->name != NULL; c++)
		if (strcmp(c->name, argv[1]) == 0)
			break;
	if (c->name == NULL)
		fail("unknown_call");
	if (compat && c->nr32 < 0)
		fail("not_register_only");
	for (na = 0; na < 6 && na + 2 < argc; na++)
		a[na] = parse_long(argv[na + 2]);

	for (i = 0, ni = 0; c->sig[i] != '\0'; i++) {
		switch (c->sig[i]) {
		case 'i':
			args[i] = a[ni++];
			break;
		case 'b':
			args[i] = (long)&buf[i];
			break;
		case 'k':
			args[i] = c->konst[i];
			break;
		default:
			args[i] = 0;
			break;
		}
	}
	prepare(c, a);

	if (compat) {
		ret = int80(c->nr32, args[0], args[1], args[2]);
		if (ret < 0 && ret > -4096) {
			errno = -ret;
			ret = -1;
		}
	} else if (strcmp(c->name, "pidfd_kill") == 0) {
		ret = syscall(SYS_pidfd_open, a[0], 0);
		if (ret >= 0)
			ret = syscall(SYS_pidfd_send_signal, (int)ret, a[1],
			    NULL, 0);
	} else
		ret = syscall(c->nr, args[0], args[1], args[2], args[3],
		    args[4], args[5]);
	result("ret", ret);
	if (ret >= 0)
		decode(c);
	return 0;
}
