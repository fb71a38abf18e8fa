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
 * probe-race: time-of-check/time-of-use races on pids passed in memory.
 *
 * usage: probe-race WHAT OUTSIDE_PID [N]	WHAT: capget ownerex
 *						scmcreds clone3 procopen
 *						procstat procswap openswap
 *						cwdswap prefixswap emptyswap;
 *						N 10000
 *
 * A second thread keeps flipping a word of the call's memory argument
 * between a harmless value of ours and OUTSIDE_PID (clone3: the flags
 * between 0 and CLONE_UNTRACED) while the main thread makes the call N
 * times.  Prints tries, successes, esrch, eperm, other and
 * outside_effect, the number of calls that reached the outsider:
 *   capget    success returning caps other than ours (our effective
 *	       set is emptied first so they differ; distinguishable=0 if
 *	       they still do not)
 *   ownerex   F_GETOWN_EX afterwards reports an owner other than us
 *   scmcreds  a message received with a pid other than ours
 *   clone3    a child that is not traced although we are
 *	       (untraced_children; always 0 when parent_traced=0)
 *   procopen  open() of /proc/self/cmdline, the pid part flipping to the
 *	       outsider's: a cmdline that is not ours was read
 *   procstat  as procopen with stat, statx and access of /proc/PID/
 *	       (PID the flipping field): success on an inode that is not
 *	       ours, or access succeeding while stat said ENOENT
 *   procswap  a symbolic link renamed back and forth between one to
 *	       /proc/self and one to /proc/OUTSIDE_PID by the racer; stat,
 *	       statx, readlink and access through it: a result that is not
 *	       ours, or a success where ENOENT was due
 *   openswap  a directory of ours and a link to /proc/OUTSIDE_PID
 *	       swapped back and forth by the racer; open()+read() of
 *	       cmdline through them, while a third thread reads every
 *	       descriptor it can find: the outsider's cmdline read by
 *	       either (window= counts the third thread's)
 *   prefixswap the 8 bytes in front of the pid flip between "/proc///"
 *	       and "ddddddd/", a directory of ours in a temporary working
 *	       directory holding a directory named OUTSIDE_PID: stat,
 *	       statx and fstatat of the path succeeding on an inode that
 *	       is not that directory's (a query the kernel runs on the
 *	       string again after the supervisor looked at it)
 *   emptyswap the first byte of "/proc/OUTSIDE_PID" flips to NUL: stat
 *	       and statx with AT_EMPTY_PATH of it (of the working directory
 *	       while it is empty) succeeding on an inode that is not the
 *	       working directory's
 *   cwdswap   the racer switches the working directory between one of
 *	       ours holding a directory named OUTSIDE_PID and /proc;
 *	       open()+read() of "OUTSIDE_PID/cmdline", relative, and the
 *	       reader of every descriptor as in openswap
 * Natively outside_effect is normally > 0; in an instance it must be 0.
 */

#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/capability.h>
#include <linux/sched.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>

#include "probe.h"

static volatile int stop;
static uint32_t *target;	/* the word the racer flips */
static uint32_t val_own, val_out;
static pthread_t racer_thread;
static long pid, out, n;
static long successes, esrch, eperm, other, effect;

