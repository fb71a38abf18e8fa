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
 * probe-signal: the sender pid seen by the receiver of a signal.
 *
 * usage: probe-signal [OUTSIDE_PID [OUTSIDE_PGID]]
 *
 * SIGUSR1 is kept blocked and taken with sigsuspend(), so delivery
 * never depends on timing.  Against OUTSIDE_PID only signal 0 is used,
 * plus one SIGCONT, which a sleeping process ignores.
 */

#define _GNU_SOURCE
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <signal.h>
#include <time.h>

#include "probe.h"

static volatile sig_atomic_t got, h_pid, h_code, h_value;
static sigset_t waitmask;		/* everything but SIGUSR1 blocked */

/* SIGUSR1 handler: record the siginfo fields of interest. */
static void
on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	h_pid = si->si_pid;
	h_code = si->si_code;
	h_value = si->si_value.sival_int;
	got = 1;
}

/* Wait for the blocked SIGUSR1 to be handled, then print what it saw. */
static void
take(const char *what, long expect)
{
	char key[64];

	while (!got)
		sigsuspend(&waitmask);
	got = 0;
	snprintf(key, sizeof(key), "%s_si_pid", what);
	kv(key, h_pid);
	match(key, h_pid, expect);
	snprintf(key, sizeof(key), "%s_si_code", what);
	kv(key, h_code);
}

/* Fork a child that sends sig to its parent with kill(getppid(), sig). */
static pid_t
sender(int sig)
{
	pid_t p;

	fflush(stdout);
	if ((p = fork()) == -1)
		fail("fork");
	if (p == 0)
		_exit(kill(getppid(), sig) == 0 ? 0 : 1);
	return p;
}

/* Send signal 0 (and one SIGCONT) every way we know to an outsider. */
static void
outside(long out, long outpg)
{
	siginfo_t si;
	long fd;

	result("kill_outside", kill(out, 0));
	result("tkill_outside", syscall(SYS_tkill, out, 0));
	result("tgkill_outside", syscall(SYS_tgkill, out, out, 0));
	memset(&si, 0, sizeof(si));
	si.si_code = SI_QUEUE;
	si.si_pid = sys_getpid();
	si.si_uid = getuid();
	result("rt_sigqueueinfo_outside",
	    syscall(SYS_rt_sigqueueinfo, out, 0, &si));
	result("rt_tgsigqueueinfo_outside",
	    syscall(SYS_rt_tgsigqueueinfo, out, out, 0, &si));
	fd = syscall(SYS_pidfd_open, out, 0);
	result("pidfd_open_outside", fd >= 0 ? 0 : -1);
	if (fd >= 0) {
		result("pidfd_send_outside",
		    syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0));
		close(fd);
	}
	result("kill_outside_sigcont", kill(out, SIGCONT));
	if (outpg > 0)
		result("killpg_outside", kill(-outpg, 0));
}

int
main(int argc, char *argv[])
{
	struct sigaction sa;
	struct signalfd_siginfo ssi;
	struct timespec ts = { 30, 0 };
	union sigval val;
	sigset_t set;
	siginfo_t si;
	long pid, tid, r, fd, sfd;
	pid_t child;
	int st;

	pid = sys_getpid();
	tid = sys_gettid();
	kv("pid", pid);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) == -1)
		fail("sigaction");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigfillset(&waitmask);
	sigdelset(&waitmask, SIGUSR1);

	result("kill_self", kill(pid, SIGUSR1));
	take("kill_self", pid);

	val.sival_int = 42;
	result("sigqueue_self", sigqueue(pid, SIGUSR1, val));
	take("sigqueue_self", pid);
	kv("sigqueue_self_value", h_value);

	result("tgkill_self", syscall(SYS_tgkill, pid, tid, SIGUSR1));
	take("tgkill_self", pid);

	result("kill_zero", kill(0, 0));
	result("kill_pgrp", kill(-getpgrp(), 0));

	fd = syscall(SYS_pidfd_open, pid, 0);
	if (fd == -1 && errno == ENOSYS)
		printf("pidfd=unsupported\n");
	else {
		result("pidfd_open_self", fd >= 0 ? 0 : -1);
		if (fd >= 0) {
			result("pidfd_send_self", syscall(SYS_pidfd_send_signal,
			    fd, SIGUSR1, NULL, 0));
			take("pidfd_send_self", pid);
			close(fd);
		}
	}

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	child = sender(SIGUSR2);
	r = sigtimedwait(&set, &si, &ts);
	result("sigtimedwait", r);
	kv("sigtimedwait_child", child);
	kv("sigtimedwait_si_pid", si.si_pid);
	match("sigtimedwait_si_pid", si.si_pid, child);
	if (waitpid(child, &st, 0) != child || st != 0)
		fail("sender");

	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd == -1)
		fail("signalfd");
	child = sender(SIGUSR2);
	if (waitpid(child, &st, 0) != child || st != 0)
		fail("sender");
	memset(&ssi, 0, sizeof(ssi));
	readall(sfd, &ssi, sizeof(ssi));
	kv("signalfd_child", child);
	kv("signalfd_ssi_pid", ssi.ssi_pid);
	match("signalfd_ssi_pid", ssi.ssi_pid, child);
	close(sfd);

	if (argc > 1)
		outside(parse_long(argv[1]), argc > 2 ? parse_long(argv[2]) :
		    0);
	return 0;
}
