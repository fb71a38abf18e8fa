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
#ifndef INTERPOSE_H
#define INTERPOSE_H

/*
 * libinterpose: run a process tree as an instance with virtual process
 * ids.  The library traces; it never prints, exits or decides policy.
 *
 * Sequence for a caller (instproc, multd's tracer):
 *
 *	interp = interpose_new(...);
 *	pid = fork();
 *	child: wait for the parent; interpose_filter_install(nnp, answer,
 *	    &fd);
 *	    pass fd to the parent; drop privileges; execve
 *	parent: interpose_seize(interp, pid); release the child; take its
 *	    listener with pidfd_getfd and give it to interpose_notify(),
 *	    which starts the thread that serves it (if that fails, the
 *	    caller must not let the child exec)
 *	while (interpose_step(interp) == 0) ;
 *	status = interpose_status(interp);
 *
 * interpose_notify() takes SIGRTMIN + 3 for the library: a handler that
 * does nothing, without SA_RESTART, so that the answer thread can take
 * the tracing thread (the caller's) out of wait4.  The caller must
 * leave that signal unblocked there and not use it otherwise; an
 * interpose_step() it cut short returns 0.
 */

struct interp;

/* What interpose_filter_install() sends to the listener's thread. */
#define INTERPOSE_ANSWER_IDS	0x1	/* the getters */
#define INTERPOSE_ANSWER_PATHS	0x2	/* path queries: only for an
					   instance with the caller's rights */

/* Log levels of the hook. */
enum interpose_log {
	ILOG_WARN,	/* the supervisor cannot do its job */
	ILOG_DENY,	/* a call of the instance was refused (-v) */
	ILOG_INFO,	/* features, start, end */
	ILOG_DEBUG,	/* every stop */
	ILOG__MAX
};

typedef void (*interpose_log_fn)(enum interpose_log, const char *, void *);

/* Kernel features the engine needs; interpose_probe() names a missing one. */
struct interp	*interpose_new(interpose_log_fn, void *, int);
void		 interpose_free(struct interp *);
const char	*interpose_probe(void);
int		 interpose_filter_install(int, int, int *);
int		 interpose_seize(struct interp *, pid_t);
int		 interpose_notify(struct interp *, int);
int		 interpose_rootstop(struct interp *);
int		 interpose_step(struct interp *);
int		 interpose_status(const struct interp *);
pid_t		 interpose_root(const struct interp *);
void		 interpose_kill(struct interp *, int);
int		 interpose_signal_root(struct interp *, int);
size_t		 interpose_ntasks(const struct interp *);
unsigned long long interpose_nstops(const struct interp *);
unsigned long long interpose_nnotifs(const struct interp *);
unsigned long long interpose_ntakebacks(const struct interp *);

/* The system call table, for docs/syscalls.md and tests. */
struct interpose_row {
	const char	*name;	/* system call */
	const char	*class;	/* family */
	const char	*when;	/* argument condition, or "always" */
	const char	*how;	/* handling */
	int		 stops;	/* seccomp + exit stops in the common case */
};
size_t		 interpose_rows(const struct interpose_row **);

#endif /* !INTERPOSE_H */
