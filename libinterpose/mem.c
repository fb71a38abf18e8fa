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
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "interpose.h"
#include "extern.h"

/*
 * Tracee memory.  process_vm_readv/writev respect page protections, which
 * is what we want for writing results into the instance's own buffers;
 * /proc/PID/mem is the fallback when they are unavailable (seccomp of the
 * supervisor's own environment, old kernels).  Both are all-or-nothing
 * here: a short transfer is an error (EFAULT).
 */

static int
mem_proc(pid_t pid, uint64_t addr, void *buf, size_t len, int wr)
{
	char	 path[64];
	ssize_t	 n;
	int	 fd;

	(void)snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	if ((fd = open(path, (wr ? O_WRONLY : O_RDONLY) | O_CLOEXEC)) == -1)
		return -1;
	n = wr ? pwrite(fd, buf, len, (off_t)addr) :
	    pread(fd, buf, len, (off_t)addr);
	close(fd);
	if (n != (ssize_t)len) {
		errno = EFAULT;
		return -1;
	}
	return 0;
}

/* Copy len bytes at addr in task pid into buf.  Returns 0 or -1. */
int
mem_read(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec	 l, r;
	ssize_t		 n;

	l.iov_base = buf;
	l.iov_len = len;
	r.iov_base = (void *)(uintptr_t)addr;
	r.iov_len = len;
	if ((n = process_vm_readv(pid, &l, 1, &r, 1, 0)) == (ssize_t)len)
		return 0;
	if (n == -1 && errno == ENOSYS)
		return mem_proc(pid, addr, buf, len, 0);
	if (n != -1)
		errno = EFAULT;
	return -1;
}

/* Copy buf into task pid at addr.  Returns 0 or -1. */
int
mem_write(pid_t pid, uint64_t addr, const void *buf, size_t len)
{
	struct iovec	 l, r;
	ssize_t		 n;

	l.iov_base = (void *)buf;
	l.iov_len = len;
	r.iov_base = (void *)(uintptr_t)addr;
	r.iov_len = len;
	if ((n = process_vm_writev(pid, &l, 1, &r, 1, 0)) == (ssize_t)len)
		return 0;
	if (n == -1 && errno == ENOSYS)
		return mem_proc(pid, addr, (void *)buf, len, 1);
	if (n != -1)
		errno = EFAULT;
	return -1;
}
