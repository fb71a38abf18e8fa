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

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/queue.h>
#include <sys/stat.h>
#include <sys/tree.h>
#include <sys/types.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "interpose.h"
#include "extern.h"

/*
 * The seccomp filters, built from handlers[] with libseccomp, installed
 * by the instance root before it execs.  Three filters, because
 * libseccomp lets an unconditional action on a call swallow conditional
 * ones on the same call:
 *
 *  notify	ALLOW, except the getters (rows with an answer function;
 *		with nqarg, set_tid_address, unless its argument is in
 *		scratch, TB_MAGIC), with INTERPOSE_ANSWER_PATHS the path
 *		queries (rows with nqarg) unless their path is in scratch
 *		(the supervisor's copies, TB_MAGIC), the opens (nqflags) only
 *		for reading (none of OPENQ_NOT), and getppid(MAGIC0,
 *		MAGIC1): USER_NOTIF, in every ABI.  Its listener's thread
 *		answers the getters and path queries (notify.c) and hands
 *		in descriptors (the scratch memfd, snapshots).
 *  main	ALLOW, except the conditional rows: TRACE.  x86-64 only.
 *  guard	TRACE, except every sysno.list name without a row (and, on
 *		x86-64, the conditional rows, left to main): ALLOW.  Any
 *		other ABI (x32) and any unknown number trap and are refused.
 *
 * The kernel runs all three and takes the strongest action.  Argument-
 * free ALLOWs keep the kernel's per-call action cache effective.
 */


static int	filter_load_rdtrap(uint8_t *, size_t);
static int	ctx_bpf(scmp_filter_ctx, uint8_t **, size_t *);

static int
ctx_attrs(scmp_filter_ctx ctx, int nnp)
{
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, nnp) != 0)
		return -1;
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	return 0;
}

/* ALLOW for everything, in every ABI (no ABI is a bad one).  Or NULL. */
static scmp_filter_ctx
ctx_every_abi(void)
{
	scmp_filter_ctx	 ctx;
	size_t		 i;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return NULL;
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_ALLOW) != 0)
		goto fail;
	for (i = 0; arch.a_pers[i] != NULL; i++)
		if (arch.a_pers[i] != arch.a_native &&
		    seccomp_arch_add(ctx, arch.a_pers[i]->p_scmp) != 0)
			goto fail;
	return ctx;
 fail:
	seccomp_release(ctx);
	return NULL;
}

static enum scmp_compare
hop_cmp(enum hop op)
{
	switch (op) {
	case HOP_EQ:
		return SCMP_CMP_MASKED_EQ;
	case HOP_NE:
		return SCMP_CMP_NE;
	default:
		return SCMP_CMP_LT;
	}
}

/* The conditional rows, as TRACE rules, for x86-64. */
static scmp_filter_ctx
filter_main(int nnp)
{
	scmp_filter_ctx		 ctx;
	const struct handler	*h;
	struct scmp_arg_cmp	 cmp[HRULE_MAX];
	int			 sn, i, j, nr;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return NULL;
	if (ctx_attrs(ctx, nnp) == -1 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_ALLOW) != 0)
		goto fail;
	for (sn = 0; sn < SN__MAX; sn++) {
		h = &handlers[sn];
		if (h->enter == NULL || h->nrule == 0 || h->rdtrap)
			continue;
		if ((nr = arch.a_native->p_nr[sn]) < 0)
			continue;
		for (i = 0; i < h->nrule; i++) {
			for (j = 0; j < h->rule[i].n; j++) {
				const struct hcond *c = &h->rule[i].c[j];

				cmp[j].arg = c->arg;
				cmp[j].op = hop_cmp(c->op);
				if (c->op == HOP_EQ) {
					cmp[j].datum_a = c->mask;
					cmp[j].datum_b = c->val;
				} else {
					cmp[j].datum_a = c->val;
					cmp[j].datum_b = 0;
				}
			}
			if (seccomp_rule_add_exact_array(ctx,
			    SCMP_ACT_TRACE(sn), nr, h->rule[i].n, cmp) != 0)
				goto fail;
		}
	}
	return ctx;
 fail:
	seccomp_release(ctx);
	return NULL;
}

/*
 * One personality's section of the guard: ALLOW for names without a row,
 * and for conditional rows if cond is set.
 */
static scmp_filter_ctx
filter_guard_pers(const struct pers *p, int nnp, int cond)
{
	scmp_filter_ctx		 ctx;
	const struct handler	*h;
	int			 sn;

	if ((ctx = seccomp_init(SCMP_ACT_TRACE(0))) == NULL)
		return NULL;
	if (ctx_attrs(ctx, nnp) == -1 ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
	    SCMP_ACT_TRACE(0)) != 0)
		goto fail;
	if (p != arch.a_native) {
		if (seccomp_arch_add(ctx, p->p_scmp) != 0 ||
		    seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE) != 0)
			goto fail;
	}
	for (sn = 0; sn < SN__MAX; sn++) {
		h = &handlers[sn];
		if (p->p_nr[sn] < 0)
			continue;
		if (h->enter != NULL && !h->rdtrap && !(cond && h->nrule > 0))
			continue;
		/*
		 * By name, so that libseccomp adds i386's socketcall and
		 * ipc forms too.  A name it cannot place stays trapped,
		 * and the dispatcher lets it run.
		 */
		(void)seccomp_rule_add(ctx, SCMP_ACT_ALLOW,
		    seccomp_syscall_resolve_name(sysno_names[sn]), 0);
	}
	return ctx;
 fail:
	seccomp_release(ctx);
	return NULL;
}

