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
 * probe-path: every path call on one path, one line each.
 *
 * usage: probe-path [-d DIR] PATH...
 *	  probe-path -m DIR
 *	  probe-path -e DIR
 *
 * For each PATH prints "CALL=RESULT" lines, RESULT a number or -ERRNAME,
 * CALL one of stat lstat statsync statx access faccessat2 readlink chdir
 * statfs
 * getxattr inotify handle mkdir chmod truncate utimensat open openpath,
 * and the i386 ones through int $0x80 (stat32 lstat32 stat64_32
 * oldstat32 access32 readlink32 chdir32).  With -d, relative paths are
 * taken relative to a descriptor of DIR (the *at calls) or to DIR as
 * the working directory (the others).  Results that would differ
 * between two runs (inodes, sizes) are not printed: only success or
 * the error.  With -m, the mount calls on DIR: mount (a procfs),
 * open_tree, fsopen, fspick, mount_setattr, move_mount, umount2.  With
 * -e, the empty path on descriptors made in DIR (see empties()).
 */

#define _GNU_SOURCE
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>

#include "probe.h"

static int	 dfd = AT_FDCWD;
static char	*m32;		/* below 4 GiB, for int $0x80 */

static void
show(const char *what, long r)
{
	if (r < 0)
		printf("%s=-%s\n", what, errname(errno));
	else
		printf("%s=0\n", what);
}

static void
show32(const char *what, long r)
{
	if (r < 0)
		printf("%s=-%s\n", what, errname((int)-r));
	else
		printf("%s=0\n", what);
}

static void
one(const char *p)
{
	struct stat	 st;
	struct statx	 sx;
	struct statfs	 sf;
	struct {
		struct file_handle	 h;
		unsigned char		 b[128];
	} fh;
	char		 buf[256];
	int		 fd, cwd, mnt;
	long		 r;

	show("stat", fstatat(dfd, p, &st, 0));
	show("lstat", fstatat(dfd, p, &st, AT_SYMLINK_NOFOLLOW));
	/* A flag of statx's that newfstatat takes too. */
	show("statsync", fstatat(dfd, p, &st, AT_STATX_FORCE_SYNC));
	show("statx", statx(dfd, p, 0, STATX_BASIC_STATS, &sx));
	show("access", faccessat(dfd, p, F_OK, 0));
	show("faccessat2", syscall(SYS_faccessat2, dfd, p, R_OK,
	    AT_SYMLINK_NOFOLLOW));
	show("readlink", readlinkat(dfd, p, buf, sizeof(buf)));
	show("statfs", statfs(p, &sf));
	show("getxattr", getxattr(p, "user.x", buf, sizeof(buf)));
	fd = inotify_init1(IN_CLOEXEC);
	show("inotify", inotify_add_watch(fd, p, IN_ALL_EVENTS));
	close(fd);
	fh.h.handle_bytes = sizeof(fh.b);
	show("handle", name_to_handle_at(dfd, p, &fh.h, &mnt, 0));
	(void)snprintf(buf, sizeof(buf), "%s/x", p);
	show("mkdir", mkdirat(dfd, buf, 0700));
	show("chmod", fchmodat(dfd, p, 0755, 0));
	show("truncate", truncate(p, 0));
	show("utimensat", utimensat(dfd, p, NULL, 0));
	fd = openat(dfd, p, O_RDONLY | O_CLOEXEC);
	show("open", fd);
	if (fd >= 0)
		close(fd);
	fd = openat(dfd, p, O_PATH | O_CLOEXEC);
	show("openpath", fd);
	if (fd >= 0)
		close(fd);
	cwd = open(".", O_PATH | O_CLOEXEC);
	show("chdir", chdir(p));
	(void)fchdir(cwd);
	if (m32 != NULL) {
		(void)snprintf(m32, 1024, "%s", p);
		show32("stat32", int80(106, (long)m32, (long)(m32 + 1024), 0));
		show32("lstat32", int80(107, (long)m32, (long)(m32 + 1024), 0));
		show32("stat64_32", int80(195, (long)m32, (long)(m32 + 1024),
		    0));
		r = int80(18, (long)m32, (long)(m32 + 1024), 0);
		show32("oldstat32", r == -EOVERFLOW ? 0 : r);
		show32("access32", int80(33, (long)m32, F_OK, 0));
		show32("readlink32", int80(85, (long)m32, (long)(m32 + 1024),
		    256));
		show32("chdir32", int80(12, (long)m32, 0, 0));
		(void)fchdir(cwd);
	}
	close(cwd);
}

