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
 * probe-restart: a call the supervisor rewrites, cut short by a signal
 * whose handler has SA_RESTART, must restart as the call it was.
 *
 * usage: probe-restart DIR | -x N PROGRAM | -s N | -f PROGRAM
 *
 * A child opens the FIFO DIR/f for reading, which blocks until a
 * writer comes (an open the supervisor runs as openat2 of the walk's
 * steps); the parent sends it SIGUSR1 (handled, SA_RESTART), then, once
 * the handler has run, opens the FIFO for writing.  Prints handled=1,
 * open= (0, or -ERRNO) and writer= (0, or -ERRNO).
 *
 * With -x, N times: fork a child that runs PROGRAM (which must exit 0)
 * and send it SIGCONT without a pause until it is gone, so that signals
 * fall into the calls the supervisor injects as the new image makes its
 * first path calls.  Prints runs=N and failed= (children that did not
 * exit 0).
 *
 * With -s, N children each open and read /proc/self/stat 20 times (a
 * snapshot the listener installs) while flooded with SIGUSR1, handled
 * with SA_RESTART, and check its pid field.  Prints runs=N and failed=.
 *
 * With -f, with no descriptor free (RLIMIT_NOFILE 32, all taken): open
 * /proc/SELF/stat (stat_full=-EMFILE), then again with one freed
 * (stat_free=0 if its pid field is right); and a child execs PROGRAM,
 * whose loader cannot open its libraries (exec_full= its exit status,
 * 127).  The descriptors the listener hands over cannot be installed
 * then: the calls must fail as they would, not hang or fail for good.
 */

#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

static volatile sig_atomic_t	*handled;

static void
onusr1(int sig)
{
	(void)sig;
	if (handled != NULL)
		*handled = 1;
}

/* -s: the child's work, exit 0 if every read was right. */
static void __attribute__((noreturn))
statloop(void)
{
	char	 b[512];
	ssize_t	 r;
	int	 fd, i;

	for (i = 0; i < 20; i++) {
		if ((fd = open("/proc/self/stat", O_RDONLY)) == -1)
			_exit(2);
		r = read(fd, b, sizeof(b) - 1);
		close(fd);
		if (r <= 0)
			_exit(3);
		b[r] = '\0';
		if (atoi(b) != getpid())
			_exit(4);
	}
	_exit(0);
}

/* Take every descriptor up to a limit of 32; the last one taken. */
static int
fill(void)
{
	struct rlimit	 rl = { 32, 32 };
	int		 fd, last = -1;

	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		fail("setrlimit");
	while ((fd = dup(0)) != -1)
		last = fd;
	if (errno != EMFILE)
		fail("dup");
	return last;
}

/* -f PROGRAM: see above. */
static int
full(const char *prog)
{
	char	 p[64], b[512];
	ssize_t	 r;
	pid_t	 c;
	int	 fd, last, st;

	(void)alarm(60);	/* a hang fails the test, not the suite */
	if ((c = fork()) == -1)
		fail("fork");
	if (c == 0) {
		(void)fill();
		execl(prog, prog, (char *)NULL);
		_exit(126);
	}
	if (waitpid(c, &st, 0) == -1)
		fail("waitpid");
	kv("exec_full", WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	(void)snprintf(p, sizeof(p), "/proc/%d/stat", (int)getpid());
	last = fill();
	result("stat_full", open(p, O_RDONLY));
	close(last);
	if ((fd = open(p, O_RDONLY)) == -1) {
		result("stat_free", -1);
		return 0;
	}
	r = read(fd, b, sizeof(b) - 1);
	close(fd);
	b[r > 0 ? r : 0] = '\0';
	kv("stat_free", r > 0 && atoi(b) == getpid() ? 0 : 1);
	return 0;
}

/* -x N PROGRAM, or -s N (prog NULL): see above. */
static int
flood(long n, const char *prog)
{
	struct sigaction	 sa;
	long			 i, failed = 0;
	pid_t			 c;
	int			 st;

	/* Handled from the start: no signal can kill a child early. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onusr1;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGUSR1, &sa, NULL) == -1)
		fail("sigaction");
	for (i = 0; i < n; i++) {
		if ((c = fork()) == -1)
			fail("fork");
		if (c == 0 && prog == NULL)
			statloop();
		if (c == 0) {
			execl(prog, prog, (char *)NULL);
			_exit(126);
		}
		while (waitpid(c, &st, WNOHANG) == 0)
			(void)kill(c, prog == NULL ? SIGUSR1 : SIGCONT);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			failed++;
	}
	kv("runs", n);
	kv("failed", failed);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct sigaction	 sa;
	char			 p[4096];
	pid_t			 c;
	int			 fd, st, w;

	if (argc == 4 && strcmp(argv[1], "-x") == 0)
		return flood(parse_long(argv[2]), argv[3]);
	if (argc == 3 && strcmp(argv[1], "-s") == 0)
		return flood(parse_long(argv[2]), NULL);
	if (argc == 3 && strcmp(argv[1], "-f") == 0)
		return full(argv[2]);
	if (argc != 2)
		fail("usage");
	(void)snprintf(p, sizeof(p), "%s/f", argv[1]);
	if (mkfifo(p, 0600) == -1)
		fail("mkfifo");
	handled = mmap(NULL, sizeof(*handled), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (handled == MAP_FAILED)
		fail("mmap");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = onusr1;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGUSR1, &sa, NULL) == -1)
		fail("sigaction");
	if ((c = fork()) == -1)
		fail("fork");
	if (c == 0) {
		fd = open(p, O_RDONLY);
		result("open", fd >= 0 ? 0 : -1);
		fflush(stdout);
		_exit(0);
	}
	/* Signal it until its handler ran: then it blocks in open again. */
	while (!*handled) {
		kill(c, SIGUSR1);
		usleep(1000);
	}
	kv("handled", 1);
	/* A writer: the child's open (restarted) completes. */
	while ((w = open(p, O_WRONLY | O_NONBLOCK)) == -1 && errno == ENXIO) {
		if (waitpid(c, &st, WNOHANG) == c)
			break;		/* its open failed: no reader */
		usleep(1000);
	}
	result("writer", w >= 0 ? 0 : -1);
	if (waitpid(c, &st, 0) == -1 && errno != ECHILD)
		fail("waitpid");
	return 0;
}
