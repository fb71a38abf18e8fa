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
#ifndef EXTERN_H
#define EXTERN_H

#include <pthread.h>

#include "sysno.h"

/*
 * A real pid that can never exist: above PID_MAX_LIMIT (4194304), and
 * small enough to survive in a CPU clock id (pid << 3 in 32 bits).  An
 * argument naming something outside the instance is rewritten to it, so
 * the kernel itself answers exactly as for a pid that does not exist.
 */
#define GHOST_PID	0x0fffffff

/*
 * The scratch area: a sealed memfd mapped read-only and shared at a fixed
 * address in every instance process that needs one, for inputs the
 * kernel must read as checked.  The supervisor writes it through its own
 * mapping; the instance can neither write it (no VM_WRITE, no VM_MAYWRITE,
 * shared so FOLL_FORCE cannot COW it) nor unmap, remap or reprotect it
 * (those calls are trapped below SCRATCH_END).  Above it, a private
 * read-write area takes outputs the kernel writes (si_pid, l_pid, ...)
 * until the supervisor copies them out translated: no thread reads them
 * from its own buffers before then.
 */
#define SCRATCH_ADDR	0x10000UL
#define SCRATCH_LEN	0x20000UL	/* read-only, for inputs */
#define OUTPUT_ADDR	0x30000UL
#define OUTPUT_LEN	0x10000UL	/* private read-write, for outputs */
#define SCRATCH_BLOCK	0x10000UL	/* filter granularity */
#define SCRATCH_END	(OUTPUT_ADDR + OUTPUT_LEN)
#define SCRATCH_UNIT	256
#define MAGIC0		0x6d756c74UL	/* getppid(MAGIC0, MAGIC1): the */
#define MAGIC1		0x73637231UL	/* listener installs a descriptor */
#define TB_MAGIC	SCRATCH_ADDR	/* a path taken back: see notify.c */
/*
 * Open flags that keep an open from the listener (h_openq()): any access
 * but reading, creating, truncating, O_PATH (SECCOMP_IOCTL_NOTIF_ADDFD
 * cannot install such a descriptor: EBADF), and O_TMPFILE's own bit (the
 * kernel's __O_TMPFILE; glibc's includes O_DIRECTORY).
 */
#define OPENQ_NOT	(O_ACCMODE | O_CREAT | O_TRUNC | O_PATH | 020000000)
/* The kernel's O_LARGEFILE (x86's, asm-generic's): glibc's is 0 here. */
#define KO_LARGEFILE	0100000
/* The open flags the kernel knows (openat2 refuses any other). */
#define OPEN_KNOWN	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | \
	O_APPEND | O_NONBLOCK | O_SYNC | O_ASYNC | O_DIRECT | KO_LARGEFILE | \
	O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | O_TMPFILE)
#define TB_SIGNAL	(SIGRTMIN + 3)	/* wakes the tracing thread for it */
#define NOTIFY_THREADS	2		/* answer threads at most */
#define DROP_MAX	253		/* SCM_MAX_FD */
#define CLOSE_MAGIC	0x6d756c00U	/* close_range flags no kernel takes */
#define ANSWER_BACK	INT64_MIN	/* a getter's: take the call back */
#define SCRATCH_UNITS	((SCRATCH_END - SCRATCH_ADDR) / SCRATCH_UNIT)
#define SCRATCH_ROUNITS	(SCRATCH_LEN / SCRATCH_UNIT)

/* Registers of a system call stop, in ABI-neutral names. */
enum reg {
	R_NR,		/* system call number (orig_rax) */
	R_RET,		/* return value (rax) */
	R_A0,		/* arguments, in ABI order */
	R_A1,
	R_A2,
	R_A3,
	R_A4,
	R_A5,
	R_IP,		/* instruction pointer */
	R__MAX
};

/*
 * One ABI the CPU accepts.  The native one and the compat ones live in
 * the same arch file; generic code never names an architecture.
 */
struct pers {
	const char	*p_name;	/* "x86_64", "i386" */
	uint32_t	 p_audit;	/* AUDIT_ARCH_* */
	uint32_t	 p_scmp;	/* SCMP_ARCH_* */
	int		 p_compat;	/* 32-bit arguments */
	size_t		 p_off[R__MAX];	/* offsets in struct user_regs */
	uint16_t	*p_sn;		/* nr -> SN_*, SN__MAX if unknown */
	int		*p_nr;		/* SN_* -> nr, -1 if none */
	int		 p_nrmax;	/* size of p_sn */
};

/* The machine: every personality, and the instruction length of a call. */
struct arch {
	const struct pers	*a_native;
	struct pers		*a_pers[3];	/* NULL-terminated */
	uint32_t		 a_x32;		/* audit arch of x32, or 0 */
	int			 a_insnlen;	/* syscall / int $0x80 */
};
extern struct arch arch;
int		 arch_init(void);
struct pers	*arch_pers(uint32_t);

