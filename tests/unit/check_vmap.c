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
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "interpose.h"
#include "extern.h"

/* Unit tests of the virtual id table. */

static struct vmap	 vm;

static void
setup(void)
{
	vmap_init(&vm, 1000);
}

static void
teardown(void)
{
	vmap_clear(&vm);
}

START_TEST(ids_are_given_in_creation_order)
{
	struct vid	*a, *b, *c;

	a = vmap_add(&vm, 5000);
	b = vmap_add(&vm, 4000);
	c = vmap_add(&vm, 6000);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(a->v_virt, 1);
	ck_assert_int_eq(b->v_virt, 2);
	ck_assert_int_eq(c->v_virt, 3);
	ck_assert_int_eq(vmap_r2v(&vm, 4000), 2);
	ck_assert_int_eq(vmap_v2r(&vm, 3), 6000);
}
END_TEST

START_TEST(unknown_ids_translate_to_zero)
{
	(void)vmap_add(&vm, 5000);
	ck_assert_int_eq(vmap_r2v(&vm, 5001), 0);
	ck_assert_int_eq(vmap_v2r(&vm, 2), 0);
	ck_assert_int_eq(vmap_v2r(&vm, 0), 0);
	ck_assert_int_eq(vmap_v2r(&vm, -1), 0);
	ck_assert_int_eq(vmap_r2v(&vm, -5000), 0);
}
END_TEST

START_TEST(a_real_id_is_mapped_once)
{
	ck_assert_ptr_nonnull(vmap_add(&vm, 5000));
	errno = 0;
	ck_assert_ptr_null(vmap_add(&vm, 5000));
	ck_assert_int_eq(errno, EEXIST);
}
END_TEST

START_TEST(the_last_reference_frees_the_entry)
{
	struct vid	*a;

	a = vmap_add(&vm, 5000);
	vmap_ref(a);
	vmap_unref(&vm, a);
	ck_assert_int_eq(vmap_r2v(&vm, 5000), 1);
	vmap_unref(&vm, a);
	ck_assert_int_eq(vmap_r2v(&vm, 5000), 0);
	ck_assert_int_eq(vmap_v2r(&vm, 1), 0);
	ck_assert_uint_eq(vm.vm_count, 0);
}
END_TEST

START_TEST(freed_ids_are_not_reused_before_a_wrap)
{
	struct vid	*a, *b;

	a = vmap_add(&vm, 5000);
	vmap_unref(&vm, a);
	b = vmap_add(&vm, 5001);
	ck_assert_int_eq(b->v_virt, 2);
}
END_TEST

START_TEST(ids_wrap_to_300_and_skip_ids_in_use)
{
	struct vid	*v;
	pid_t		 r;

	/* Fill 1..999, free all but 300 and 301, then add two more. */
	for (r = 1; r < 1000; r++)
		ck_assert_ptr_nonnull(vmap_add(&vm, 10000 + r));
	for (r = 1; r < 1000; r++)
		if (r != 300 && r != 301)
			vmap_unref(&vm, vmap_virt(&vm, r));
	v = vmap_add(&vm, 20000);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->v_virt, 302);
	ck_assert_int_eq(vmap_r2v(&vm, 10300), 300);
}
END_TEST

START_TEST(a_full_table_says_eagain)
{
	pid_t	 r;

	for (r = 1; r < 1000; r++)
		(void)vmap_add(&vm, 10000 + r);
	errno = 0;
	ck_assert_ptr_null(vmap_add(&vm, 50000));
	ck_assert_int_eq(errno, EAGAIN);
}
END_TEST

START_TEST(freed_ids_are_remembered_for_late_reports)
{
	struct vid	*a;

	a = vmap_add(&vm, 5000);
	(void)vmap_add(&vm, 5001);
	vmap_unref(&vm, a);
	ck_assert_int_eq(vmap_r2v(&vm, 5000), 0);
	ck_assert_int_eq(vmap_r2v_hist(&vm, 5000), 1);
	ck_assert_int_eq(vmap_r2v_hist(&vm, 5001), 2);
	ck_assert_int_eq(vmap_r2v_hist(&vm, 4999), 0);
}
END_TEST

START_TEST(the_last_id_handed_out_is_kept_after_it_is_freed)
{
	struct vid	*a, *b;

	ck_assert_int_eq(vmap_last(&vm), 0);
	a = vmap_add(&vm, 5000);
	b = vmap_add(&vm, 5001);
	ck_assert_int_eq(vmap_last(&vm), 2);
	vmap_unref(&vm, b);
	ck_assert_int_eq(vmap_last(&vm), 2);
	vmap_unref(&vm, a);
	(void)vmap_add(&vm, 5002);
	ck_assert_int_eq(vmap_last(&vm), 3);
}
END_TEST

static Suite *
vmap_suite(void)
{
	Suite	*s = suite_create("vmap");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, ids_are_given_in_creation_order);
	tcase_add_test(tc, unknown_ids_translate_to_zero);
	tcase_add_test(tc, a_real_id_is_mapped_once);
	tcase_add_test(tc, the_last_reference_frees_the_entry);
	tcase_add_test(tc, freed_ids_are_not_reused_before_a_wrap);
	tcase_add_test(tc, ids_wrap_to_300_and_skip_ids_in_use);
	tcase_add_test(tc, a_full_table_says_eagain);
	tcase_add_test(tc, freed_ids_are_remembered_for_late_reports);
	tcase_add_test(tc, the_last_id_handed_out_is_kept_after_it_is_freed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(vmap_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
