// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The virtual clock and its timers.  Timers live in a list sorted by
 * deadline; a GSource on the I/O thread's context is armed (ready time in
 * host microseconds) for the earliest one and runs the expired callbacks
 * with the machine lock held.  A manual clock (qtest) never fires by itself:
 * time moves only through vclock_warp / vclock_step_next.
 */
#include <time.h>
#include "core/timer.h"

static int64_t host_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

int64_t host_realtime_s(void)
{
	return (int64_t)time(NULL);
}

int64_t vclock_ns(struct vclock *c)
{
	if (c->manual)
		return c->manual_ns;
	if (c->paused_at >= 0)
		return c->paused_at - c->offset_ns;
	return host_ns() - c->offset_ns;
}

static void vclock_rearm(struct vclock *c)
{
	int64_t dl;

	if (!c->source)
		return;
	dl = vclock_next_deadline(c);
	if (c->manual || c->paused_at >= 0 || dl == INT64_MAX) {
		g_source_set_ready_time(c->source, -1);
		return;
	}
	/* g_get_monotonic_time uses CLOCK_MONOTONIC in microseconds */
	g_source_set_ready_time(c->source, (dl + c->offset_ns + 999) / 1000);
}

static gboolean vclock_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
	struct vclock *c = data;

	if (c->lock)
		g_mutex_lock(c->lock);
	vclock_run_timers(c);
	vclock_rearm(c);
	if (c->lock)
		g_mutex_unlock(c->lock);
	return G_SOURCE_CONTINUE;
}

static GSourceFuncs vclock_source_funcs = {
	.dispatch = vclock_dispatch,
};

void vclock_init(struct vclock *c, bool manual, GMainContext *ctx, GMutex *lock)
{
	c->manual = manual;
	c->manual_ns = 0;
	c->offset_ns = host_ns();
	c->paused_at = -1;
	c->timers = NULL;
	c->ctx = ctx;
	c->lock = lock;
	c->source = NULL;
	if (ctx && !manual) {
		c->source = g_source_new(&vclock_source_funcs, sizeof(GSource));
		g_source_set_callback(c->source, NULL, c, NULL);
		g_source_set_priority(c->source, G_PRIORITY_HIGH);
		g_source_attach(c->source, ctx);
	}
}

void vclock_pause(struct vclock *c)
{
	if (c->manual || c->paused_at >= 0)
		return;
	c->paused_at = host_ns();
	vclock_rearm(c);
}

void vclock_resume(struct vclock *c)
{
	if (c->manual || c->paused_at < 0)
		return;
	c->offset_ns += host_ns() - c->paused_at;
	c->paused_at = -1;
	vclock_rearm(c);
}

int64_t vclock_next_deadline(struct vclock *c)
{
	if (!c->timers)
		return INT64_MAX;
	return ((struct timer *)c->timers->data)->deadline;
}

/* Pop and run timers due at "now"; a callback may re-arm its own timer. */
static int run_due(struct vclock *c, int64_t now)
{
	int n = 0;

	while (c->timers) {
		struct timer *t = c->timers->data;
		if (t->deadline > now)
			break;
		c->timers = g_list_delete_link(c->timers, c->timers);
		t->pending = false;
		t->cb(t->opaque);
		n++;
	}
	return n;
}

int vclock_run_timers(struct vclock *c)
{
	return run_due(c, vclock_ns(c));
}

int64_t vclock_warp(struct vclock *c, int64_t target_ns)
{
	if (!c->manual)
		return vclock_ns(c);
	while (c->manual_ns < target_ns) {
		int64_t dl = vclock_next_deadline(c);
		c->manual_ns = dl < target_ns ? MAX(dl, c->manual_ns) : target_ns;
		run_due(c, c->manual_ns);
	}
	run_due(c, c->manual_ns);
	return c->manual_ns;
}

int64_t vclock_step_next(struct vclock *c)
{
	int64_t dl = vclock_next_deadline(c);

	if (!c->manual || dl == INT64_MAX)
		return vclock_ns(c);
	return vclock_warp(c, MAX(dl, c->manual_ns));
}

void timer_init(struct timer *t, struct vclock *c, void (*cb)(void *), void *opaque)
{
	t->clock = c;
	t->cb = cb;
	t->opaque = opaque;
	t->pending = false;
	t->deadline = 0;
}

static gint timer_cmp(gconstpointer a, gconstpointer b)
{
	const struct timer *x = a, *y = b;

	return x->deadline < y->deadline ? -1 : x->deadline > y->deadline;
}

void timer_mod(struct timer *t, int64_t deadline_ns)
{
	struct vclock *c = t->clock;
	bool was_first;

	if (t->pending)
		c->timers = g_list_remove(c->timers, t);
	t->deadline = deadline_ns;
	t->pending = true;
	c->timers = g_list_insert_sorted(c->timers, t, timer_cmp);
	was_first = c->timers->data == t;
	if (was_first)
		vclock_rearm(c);
}

void timer_del(struct timer *t)
{
	struct vclock *c = t->clock;

	if (!t->pending)
		return;
	c->timers = g_list_remove(c->timers, t);
	t->pending = false;
	vclock_rearm(c);
}

void vclock_set_ns(struct vclock *c, int64_t ns)
{
	if (c->manual)
		c->manual_ns = ns;
	else
		c->offset_ns = (c->paused_at >= 0 ? c->paused_at : host_ns()) - ns;
	vclock_rearm(c);
}
