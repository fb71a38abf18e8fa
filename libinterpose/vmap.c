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

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "interpose.h"
#include "extern.h"

/*
 * The virtual id table of one instance.  Virtual ids are handed out as
 * a PID namespace does: 1, 2, 3, ... in creation order, cycling below
 * pid_max and restarting at 300 after a wrap, skipping ids in use.
 */

#define VMAP_WRAP	300

int
vid_rcmp(const struct vid *a, const struct vid *b)
{
	return a->v_real < b->v_real ? -1 : a->v_real > b->v_real;
}

int
vid_vcmp(const struct vid *a, const struct vid *b)
{
	return a->v_virt < b->v_virt ? -1 : a->v_virt > b->v_virt;
}

RB_GENERATE(vid_rtree, vid, v_rent, vid_rcmp)
RB_GENERATE(vid_vtree, vid, v_vent, vid_vcmp)

/* Start an empty table; ids stay below max. */
void
vmap_init(struct vmap *vm, pid_t max)
{
	RB_INIT(&vm->vm_real);
	RB_INIT(&vm->vm_virt);
	vm->vm_next = 1;
	vm->vm_max = max > 1 ? max : 32768;
	vm->vm_last = 0;
	vm->vm_count = 0;
	vm->vm_histn = 0;
}

/* Free every entry. */
void
vmap_clear(struct vmap *vm)
{
	struct vid	*v;

	while ((v = RB_ROOT(&vm->vm_real)) != NULL) {
		RB_REMOVE(vid_rtree, &vm->vm_real, v);
		RB_REMOVE(vid_vtree, &vm->vm_virt, v);
		free(v);
	}
	vm->vm_count = 0;
	vm->vm_histn = 0;
}

/*
 * Give the real id a new virtual id, with one reference.  Returns the
 * entry, or NULL if memory or ids ran out (errno ENOMEM or EAGAIN) or
 * the real id is already mapped (EEXIST).
 */
struct vid *
vmap_add(struct vmap *vm, pid_t real)
{
	struct vid	*v, key;
	pid_t		 tries;

	if (vmap_real(vm, real) != NULL) {
		errno = EEXIST;
		return NULL;
	}
	if (vm->vm_count >= (size_t)vm->vm_max - 1) {
		errno = EAGAIN;
		return NULL;
	}
	for (tries = 0; ; tries++) {
		if (vm->vm_next >= vm->vm_max)
			vm->vm_next = vm->vm_max > VMAP_WRAP * 2 ?
			    VMAP_WRAP : 2;
		key.v_virt = vm->vm_next;
		if (RB_FIND(vid_vtree, &vm->vm_virt, &key) == NULL)
			break;
		vm->vm_next++;
		if (tries > vm->vm_max) {
			errno = EAGAIN;
			return NULL;
		}
	}
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return NULL;
	v->v_real = real;
	v->v_virt = vm->vm_next++;
	vm->vm_last = v->v_virt;
	v->v_refs = 1;
	RB_INSERT(vid_rtree, &vm->vm_real, v);
	RB_INSERT(vid_vtree, &vm->vm_virt, v);
	vm->vm_count++;
	return v;
}

/* The entry of a real id, or NULL. */
struct vid *
vmap_real(const struct vmap *vm, pid_t real)
{
	struct vid	 key;

	key.v_real = real;
	return RB_FIND(vid_rtree, (struct vid_rtree *)&vm->vm_real, &key);
}

/* The entry of a virtual id, or NULL. */
struct vid *
vmap_virt(const struct vmap *vm, pid_t virt)
{
	struct vid	 key;

	key.v_virt = virt;
	return RB_FIND(vid_vtree, (struct vid_vtree *)&vm->vm_virt, &key);
}

void
vmap_ref(struct vid *v)
{
	assert(v->v_refs > 0);
	v->v_refs++;
}

/* Drop a reference; the last one frees the entry and its virtual id. */
void
vmap_unref(struct vmap *vm, struct vid *v)
{
	if (v == NULL)
		return;
	assert(v->v_refs > 0);
	if (--v->v_refs > 0)
		return;
	RB_REMOVE(vid_rtree, &vm->vm_real, v);
	RB_REMOVE(vid_vtree, &vm->vm_virt, v);
	vm->vm_count--;
	vm->vm_hist[vm->vm_histn % VMAP_HIST].real = v->v_real;
	vm->vm_hist[vm->vm_histn % VMAP_HIST].virt = v->v_virt;
	vm->vm_histn++;
	free(v);
}

/* Real to virtual; 0 if the id is not in the instance. */
pid_t
vmap_r2v(const struct vmap *vm, pid_t real)
{
	struct vid	*v;

	return real > 0 && (v = vmap_real(vm, real)) != NULL ? v->v_virt : 0;
}

/* Virtual to real; 0 if the id is not in the instance. */
pid_t
vmap_v2r(const struct vmap *vm, pid_t virt)
{
	struct vid	*v;

	return virt > 0 && (v = vmap_virt(vm, virt)) != NULL ? v->v_real : 0;
}

/*
 * Real to virtual for a pid the kernel reports after its process is gone
 * (SysV IPC's last sender, a lock's dead holder): the live table first,
 * then the most recently freed entries, newest first.  0 if unknown.
 */
pid_t
vmap_r2v_hist(const struct vmap *vm, pid_t real)
{
	size_t	 i, n;
	pid_t	 v;

	if ((v = vmap_r2v(vm, real)) != 0 || real <= 0)
		return v;
	n = vm->vm_histn < VMAP_HIST ? vm->vm_histn : VMAP_HIST;
	for (i = 1; i <= n; i++)
		if (vm->vm_hist[(vm->vm_histn - i) % VMAP_HIST].real == real)
			return vm->vm_hist[(vm->vm_histn - i) % VMAP_HIST].virt;
	return 0;
}

/*
 * The virtual id handed out last, whether or not it is still in use: what
 * a PID namespace calls its last pid (ns_last_pid, /proc/loadavg).  0
 * before the first.
 */
pid_t
vmap_last(const struct vmap *vm)
{
	return vm->vm_last;
}
