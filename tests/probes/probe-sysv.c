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
 * probe-sysv: the pids System V IPC records (last sender/receiver of a
 * message queue, creator/last attacher of a segment, last semop).
 *
 * usage: probe-sysv
 *
 * All objects are IPC_PRIVATE and removed on every exit path.
 */

#define _GNU_SOURCE
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>

#include "probe.h"

static int msqid = -1, shmid = -1, semid = -1;

struct msg {
	long	mtype;
	char	mtext[8];
};

/* Remove whatever IPC objects exist. */
static void
cleanup(void)
{
	if (msqid != -1)
		msgctl(msqid, IPC_RMID, NULL);
	if (shmid != -1)
		shmctl(shmid, IPC_RMID, NULL);
	if (semid != -1)
		semctl(semid, 0, IPC_RMID);
	msqid = shmid = semid = -1;
}

/* fail() after removing the IPC objects. */
static void __attribute__((noreturn))
die(const char *what)
{
	int e = errno;

	cleanup();
	errno = e;
	fail(what);
}

/* Run fn in a child and fail unless it exits 0; returns its pid. */
static pid_t
inchild(int (*fn)(void), const char *what)
{
	pid_t p;
	int st;

	fflush(stdout);
	if ((p = fork()) == -1)
		die("fork");
	if (p == 0)
		_exit(fn());
	if (waitpid(p, &st, 0) != p || st != 0) {
		errno = 0;
		die(what);
	}
	return p;
}

/* The children's single IPC operations; each returns its exit code. */
static int
child_msgrcv(void)
{
	struct msg m;

	return msgrcv(msqid, &m, sizeof(m.mtext), 0, IPC_NOWAIT) == -1;
}

static int
child_shmat(void)
{
	void *a;

	if ((a = shmat(shmid, NULL, 0)) == (void *)-1)
		return 1;
	return shmdt(a) == -1;
}

static int
child_semop(void)
{
	struct sembuf op = { 0, 1, 0 };

	return semop(semid, &op, 1) == -1;
}

int
main(void)
{
	struct msqid_ds mds;
	struct shmid_ds sds;
	struct sembuf op = { 0, 1, 0 };
	struct msg m;
	long pid;
	pid_t c;
	void *a;

	pid = sys_getpid();
	kv("pid", pid);

	if ((msqid = msgget(IPC_PRIVATE, IPC_CREAT | 0600)) == -1)
		die("msgget");
	m.mtype = 1;
	memcpy(m.mtext, "probe", 6);
	result("msgsnd", msgsnd(msqid, &m, sizeof(m.mtext), 0));
	result("msgctl_stat", msgctl(msqid, IPC_STAT, &mds));
	kv("msg_lspid", mds.msg_lspid);
	match("msg_lspid", mds.msg_lspid, pid);
	c = inchild(child_msgrcv, "msgrcv");
	result("msgctl_stat2", msgctl(msqid, IPC_STAT, &mds));
	kv("msg_child", c);
	kv("msg_lrpid", mds.msg_lrpid);
	match("msg_lrpid", mds.msg_lrpid, c);

	if ((shmid = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600)) == -1)
		die("shmget");
	if ((a = shmat(shmid, NULL, 0)) == (void *)-1)
		die("shmat");
	result("shmctl_stat", shmctl(shmid, IPC_STAT, &sds));
	kv("shm_cpid", sds.shm_cpid);
	kv("shm_lpid", sds.shm_lpid);
	match("shm_cpid", sds.shm_cpid, pid);
	match("shm_lpid", sds.shm_lpid, pid);
	c = inchild(child_shmat, "shmat");
	result("shmctl_stat2", shmctl(shmid, IPC_STAT, &sds));
	kv("shm_child", c);
	kv("shm_lpid2", sds.shm_lpid);
	match("shm_lpid2", sds.shm_lpid, c);
	shmdt(a);

	if ((semid = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600)) == -1)
		die("semget");
	result("semop", semop(semid, &op, 1));
	result("sem_getpid", semctl(semid, 0, GETPID));
	match("sem_getpid", semctl(semid, 0, GETPID), pid);
	c = inchild(child_semop, "semop");
	kv("sem_child", c);
	result("sem_getpid2", semctl(semid, 0, GETPID));
	match("sem_getpid2", semctl(semid, 0, GETPID), c);
	result("sem_getval", semctl(semid, 0, GETVAL));

	cleanup();
	return 0;
}