static scmp_filter_ctx
filter_guard(int nnp)
{
	scmp_filter_ctx	 g, g32;
	size_t		 i;

	if ((g = filter_guard_pers(arch.a_native, nnp, 1)) == NULL)
		return NULL;
	for (i = 0; arch.a_pers[i] != NULL; i++) {
		if (arch.a_pers[i] == arch.a_native)
			continue;
		if ((g32 = filter_guard_pers(arch.a_pers[i], nnp, 0)) ==
		    NULL || seccomp_merge(g, g32) != 0) {
			if (g32 != NULL)
				seccomp_release(g32);
			seccomp_release(g);
			return NULL;
		}
	}
	return g;
}

/*
 * The read filter, as BPF: TRACE for the rdtrap rows (the reads a
 * signalfd answers), in every ABI.  The supervisor injects it into a
 * process before it makes its first signalfd, so that reads of it stop
 * and the ssi_pid they return can be translated.  *prog is malloc'ed.
 * Returns 0 or -1.
 */
int
filter_rdtrap(uint8_t **prog, size_t *len)
{
	scmp_filter_ctx		 ctx;
	int			 sn, rc = -1;

	*prog = NULL;
	if ((ctx = ctx_every_abi()) == NULL)
		return -1;
	for (sn = 0; sn < SN__MAX; sn++)
		if (handlers[sn].rdtrap && seccomp_rule_add(ctx,
		    SCMP_ACT_TRACE(sn), seccomp_syscall_resolve_name(
		    sysno_names[sn]), 0) != 0)
			goto out;
	rc = ctx_bpf(ctx, prog, len);
 out:
	seccomp_release(ctx);
	return rc;
}

/* ctx as BPF in *prog (malloc'ed), *len bytes.  Returns 0 or -1. */
static int
ctx_bpf(scmp_filter_ctx ctx, uint8_t **prog, size_t *len)
{
	struct stat	 st;
	int		 fd, rc = -1;

	*prog = NULL;
	if ((fd = memfd_create("mult-bpf", MFD_CLOEXEC)) == -1)
		return -1;
	if (seccomp_export_bpf(ctx, fd) == 0 && fstat(fd, &st) == 0 &&
	    st.st_size > 0 && (*prog = malloc((size_t)st.st_size)) != NULL &&
	    pread(fd, *prog, (size_t)st.st_size, 0) == st.st_size) {
		*len = (size_t)st.st_size;
		rc = 0;
	} else {
		free(*prog);
		*prog = NULL;
	}
	close(fd);
	return rc;
}

/*
 * Load the notify filter n with a listener of its own, whose tasks wait
 * killably once the listener has read their notification
 * (WAIT_KILLABLE_RECV, Linux 5.19; libseccomp 2.5 cannot ask for it): a
 * signal then waits for the answer instead of cutting the call short
 * and throwing the answer thread's work away.  Before that, or without
 * it, such a call is made again after the handler (notify_restart()).
 * Returns the listener, or -1.
 */
static int
filter_load_notify(scmp_filter_ctx n, int nnp)
{
	struct sock_fprog	 fp;
	uint8_t			*prog;
	size_t			 len;
	int			 fd;

	if (ctx_bpf(n, &prog, &len) == -1)
		return -1;
	if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		free(prog);
		return -1;
	}
	fp.len = (unsigned short)(len / sizeof(struct sock_filter));
	fp.filter = (struct sock_filter *)(void *)prog;
	fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	    SECCOMP_FILTER_FLAG_NEW_LISTENER |
	    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &fp);
	if (fd == -1 && errno == EINVAL)
		fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_NEW_LISTENER, &fp);
	free(prog);
	return fd;
}

/*
 * The listener filter: USER_NOTIF for the rows with an answer function,
 * for the path queries (answer: INTERPOSE_ANSWER_* bits), in every ABI,
 * and for the supervisor's getppid(MAGIC0, MAGIC1).
 */
