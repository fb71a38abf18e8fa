#!/usr/bin/env bats
# The scratch area, where the kernel reads the supervisor's checked copy
# of memory arguments, cannot be written, remapped, reprotected or
# replaced by the instance.

load helpers

@test "scratch is mapped read-only and shared at 0x10000; the private output area above only when a call needs it" {
	probe scratch
	check_status 0
	check capget 0
	check scratch present
	check scratch_perms r--s
	check output_perms none
	check waitid 0
	check match_waitid_si_pid 1
	check waitid_si_status 7
	check output_perms_after rw-p
	verdict
}

@test "no route writes, unmaps, remaps or reprotects scratch" {
	probe scratch
	check_status 0
	check proc_mem_write -EIO
	check process_vm_writev -EFAULT
	check mprotect -EPERM
	check pkey_mprotect -EPERM
	check munmap -EPERM
	check madvise -EPERM
	check mremap -EPERM
	check mremap_onto -EPERM
	check mmap_fixed -EPERM
	check mmap_fixed_below -EPERM
	check mmap_fixed_output -EPERM
	check scratch_perms_after r--s
	check capget_after 0
	verdict
}
