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
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <linux/capability.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

/*
 * probe-scratch: inside an instance, the scratch area the supervisor
 * maps at 0x10000 must stay out of the instance's reach.  Make it appear
 * (capget with a pid needs it; the output area above it, waitid with a
 * siginfo), then try every way to write, remap,
 * reprotect or replace it, and check it is still the same read-only
 * shared mapping.  Natively there is no scratch: prints scratch=absent.
 */

#define S	0x10000UL
#define OUTA	0x30000UL

/* The permissions of the mapping starting at addr, or "none". */
static void
perms(unsigned long addr, char *out, size_t sz)
{
	char		 line[512], p[8];
	unsigned long	 lo, hi;
	FILE		*f;

	snprintf(out, sz, "none");
	if ((f = fopen("/proc/self/maps", "r")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, p) == 3 &&
		    lo == addr) {
			snprintf(out, sz, "%s", p);
			break;
		}
	fclose(f);
}

int
main(void)
{
	struct __user_cap_header_struct	 h;
	struct __user_cap_data_struct	 d[2];
	struct iovec			 l, r;
	siginfo_t			 si;
	char				 p[16], buf[64];
	long				 ret;
	pid_t				 kid;
	int				 fd;

	h.version = _LINUX_CAPABILITY_VERSION_3;
	h.pid = getpid();
	result("capget", syscall(SYS_capget, &h, d));
	perms(S, p, sizeof(p));
	if (strcmp(p, "none") == 0) {
		printf("scratch=absent\n");
		return 0;
	}
	printf("scratch=present\nscratch_perms=%s\n", p);
	/* The output area only comes with a call that needs it. */
	perms(OUTA, p, sizeof(p));
	printf("output_perms=%s\n", p);
	/* A child to wait for: a childless wait needs nothing of scratch. */
	fflush(stdout);
	if ((kid = fork()) == -1)
		fail("fork");
	if (kid == 0)
		_exit(7);
	result("waitid", syscall(SYS_waitid, P_ALL, 0, &si, WEXITED, NULL));
	match("waitid_si_pid", si.si_pid, kid);
	kv("waitid_si_status", si.si_status);
	perms(OUTA, p, sizeof(p));
	printf("output_perms_after=%s\n", p);

	memset(buf, 'x', sizeof(buf));
	if ((fd = open("/proc/self/mem", O_RDWR)) == -1)
		result("proc_mem_open", -1);
	else {
		ret = pwrite(fd, buf, sizeof(buf), S);
		result("proc_mem_write", ret);
		close(fd);
	}
	l.iov_base = buf;
	l.iov_len = sizeof(buf);
	r.iov_base = (void *)S;
	r.iov_len = sizeof(buf);
	result("process_vm_writev", process_vm_writev(getpid(), &l, 1, &r, 1,
	    0));
	result("mprotect", mprotect((void *)S, 4096, PROT_READ | PROT_WRITE));
	result("pkey_mprotect", syscall(SYS_pkey_mprotect, S, 4096,
	    PROT_READ | PROT_WRITE, -1));
	result("munmap", munmap((void *)S, 4096));
	result("madvise", madvise((void *)S, 4096, MADV_DONTNEED));
	result("mremap", (long)mremap((void *)S, 4096, 8192, 0) ==
	    (long)MAP_FAILED ? -1 : 0);
	result("mremap_onto", (long)mremap((void *)0x7000000, 0, 4096,
	    MREMAP_MAYMOVE | MREMAP_FIXED, (void *)S) == (long)MAP_FAILED ?
	    -1 : 0);
	result("mmap_fixed", mmap((void *)S, 4096, PROT_READ | PROT_WRITE,
	    MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ?
	    -1 : 0);
	result("mmap_fixed_below", mmap((void *)(S - 0x8000), 0x10000,
	    PROT_READ | PROT_WRITE, MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0) == MAP_FAILED ? -1 : 0);
	result("mmap_fixed_output", mmap((void *)OUTA, 4096, PROT_READ,
	    MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ?
	    -1 : 0);
	errno = 0;
	ret = *(volatile char *)S;	/* readable: does not fault */
	(void)ret;
	perms(S, p, sizeof(p));
	printf("scratch_perms_after=%s\n", p);
	/* And the supervisor still works: another call through scratch. */
	result("capget_after", syscall(SYS_capget, &h, d));
	return 0;
}
