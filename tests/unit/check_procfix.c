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
#include "config.h"

#include <sys/queue.h>
#include <sys/tree.h>
#include <sys/types.h>

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "interpose.h"
#include "extern.h"

/*
 * Unit tests of the /proc rewriters.  The instance has real pids 5000
 * (virtual 1), 5001 (2) and 5002 (3); every other pid is outside.
 */

static struct vmap	 vm;
static char		 out[4096];

static void
setup(void)
{
	vmap_init(&vm, 1000);
	(void)vmap_add(&vm, 5000);
	(void)vmap_add(&vm, 5001);
	(void)vmap_add(&vm, 5002);
}

static void
teardown(void)
{
	vmap_clear(&vm);
}

typedef size_t	(*fixfn)(const struct vmap *, const char *, size_t, char *,
		    size_t);

/* Run f on s; the result as a string, or NULL for PROCFIX_ERR. */
static const char *
fix(fixfn f, const char *s)
{
	size_t	 n;

	memset(out, 'X', sizeof(out));
	if ((n = f(&vm, s, strlen(s), out, sizeof(out) - 1)) == PROCFIX_ERR)
		return NULL;
	ck_assert_uint_lt(n, sizeof(out));
	out[n] = '\0';
	return out;
}

START_TEST(children_are_virtual_and_outside_ones_dropped)
{
	ck_assert_str_eq(fix(procfix_children, "5001 777 5002 "), "2 3 ");
	ck_assert_str_eq(fix(procfix_children, "777 "), "");
	ck_assert_str_eq(fix(procfix_children, ""), "");
	ck_assert_ptr_null(fix(procfix_children, "5001 x "));
}
END_TEST

START_TEST(sched_header_pid_is_virtual)
{
	ck_assert_str_eq(fix(procfix_sched,
	    "sh (5001, #threads: 1)\n---\nse.exec_start : 1.0\n"),
	    "sh (2, #threads: 1)\n---\nse.exec_start : 1.0\n");
	ck_assert_ptr_null(fix(procfix_sched, "garbage\n"));
}
END_TEST

START_TEST(sched_header_survives_a_comm_that_mimics_it)
{
	/* The task named itself "x (5002, #th" or put a newline in. */
	ck_assert_str_eq(fix(procfix_sched,
	    "x (5002, #th (5001, #threads: 2)\n---\n"),
	    "x (5002, #th (2, #threads: 2)\n---\n");
	ck_assert_str_eq(fix(procfix_sched,
	    "a (9, #threads: 1)\n (5000, #threads: 1)\n---\n"),
	    "a (9, #threads: 1)\n (1, #threads: 1)\n---\n");
}
END_TEST

START_TEST(loadavg_counts_and_last_pid_are_the_instance_s)
{
	size_t	 n;

	n = procfix_loadavg("0.82 1.10 1.02 3/101 25813\n", 27, out,
	    sizeof(out) - 1, 2, 7);
	ck_assert_uint_ne(n, PROCFIX_ERR);
	out[n] = '\0';
	ck_assert_str_eq(out, "0.82 1.10 1.02 2/2 7\n");
	n = procfix_loadavg("0.00 0.00 0.00 1/101 25813\n", 27, out,
	    sizeof(out) - 1, 4, 9);
	out[n] = '\0';
	ck_assert_str_eq(out, "0.00 0.00 0.00 1/4 9\n");
	ck_assert_uint_eq(procfix_loadavg("0.00 0.00\n", 10, out,
	    sizeof(out), 1, 1), PROCFIX_ERR);
	ck_assert_uint_eq(procfix_loadavg("0.82 1.10 1.02 3/101 25813\n",
	    27, out, 10, 2, 7), PROCFIX_ERR);
}
END_TEST

START_TEST(ns_last_pid_is_the_last_virtual_pid)
{
	size_t	 n;

	n = procfix_nslast(out, sizeof(out) - 1, 12);
	out[n] = '\0';
	ck_assert_str_eq(out, "12\n");
}
END_TEST

START_TEST(locks_of_outside_owners_are_left_out_with_their_waiters)
{
	ck_assert_str_eq(fix(procfix_locks,
	    "1: POSIX  ADVISORY  WRITE 777 00:1a:123 0 EOF\n"
	    "1: -> POSIX  ADVISORY  WRITE 5001 00:1a:123 0 EOF\n"
	    "2: FLOCK  ADVISORY  WRITE 5002 00:1a:124 0 EOF\n"
	    "2: -> FLOCK  ADVISORY  WRITE 888 00:1a:124 0 EOF\n"
	    "3: OFDLCK ADVISORY  READ -1 00:1a:125 0 EOF\n"
	    "4: LEASE  ACTIVE    READ 5000 <none>:0 0 EOF\n"),
	    "2: FLOCK  ADVISORY  WRITE 3 00:1a:124 0 EOF\n"
	    "2: -> FLOCK  ADVISORY  WRITE 0 00:1a:124 0 EOF\n"
	    "3: OFDLCK ADVISORY  READ -1 00:1a:125 0 EOF\n"
	    "4: LEASE  ACTIVE    READ 1 <none>:0 0 EOF\n");
	ck_assert_str_eq(fix(procfix_locks, ""), "");
	ck_assert_ptr_null(fix(procfix_locks, "1: POSIX WRITE 5001\n"));
}
END_TEST

