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
 * probe-pathq: path queries (the calls the answer thread answers), many
 * times, each checked against the first answer.
 *
 * usage: probe-pathq [-u] [-s USEC] ROUNDS DIR
 *
 * DIR holds a file "f", a link "l" to it and a directory "d" the caller
 * may not be able to search.  The first round prints what each query
 * answered (stat_f= the inode or -ERRNO, lstat_l=, readlink_l= the
 * text, access_f=, access_d=, stat_d_f= a file under d, readlinkat_l=,
 * statx_l=, faccessat2_f=, readlink_ro= into a read-only page and
 * stat_prot_none= of a path in a page with no access (both -EFAULT),
 * and where the kernel runs i386 calls,
 * i386_access_f= and i386_readlink_l= through int $0x80 with buffers
 * below 4 GiB); ROUNDS more rounds must answer the same (bad= counts
 * those that did not, with the first on bad_first=).  With -s, an
 * interval timer sends SIGALRM every USEC microseconds to a handler
 * without SA_RESTART: natively no query is cut short, and none may be
 * here (signals_seen=1 says some came).  With -u (as root), the probe
 * first drops to uid and gid 65534 itself, without exec, which leaves
 * it undumpable; proc_self_exe= and proc_self_fd0= then show that it
 * still reaches its own /proc entries, as the kernel lets a task do.
 * getpid_same=1: getpid, a notified getter too, gave the same pid.
 *
 * Opens for reading, which the answer thread makes and installs: open_f=
 * what a plain open of f gave (bytes read, F_GETFL, close-on-exec, and
 * the descriptor's number after DIR's), open_dir= DIR with O_DIRECTORY,
 * O_NOFOLLOW and O_CLOEXEC, open_l_nofollow= (-ELOOP), open_f_dir= f
 * with O_DIRECTORY (-ENOTDIR), openat_none= (-ENOENT), openat_l= l
 * followed, open_d_f= under d, open_prot_none= (-EFAULT), open_path=
 * f with O_PATH, open_junk= f with a bit no flag uses, and through int
 * $0x80 i386_open_lfs= (O_LARGEFILE) and i386_open_nolfs= (without,
 * which the thread leaves to a stop).  Once, not in every round:
 * open_fifo= the FIFO DIR/p with O_NONBLOCK and open_devnull=
 * /dev/null, which the thread leaves to a stop too.
 */

#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>

#include <errno.h>
#include <grp.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

#define NQ	29

static volatile sig_atomic_t	 g_signals;
static int			 g_i386;
static char			*g_low;	/* below 4 GiB, for int $0x80 */
static char			*g_ro;	/* a read-only page */
static char			*g_none;	/* a page with no access */
static long			 g_pid;

static void
onalarm(int sig)
{
	(void)sig;
	g_signals++;
}

/* An answer as text: the value, or -ERRNAME. */
static void
put(char *out, size_t len, long r, const char *text)
{
	if (r < 0)
		snprintf(out, len, "-%s", errname(errno));
	else if (text != NULL)
		snprintf(out, len, "%s", text);
	else
		snprintf(out, len, "%ld", r);
}