/* The racer thread: flip the target word as fast as possible. */
static void *
racer(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		__atomic_store_n(target, val_own, __ATOMIC_RELAXED);
		__atomic_store_n(target, val_out, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Start the racer on the target chosen by the caller. */
static void
start(void)
{
	stop = 0;
	if (pthread_create(&racer_thread, NULL, racer, NULL) != 0)
		fail("pthread_create");
}

/* Stop the racer. */
static void
finish(void)
{
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(racer_thread, NULL);
}

/* Count the outcome of one call. */
static void
tally(long r)
{
	if (r >= 0)
		successes++;
	else if (errno == ESRCH)
		esrch++;
	else if (errno == EPERM)
		eperm++;
	else
		other++;
}

/* TracerPid from /proc/self/status with raw calls only (fork-safe). */
static long
tracerpid(void)
{
	char buf[4096], *p;
	ssize_t len;
	int fd;

	if ((fd = open("/proc/self/status", O_RDONLY)) == -1)
		return -1;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = '\0';
	if ((p = strstr(buf, "TracerPid:")) == NULL)
		return -1;
	return strtol(p + 10, NULL, 10);
}

/* capget with the header pid flipping between 0 and the outsider. */
static void
race_capget(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2], mine[2], theirs[2];
	long i, r;

	if (syscall(SYS_capget, &h, d) == -1)
		fail("capget");
	d[0].effective = d[1].effective = 0;
	if (syscall(SYS_capset, &h, d) == -1 ||
	    syscall(SYS_capget, &h, mine) == -1)
		fail("capset");
	h.pid = out;
	r = syscall(SYS_capget, &h, theirs);
	kv("distinguishable", r == -1 || theirs[0].effective !=
	    mine[0].effective || theirs[1].effective != mine[1].effective);
	h.pid = 0;
	target = (uint32_t *)&h.pid;
	val_own = 0;
	start();
	for (i = 0; i < n; i++) {
		h.version = _LINUX_CAPABILITY_VERSION_3;
		r = syscall(SYS_capget, &h, d);
		tally(r);
		if (r == 0 && (d[0].effective != mine[0].effective ||
		    d[1].effective != mine[1].effective))
			effect++;
	}
	finish();
}

/* F_SETOWN_EX with the owner pid flipping, checked by F_GETOWN_EX. */
static void
race_ownerex(void)
{
	struct f_owner_ex o = { F_OWNER_PID, 0 }, got, reset;
	int p[2];
	long i;

	if (pipe(p) == -1)
		fail("pipe");
	reset.type = F_OWNER_PID;
	reset.pid = pid;
	if (fcntl(p[0], F_SETOWN_EX, &reset) == -1)
		fail("F_SETOWN_EX");
	o.pid = pid;
	target = (uint32_t *)&o.pid;
	start();
	for (i = 0; i < n; i++) {
		tally(fcntl(p[0], F_SETOWN_EX, &o));
		memset(&got, 0, sizeof(got));
		if (fcntl(p[0], F_GETOWN_EX, &got) == -1)
			fail("F_GETOWN_EX");
		if (got.pid != pid) {
			effect++;
			fcntl(p[0], F_SETOWN_EX, &reset);
		}
	}
	finish();
}

/* SCM_CREDENTIALS whose pid flips; the receiver checks every message. */
static void
race_scmcreds(void)
{
	union {
		char		buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr	align;
	} u, ru;
	struct msghdr mh, rh;
	struct cmsghdr *cm;
	struct ucred uc = { pid, getuid(), getgid() }, *cp;
	struct iovec iov;
	int sv[2], on = 1;
	long i;
	char b = 'x';

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == -1 ||
	    setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) == -1)
		fail("socketpair");
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = &b;
	iov.iov_len = 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.buf;
	mh.msg_controllen = sizeof(u.buf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = CMSG_LEN(sizeof(uc));
	memcpy(CMSG_DATA(cm), &uc, sizeof(uc));
	cp = (struct ucred *)CMSG_DATA(cm);
	target = (uint32_t *)&cp->pid;
	start();
	for (i = 0; i < n; i++) {
		if (sendmsg(sv[0], &mh, 0) == -1) {
			tally(-1);
			continue;
		}
		tally(0);
		rh = mh;
		rh.msg_control = ru.buf;
		rh.msg_controllen = sizeof(ru.buf);
		if (recvmsg(sv[1], &rh, 0) != 1)
			fail("recvmsg");
		cm = CMSG_FIRSTHDR(&rh);
		if (cm == NULL || cm->cmsg_type != SCM_CREDENTIALS ||
		    ((struct ucred *)CMSG_DATA(cm))->pid != pid)
			effect++;
	}
	finish();
}

