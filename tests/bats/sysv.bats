#!/usr/bin/env bats
# The pids System V IPC records (msg_lspid/msg_lrpid, shm_cpid/shm_lpid,
# semctl GETPID) read back as virtual pids.

load helpers

@test "probe-sysv: msgctl IPC_STAT reports the last sender and receiver by virtual pid" {
	probe sysv
	check_status 0
	check pid 1
	check msgsnd 0
	check msgctl_stat 0
	check msg_lspid 1
	check msgctl_stat2 0
	check msg_child 2
	check msg_lrpid 2
	verdict
}

@test "probe-sysv: shmctl IPC_STAT reports the creator and last attacher by virtual pid" {
	probe sysv
	check_status 0
	check shmctl_stat 0
	check shm_cpid 1
	check shm_lpid 1
	check shmctl_stat2 0
	check shm_child 3
	check shm_lpid2 3
	verdict
}

@test "probe-sysv: semctl GETPID reports the last semop by virtual pid" {
	probe sysv
	check_status 0
	check semop 0
	check sem_getpid 1
	check sem_child 4
	check sem_getpid2 4
	check sem_getval 2
	verdict
}

@test "probe-sysv: all match_* keys are 1" {
	probe sysv
	check_status 0
	check_all_match
	verdict
}