/* An open's result (fd or -1) as text, the descriptor closed. */
static void
put_open(char *out, size_t len, int fd, int dfd)
{
	char	 b[64];
	ssize_t	 n;

	if (fd < 0) {
		put(out, len, -1, NULL);
		return;
	}
	n = read(fd, b, sizeof(b));
	snprintf(out, len, "read:%zd:fl:%o:cloexec:%d:rel:%d", n,
	    fcntl(fd, F_GETFL), (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0,
	    fd - dfd);
	close(fd);
}

/* An int $0x80 open of the path at g_low, as put_open() puts it. */
static void
put_open32(char *out, size_t len, long flags, int dfd)
{
	long	 r;

	r = int80(5, (long)g_low, flags, 0);		/* open */
	if (r < 0) {
		errno = (int)-r;
		r = -1;
	}
	put_open(out, len, (int)r, dfd);
}

/* One round of every query, their answers in a[]. */
static void
round_once(const char *dir, int dfd, char a[NQ][128])
{
	struct stat	 st;
	struct statx	 sx;
	char		 p[512], b[256];
	long		 r;

	memset(a, 0, NQ * 128);
	snprintf(p, sizeof(p), "%s/f", dir);
	r = stat(p, &st);
	put(a[0], 128, r < 0 ? r : (long)st.st_ino, NULL);
	snprintf(p, sizeof(p), "%s/l", dir);
	r = lstat(p, &st);
	put(a[1], 128, r < 0 ? r : (long)st.st_mode, NULL);
	memset(b, 0, sizeof(b));
	r = readlink(p, b, sizeof(b) - 1);
	put(a[2], 128, r, r >= 0 ? b : NULL);
	snprintf(p, sizeof(p), "%s/f", dir);
	put(a[3], 128, access(p, R_OK | W_OK), NULL);
	snprintf(p, sizeof(p), "%s/d", dir);
	put(a[4], 128, access(p, X_OK), NULL);
	snprintf(p, sizeof(p), "%s/d/f", dir);
	r = stat(p, &st);
	put(a[5], 128, r < 0 ? r : (long)st.st_size, NULL);
	snprintf(p, sizeof(p), "%s/l", dir);
	memset(b, 0, sizeof(b));
	r = readlinkat(dfd, "l", b, sizeof(b) - 1);
	put(a[6], 128, r, r >= 0 ? b : NULL);
	r = statx(dfd, "l", 0, STATX_INO, &sx);
	put(a[7], 128, r < 0 ? r : (long)sx.stx_ino, NULL);
	r = syscall(SYS_faccessat2, dfd, "f", R_OK, AT_EACCESS);
	put(a[8], 128, r, NULL);
	r = fstatat(dfd, "nonesuch", &st, 0);
	put(a[9], 128, r, NULL);
	r = readlink(p, g_ro, 64);		/* p: DIR/l */
	put(a[12], 128, r, NULL);
	r = stat(g_none, &st);
	put(a[13], 128, r, NULL);
	memset(b, 0, sizeof(b));
	r = readlink("/proc/self/exe", b, sizeof(b) - 1);
	put(a[14], 128, r < 0 ? r : (long)(strrchr(b, '/') != NULL), NULL);
	r = stat("/proc/self/fd/0", &st);
	put(a[15], 128, r, NULL);
	r = syscall(SYS_getpid);
	put(a[16], 128, r < 0 ? r : r == g_pid, NULL);
	snprintf(p, sizeof(p), "%s/f", dir);
	put_open(a[17], 128, open(p, O_RDONLY), dfd);
	put_open(a[18], 128, open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC), dfd);
	snprintf(p, sizeof(p), "%s/l", dir);
	put_open(a[19], 128, open(p, O_RDONLY | O_NOFOLLOW), dfd);
	snprintf(p, sizeof(p), "%s/f", dir);
	put_open(a[20], 128, open(p, O_RDONLY | O_DIRECTORY), dfd);
	put_open(a[21], 128, openat(dfd, "nonesuch", O_RDONLY), dfd);
	put_open(a[22], 128, openat(dfd, "l", O_RDONLY | O_CLOEXEC), dfd);
	snprintf(p, sizeof(p), "%s/d/f", dir);
	put_open(a[23], 128, open(p, O_RDONLY), dfd);
	put_open(a[24], 128, open(g_none, O_RDONLY), dfd);
	snprintf(p, sizeof(p), "%s/f", dir);
	put_open(a[25], 128, open(p, O_PATH), dfd);
	put_open(a[26], 128, open(p, O_RDONLY | 0x40000000), dfd);
	if (g_i386) {
		r = int80(33, (long)(g_low), R_OK, 0);		/* access */
		if (r < 0) {
			errno = (int)-r;
			r = -1;
		}
		put(a[10], 128, r, NULL);
		memset(g_low + 512, 0, 256);
		r = int80(85, (long)(g_low + 256), (long)(g_low + 512),
		    255);					/* readlink */
		if (r < 0) {
			errno = (int)-r;
			r = -1;
		}
		put(a[11], 128, r, r >= 0 ? g_low + 512 : NULL);
		put_open32(a[27], 128, O_RDONLY | 0100000, dfd);
		put_open32(a[28], 128, O_RDONLY, dfd);
	}
}