/*
 * Virtual ids.  An entry lives while a task has it as tid or a process
 * has it as pgid or sid; its real pid cannot be reused before that,
 * because the supervisor reaps or sees every task die first.
 */
struct vid {
	RB_ENTRY(vid)	 v_rent;	/* by real id */
	RB_ENTRY(vid)	 v_vent;	/* by virtual id */
	pid_t		 v_real;
	pid_t		 v_virt;
	int		 v_refs;
	int		 v_gone;	/* its process is reaped, see proc_dead */
};
RB_HEAD(vid_rtree, vid);
RB_HEAD(vid_vtree, vid);
int		 vid_rcmp(const struct vid *, const struct vid *);
int		 vid_vcmp(const struct vid *, const struct vid *);
RB_PROTOTYPE(vid_rtree, vid, v_rent, vid_rcmp)
RB_PROTOTYPE(vid_vtree, vid, v_vent, vid_vcmp)

#define VMAP_HIST	256

struct vmap {
	struct vid_rtree	 vm_real;
	struct vid_vtree	 vm_virt;
	pid_t			 vm_next;	/* next virtual id to try */
	pid_t			 vm_max;	/* pid_max */
	pid_t			 vm_last;	/* handed out last, or 0 */
	size_t			 vm_count;
	struct {
		pid_t		 real, virt;
	}			 vm_hist[VMAP_HIST];	/* recently freed */
	size_t			 vm_histn;
};

void		 vmap_init(struct vmap *, pid_t);
void		 vmap_clear(struct vmap *);
struct vid	*vmap_add(struct vmap *, pid_t);
struct vid	*vmap_real(const struct vmap *, pid_t);
struct vid	*vmap_virt(const struct vmap *, pid_t);
void		 vmap_ref(struct vid *);
void		 vmap_unref(struct vmap *, struct vid *);
pid_t		 vmap_r2v(const struct vmap *, pid_t);
pid_t		 vmap_v2r(const struct vmap *, pid_t);
pid_t		 vmap_r2v_hist(const struct vmap *, pid_t);
pid_t		 vmap_last(const struct vmap *);

/*
 * The instance's scratch memfd.  One for the whole instance: every
 * address space maps it at SCRATCH_ADDR, and a call holds its units
 * until its exit stop.
 */
struct scratch {
	int		 s_fd;		/* read-write, the supervisor's */
	int		 s_rofd;	/* read-only, what tracees get */
	uint8_t		*s_base;	/* the supervisor's mapping */
	dev_t		 s_dev;
	ino_t		 s_ino;
	uint64_t	 s_used[SCRATCH_UNITS / 64];
	uint64_t	 s_rdprog[2];	/* sock_fprog of the read filter, */
					/* native and compat; 0: none */
};

enum mm_state {
	MM_NONE,	/* no scratch yet */
	MM_FD,		/* a read-only fd was installed (m_fd) */
	MM_MAPPED,	/* mapped; the fd still to be closed */
	MM_CLOSED,	/* read-only scratch ready; the output area not mapped */
	MM_READY,	/* both */
	MM_FAILED	/* could not map it: memory calls are denied */
};

/* An address space; vfork children and threads share one. */
/*
 * Whether a supervisor without CAP_SYS_PTRACE can reach the address space:
 * the kernel refuses it every access (process_vm_readv, /proc/PID/mem,
 * PEEKDATA, pidfd_getfd, /proc/PID/fd) once the process is not dumpable.
 */
enum mm_dump {
	MD_YES,		/* dumpable */
	MD_CHECK,	/* may have lost it (exec, credentials): check */
	MD_FAIL		/* lost it and could not be given it back */
};

struct mm {
	int		 m_refs;
	enum mm_state	 m_state;
	int		 m_fd;		/* in the tracee, MM_FD and MM_MAPPED */
	pid_t		 m_busy;	/* tid running an injected call */
	int		 m_outfail;	/* the output area could not be mapped */
	enum mm_dump	 m_dump;
	int		 m_nodump;	/* asked PR_SET_DUMPABLE 0 (emulated) */
	int		 m_memfd;	/* its /proc/TID/mem, -1, or -2: never */
	int		 m_mapsfd;	/* and /proc/TID/maps, with it */
};

/* A process (thread group), as a PID namespace's init would see it. */
struct proc {
	TAILQ_ENTRY(proc)	 p_entry;	/* all processes */
	TAILQ_ENTRY(proc)	 p_sibling;
	TAILQ_HEAD(, proc)	 p_children;
	struct proc		*p_parent;	/* NULL: outside (the root) */
	struct vid		*p_pid;
	struct vid		*p_pgid;	/* NULL: outside */
	struct vid		*p_sid;		/* NULL: outside */
	int			 p_threads;	/* live traced tasks */
	int			 p_flags;
#define P_SUBREAPER	 0x01
#define P_DEAD		 0x02	/* every task dead: a zombie */
#define P_ROOT		 0x04
#define P_GONE		 0x08	/* reaped; kept for its parent's wait */
#define P_RDTRAP	 0x10	/* has the read filter (signalfd) */
#define P_RDFAIL	 0x20	/* could not be given it */
#define P_CONFINED	 0x40	/* narrowed its own rights: see h_confine() */
	int			 p_pidfd;	/* pins the struct pid */
};
TAILQ_HEAD(proclist, proc);

