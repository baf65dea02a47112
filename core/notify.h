/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Notifier lists: how a lower layer tells an upper one that something
 * happened without naming it (docs/architecture.md, "Layers").  The upper
 * layer embeds a struct notifier in its own state and adds it to a list the
 * lower layer owns; the lower layer calls notifier_list_notify() with a
 * pointer whose meaning the list documents.  Callbacks run in the caller's
 * context (normally with the machine lock held) and in the order they were
 * added.  A notifier must not add or remove notifiers on the list it is
 * being called from.  There is no allocation: a zeroed list is empty.
 */
#ifndef CORE_NOTIFY_H
#define CORE_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif

struct notifier {
	void (*notify)(struct notifier *n, void *data);
	struct notifier *next; /* owned by the list */
};

struct notifier_list {
	struct notifier *head;
};

/* Append n (it must not be on any list). */
static inline void notifier_list_add(struct notifier_list *l, struct notifier *n)
{
	struct notifier **p = &l->head;

	while (*p)
		p = &(*p)->next;
	n->next = NULL;
	*p = n;
}

/* Take n off l; nothing happens if it is not there. */
static inline void notifier_list_remove(struct notifier_list *l, struct notifier *n)
{
	for (struct notifier **p = &l->head; *p; p = &(*p)->next) {
		if (*p == n) {
			*p = n->next;
			n->next = NULL;
			return;
		}
	}
}

static inline bool notifier_list_empty(const struct notifier_list *l)
{
	return l->head == NULL;
}

static inline void notifier_list_notify(struct notifier_list *l, void *data)
{
	for (struct notifier *n = l->head; n; n = n->next)
		n->notify(n, data);
}

#endif
