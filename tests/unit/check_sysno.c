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
#include <sys/syscall.h>
#include <sys/tree.h>
#include <sys/types.h>

#include <check.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interpose.h"
#include "extern.h"

/*
 * Unit tests of the system call table and the per-arch number maps, in
 * the spirit of libseccomp's arch-syscall-validate.
 */

START_TEST(every_sysno_has_a_name_in_sorted_order)
{
	int	 sn;

	for (sn = 0; sn < SN__MAX; sn++) {
		ck_assert_ptr_nonnull(sysno_names[sn]);
		ck_assert_int_eq(sysno_lookup(sysno_names[sn]), sn);
		if (sn > 0)
			ck_assert_int_lt(strcmp(sysno_names[sn - 1],
			    sysno_names[sn]), 0);
	}
	ck_assert_int_eq(sysno_lookup("no_such_call"), -1);
}
END_TEST

START_TEST(every_name_exists_on_some_abi)
{
	int	 sn;

	ck_assert_int_eq(arch_init(), 0);
	for (sn = 0; sn < SN__MAX; sn++)
		ck_assert_msg(arch.a_pers[0]->p_nr[sn] >= 0 ||
		    arch.a_pers[1]->p_nr[sn] >= 0, "%s on no ABI",
		    sysno_names[sn]);
}
END_TEST

START_TEST(numbers_match_the_kernel_headers)
{
	ck_assert_int_eq(arch_init(), 0);
	ck_assert_int_eq(arch.a_native->p_nr[SN_getpid], SYS_getpid);
	ck_assert_int_eq(arch.a_native->p_nr[SN_kill], SYS_kill);
	ck_assert_int_eq(arch.a_native->p_nr[SN_clone3], SYS_clone3);
	ck_assert_int_eq(arch.a_native->p_sn[SYS_wait4], SN_wait4);
	ck_assert_int_eq(arch.a_pers[1]->p_nr[SN_getpid], 20);
	ck_assert_int_eq(arch.a_pers[1]->p_nr[SN_waitpid], 7);
	ck_assert_int_eq(arch.a_pers[1]->p_sn[102], SN_socketcall);
	ck_assert_int_eq(arch.a_native->p_nr[SN_waitpid], -1);
}
END_TEST

START_TEST(every_trapping_row_names_a_known_call)
{
	const struct handler	*h;
	int			 sn, i, j;

	ck_assert_int_eq(arch_init(), 0);
	for (sn = 0; sn < SN__MAX; sn++) {
		h = &handlers[sn];
		if (h->enter == NULL && h->how == NULL)
			continue;
		ck_assert_msg(h->how != NULL, "%s has no text",
		    sysno_names[sn]);
		ck_assert_int_lt(h->class, HC__MAX);
		ck_assert_int_le(h->nrule, HRULES_MAX);
		ck_assert_msg(h->stops >= 0 && h->stops <= 5,
		    "%s stops", sysno_names[sn]);
		for (i = 0; i < h->nrule; i++) {
			ck_assert_int_ge(h->rule[i].n, 1);
			ck_assert_int_le(h->rule[i].n, HRULE_MAX);
			for (j = 0; j < h->rule[i].n; j++) {
				ck_assert_int_lt(h->rule[i].c[j].arg, 6);
				ck_assert_ptr_nonnull(h->rule[i].c[j].name);
			}
		}
	}
}
END_TEST

START_TEST(getters_cost_one_stop)
{
	ck_assert_int_eq(handlers[SN_getpid].stops, 1);
	ck_assert_int_eq(handlers[SN_gettid].stops, 1);
	ck_assert_int_eq(handlers[SN_getppid].stops, 1);
	ck_assert_ptr_null(handlers[SN_getpid].exit);
	/* read is trapped only by the read filter (signalfd). */
	ck_assert_int_eq(handlers[SN_read].rdtrap, 1);
	ck_assert_int_eq(handlers[SN_read].nrule, 0);
}
END_TEST

START_TEST(the_docs_rows_cover_the_table)
{
	const struct interpose_row	*r;
	size_t				 n, i;
	int				 seen = 0;

	n = interpose_rows(&r);
	ck_assert_uint_gt(n, 50);
	for (i = 0; i < n; i++) {
		ck_assert_ptr_nonnull(r[i].when);
		if (strcmp(r[i].name, "ioctl") == 0) {
			seen = 1;
			ck_assert_ptr_nonnull(strstr(r[i].when, "TIOCSPGRP"));
		}
	}
	ck_assert_int_eq(seen, 1);
}
END_TEST

START_TEST(the_filters_build)
{
	FILE	*f;

	f = tmpfile();
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(filter_export(fileno(f)), 0);
	fclose(f);
}
END_TEST

static Suite *
sysno_suite(void)
{
	Suite	*s = suite_create("sysno");
	TCase	*tc = tcase_create("table");

	tcase_add_test(tc, every_sysno_has_a_name_in_sorted_order);
	tcase_add_test(tc, every_name_exists_on_some_abi);
	tcase_add_test(tc, numbers_match_the_kernel_headers);
	tcase_add_test(tc, every_trapping_row_names_a_known_call);
	tcase_add_test(tc, getters_cost_one_stop);
	tcase_add_test(tc, the_docs_rows_cover_the_table);
	tcase_add_test(tc, the_filters_build);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(sysno_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