/* A memory range the handler put in scratch for one call. */
struct sbuf {
	size_t		 off;		/* offset in scratch, or SIZE_MAX */
	size_t		 len;
};

/*
 * One system call in flight in one task: the values read at the stop,
 * the registers to restore at the exit stop, and handler state.
 */
struct call {
	int		 c_sn;		/* SN_*, or SN__MAX */
	const struct pers *c_pers;
	uint64_t	 c_nr;
	uint64_t	 c_arg[6];	/* as the instance passed them */
	uint64_t	 c_ip;
	int64_t		 c_ret;		/* at the exit stop */
	unsigned int	 c_restore;	/* argument registers to restore */
	uint64_t	 c_raw[6];	/* their values before */
	struct sbuf	 c_sbuf;	/* scratch held until the exit stop */
	struct sbuf	 c_obuf;	/* output area held likewise */
	pid_t		 c_hold[2];	/* real targets held while in flight */
	int64_t		 c_aux[6];	/* handler state */
	int		 c_fan;		/* fan-out step, -1 if none */
	pid_t		*c_fanv;	/* fan-out targets, real */
	int		 c_fann;
	int64_t		 c_fanret;
	int		 c_fanmode;	/* FAN_* */
	int		 c_fanarg;	/* the argument each step sets */
	struct nanswer	*c_nq;		/* answered by the listener: see */
};					/* notify.c; NULL at a stop */

/* A path query's answer from the answer thread (c_nq). */
struct nanswer {
	struct interp	*ip;
	uint64_t	 id;		/* the notification */
	int		 fd;		/* the listener */
	int		 done;		/* ret is the answer */
	int		 as;		/* walked with the caller's rights */
	int64_t		 ret;
	int		 afd;		/* or ours to install (ret 0), */
	int		 afdfl;		/* with O_CLOEXEC or 0 */
};

enum fanmode {
	FAN_KILL,	/* kill(-1): 0 unless an error other than EPERM */
	FAN_GETPRIO,	/* highest value */
	FAN_SETPRIO	/* ESRCH if none, else the last EPERM/EACCES */
};

/*
 * The PROCMAP_QUERY ioctl of /proc/PID/maps (Linux 6.11), from
 * <linux/fs.h>, which older headers lack: one mapping, no text to parse
 * (scratch.c, notify.c).
 */
#define PMQ_IOCTL	_IOWR(0x66, 17, struct pmq)
#define PMQ_READ	0x01
#define PMQ_WRITE	0x02
#define PMQ_EXEC	0x04
#define PMQ_SHARED	0x08

struct pmq {
	uint64_t	 size;
	uint64_t	 query_flags;
	uint64_t	 query_addr;
	uint64_t	 vma_start;
	uint64_t	 vma_end;
	uint64_t	 vma_flags;
	uint64_t	 vma_page_size;
	uint64_t	 vma_offset;
	uint64_t	 inode;
	uint32_t	 dev_major;
	uint32_t	 dev_minor;
	uint32_t	 vma_name_size;
	uint32_t	 build_id_size;
	uint64_t	 vma_name_addr;
	uint64_t	 build_id_addr;
};

/*
 * Rights the answer thread can take on for a walk (notify.c): one uid
 * (real, effective, filesystem), one gid likewise, a few groups, no
 * capability, the supervisor's LSM context.
 */
#define CR_GROUPS	32
struct tcred {
	uid_t		 uid;
	gid_t		 gid;
	int		 ngroups;
	gid_t		 groups[CR_GROUPS];
};

/* A path query the answer thread gives back to a ptrace stop. */
enum tbstate {
	TB_NONE,
	TB_WANT,	/* the tracing thread is to interrupt the task */
	TB_SENT,	/* PTRACE_INTERRUPT made */
	TB_ARMED	/* the path argument is TB_MAGIC for the restart */
};

/* What a handler wants done with the stopped task. */
enum verdict {
	V_CONT,		/* resume; no exit stop */
	V_EXIT,		/* resume and stop at the exit of the call */
	V_PARK,		/* leave it stopped; someone else resumes it */
	V_AGAIN		/* at exit: rewound to run again (fan-out) */
};

enum tstate {
	TS_NEW,		/* seen stopping, parent's event not yet */
	TS_BORN,	/* parent's event seen, first stop not yet */
	TS_RUN,		/* running, no call of ours in flight */
	TS_CALL,	/* an exit stop is expected */
	TS_INJECT,	/* running a call the supervisor injected */
	TS_PARKED	/* waiting for another task's injection */
};