/* clone3 with flags flipping between 0 and CLONE_UNTRACED. */
static void
race_clone3(void)
{
	struct clone_args ca;
	long i, r, traced;
	int st;

	traced = tracerpid() > 0;
	kv("parent_traced", traced);
	memset(&ca, 0, sizeof(ca));
	ca.exit_signal = SIGCHLD;
	target = (uint32_t *)&ca.flags;	/* low half on x86_64 */
	val_own = 0;
	val_out = CLONE_UNTRACED;
	start();
	for (i = 0; i < n; i++) {
		r = syscall(SYS_clone3, &ca, sizeof(ca));
		if (r == 0)
			_exit(traced && tracerpid() == 0 ? 1 : 0);
		if (r == -1 && errno == ENOSYS) {
			finish();
			skip("clone3");
		}
		tally(r);
		if (r > 0 && (wait4(r, &st, __WALL, NULL) != r ||
		    WEXITSTATUS(st) != 0))
			effect++;
	}
	finish();
	kv("untraced_children", effect);
}

/*
 * open() of a path whose 8 bytes after "/proc/" flip between "self////"
 * and the outsider's pid padded with slashes: the cmdline opened must
 * always be ours.
 */
static char		 procpath[32] __attribute__((aligned(8)));
static uint64_t		 path_own, path_out;
static size_t		 flip_off = 8;	/* of the word that flips */

static void *
path_racer(void *arg)
{
	uint64_t	*w = (uint64_t *)(void *)(procpath + flip_off);

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		__atomic_store_n(w, path_own, __ATOMIC_RELAXED);
		__atomic_store_n(w, path_out, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * procpath: "/proc/" and the field that flips between "self" and the
 * outsider's pid ("/proc/" is 6 bytes: padded to 8, so that the field is
 * one aligned word), then tail.
 */
static void
pid_path(const char *tail)
{
	char	 field[32];

	memcpy(procpath, "/proc///", 8);
	(void)snprintf(procpath + 16, sizeof(procpath) - 16, "%s", tail);
	memcpy(&path_own, "self////", 8);
	(void)snprintf(field, sizeof(field), "%ld////////", out);
	memcpy(&path_out, field, 8);
	memcpy(procpath + 8, &path_own, 8);
}

static void
race_procopen(void)
{
	char	 buf[256];
	ssize_t	 len;
	long	 i;
	int	 fd;

	pid_path("/cmdline");
	stop = 0;
	if (pthread_create(&racer_thread, NULL, path_racer, NULL) != 0)
		fail("pthread_create");
	for (i = 0; i < n; i++) {
		fd = open(procpath, O_RDONLY | O_CLOEXEC);
		tally(fd);
		if (fd == -1)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		if (strstr(buf, "probe-race") == NULL)
			effect++;
	}
	finish();
}

/* The inode of /proc/self, and what a result through the race means. */
static ino_t	 own_ino;

static void
stat_tally(int r, ino_t ino)
{
	int	 e = errno;

	tally(r);
	if ((r == 0 && ino != own_ino) || (r == -1 && e != ENOENT))
		effect++;
}

/*
 * n queries of procpath while racer flips it: stat, statx, and access
 * (both answers are "exists" for us: counted once) or, with at, fstatat.
 */
static void
stat_rounds(void *(*racer)(void *), int at)
{
	struct stat	 st;
	struct statx	 sx;
	long		 i;
	int		 r;

	stop = 0;
	if (pthread_create(&racer_thread, NULL, racer, NULL) != 0)
		fail("pthread_create");
	for (i = 0; i < n; i++) {
		switch (i % 3) {
		case 0:
			r = stat(procpath, &st);
			stat_tally(r, st.st_ino);
			break;
		case 1:
			r = statx(AT_FDCWD, procpath, 0, STATX_INO, &sx);
			stat_tally(r, (ino_t)sx.stx_ino);
			break;
		default:
			if (at) {
				r = fstatat(AT_FDCWD, procpath, &st, 0);
				stat_tally(r, st.st_ino);
			} else {
				r = access(procpath, F_OK);
				stat_tally(r, own_ino);
			}
			break;
		}
	}
	finish();
}

/* stat, statx, access of "/proc/" + the flipping field + "/". */
static void
race_procstat(void)
{
	struct stat	 st;

	if (stat("/proc/self/", &st) == -1)
		fail("stat");
	own_ino = st.st_ino;
	pid_path("/");
	stat_rounds(path_racer, 0);
}

static void
race_prefixswap(void)
{
	char		 dir[] = "/tmp/probe-race.XXXXXX", field[32], sub[64];
	struct stat	 st;

	if (mkdtemp(dir) == NULL || chdir(dir) == -1 ||
	    mkdir("ddddddd", 0755) == -1)
		fail("mkdtemp");
	(void)snprintf(field, sizeof(field), "%ld////////", out);
	(void)snprintf(sub, sizeof(sub), "ddddddd/%ld", out);
	if (mkdir(sub, 0755) == -1 || stat(sub, &st) == -1)
		fail("mkdir");
	own_ino = st.st_ino;
	memcpy(&path_own, "ddddddd/", 8);
	memcpy(&path_out, "/proc///", 8);
	memcpy(procpath, &path_own, 8);
	memcpy(procpath + 8, field, 8);
	memcpy(procpath + 16, "/", 2);
	flip_off = 0;	/* the prefix flips */
	stat_rounds(path_racer, 1);
	(void)rmdir(sub);
	(void)rmdir("ddddddd");
	(void)chdir("/");
	(void)rmdir(dir);
}

/* The first byte flips between '/' and NUL: a path or an empty one. */
static void *
empty_racer(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		__atomic_store_n(&procpath[0], '\0', __ATOMIC_RELAXED);
		__atomic_store_n(&procpath[0], '/', __ATOMIC_RELAXED);
	}
	return NULL;
}