static void
mounts(const char *dir)
{
	char	 attr[32];

	memset(attr, 0, sizeof(attr));
	show("mount", mount("proc", dir, "proc", 0, NULL));
	show("open_tree", syscall(SYS_open_tree, AT_FDCWD, dir, 0));
	show("fsopen", syscall(SYS_fsopen, "proc", 0));
	show("fspick", syscall(SYS_fspick, AT_FDCWD, dir, 0));
	show("mount_setattr", syscall(SYS_mount_setattr, AT_FDCWD, dir, 0,
	    attr, sizeof(attr)));
	show("move_mount", syscall(SYS_move_mount, AT_FDCWD, dir, AT_FDCWD,
	    dir, 0));
	show("umount2", umount2(dir, 0));
}

/* fstat of *arg in a thread (not the leader): 1 if a FIFO. */
static void *
fifo_in_thread(void *arg)
{
	struct stat	 st;

	return (void *)(intptr_t)(fstat(*(int *)arg, &st) == 0 &&
	    S_ISFIFO(st.st_mode));
}

/*
 * -e DIR: the empty path (AT_EMPTY_PATH) on descriptors of each kind,
 * made in DIR: what fstat and its relatives say of each.
 */
static void
empties(const char *dir)
{
	struct stat	 st, cw;
	struct statx	 sx;
	char		 l[PATH_MAX], buf[PATH_MAX];
	int		 p[2], s[2], e, lk, f;
	ssize_t		 n;
	pthread_t	 th;
	void		*r;

	if (chdir(dir) == -1 || pipe(p) == -1 ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, s) == -1 ||
	    (e = eventfd(0, 0)) == -1 || symlink("target", "link") == -1 ||
	    (lk = open("link", O_PATH | O_NOFOLLOW)) == -1 ||
	    (f = open("file", O_CREAT | O_WRONLY, 0640)) == -1 ||
	    stat(".", &cw) == -1)
		fail("setup");
	show("pipe", fstat(p[0], &st));
	kv("pipe_fifo", S_ISFIFO(st.st_mode));
	if (pthread_create(&th, NULL, fifo_in_thread, &p[0]) != 0 ||
	    pthread_join(th, &r) != 0)
		fail("pthread");
	kv("pipe_fifo_thread", (long)(intptr_t)r);
	show("socket", fstat(s[0], &st));
	kv("socket_sock", S_ISSOCK(st.st_mode));
	show("eventfd", fstat(e, &st));
	show("file", fstatat(f, "", &st, AT_EMPTY_PATH));
	kv("file_mode", st.st_mode & 07777);
	show("file_statx", statx(f, "", AT_EMPTY_PATH, STATX_MODE, &sx));
	kv("file_statx_mode", sx.stx_mode & 07777);
	show("link", fstatat(lk, "", &st, AT_EMPTY_PATH));
	kv("link_lnk", S_ISLNK(st.st_mode));
	n = readlinkat(lk, "", l, sizeof(l) - 1);
	show("link_readlink", n);
	l[n > 0 ? n : 0] = '\0';
	kv("link_text_ok", strcmp(l, "target") == 0);
	show("cwd", fstatat(AT_FDCWD, "", &st, AT_EMPTY_PATH));
	kv("cwd_same", st.st_ino == cw.st_ino);
	show("access_file", syscall(SYS_faccessat2, f, "", W_OK,
	    AT_EMPTY_PATH));
	show("noflag", fstatat(AT_FDCWD, "", &st, 0));
	show("badfd", fstatat(1000, "", &st, AT_EMPTY_PATH));
	show("readlink_pipe", readlinkat(p[0], "", buf, sizeof(buf)));
	show("readlink_noempty", readlink("", buf, sizeof(buf)));
}

int
main(int argc, char *argv[])
{
	int	 i = 1;

	if (argc == 3 && strcmp(argv[1], "-m") == 0) {
		mounts(argv[2]);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "-e") == 0) {
		empties(argv[2]);
		return 0;
	}

	if (argc > 2 && strcmp(argv[1], "-d") == 0) {
		if ((dfd = open(argv[2], O_PATH | O_DIRECTORY | O_CLOEXEC)) ==
		    -1 || chdir(argv[2]) == -1)
			fail("dir");
		i = 3;
	}
	m32 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (m32 == MAP_FAILED)
		m32 = NULL;
	for (; i < argc; i++) {
		printf("path=%s\n", argv[i]);
		one(argv[i]);
	}
	return 0;
}