/* Where an injected call starts: see inject.c. */
enum injmode {
	INJ_ENTRY,	/* at a seccomp stop; the call runs again after */
	INJ_EXIT	/* at an exit stop; its result is kept */
};
struct tracee;
struct injframe;
typedef void	(*inject_fn)(struct interp *, struct tracee *, int64_t);

/* An injected call and what it needs to finish. */
struct injstate {
	inject_fn	 fn;		/* NULL: none */
	enum injmode	 mode;
	int		 pending;	/* INJ_EXIT: not at its stop yet */
	int		 nr;		/* what it is */
	uint64_t	 arg[6];
	int		 err;		/* INJ_EXIT: fail the first call */
	int64_t		 data[8];	/* the callback's state */
	int		 fan;		/* not injected: a fan-out step */
	int		 fixarg;	/* at its stop, arg[fixarg] becomes */
	uint64_t	 fixval;	/* fixval (-1: none) */
	uint64_t	 saved[32];	/* user_regs of the first call */
};

/* One traced task (thread). */
struct tracee {
	RB_ENTRY(tracee)	 t_entry;
	TAILQ_ENTRY(tracee)	 t_wait;	/* parked on an mm */
	pid_t			 t_tid;		/* real */
	struct vid		*t_id;
	struct proc		*t_proc;
	struct mm		*t_mm;
	enum tstate		 t_state;
	int			 t_flags;
#define T_SEEN		 0x01	/* first stop arrived */
#define T_CHILDTID	 0x02	/* rewrite t_ctid at the first stop */
#define T_INCALL	 0x04	/* in a seccomp-stopped call */
#define T_FORKRET	 0x08	/* translate the fork return at exit */
#define T_HELD		 0x10	/* exiting, held for an in-flight call */
#define T_TBMASK	 0x20	/* signals blocked until the call's exit */
#define T_TBCONT	 0x40	/* ... an exit stop asked for that alone */
#define T_TBAGAIN	 0x80	/* ... run again by an injected step */
	uint64_t		 t_ctid;	/* CLONE_CHILD_SETTID address */
	pid_t			 t_newchild;	/* for T_FORKRET */
	struct call		 t_call;
	uint64_t		 t_robust;	/* i386 set_robust_list head */
	uint64_t		 t_tidaddr;	/* set_tid_address not yet */
	int			 t_tidset;	/* the kernel's: see h_id.c */
	int			 t_cred;	/* 0 unknown, 1 ours, 2 not, */
	struct tcred		 t_cr;		/* 3 not but these (tcred) */
	uint64_t		 t_saved[32];	/* user_regs, for injection */
	int			 t_afd;		/* for the listener to install */
	int			 t_nbusy;	/* an answer thread serves it */
	int			 t_afdown;	/* ... and close then */
	int			 t_afdflags;	/* O_CLOEXEC or 0 */
	int			 t_afdnr;	/* the getppid that asks for it */
	struct injstate		 t_inj;		/* fn NULL: scratch's, if any */
	struct injframe		*t_injstack;	/* put aside under handlers */
	int			*t_drop;	/* descriptors to close, */
	int			 t_ndrop;	/* injected one by one */
	enum tbstate		 t_tb;		/* a path query taken back: */
	uint64_t		 t_tbid;	/* its notification, */
	const struct pers	*t_tbpers;	/* ABI, */
	int			 t_tbnr;	/* call number, */
	int			 t_tbarg;	/* path argument */
	uint64_t		 t_tbval;	/* and that argument's value */
	uint64_t		 t_tbmask;	/* its signal mask while armed */
	int			 t_rcnr;	/* a path query the kernel is to */
	uint64_t		 t_rcarg;	/* run: see recheck_mark() */
};
RB_HEAD(tracee_tree, tracee);
int		 tracee_cmp(const struct tracee *, const struct tracee *);
RB_PROTOTYPE(tracee_tree, tracee, t_entry, tracee_cmp)

/* An answer thread (notify.c). */
struct nthread {
	struct interp		*n_ip;
	pthread_t		 n_thr;
	int			 n_cpu;		/* bound to, or -1 */
};

