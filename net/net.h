/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network backends (-netdev user|tap, and the backend half of -nic) and the
 * NIC side they talk to.  Backends are created from the options before any
 * device and kept on the machine by id; a NIC model claims one by id with
 * net_claim().  -nic also records a struct nic_info (model, MAC) that the
 * board turns into a NIC through the NIC models (hw/net/nic.c): this layer
 * creates no device.  A backend offers send(iov, n) for frames from the
 * guest; frames for the guest go through net_deliver(), which hands them to
 * the frontend's receive callback when its can_receive says so and queues
 * them (a bounded queue, oldest dropped) otherwise.  A frontend that gains
 * buffers calls net_frontend_ready() to flush the queue and let the backend
 * resume reading.  All of this runs with the machine lock held.
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

/* A NIC asked for with -nic: the board creates one per entry, in order. */
struct nic_info {
	char *netdev; /* its backend's id, "__org.qemu.nicN" as in QEMU */
	char *mac;    /* NULL: the model's next default address */
	char *model;  /* NULL: the board's default model */
};

/*
 * Create every -netdev (m->cfg->netdevs) and -nic (m->cfg->nics) backend
 * and record the -nic NICs.  0, or -1 with *err set.
 */
int net_init_all(struct machine *m, GError **err);
/* The -nic NICs: how many, and the ith (NULL past the end). */
unsigned net_nic_count(struct machine *m);
const struct nic_info *net_nic(struct machine *m, unsigned i);
struct netdev *net_find(struct machine *m, const char *id);
/* netdev_add "TYPE,id=ID,...": as -netdev.  0, or -errno with *err set. */
int net_add(struct machine *m, const char *str, GError **err);
/* netdev_del: close the backend; refused while a NIC uses it. */
int net_del(struct machine *m, const char *id, GError **err);
/*
 * The NIC device `owner` (its class name) takes backend id for fe.  With
 * QEMU's wording, *err says "Property 'OWNER.netdev' can't find value 'ID'"
 * (-ENOENT) or "... can't take value 'ID', it's in use" (-EBUSY).
 */
struct netdev *net_claim(struct machine *m, const char *owner, const char *id,
			 const struct net_frontend *fe, GError **err);
/* Backends no NIC claimed, as QEMU's warning ("netdev n0 has no peer"). */
void net_warn_unclaimed(struct machine *m);

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