int
main(int argc, char *argv[])
{
	static const char *const keys[NQ] = { "stat_f", "lstat_l",
	    "readlink_l", "access_f", "access_d", "stat_d_f", "readlinkat_l",
	    "statx_l", "faccessat2_f", "fstatat_none", "i386_access_f",
	    "i386_readlink_l", "readlink_ro", "stat_prot_none",
	    "proc_self_exe", "proc_self_fd0", "getpid_same", "open_f",
	    "open_dir", "open_l_nofollow", "open_f_dir", "openat_none",
	    "openat_l", "open_d_f", "open_prot_none", "open_path",
	    "open_junk", "i386_open_lfs", "i386_open_nolfs" };
	char			 first[NQ][128], now[NQ][128], p[512], o[128];
	struct sigaction	 sa;
	struct itimerval	 it;
	long			 rounds, i, bad = 0;
	long			 sig = 0;
	int			 dfd, k;

	if (argc > 1 && strcmp(argv[1], "-u") == 0) {
		if (setgroups(0, NULL) == -1 ||
		    setresgid(65534, 65534, 65534) == -1 ||
		    setresuid(65534, 65534, 65534) == -1)
			fail("drop to 65534");
		argc--;
		argv++;
	}
	if (argc > 2 && strcmp(argv[1], "-s") == 0) {
		sig = parse_long(argv[2]);
		argc -= 2;
		argv += 2;
	}
	if (argc != 3)
		fail("usage: probe-pathq [-s USEC] ROUNDS DIR");
	rounds = parse_long(argv[1]);
	if ((dfd = open(argv[2], O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1)
		fail("open DIR");
	g_low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (g_low != MAP_FAILED && (uintptr_t)g_low < 0xffff0000UL) {
		snprintf(g_low, 256, "%s/f", argv[2]);
		snprintf(g_low + 256, 256, "%s/l", argv[2]);
		g_i386 = int80(20, 0, 0, 0) == getpid();	/* getpid */
	}
	g_pid = getpid();
	kv("i386", g_i386);
	kv("dumpable", prctl(PR_GET_DUMPABLE));
	/* Written by the kernel's rules: EFAULT, not through the page. */
	g_ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	g_none = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (g_ro == MAP_FAILED || g_none == MAP_FAILED)
		fail("mmap");
	snprintf(g_none, 4096, "%s/f", argv[2]);
	if (mprotect(g_none, 4096, PROT_NONE) == -1)
		fail("mprotect");
	round_once(argv[2], dfd, first);
	for (k = 0; k < NQ; k++)
		if ((k != 10 && k != 11 && k != 27 && k != 28) || g_i386)
			printf("%s=%s\n", keys[k], first[k]);
	snprintf(p, sizeof(p), "%s/p", argv[2]);
	put_open(o, sizeof(o), open(p, O_RDONLY | O_NONBLOCK), dfd);
	printf("open_fifo=%s\n", o);
	put_open(o, sizeof(o), open("/dev/null", O_RDONLY), dfd);
	printf("open_devnull=%s\n", o);
	if (sig) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = onalarm;	/* no SA_RESTART */
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGALRM, &sa, NULL) == -1)
			fail("sigaction");
		it.it_interval.tv_sec = 0;
		it.it_interval.tv_usec = sig;
		it.it_value = it.it_interval;
		if (setitimer(ITIMER_REAL, &it, NULL) == -1)
			fail("setitimer");
	}
	for (i = 0; i < rounds; i++) {
		round_once(argv[2], dfd, now);
		for (k = 0; k < NQ; k++)
			if (strcmp(now[k], first[k]) != 0) {
				if (bad++ == 0)
					printf("bad_first=%s:%s\n", keys[k],
					    now[k]);
			}
	}
	if (sig) {
		memset(&it, 0, sizeof(it));
		(void)setitimer(ITIMER_REAL, &it, NULL);
	}
	kv("rounds", rounds);
	kv("bad", bad);
	kv("signals_seen", g_signals > 0);
	return 0;
}