/* An instance. */
struct interp {
	struct vmap		 i_vmap;
	struct tracee_tree	 i_tracees;
	struct proclist		 i_procs;
	size_t			 i_ntasks;
	struct proc		*i_root;
	pid_t			 i_rootpid;
	int			 i_status;	/* wait status of the root */
	int			 i_done;
	int			 i_verbose;
	interpose_log_fn	 i_log;
	void			*i_logarg;
	TAILQ_HEAD(, tracee)	 i_parked;	/* waiting for scratch */
	struct scratch		*i_scr;		/* NULL: none */
	int			 i_notify;	/* seccomp listener, or -1 */
	int			 i_nthread;	/* answer threads running */
	struct nthread		 i_nt[NOTIFY_THREADS];
	pthread_rwlock_t	 i_mu;		/* see notify.c */
	pthread_mutex_t		 i_amu;		/* the same, between answers */
	int			 i_nquit;	/* the threads are to end */
	int			 i_syncwake;	/* FD_SYNC_WAKE_UP taken */
	unsigned long long	 i_nnotif;	/* notifications answered */
	int			 i_captrace;	/* has CAP_SYS_PTRACE */
	int			 i_samecred;	/* the instance's access = ours */
	char			*i_cred;	/* ours, as cred_text() puts it */
	int			 i_lsm;		/* ours has an LSM context */
	int			 i_rootfd;	/* our "/", O_PATH, or -1 */
	dev_t			 i_rootdev;
	ino_t			 i_rootino;
	int			 i_chrooted;	/* a chroot was tried: roots vary */
	char			*i_procmnt[8];	/* where procfs is mounted */
	int			 i_nprocmnt;	/* how many; -1: unknown */
	int			 i_prochide;	/* one hides entries (hidepid) */
	int			 i_rootstop;	/* group stop signal, or 0 */
	unsigned long long	 i_stops;	/* ptrace stops handled */
	struct tracee		*i_cur;		/* whose handler runs */
	size_t			 i_nheld;	/* tasks held at their exit */
	struct deny		*i_denied;	/* already logged */
	pid_t			 i_tracer;	/* the tracing thread's tid */
	pid_t			 i_rtid;	/* a resume for notify_unlock(): */
	int			 i_rreq;	/* its ptrace request, */
	int			 i_rsig;	/* and signal */
	int			 i_canbe;	/* may take on a tcred: */
	uint32_t		 i_caps[6];	/* ours (capget's data), */
	gid_t			*i_groups;	/* our groups */
	int			 i_ngroups;
	int			 i_nopmq;	/* no PROCMAP_QUERY: see notify.c */
	int			 i_ntb;		/* tasks in TB_WANT */
	unsigned long long	 i_ntbs;	/* path queries taken back */
};

/* One log line per call site and reason. */
struct deny {
	struct deny	*d_next;
	int		 d_sn;
	uint64_t	 d_ip;
	const char	*d_why;
};

/* Condition under which a row traps: arg[a] & mask op value. */
enum hop {
	HOP_EQ,		/* (arg & mask) == val */
	HOP_NE,		/* arg != val */
	HOP_LT,		/* arg < val, unsigned */
	HOP__MAX
};

struct hcond {
	int		 arg;
	enum hop	 op;
	uint64_t	 mask;
	uint64_t	 val;
	const char	*name;	/* of val, for docs/syscalls.md */
};

#define HRULE_MAX	2
#define HRULES_MAX	12
struct hrule {
	int		 n;
	struct hcond	 c[HRULE_MAX];	/* ANDed */
};

enum hclass {
	HC_ID,		/* ids of the caller */
	HC_CREATE,	/* fork, clone, exec */
	HC_WAIT,
	HC_SIGNAL,
	HC_PID,		/* a pid argument */
	HC_OWNER,	/* fd owners, terminals */
	HC_SOCKET,
	HC_TIMER,
	HC_IPC,
	HC_FUTEX,
	HC_MEMORY,	/* protects the scratch area */
	HC_PROC,	/* the /proc view */
	HC_DENY,	/* cannot be virtualised */
	HC__MAX
};

struct handler {
	enum verdict	(*enter)(struct interp *, struct tracee *,
			    struct call *);
	enum verdict	(*exit)(struct interp *, struct tracee *,
			    struct call *);
	/*
	 * A getter: the answer from the model, or -errno, or ANSWER_BACK
	 * for a row with nqarg (see notify.c).
	 */
	int64_t		(*answer)(struct interp *, struct tracee *,
			    const uint64_t *);
	enum hclass	 class;
	int		 err;		/* for h_deny: errno */
	int		 stops;		/* typical stops */
	const char	*how;		/* for docs/syscalls.md */
	struct hrule	 rule[HRULES_MAX];	/* ORed; none: always */
	int		 nrule;
	int		 rdtrap;	/* trapped only by the read filter */
	int		 nqarg;		/* 1 + the path argument of a query
					   the listener may answer (or of a
					   getter it may take back), or 0; */
	int		 nqflags;	/* 1 + its open flags argument, none
					   of OPENQ_NOT for the listener, */
	enum verdict	(*query)(struct interp *, struct tracee *,
			    struct call *);	/* and the answer */
};
extern const struct handler handlers[SN__MAX];
extern const char *const hclass_names[HC__MAX];

