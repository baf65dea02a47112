/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The virtual clock and its timers.  Under KVM the clock follows the host's
 * monotonic clock and stops while the VM is paused; under qtest it moves only
 * when the test says clock_step/clock_set.  Timers fire on the I/O thread
 * with the machine lock held.  timer_mod/timer_del need the lock too.
 */
#ifndef CORE_TIMER_H
#define CORE_TIMER_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#define NS_PER_SEC 1000000000LL

struct vclock {
	bool manual;         /* qtest: time advanced explicitly */
	int64_t manual_ns;
	int64_t offset_ns;   /* host monotonic minus offset = virtual time */
	int64_t paused_at;   /* host time when paused, or -1 */
	GList *timers;       /* struct timer *, sorted by deadline */
	GMainContext *ctx;   /* woken when the earliest deadline changes */
	GSource *source;
	GMutex *lock;        /* machine lock, taken around timer callbacks */
};

struct timer {
	struct vclock *clock;
	int64_t deadline; /* ns on clock; valid while pending */
	bool pending;
	void (*cb)(void *opaque);
	void *opaque;
};

/* lock: the machine lock, taken by the I/O thread around expired timers. */
void vclock_init(struct vclock *c, bool manual, GMainContext *ctx, GMutex *lock);
int64_t vclock_ns(struct vclock *c);
void vclock_pause(struct vclock *c);
void vclock_resume(struct vclock *c);
/* Next deadline, or INT64_MAX. */
int64_t vclock_next_deadline(struct vclock *c);
/* Run expired timers; returns how many ran. */
int vclock_run_timers(struct vclock *c);
/* qtest: advance to target (running timers in order); returns new time. */
int64_t vclock_warp(struct vclock *c, int64_t target_ns);
/* qtest: advance to next deadline, if any. */
int64_t vclock_step_next(struct vclock *c);

/*
 * Restore: the clock reads ns from now on (timers are not run; their
 * owners re-arm them from their restored state).
 */
void vclock_set_ns(struct vclock *c, int64_t ns);

void timer_init(struct timer *t, struct vclock *c, void (*cb)(void *), void *opaque);
void timer_mod(struct timer *t, int64_t deadline_ns);
void timer_del(struct timer *t);
static inline bool timer_pending(const struct timer *t) { return t->pending; }

/* Host wall-clock seconds since the epoch (RTC start time). */
int64_t host_realtime_s(void);

#endif