static void
race_emptyswap(void)
{
	char		 dir[] = "/tmp/probe-race.XXXXXX";
	struct stat	 st;
	struct statx	 sx;
	long		 i;
	int		 r;

	/* A working directory of ours, whoever runs this. */
	if (mkdtemp(dir) == NULL || chdir(dir) == -1 || stat(".", &st) == -1)
		fail("mkdtemp");
	own_ino = st.st_ino;
	(void)snprintf(procpath, sizeof(procpath), "/proc/%ld", out);
	stop = 0;
	if (pthread_create(&racer_thread, NULL, empty_racer, NULL) != 0)
		fail("pthread_create");
	for (i = 0; i < n; i++) {
		if (i % 2) {
			r = fstatat(AT_FDCWD, procpath, &st, AT_EMPTY_PATH);
			stat_tally(r, st.st_ino);
		} else {
			r = statx(AT_FDCWD, procpath, AT_EMPTY_PATH, STATX_INO,
			    &sx);
			stat_tally(r, (ino_t)sx.stx_ino);
		}
	}
	finish();
	(void)chdir("/");
	(void)rmdir(dir);
}

static char	 swapdir[64];

/* Rename two links over one another: "l" points at ours, then theirs. */
static void *
swap_racer(void *arg)
{
	char	 a[96], b[96], l[96];

	(void)arg;
	(void)snprintf(a, sizeof(a), "%s/a", swapdir);
	(void)snprintf(b, sizeof(b), "%s/b", swapdir);
	(void)snprintf(l, sizeof(l), "%s/l", swapdir);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		(void)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, l,
		    RENAME_EXCHANGE);
		(void)syscall(SYS_renameat2, AT_FDCWD, b, AT_FDCWD, l,
		    RENAME_EXCHANGE);
	}
	return NULL;
}

/*
 * Through a link that a racer swaps between /proc/self and the
 * outsider's entry: every success must be ours.
 */