static scmp_filter_ctx
filter_notify(int nnp, int answer)
{
	scmp_filter_ctx	 ctx;
	int		 sn, nr, a;

	if ((ctx = ctx_every_abi()) == NULL)
		return NULL;
	if (ctx_attrs(ctx, nnp) == -1)
		goto fail;
	for (sn = 0; sn < SN__MAX; sn++) {
		if ((answer & INTERPOSE_ANSWER_IDS) &&
		    handlers[sn].answer != NULL && handlers[sn].nqarg == 0 &&
		    seccomp_rule_add(ctx, SCMP_ACT_NOTIFY,
		    seccomp_syscall_resolve_name(sysno_names[sn]), 0) != 0)
			goto fail;
		if (!(answer & (handlers[sn].answer != NULL ?
		    INTERPOSE_ANSWER_IDS : INTERPOSE_ANSWER_PATHS)) ||
		    handlers[sn].nqarg == 0 ||
		    (nr = seccomp_syscall_resolve_name(sysno_names[sn])) ==
		    __NR_SCMP_ERROR)
			continue;
		a = handlers[sn].nqarg - 1;
		if (handlers[sn].nqflags == 0 ?
		    (seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
		    SCMP_CMP(a, SCMP_CMP_LT, SCRATCH_ADDR)) != 0 ||
		    seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
		    SCMP_CMP(a, SCMP_CMP_GE, SCRATCH_END)) != 0) :
		    (seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 2,
		    SCMP_CMP(a, SCMP_CMP_LT, SCRATCH_ADDR), SCMP_CMP(
		    handlers[sn].nqflags - 1, SCMP_CMP_MASKED_EQ, OPENQ_NOT,
		    0)) != 0 ||
		    seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 2,
		    SCMP_CMP(a, SCMP_CMP_GE, SCRATCH_END), SCMP_CMP(
		    handlers[sn].nqflags - 1, SCMP_CMP_MASKED_EQ, OPENQ_NOT,
		    0)) != 0))
			goto fail;
	}
	if (!((answer & INTERPOSE_ANSWER_IDS) &&
	    handlers[SN_getppid].answer != NULL) &&
	    seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(getppid), 2,
	    SCMP_A0(SCMP_CMP_EQ, MAGIC0), SCMP_A1(SCMP_CMP_EQ, MAGIC1)) != 0)
		goto fail;
	return ctx;
 fail:
	seccomp_release(ctx);
	return NULL;
}

/*
 * Install the filters in the calling process (the instance root, before
 * exec).  With answer, the getters go to the listener, whose thread the
 * supervisor must then run (interpose_notify()); without, they stop for
 * ptrace.  With nnp, set NO_NEW_PRIVS first (unprivileged
 * supervisors);
 * without, the caller must have CAP_SYS_ADMIN.  *notify gets the
 * listener fd, or -1 if the kernel has none (no scratch then).
 * Returns 0 or -1 with errno set.
 */
int
filter_install(int nnp, int answer, int *notify)
{
	scmp_filter_ctx	 n, m, g;
	uint8_t		*rd = NULL;
	size_t		 rdlen = 0;
	int		 rc;

	*notify = -1;
	if (arch_init() == -1)
		return -1;
	/*
	 * A signalfd passed in (-f) needs the read filter from the start.
	 * Built before the filters are in: getpid(), and the files
	 * libseccomp opens, would stop with no tracer to answer yet.
	 */
	if (fd_any_signalfd(getpid()) && filter_rdtrap(&rd, &rdlen) == -1)
		return -1;
	if ((n = filter_notify(nnp, answer)) != NULL) {
		*notify = filter_load_notify(n, nnp);
		seccomp_release(n);
	}
	if ((m = filter_main(nnp)) == NULL || (g = filter_guard(nnp)) ==
	    NULL) {
		if (m != NULL)
			seccomp_release(m);
		free(rd);
		errno = EINVAL;
		return -1;
	}
	if ((rc = seccomp_load(m)) == 0)
		rc = seccomp_load(g);
	seccomp_release(m);
	seccomp_release(g);
	if (rc != 0) {
		free(rd);
		errno = -rc;
		return -1;
	}
	rc = rd != NULL ? filter_load_rdtrap(rd, rdlen) : 0;
	free(rd);
	return rc;
}

/* Load the read filter in the calling process.  Returns 0 or -1. */
static int
filter_load_rdtrap(uint8_t *prog, size_t len)
{
	struct sock_fprog	 fp;

	fp.len = (unsigned short)(len / sizeof(struct sock_filter));
	fp.filter = (struct sock_filter *)(void *)prog;
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) == -1 ?
	    -1 : 0;
}

/* Print the filters as libseccomp pseudo code on fd (for diagnosis). */
int
filter_export(int fd)
{
	scmp_filter_ctx	 n = NULL, m = NULL, g = NULL;
	int		 rc = -1;

	if (arch_init() == -1)
		return -1;
	if ((n = filter_notify(0, INTERPOSE_ANSWER_IDS |
	    INTERPOSE_ANSWER_PATHS)) != NULL && (m = filter_main(0)) != NULL &&
	    (g = filter_guard(0)) != NULL)
		rc = seccomp_export_pfc(n, fd) == 0 &&
		    seccomp_export_pfc(m, fd) == 0 &&
		    seccomp_export_pfc(g, fd) == 0 ? 0 : -1;
	if (g != NULL)
		seccomp_release(g);
	if (m != NULL)
		seccomp_release(m);
	if (n != NULL)
		seccomp_release(n);
	return rc;
}

/* The public entry point: see filter_install(). */
int
interpose_filter_install(int nnp, int answer, int *notify)
{
	return filter_install(nnp, answer, notify);
}
