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
 * probe-procfd: what /proc shows of descriptors whose contents carry
 * pids.
 *
 *	child_pid	a child's pid (forked, paused)
 *	fdinfo_pid	"Pid:" of a pidfd of that child, from fdinfo
 *	fdinfo_nspid	"NSpid:" of it (its first value, nspid_n values)
 *	gone_pid	"Pid:" of that pidfd once the child is reaped
 *	nl_port		the port of an autobound netlink socket (unsigned)
 *	nl_listed	1 if /proc/net/netlink lists that port
 *	nl_pidports	lines of /proc/net/netlink with a port in
 *			[1, INT32_MAX] (pid-derived ports)
 */

#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <linux/netlink.h>

#include <signal.h>
#include <stdint.h>

#include "probe.h"

/* The value of "key" in /proc/self/fdinfo/fd, its count in *n; -999. */
static long
fdinfo(int fd, const char *key, int *n)
{
	char	 path[64], line[256], *p, *e;
	size_t	 kl = strlen(key);
	long	 v = -999;
	FILE	*f;

	*n = 0;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if ((f = fopen(path, "r")) == NULL)
		fail("fdinfo");
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, kl) != 0)
			continue;
		for (p = line + kl; ; p = e) {
			long x = strtol(p, &e, 10);

			if (e == p)
				break;
			if (*n == 0)
				v = x;
			(*n)++;
		}
	}
	fclose(f);
	return v;
}

static void
netlink(void)
{
	struct sockaddr_nl	 nl;
	socklen_t		 len = sizeof(nl);
	char			 line[512];
	unsigned long		 port;
	int			 s, listed = 0, pidports = 0;
	FILE			*f;

	if ((s = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)) == -1)
		fail("netlink socket");
	memset(&nl, 0, sizeof(nl));
	nl.nl_family = AF_NETLINK;
	if (bind(s, (struct sockaddr *)&nl, sizeof(nl)) == -1 ||
	    getsockname(s, (struct sockaddr *)&nl, &len) == -1)
		fail("netlink bind");
	printf("nl_port=%lu\n", (unsigned long)nl.nl_pid);
	if ((f = fopen("/proc/net/netlink", "r")) == NULL)
		fail("/proc/net/netlink");
	(void)fgets(line, sizeof(line), f);	/* the header */
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%*s %*s %lu", &port) != 1)
			fail("/proc/net/netlink line");
		if (port == nl.nl_pid)
			listed = 1;
		if (port >= 1 && port <= INT32_MAX)
			pidports++;
	}
	fclose(f);
	kv("nl_listed", listed);
	kv("nl_pidports", pidports);
	close(s);
}

int
main(void)
{
	pid_t	 c;
	int	 fd, n;
	long	 v;

	setvbuf(stdout, NULL, _IONBF, 0);
	if ((c = fork()) == -1)
		fail("fork");
	if (c == 0) {
		pause();
		_exit(0);
	}
	kv("child_pid", c);
	if ((fd = (int)syscall(SYS_pidfd_open, c, 0)) == -1) {
		if (errno == ENOSYS)
			skip("no pidfd_open");
		fail("pidfd_open");
	}
	kv("fdinfo_pid", fdinfo(fd, "Pid:", &n));
	v = fdinfo(fd, "NSpid:", &n);
	kv("fdinfo_nspid", v);
	kv("nspid_n", n);
	kill(c, SIGKILL);
	if (waitpid(c, NULL, 0) != c)
		fail("waitpid");
	kv("gone_pid", fdinfo(fd, "Pid:", &n));
	close(fd);
	netlink();
	return 0;
}