static void
race_procswap(void)
{
	char		 p[96], own[128], buf[128];
	struct stat	 st;
	struct statx	 sx;
	ssize_t		 len;
	long		 i;
	int		 r;

	if (stat("/proc/self/", &st) == -1)
		fail("stat");
	own_ino = st.st_ino;
	(void)snprintf(swapdir, sizeof(swapdir), "/tmp/probe-race.%ld", pid);
	if (mkdir(swapdir, 0700) == -1)
		fail("mkdir");
	(void)snprintf(p, sizeof(p), "%s/a", swapdir);
	(void)snprintf(own, sizeof(own), "/proc/%ld", pid);
	if (symlink(own, p) == -1)
		fail("symlink");
	(void)snprintf(p, sizeof(p), "%s/b", swapdir);
	(void)snprintf(buf, sizeof(buf), "/proc/%ld", out);
	if (symlink(buf, p) == -1)
		fail("symlink");
	(void)snprintf(p, sizeof(p), "%s/l", swapdir);
	if (symlink(own, p) == -1)
		fail("symlink");
	stop = 0;
	if (pthread_create(&racer_thread, NULL, swap_racer, NULL) != 0)
		fail("pthread_create");
	(void)snprintf(p, sizeof(p), "%s/l/", swapdir);
	for (i = 0; i < n; i++) {
		switch (i % 4) {
		case 0:
			r = stat(p, &st);
			stat_tally(r, st.st_ino);
			break;
		case 1:
			r = statx(AT_FDCWD, p, 0, STATX_INO, &sx);
			stat_tally(r, (ino_t)sx.stx_ino);
			break;
		case 2:
			/* readlink of l/exe: ours is this probe. */
			(void)snprintf(buf, sizeof(buf), "%s/l/exe", swapdir);
			len = readlink(buf, own, sizeof(own) - 1);
			stat_tally(len < 0 ? -1 : 0, own_ino);
			if (len > 0) {
				own[len] = '\0';
				if (strstr(own, "probe-race") == NULL)
					effect++;
			}
			break;
		default:
			r = access(p, F_OK);
			stat_tally(r, own_ino);
			break;
		}
	}
	finish();
	(void)snprintf(p, sizeof(p), "%s/a", swapdir);
	(void)unlink(p);
	(void)snprintf(p, sizeof(p), "%s/b", swapdir);
	(void)unlink(p);
	(void)snprintf(p, sizeof(p), "%s/l", swapdir);
	(void)unlink(p);
	(void)rmdir(swapdir);
}

static long	 window;

/* Read whatever descriptor 3..63 is open: the open's window. */
static void *
window_reader(void *arg)
{
	char	 buf[256];
	ssize_t	 len;
	int	 fd;

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		for (fd = 3; fd < 64; fd++) {
			if ((len = pread(fd, buf, sizeof(buf) - 1, 0)) <= 0)
				continue;
			buf[len] = '\0';
			if (memmem(buf, (size_t)len, "outside", 7) != NULL)
				__atomic_add_fetch(&window, 1,
				    __ATOMIC_RELAXED);
		}
	return NULL;
}

/*
 * n rounds of opening and reading path while the racers run, each
 * tallied, and an "outside" in what was read counted as an effect; then
 * the racers stopped, window_reader (thread wt) joined and its finds
 * counted too.
 */
static void
open_loop(const char *path, pthread_t wt)
{
	char	 buf[256];
	ssize_t	 len;
	long	 i;
	int	 fd;

	for (i = 0; i < n; i++) {
		fd = open(path, O_RDONLY);
		tally(fd);
		if (fd == -1)
			continue;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len > 0 && memmem(buf, (size_t)len, "outside", 7) != NULL)
			effect++;
	}
	finish();
	(void)pthread_join(wt, NULL);
	effect += window;
	kv("window", window);
}

/*
 * open("l/cmdline") where l is swapped between a directory of ours (its
 * cmdline reads "probe-race") and a link to the outsider's /proc entry.
 */