/* arch-x86_64.c: registers. */
int		 regs_fetch(struct tracee *, struct call *);
int		 regs_set(struct tracee *, enum reg, uint64_t);
int		 regs_get(struct tracee *, enum reg, uint64_t *);
uint64_t	*regs_slot(const struct pers *, uint64_t *, enum reg);
int		 regs_getall(struct tracee *, uint64_t *);
int		 regs_cutshort(struct tracee *, const struct pers **,
		    uint64_t *);
int		 regs_setall(struct tracee *, const uint64_t *);
int		 regs_exitinfo(struct tracee *, int64_t *);
int		 regs_restart(struct tracee *, uint64_t *);
int		 regs_event(struct tracee *, const struct pers **, uint64_t *,
		    uint64_t *);

/* mem.c */
int		 mem_read(pid_t, uint64_t, void *, size_t);
int		 mem_write(pid_t, uint64_t, const void *, size_t);

/* procfix.c: pid-bearing /proc files as the instance sees them. */
#define PROCFIX_ERR	((size_t)-1)
size_t		 procfix_children(const struct vmap *, const char *, size_t,
		    char *, size_t);
size_t		 procfix_sched(const struct vmap *, const char *, size_t,
		    char *, size_t);
size_t		 procfix_loadavg(const char *, size_t, char *, size_t, size_t,
		    pid_t);
size_t		 procfix_nslast(char *, size_t, pid_t);
size_t		 procfix_locks(const struct vmap *, const char *, size_t,
		    char *, size_t);
size_t		 procfix_fdinfo(const struct vmap *, const char *, size_t,
		    char *, size_t);
size_t		 procfix_netlink(const char *, size_t, char *, size_t);
size_t		 procfix_sysvipc(const struct vmap *, const char *, size_t,
		    char *, size_t, int, int);

/* scratch.c */
int		 scratch_init(struct interp *);
void		 scratch_free(struct interp *);
int		 scratch_ensure(struct interp *, struct tracee *, int);
uint64_t	 scratch_put(struct interp *, struct call *, const void *,
		    size_t);
void		*scratch_ptr(struct interp *, const struct call *);
uint64_t	 scratch_out(struct interp *, struct tracee *, struct call *,
		    size_t);
void		 scratch_release(struct interp *, struct call *);
void		 scratch_inject_exit(struct interp *, struct tracee *);
void		 scratch_forget(struct interp *, struct tracee *);

/* notify.c: the answer thread. */
int		 notify_start(struct interp *);
void		 notify_stop(struct interp *);
void		 notify_lock(struct interp *);
void		 notify_unlock(struct interp *);
int		 notify_addfd(struct interp *, struct tracee *, int, int, int,
		    int);
void		 notify_addfd_drop(struct tracee *);
int		 maps_query(int, uint64_t, uint64_t, struct pmq *);
int		 notify_path(struct tracee *, const struct nanswer *,
		    uint64_t, char *, size_t);
int		 notify_write(struct tracee *, const struct nanswer *,
		    uint64_t, const void *, size_t);
void		 notify_restart(struct interp *, struct tracee *);
void		 recheck_mark(struct interp *, struct tracee *, struct call *);
void		 takeback_run(struct interp *);
void		 takeback_arm(struct interp *, struct tracee *);
void		 takeback_undo(struct tracee *, int);
void		 takeback_unmask(struct tracee *);
void		 takeback_rewind(struct tracee *);
void		 takeback_rearm(struct tracee *, uint64_t *);
void		 takeback_drop(struct interp *, struct tracee *);
void		 mm_unref(struct mm *);
struct mm	*mm_new(void);
struct mm	*mm_fork(const struct mm *);

/* tracee.c */
struct tracee	*tracee_find(struct interp *, pid_t);
struct tracee	*tracee_new(struct interp *, pid_t, struct proc *,
		    struct mm *, struct vid *);
void		 tracee_free(struct interp *, struct tracee *);
struct proc	*proc_new(struct interp *, struct proc *, struct vid *);
void		 proc_setpgid(struct interp *, struct proc *, struct vid *);
void		 proc_setsid(struct interp *, struct proc *);
void		 proc_dead(struct interp *, struct proc *);
void		 proc_reaped(struct interp *, struct proc *);
struct proc	*proc_byvpid(struct interp *, pid_t);
int		 proc_alive(const struct proc *);
void		 proc_waited(struct interp *, struct proc *);
void		 proc_drop_real(struct interp *, pid_t);
ssize_t		 task_fdlink(pid_t, int, char *, size_t);

/* syscall.c */
void		 syscall_enter(struct interp *, struct tracee *);
void		 syscall_exit(struct interp *, struct tracee *);
enum verdict	 call_deny(struct interp *, struct tracee *, struct call *,
		    int, const char *);
enum verdict	 call_return(struct tracee *, struct call *, int64_t);
int		 call_write(struct tracee *, struct call *, uint64_t,
		    const void *, size_t);
