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
 * probe-dump: the dumpable flag, and whether /proc/self/stat still shows
 * the virtual pid once the process asked not to be dumpable (a
 * supervisor without CAP_SYS_PTRACE can no longer read such a process).
 *
 * usage: probe-dump		PR_SET_DUMPABLE 0, then fork, then exec
 *	  probe-dump exec	(what the exec runs) report and exit
 *	  probe-dump show	report only
 *	  probe-dump list	PR_SET_DUMPABLE 0, then "entry=N" for each
 *				numeric entry of /proc
 *	  probe-dump own	PR_SET_DUMPABLE 0, then "own_F=N" for F =
 *				environ, auxv, maps, cmdline: the bytes
 *				read from /proc/self/F, or -ERRNAME (a
 *				process reads its own whatever its
 *				dumpability)
 *
 * Prints "KEY_get=N" (PR_GET_DUMPABLE) and "KEY_stat=PID" (the first
 * field of /proc/self/stat) for KEY = before, after, child and exec.
 */

#define _GNU_SOURCE
#include <sys/prctl.h>
#include <sys/wait.h>

#include <dirent.h>
#include <fcntl.h>

#include "probe.h"

static void
report(const char *key)
{
	char	 k[32], b[64];
	ssize_t	 n;
	int	 fd;

	snprintf(k, sizeof(k), "%s_get", key);
	result(k, prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	snprintf(k, sizeof(k), "%s_stat", key);
	if ((fd = open("/proc/self/stat", O_RDONLY)) == -1) {
		result(k, -1);
		return;
	}
	n = read(fd, b, sizeof(b) - 1);
	close(fd);
	if (n <= 0) {
		result(k, -1);
		return;
	}
	b[n] = '\0';
	kv(k, strtol(b, NULL, 10));
}

int
main(int argc, char *argv[])
{
	pid_t	 pid;
	int	 st;

	if (argc > 1 && strcmp(argv[1], "list") == 0) {
		DIR		*d;
		struct dirent	*e;

		result("set", prctl(PR_SET_DUMPABLE, 0, 0, 0, 0));
		if ((d = opendir("/proc")) == NULL)
			fail("opendir");
		while ((e = readdir(d)) != NULL)
			if (e->d_name[0] >= '0' && e->d_name[0] <= '9')
				printf("entry=%s\n", e->d_name);
		closedir(d);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "own") == 0) {
		static const char *const f[] = { "environ", "auxv", "maps",
		    "cmdline" };
		char	 path[64], k[32], b[4096];
		ssize_t	 n, r;
		size_t	 i;
		int	 fd;

		result("set", prctl(PR_SET_DUMPABLE, 0, 0, 0, 0));
		for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
			snprintf(path, sizeof(path), "/proc/self/%s", f[i]);
			snprintf(k, sizeof(k), "own_%s", f[i]);
			if ((fd = open(path, O_RDONLY)) == -1) {
				result(k, -1);
				continue;
			}
			for (n = 0; (r = read(fd, b, sizeof(b))) > 0; n += r)
				;
			result(k, r == -1 ? -1 : n);
			close(fd);
		}
		return 0;
	}
	if (argc > 1) {
		report(strcmp(argv[1], "exec") == 0 ? "exec" : "show");
		return 0;
	}
	report("before");
	result("set", prctl(PR_SET_DUMPABLE, 0, 0, 0, 0));
	report("after");
	fflush(stdout);
	if ((pid = fork()) == -1)
		fail("fork");
	if (pid == 0) {
		report("child");
		fflush(stdout);
		execl("/proc/self/exe", argv[0], "exec", (char *)NULL);
		fail("exec");
	}
	if (waitpid(pid, &st, 0) != pid)
		fail("waitpid");
	kv("child_status", st);
	return 0;
}
