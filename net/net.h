/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network backends (-netdev user|tap) and the NIC side they talk to.  A
 * backend offers send(iov, n) for frames from the guest; frames for the
 * guest go through net_deliver(), which hands them to the frontend's
 * receive callback when its can_receive says so and queues them (a bounded
 * queue, oldest dropped) otherwise.  A frontend that gains buffers calls
 * net_frontend_ready() to flush the queue and let the backend resume
 * reading.  All of this runs with the machine lock held.
 */
#ifndef NET_NET_H
#define NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <glib.h>

struct machine;
struct netdev;
struct opts;

struct netdev_ops {
	const char *type;
	/* A frame from the guest.  Returns bytes taken or -errno. */
	ssize_t (*send)(struct netdev *nd, const struct iovec *iov, int n);
	/* The frontend can take frames again (resume reading the host side). */
	void (*resume)(struct netdev *nd);
	void (*cleanup)(struct netdev *nd);
};

struct net_frontend {
	/* Deliver one frame; returns false if it cannot be taken right now. */
	bool (*receive)(void *opaque, const uint8_t *buf, size_t len);
	bool (*can_receive)(void *opaque);
	void (*set_link)(void *opaque, bool up);
	void *opaque;
};

struct netdev {
	char *id;
	const struct netdev_ops *ops;
	struct machine *m;
	void *state;                 /* backend's own */
	struct net_frontend fe;      /* zero until a NIC claims it */
	bool claimed;
	GQueue queue;                /* GBytes * waiting for the frontend */
	uint64_t dropped;
};

/* Parse every -netdev (m->cfg->netdevs) and -nic (m->cfg->nics) backend. */
int net_init_all(struct machine *m, GError **err);
/* Create the NIC of each -nic (called by the board after its own devices). */
int net_create_nics(struct machine *m, GError **err);
struct netdev *net_find(struct machine *m, const char *id);
/* Claim nd for a NIC; error if it is taken. */
int net_attach(struct netdev *nd, const struct net_frontend *fe, GError **err);

/* Backend side */
struct netdev *net_new(struct machine *m, const char *id, const struct netdev_ops *ops);
/* Hand a frame to the guest (copied when queued).  False if queued/dropped. */
bool net_deliver(struct netdev *nd, const uint8_t *buf, size_t len);
/* Whether the frontend takes frames now (backends stop reading when not). */
bool net_can_deliver(struct netdev *nd);

/* Frontend side */
ssize_t net_send(struct netdev *nd, const struct iovec *iov, int n);
void net_frontend_ready(struct netdev *nd);
/* set_link for the monitor: 0, or -ENOENT. */
int net_set_link(struct machine *m, const char *id, bool up);

/* Backends */
int net_slirp_create(struct machine *m, const char *id, struct opts *o, GError **err);
int net_tap_create(struct machine *m, const char *id, struct opts *o, GError **err);

/* Internet checksum helpers (checksum offload) */
uint16_t net_csum_fold(uint32_t sum);
uint32_t net_csum_add(uint32_t sum, const uint8_t *buf, size_t len);

#endif