START_TEST(sysvipc_pids_are_virtual_in_their_columns)
{
	size_t	 n;
	const char *shm =
	    "       key      shmid perms                  size  cpid  lpid\n"
	    " -91883424     196663   644                  4096  5001   777\n"
	    "         0          7   600                  4096   777  5002\n";
	const char *want =
	    "       key      shmid perms                  size  cpid  lpid\n"
	    " -91883424     196663   644                  4096     2     0\n"
	    "         0          7   600                  4096     0     3\n";

	n = procfix_sysvipc(&vm, shm, strlen(shm), out, sizeof(out) - 1, 4, 5);
	ck_assert_uint_ne(n, PROCFIX_ERR);
	out[n] = '\0';
	ck_assert_str_eq(out, want);
	/* A pid column that is not a number: nothing served. */
	shm = "h\n 1 2 3 4 x 5\n";
	ck_assert_uint_eq(procfix_sysvipc(&vm, shm, strlen(shm), out,
	    sizeof(out) - 1, 4, 5), PROCFIX_ERR);
}
END_TEST

START_TEST(fdinfo_of_a_pidfd_names_the_virtual_pid)
{
	ck_assert_str_eq(fix(procfix_fdinfo,
	    "pos:\t0\nflags:\t02000002\nmnt_id:\t4\nino:\t707474\n"
	    "Pid:\t5001\nNSpid:\t5001\n"),
	    "pos:\t0\nflags:\t02000002\nmnt_id:\t4\nino:\t707474\n"
	    "Pid:\t2\nNSpid:\t2\n");
	ck_assert_str_eq(fix(procfix_fdinfo, "Pid:\t777\nNSpid:\t777\n"),
	    "Pid:\t0\nNSpid:\t0\n");
	ck_assert_str_eq(fix(procfix_fdinfo, "Pid:\t-1\nNSpid:\t-1\n"),
	    "Pid:\t-1\nNSpid:\t-1\n");
	/* A supervisor in a namespace of its own sees two levels. */
	ck_assert_str_eq(fix(procfix_fdinfo, "Pid:\t5001\nNSpid:\t5001\t3\n"),
	    "Pid:\t2\nNSpid:\t2\n");
}
END_TEST

START_TEST(fdinfo_lock_lines_are_virtual)
{
	ck_assert_str_eq(fix(procfix_fdinfo,
	    "pos:\t0\nflags:\t02\nlock:\t1: FLOCK  ADVISORY  WRITE 5002 "
	    "00:1a:9 0 EOF\nlock:\t2: POSIX  ADVISORY  WRITE 999 00:1a:9 "
	    "0 EOF\n"),
	    "pos:\t0\nflags:\t02\nlock:\t1: FLOCK  ADVISORY  WRITE 3 "
	    "00:1a:9 0 EOF\nlock:\t2: POSIX  ADVISORY  WRITE 0 00:1a:9 "
	    "0 EOF\n");
}
END_TEST

static size_t
netlink(const struct vmap *v, const char *in, size_t len, char *o,
    size_t cap)
{
	return procfix_netlink(in, len, o, cap);
}

START_TEST(netlink_lines_with_pid_ports_are_dropped)
{
	ck_assert_str_eq(fix(netlink,
	    "sk               Eth Pid        Groups   Rmem\n"
	    "0000000036d295a6 0   0          00000000 0\n"
	    "000000004ebbbd20 0   5001       00000000 0\n"
	    "000000001a072c65 0   777        00000000 0\n"
	    "00000000800d0940 0   2147483648 00000000 0\n"
	    "0000000023e925df 0   4294963199 00000000 0\n"),
	    "sk               Eth Pid        Groups   Rmem\n"
	    "0000000036d295a6 0   0          00000000 0\n"
	    "00000000800d0940 0   2147483648 00000000 0\n"
	    "0000000023e925df 0   4294963199 00000000 0\n");
	ck_assert_ptr_null(fix(netlink, "sk Eth Pid\nxx 0 zz\n"));
}
END_TEST

START_TEST(output_that_does_not_fit_is_an_error)
{
	ck_assert_uint_eq(procfix_children(&vm, "5001 5002 ", 10, out, 3),
	    PROCFIX_ERR);
	ck_assert_uint_eq(procfix_children(&vm, "5001 5002 ", 10, out, 4),
	    4);
}
END_TEST

static Suite *
procfix_suite(void)
{
	Suite	*s = suite_create("procfix");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, children_are_virtual_and_outside_ones_dropped);
	tcase_add_test(tc, sched_header_pid_is_virtual);
	tcase_add_test(tc, sched_header_survives_a_comm_that_mimics_it);
	tcase_add_test(tc, loadavg_counts_and_last_pid_are_the_instance_s);
	tcase_add_test(tc, ns_last_pid_is_the_last_virtual_pid);
	tcase_add_test(tc,
	    locks_of_outside_owners_are_left_out_with_their_waiters);
	tcase_add_test(tc, sysvipc_pids_are_virtual_in_their_columns);
	tcase_add_test(tc, fdinfo_of_a_pidfd_names_the_virtual_pid);
	tcase_add_test(tc, fdinfo_lock_lines_are_virtual);
	tcase_add_test(tc, netlink_lines_with_pid_ports_are_dropped);
	tcase_add_test(tc, output_that_does_not_fit_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(procfix_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
