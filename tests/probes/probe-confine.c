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
 * probe-confine DIR [LINK]: a process that narrows its own rights with Landlock
 * keeps them narrow.  DIR holds a/f and b/f.  The probe allows reading
 * under the system directories and DIR/a only, then opens DIR/b/f from
 * itself, a thread made after, a thread made before (which Landlock
 * leaves free), a child, and its own image again after an exec.  A
 * supervisor that opened files for the instance with its own rights
 * would open them all.  LINK, a symbolic link into another process's
 * /proc entry, is then given to stat (stat_link): a query the kernel
 * decides must still be walked first.
 *
 * probe-confine -x PATH KEY: open PATH and print KEY=0 or KEY=-ERRNO
 * (the image run after the exec).
 *
 * probe-confine -w|-r PATH N: open /proc/self/attr/current for writing
 * (-w), as a process changing its LSM context does, or for reading
 * (-r), then open PATH N times; prints attr_open, and opened (how many
 * opens succeeded).  Under instproc -v, the queries taken back tell
 * whether the opens after a write were left to the kernel.
 */

#define _GNU_SOURCE
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <linux/landlock.h>

#include <fcntl.h>
#include <pthread.h>

#include "probe.h"

static char	 bpath[4096];

/* Open p for reading: 0, or -1 with errno. */
static long
try_open(const char *p)
{
	int	 fd;

	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	close(fd);
	return 0;
}

static void *
opener(void *arg)
{
	(void)arg;
	return (void *)(long)(try_open(bpath) == -1 ? errno : 0);
}

static void *
waiter(void *arg)
{
	int	*go = arg;

	while (!__atomic_load_n(go, __ATOMIC_ACQUIRE))
		(void)syscall(SYS_sched_yield);
	return opener(NULL);
}

/* Allow reading files and directories beneath path. */
static int
allow(int rs, const char *path)
{
	struct landlock_path_beneath_attr	 pb;
	int					 r;

	memset(&pb, 0, sizeof(pb));
	pb.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE |
	    LANDLOCK_ACCESS_FS_READ_DIR;
	if ((pb.parent_fd = open(path, O_PATH | O_CLOEXEC)) == -1)
		return errno == ENOENT ? 0 : -1;
	r = (int)syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH,
	    &pb, 0);
	close(pb.parent_fd);
	return r;
}

int
main(int argc, char *argv[])
{
	static const char *const sys[] = { "/usr", "/lib", "/lib64", "/etc",
	    "/bin", "/dev", NULL };
	struct landlock_ruleset_attr	 ra;
	struct stat			 st;
	pthread_t			 th, pre;
	char				 apath[4096], adir[4096], self[4096], *p;
	void				*tr;
	pid_t				 pid;
	ssize_t				 n;
	int				 rs, abi, i, go = 0, wst, dfd;

	if (argc == 4 && strcmp(argv[1], "-x") == 0) {
		result(argv[3], try_open(argv[2]));
		return 0;
	}
	if (argc == 4 && (strcmp(argv[1], "-w") == 0 ||
	    strcmp(argv[1], "-r") == 0)) {
		dfd = open("/proc/self/attr/current", (argv[1][1] == 'w' ?
		    O_WRONLY : O_RDONLY) | O_CLOEXEC);
		result("attr_open", dfd == -1 ? -1 : 0);
		if (dfd != -1)
			close(dfd);
		for (i = n = 0; i < atoi(argv[3]); i++)
			n += try_open(argv[2]) == 0;
		kv("opened", (long)n);
		return 0;
	}
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: probe-confine DIR [LINK]\n");
		return 1;
	}
	(void)snprintf(apath, sizeof(apath), "%s/a/f", argv[1]);
	(void)snprintf(bpath, sizeof(bpath), "%s/b/f", argv[1]);
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0) {
		printf("error=readlink /proc/self/exe\n");
		return 1;
	}
	self[n] = '\0';

	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1) {
		printf("skip=Landlock is not enabled in this kernel (%s)\n",
		    errname(errno));
		return 77;
	}
	result("open_b_before", try_open(bpath));

	memset(&ra, 0, sizeof(ra));
	ra.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE |
	    LANDLOCK_ACCESS_FS_READ_DIR;
	if ((rs = (int)syscall(SYS_landlock_create_ruleset, &ra, sizeof(ra),
	    0)) == -1) {
		printf("error=landlock_create_ruleset: %s\n", errname(errno));
		return 1;
	}
	for (i = 0; sys[i] != NULL; i++)
		if (allow(rs, sys[i]) == -1) {
			printf("error=landlock_add_rule %s: %s\n", sys[i],
			    errname(errno));
			return 1;
		}
	(void)snprintf(adir, sizeof(adir), "%s/a", argv[1]);
	if (allow(rs, adir) == -1) {
		printf("error=landlock_add_rule a: %s\n", errname(errno));
		return 1;
	}
	/* The directory of this program, to run it again (READ_FILE). */
	(void)snprintf(adir, sizeof(adir), "%s", self);
	if ((p = strrchr(adir, '/')) != NULL && p > adir)
		*p = '\0';
	if (allow(rs, adir) == -1) {
		printf("error=landlock_add_rule %s: %s\n", adir,
		    errname(errno));
		return 1;
	}
	/* The thread made before: Landlock confines the caller alone. */
	if (pthread_create(&pre, NULL, waiter, &go) != 0) {
		printf("error=pthread_create\n");
		return 1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		printf("error=PR_SET_NO_NEW_PRIVS: %s\n", errname(errno));
		return 1;
	}
	result("restrict", syscall(SYS_landlock_restrict_self, rs, 0));
	close(rs);

	result("open_a", try_open(apath));
	result("open_b", try_open(bpath));
	/* The same file by a directory descriptor and a relative path. */
	if ((dfd = open(argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC)) != -1) {
		result("openat_b", (i = openat(dfd, "b/f", O_RDONLY |
		    O_CLOEXEC)) == -1 ? -1 : 0);
		if (i != -1)
			close(i);
		close(dfd);
	}
	/* Landlock does not hide that a file is there. */
	result("stat_b", stat(bpath, &st));
	if (argc == 3)
		result("stat_link", stat(argv[2], &st));

	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	(void)pthread_join(pre, &tr);
	result_err("thread_before_open_b", (int)(long)tr);
	if (pthread_create(&th, NULL, opener, NULL) != 0) {
		printf("error=pthread_create\n");
		return 1;
	}
	(void)pthread_join(th, &tr);
	result_err("thread_after_open_b", (int)(long)tr);

	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(try_open(bpath) == -1 ? errno : 0);
	if (pid == -1 || waitpid(pid, &wst, 0) != pid || !WIFEXITED(wst)) {
		printf("error=fork\n");
		return 1;
	}
	result_err("child_open_b", WEXITSTATUS(wst));

	/* After an exec: the same rights in the new image. */
	fflush(stdout);
	if ((pid = fork()) == 0) {
		execl(self, self, "-x", bpath, "exec_open_b", (char *)NULL);
		_exit(127);
	}
	if (pid == -1 || waitpid(pid, &wst, 0) != pid || !WIFEXITED(wst) ||
	    WEXITSTATUS(wst) != 0) {
		printf("error=exec\n");
		return 1;
	}
	return 0;
}