int		 call_interrupted(int64_t);
int		 call_restarts(int64_t);
int		 call_setarg(struct tracee *, struct call *, int, uint64_t);
int		 call_setargs(struct tracee *, struct call *, unsigned int,
		    const uint64_t[6], int64_t);
void		 call_restore(struct tracee *, struct call *);
pid_t		 pid_in(struct interp *, pid_t);
pid_t		 pid_in_pg(struct interp *, pid_t);
pid_t		 pid_in_owner(struct interp *, pid_t);
void		 hold_add(struct interp *, pid_t);
int		 pid_dead(struct interp *, pid_t);
pid_t		 pid_out(struct interp *, pid_t);
void		 ilog(struct interp *, enum interpose_log, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
void		 tracer_resume(struct interp *, struct tracee *, enum verdict);
void		 tracer_cont(struct interp *, pid_t, int, int);
void		 tracer_flush(struct interp *);
void		 hold_exit(struct interp *, struct tracee *);
void		 hold_release(struct interp *);

enum verdict	 h_sysinfo(struct interp *, struct tracee *, struct call *);
enum verdict	 h_sysinfo_exit(struct interp *, struct tracee *,
		    struct call *);

/* h_procfs.c */
enum verdict	 h_procpath(struct interp *, struct tracee *, struct call *);
enum verdict	 h_procpath_exit(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_getdents(struct interp *, struct tracee *, struct call *);
enum verdict	 h_openq_proc(struct interp *, struct tracee *, struct call *,
		    int, const char *, uint64_t);
/* h_path.c */
enum verdict	 h_pathq(struct interp *, struct tracee *, struct call *);
enum verdict	 h_openq(struct interp *, struct tracee *, struct call *);
enum verdict	 h_pathchk(struct interp *, struct tracee *, struct call *);
void		 link_virtual(struct interp *, char *, size_t);
void		 procmnt_load(struct interp *);
void		 procmnt_free(struct interp *);
char		*cred_text(pid_t, int *);
int		 cred_same(struct interp *, struct tracee *);
int		 path_outside(struct interp *, struct tracee *, int,
		    const char *, int, char *, size_t);

/* h_sigfd.c */
enum verdict	 h_signalfd(struct interp *, struct tracee *, struct call *);
enum verdict	 h_rdtrap(struct interp *, struct tracee *, struct call *);
enum verdict	 h_rdtrap_exit(struct interp *, struct tracee *,
		    struct call *);
int		 fd_is_signalfd(pid_t, int);
int		 fd_any_signalfd(pid_t);
int		 can_filter(pid_t);
int		 inject_close(struct tracee *, const int *, int);
void		 inject_gone(struct tracee *);
enum verdict	 h_close_range(struct interp *, struct tracee *,
		    struct call *);
int		 rdtrap_rights(struct interp *, struct tracee *, struct call *);
int		 rights_check(struct interp *, struct tracee *, uint8_t *,
		    size_t *, int *, int *, int *);
#define RIGHTS_NONE	0
#define RIGHTS_FILTER	1
#define RIGHTS_DROP	2

/* inject.c */
int		 inject_call(struct tracee *, int, const uint64_t[6],
		    enum injmode, inject_fn);
void		 inject_stop(struct interp *, struct tracee *);
int		 inject_seccomp(struct interp *, struct tracee *);
void		 inject_free(struct interp *, struct tracee *);

/* filter.c */
int		 filter_install(int, int, int *);
int		 filter_export(int);
int		 filter_rdtrap(uint8_t **, size_t *);

/* handler entry points, by file */
/* h_id.c */
int64_t		 a_getpid(struct interp *, struct tracee *, const uint64_t *);
int64_t		 a_gettid(struct interp *, struct tracee *, const uint64_t *);
int64_t		 a_getppid(struct interp *, struct tracee *, const uint64_t *);
int64_t		 a_getpgrp(struct interp *, struct tracee *, const uint64_t *);
int64_t		 a_getpgid(struct interp *, struct tracee *, const uint64_t *);
int64_t		 a_getsid(struct interp *, struct tracee *, const uint64_t *);
int64_t		 a_settid(struct interp *, struct tracee *, const uint64_t *);
enum verdict	 h_answer(struct interp *, struct tracee *, struct call *);
enum verdict	 h_setpgid(struct interp *, struct tracee *, struct call *);
enum verdict	 h_setpgid_exit(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_setsid_exit(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_ret_tid(struct interp *, struct tracee *, struct call *);
enum verdict	 h_settid(struct interp *, struct tracee *, struct call *);
int		 tidaddr_apply(struct interp *, struct tracee *, struct call *,
		    enum verdict *);
int		 tidaddr_vforked(struct interp *, struct tracee *,
		    struct call *, pid_t);
enum verdict	 h_want_exit(struct interp *, struct tracee *,
		    struct call *);
/* h_proc.c */
enum verdict	 h_clone(struct interp *, struct tracee *, struct call *);
enum verdict	 h_clone3(struct interp *, struct tracee *, struct call *);
enum verdict	 h_clone3_exit(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_unshare(struct interp *, struct tracee *, struct call *);
enum verdict	 h_prctl(struct interp *, struct tracee *, struct call *);
enum verdict	 h_prctl_exit(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_seccomp(struct interp *, struct tracee *, struct call *);
enum verdict	 h_credset(struct interp *, struct tracee *, struct call *);
enum verdict	 h_confine(struct interp *, struct tracee *, struct call *);
void		 tracee_confine(struct tracee *);
int		 dump_readable(struct tracee *, uint64_t);
int		 dump_lost(struct interp *, struct tracee *, struct call *,
		    enum verdict *);
enum verdict	 h_ptrace(struct interp *, struct tracee *, struct call *);
void		 proc_event_fork(struct interp *, struct tracee *, int);
void		 proc_event_exec(struct interp *, struct tracee *);
void		 proc_first_stop(struct interp *, struct tracee *);
/* h_wait.c */
size_t		 siginfo_pidoff(const struct pers *);
enum verdict	 h_wait4(struct interp *, struct tracee *, struct call *);
enum verdict	 h_wait4_exit(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_waitid(struct interp *, struct tracee *, struct call *);
enum verdict	 h_waitid_exit(struct interp *, struct tracee *,
		    struct call *);
/* h_signal.c */
enum verdict	 h_kill(struct interp *, struct tracee *, struct call *);
enum verdict	 h_kill_exit(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_tgkill(struct interp *, struct tracee *, struct call *);
enum verdict	 h_tkill(struct interp *, struct tracee *, struct call *);
enum verdict	 h_sigqueue(struct interp *, struct tracee *, struct call *);
enum verdict	 h_pidfd_send(struct interp *, struct tracee *,
		    struct call *);
void		 signal_delivery(struct interp *, struct tracee *, int);
int		 siginfo_haspid(int, int);
enum verdict	 fan_step(struct interp *, struct tracee *, struct call *, int);
/* h_pid.c */
enum verdict	 h_pid0(struct interp *, struct tracee *, struct call *);
enum verdict	 h_pid01(struct interp *, struct tracee *, struct call *);
enum verdict	 h_pid1(struct interp *, struct tracee *, struct call *);
enum verdict	 h_prio(struct interp *, struct tracee *, struct call *);
enum verdict	 h_prio_exit(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_perf(struct interp *, struct tracee *, struct call *);
enum verdict	 h_capget(struct interp *, struct tracee *, struct call *);
enum verdict	 h_clock(struct interp *, struct tracee *, struct call *);
enum verdict	 h_restore(struct interp *, struct tracee *, struct call *);
/* h_mem.c */
enum verdict	 h_deny(struct interp *, struct tracee *, struct call *);
enum verdict	 h_mmap(struct interp *, struct tracee *, struct call *);
enum verdict	 h_range(struct interp *, struct tracee *, struct call *);
enum verdict	 h_mremap(struct interp *, struct tracee *, struct call *);
enum verdict	 h_multiplex(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_futex(struct interp *, struct tracee *, struct call *);
enum verdict	 h_shmat(struct interp *, struct tracee *, struct call *);
enum verdict	 h_robust(struct interp *, struct tracee *, struct call *);
void		 robust_exit(struct interp *, struct tracee *);
/* h_owner.c */
int		 task_getfd(struct tracee *, int);
int		 need_scratch(struct interp *, struct tracee *, struct call *,
		    int, enum verdict *, const char *);
enum verdict	 out_arg(struct interp *, struct tracee *, struct call *, int,
		    size_t, int);
void		 out_back(struct interp *, struct tracee *, struct call *, int,
		    void (*)(struct interp *, struct call *, uint8_t *));
enum verdict	 h_fcntl(struct interp *, struct tracee *, struct call *);
enum verdict	 h_fcntl_exit(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_ioctl(struct interp *, struct tracee *, struct call *);
enum verdict	 h_ioctl_exit(struct interp *, struct tracee *,
		    struct call *);
/* h_sock.c */
enum verdict	 h_getsockopt(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_getsockopt_exit(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_setsockopt(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_sendmsg(struct interp *, struct tracee *, struct call *);
enum verdict	 h_recvmsg(struct interp *, struct tracee *, struct call *);
enum verdict	 h_socket(struct interp *, struct tracee *, struct call *);
enum verdict	 h_socket_exit(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_bind(struct interp *, struct tracee *, struct call *);
enum verdict	 h_sendmsg_exit(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_recvmsg_exit(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_timer_create(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_ipcctl(struct interp *, struct tracee *, struct call *);
enum verdict	 h_ipcctl_exit(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_sigtimedwait(struct interp *, struct tracee *,
		    struct call *);
enum verdict	 h_siginfo_exit(struct interp *, struct tracee *,
		    struct call *);

#endif /* !EXTERN_H */