static void
race_openswap(void)
{
	char		 p[96], buf[256];
	pthread_t	 wt;
	int		 fd;

	(void)snprintf(swapdir, sizeof(swapdir), "/tmp/probe-race.XXXXXX");
	if (mkdtemp(swapdir) == NULL)
		fail("mkdtemp");
	(void)snprintf(p, sizeof(p), "%s/a", swapdir);
	if (mkdir(p, 0700) == -1)
		fail("mkdir");
	(void)snprintf(p, sizeof(p), "%s/a/cmdline", swapdir);
	if ((fd = open(p, O_WRONLY | O_CREAT, 0600)) == -1 ||
	    write(fd, "probe-race", 10) != 10)
		fail("write");
	close(fd);
	(void)snprintf(p, sizeof(p), "%s/b", swapdir);
	(void)snprintf(buf, sizeof(buf), "/proc/%ld", out);
	if (symlink(buf, p) == -1)
		fail("symlink");
	(void)snprintf(p, sizeof(p), "%s/l", swapdir);
	if (symlink(buf, p) == -1)
		fail("symlink");
	stop = 0;
	if (pthread_create(&racer_thread, NULL, swap_racer, NULL) != 0 ||
	    pthread_create(&wt, NULL, window_reader, NULL) != 0)
		fail("pthread_create");
	(void)snprintf(p, sizeof(p), "%s/l/cmdline", swapdir);
	open_loop(p, wt);
	(void)snprintf(p, sizeof(p), "%s/a/cmdline", swapdir);
	(void)unlink(p);
	(void)snprintf(p, sizeof(p), "%s/a", swapdir);
	(void)rmdir(p);
	(void)snprintf(p, sizeof(p), "%s/b", swapdir);
	(void)unlink(p);
	(void)snprintf(p, sizeof(p), "%s/l", swapdir);
	(void)unlink(p);
	(void)rmdir(swapdir);
}

/* Switch the working directory (shared: CLONE_FS) back and forth. */
static void *
cwd_racer(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		(void)chdir(swapdir);
		(void)chdir("/proc");
	}
	return NULL;
}

static void
race_cwdswap(void)
{
	char		 p[128], rel[64];
	pthread_t	 wt;
	int		 fd;

	(void)snprintf(swapdir, sizeof(swapdir), "/tmp/probe-race.XXXXXX");
	if (mkdtemp(swapdir) == NULL)
		fail("mkdtemp");
	(void)snprintf(p, sizeof(p), "%s/%ld", swapdir, out);
	if (mkdir(p, 0700) == -1)
		fail("mkdir");
	(void)snprintf(p, sizeof(p), "%s/%ld/cmdline", swapdir, out);
	if ((fd = open(p, O_WRONLY | O_CREAT, 0600)) == -1 ||
	    write(fd, "probe-race", 10) != 10)
		fail("write");
	close(fd);
	(void)snprintf(rel, sizeof(rel), "%ld/cmdline", out);
	stop = 0;
	if (pthread_create(&racer_thread, NULL, cwd_racer, NULL) != 0 ||
	    pthread_create(&wt, NULL, window_reader, NULL) != 0)
		fail("pthread_create");
	open_loop(rel, wt);
	(void)unlink(p);
	(void)snprintf(p, sizeof(p), "%s/%ld", swapdir, out);
	(void)rmdir(p);
	(void)rmdir(swapdir);
}

int
main(int argc, char *argv[])
{
	void (*fn)(void);

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: probe-race WHAT OUTSIDE_PID [N]\n");
		return 1;
	}
	out = parse_long(argv[2]);
	n = argc > 3 ? parse_long(argv[3]) : 10000;
	pid = sys_getpid();
	if (strcmp(argv[1], "capget") == 0)
		fn = race_capget;
	else if (strcmp(argv[1], "ownerex") == 0)
		fn = race_ownerex;
	else if (strcmp(argv[1], "scmcreds") == 0)
		fn = race_scmcreds;
	else if (strcmp(argv[1], "clone3") == 0)
		fn = race_clone3;
	else if (strcmp(argv[1], "procopen") == 0)
		fn = race_procopen;
	else if (strcmp(argv[1], "procstat") == 0)
		fn = race_procstat;
	else if (strcmp(argv[1], "procswap") == 0)
		fn = race_procswap;
	else if (strcmp(argv[1], "openswap") == 0)
		fn = race_openswap;
	else if (strcmp(argv[1], "cwdswap") == 0)
		fn = race_cwdswap;
	else if (strcmp(argv[1], "prefixswap") == 0)
		fn = race_prefixswap;
	else if (strcmp(argv[1], "emptyswap") == 0)
		fn = race_emptyswap;
	else
		fail("unknown_race");
	val_own = pid;
	val_out = out;
	fflush(stdout);
	fn();
	kv("tries", n);
	kv("successes", successes);
	kv("esrch", esrch);
	kv("eperm", eperm);
	kv("other", other);
	kv("outside_effect", effect);
	return 0;
}
