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
 * Shared helpers for the test probes.  Every probe prints "key=value"
 * lines on stdout: values are decimal integers, or "-NAME" for a call
 * that failed with errno NAME.  Exit status: 0 success, 1 internal
 * failure ("error=" line), 77 missing kernel feature ("skip=" line).
 */

#ifndef PROBE_H
#define PROBE_H

#include <sys/syscall.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Return the symbolic name of an errno value, or "E<number>" for the
 * ones glibc has no name for.  ENOTSUP and EOPNOTSUPP are the same value on
 * Linux and print as "EOPNOTSUPP".
 */
static inline const char *
errname(int e)
{
	static char	 buf[32];
	const char	*s;

	if ((s = strerrorname_np(e)) != NULL)
		return s;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

/* Print "key=ret", or "key=-ERRNAME" from errno when ret is negative. */
static inline void
result(const char *key, long ret)
{
	if (ret >= 0)
		printf("%s=%ld\n", key, ret);
	else
		printf("%s=-%s\n", key, errname(errno));
}

/* Print "key=0" or "key=-ERRNAME" for an API returning an errno value. */
static inline void
result_err(const char *key, int err)
{
	if (err == 0)
		printf("%s=0\n", key);
	else
		printf("%s=-%s\n", key, errname(err));
}

/* Print a plain integer fact. */
static inline void
kv(const char *key, long val)
{
	printf("%s=%ld\n", key, val);
}

/* Print "match_<what>=1" when a equals b, else "match_<what>=0". */
static inline void
match(const char *what, long a, long b)
{
	printf("match_%s=%d\n", what, a == b);
}

/* Report an internal failure and exit 1. */
static inline void __attribute__((noreturn))
fail(const char *what)
{
	int e = errno;

	printf("error=%s\n", what);
	if (e != 0)
		printf("error_errno=%s\n", errname(e));
	fflush(stdout);
	_exit(1);
}

/* Report a missing kernel feature and exit 77. */
static inline void __attribute__((noreturn))
skip(const char *reason)
{
	printf("skip=%s\n", reason);
	fflush(stdout);
	_exit(77);
}

/* Parse a decimal, 0x hex or negative integer argument. */
static inline long
parse_long(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno != 0 || *s == '\0' || *end != '\0') {
		errno = 0;
		fail("bad_number");
	}
	return v;
}

/* The pid and tid straight from the kernel, never cached by libc. */
static inline long
sys_getpid(void)
{
	return syscall(SYS_getpid);
}

static inline long
sys_gettid(void)
{
	return syscall(SYS_gettid);
}

/* Read exactly len bytes from fd, or fail. */
static inline void
readall(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fail("short_read");
		p += n;
		len -= n;
	}
}

/* Write exactly len bytes to fd, or fail. */
static inline void
writeall(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fail("short_write");
		p += n;
		len -= n;
	}
}

#if defined(__x86_64__)
/*
 * Issue an i386 system call through int $0x80 from this 64-bit process.
 * Only register arguments make sense here.
 */
static inline long
int80(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile ("int $0x80"
	    : "=a" (ret)
	    : "a" (nr), "b" (a), "c" (b), "d" (c)
	    : "memory", "r8", "r9", "r10", "r11");
	return (int)ret;
}
#endif

#endif /* PROBE_H */
