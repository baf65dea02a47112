// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The network layer: -netdev TYPE,id=ID,... and -nic TYPE,... parsed into
 * backends (net/slirp.c, net/tap.c) kept on the machine by id, the -nic
 * table (model and MAC; the board creates those NICs), the queue between
 * a backend and its NIC (frames wait while the guest has no receive
 * buffers; at most NET_QUEUE_MAX, then the oldest is dropped), and
 * Internet checksum helpers for checksum offload.  Options follow QEMU's
 * spelling.  Legacy -net puts its NICs and backends on QEMU's hub 0;
 * kvmpc has no hub and joins the first -net nic to the one -net backend
 * (more of either on the hub is refused).  Left out: hubs/vlans,
 * socket/vde/bridge backends, filters and dumps.
 */
#include <errno.h>
#include <string.h>
#include "net/net.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/opts.h"

#define NET_QUEUE_MAX 1024

struct net_state {
	GPtrArray *netdevs;   /* struct netdev * */
	GPtrArray *nics;      /* struct nic_info * */
};

static struct net_state *net_state(struct machine *m)
{
	if (!m->net) {
		struct net_state *s = g_new0(struct net_state, 1);

		s->netdevs = g_ptr_array_new();
		s->nics = g_ptr_array_new();
		m->net = s;
	}
	return m->net;
}

struct netdev *net_find(struct machine *m, const char *id)
{
	struct net_state *s = net_state(m);

	for (unsigned i = 0; id && i < s->netdevs->len; i++) {
		struct netdev *nd = g_ptr_array_index(s->netdevs, i);

		if (!strcmp(nd->id, id))
			return nd;
	}
	return NULL;
}

struct netdev *net_new(struct machine *m, const char *id, const struct netdev_ops *ops)
{
	struct netdev *nd = g_new0(struct netdev, 1);

	nd->id = g_strdup(id);
	nd->ops = ops;
	nd->m = m;
	g_queue_init(&nd->queue);
	g_ptr_array_add(net_state(m)->netdevs, nd);
	return nd;
}

struct netdev *net_claim(struct machine *m, const char *owner, const char *id,
			 const struct net_frontend *fe, GError **err)
{
	struct netdev *nd = net_find(m, id);

	if (!nd) {
		error_setg(err, "Property '%s.netdev' can't find value '%s'", owner, id);
		return NULL;
	}
	if (nd->claimed) {
		error_setg(err, "Property '%s.netdev' can't take value '%s', it's in use",
			   owner, id);
		return NULL;
	}
	nd->fe = *fe;
	nd->claimed = true;
	return nd;
}

void net_warn_unclaimed(struct machine *m)
{
	struct net_state *s = net_state(m);

	for (unsigned i = 0; i < s->netdevs->len; i++) {
		struct netdev *nd = g_ptr_array_index(s->netdevs, i);

		if (!nd->claimed)
			warn_report("netdev %s has no peer", nd->id);
	}
}

unsigned net_nic_count(struct machine *m)
{
	return net_state(m)->nics->len;
}

const struct nic_info *net_nic(struct machine *m, unsigned i)
{
	struct net_state *s = net_state(m);

	return i < s->nics->len ? g_ptr_array_index(s->nics, i) : NULL;
}

bool net_can_deliver(struct netdev *nd)
{
	return nd->fe.can_receive && g_queue_is_empty(&nd->queue) &&
	       nd->fe.can_receive(nd->fe.opaque);
}

bool net_deliver(struct netdev *nd, const uint8_t *buf, size_t len)
{
	if (!nd->fe.receive)
		return false; /* no NIC: frames vanish, as on an unplugged cable */
	if (g_queue_is_empty(&nd->queue) && nd->fe.can_receive(nd->fe.opaque) &&
	    nd->fe.receive(nd->fe.opaque, buf, len))
		return true;
	if (g_queue_get_length(&nd->queue) >= NET_QUEUE_MAX) {
		g_bytes_unref(g_queue_pop_head(&nd->queue));
		nd->dropped++;
	}
	g_queue_push_tail(&nd->queue, g_bytes_new(buf, len));
	return false;
}

void net_frontend_ready(struct netdev *nd)
{
	while (!g_queue_is_empty(&nd->queue) && nd->fe.can_receive(nd->fe.opaque)) {
		GBytes *b = g_queue_peek_head(&nd->queue);
		gsize len;
		const uint8_t *p = g_bytes_get_data(b, &len);

		if (!nd->fe.receive(nd->fe.opaque, p, len))
			break;
		g_bytes_unref(g_queue_pop_head(&nd->queue));
	}
	if (g_queue_is_empty(&nd->queue) && nd->ops->resume)
		nd->ops->resume(nd);
}

ssize_t net_send(struct netdev *nd, const struct iovec *iov, int n)
{
	return nd->ops->send(nd, iov, n);
}

int net_set_link(struct machine *m, const char *id, bool up)
{
	struct netdev *nd = net_find(m, id);

	if (!nd)
		return -ENOENT;
	if (nd->fe.set_link)
		nd->fe.set_link(nd->fe.opaque, up);
	return 0;
}

/* ---- checksums (RFC 1071) ---- */

uint32_t net_csum_add(uint32_t sum, const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)buf[i] << 8 | buf[i + 1];
	if (i < len)
		sum += (uint32_t)buf[i] << 8;
	return sum;
}

uint16_t net_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* ---- option parsing ---- */

static int net_backend_create(struct machine *m, const char *type, const char *id,
			      struct opts *o, GError **err)
{
	if (!strcmp(type, "user"))
		return net_slirp_create(m, id, o, err);
	if (!strcmp(type, "tap"))
		return net_tap_create(m, id, o, err);
	error_setg(err, "netdev type '%s' is not supported (user, tap)", type);
	return -EINVAL;
}

static int net_parse_netdev(struct machine *m, const char *str, GError **err)
{
	struct opts *o = opts_parse(str, "type", err);
	const char *type, *id;
	int ret = -EINVAL;

	if (!o)
		return -EINVAL;
	type = opts_get(o, "type");
	id = opts_get(o, "id");
	if (!type || !id) {
		error_setg(err, "-netdev %s: needs a type and id=", str);
		goto out;
	}
	if (!opts_id_wellformed(id)) {
		error_setg(err, "-netdev %s: Parameter 'id' expects an identifier", str);
		goto out;
	}
	if (net_find(m, id)) {
		error_setg(err, "Duplicate ID '%s' for netdev", id);
		goto out;
	}
	ret = net_backend_create(m, type, id, o, err);
	if (ret == 0 && opts_check_unused(o, "netdev", err) < 0)
		ret = -EINVAL;
out:
	opts_free(o);
	return ret;
}

int net_add(struct machine *m, const char *str, GError **err)
{
	return net_parse_netdev(m, str, err);
}

int net_del(struct machine *m, const char *id, GError **err)
{
	struct netdev *nd = net_find(m, id);
	GBytes *b;

	if (!nd) {
		error_setg(err, "Device '%s' not found", id);
		return -ENOENT;
	}
	/* a NIC keeps a pointer to its backend: it must go first */
	if (nd->claimed) {
		error_setg(err, "Netdev '%s' is in use by a NIC; device_del the NIC first", id);
		return -EBUSY;
	}
	g_ptr_array_remove(net_state(m)->netdevs, nd);
	if (nd->ops && nd->ops->cleanup)
		nd->ops->cleanup(nd);
	while ((b = g_queue_pop_head(&nd->queue)))
		g_bytes_unref(b);
	g_free(nd->id);
	g_free(nd);
	return 0;
}

static int net_parse_nic(struct machine *m, const char *str, unsigned index, GError **err)
{
	struct opts *o = opts_parse(str, "type", err);
	const char *type;
	struct nic_info *nic;
	char *id;
	int ret = 0;

	if (!o)
		return -EINVAL;
	type = opts_get(o, "type");
	if (type && !strcmp(type, "none")) {
		opts_free(o);
		return 0;
	}
	id = g_strdup_printf("__org.qemu.nic%u", index);
	nic = g_new0(struct nic_info, 1);
	nic->netdev = id;
	nic->mac = g_strdup(opts_get(o, "mac"));
	nic->model = g_strdup(opts_get(o, "model"));
	opts_get(o, "id");
	ret = net_backend_create(m, type ? type : "user", id, o, err);
	if (ret == 0 && opts_check_unused(o, "nic", err) < 0)
		ret = -EINVAL;
	opts_free(o);
	g_ptr_array_add(net_state(m)->nics, nic);
	return ret;
}

/* -net user|tap|...: the hub's backend, named TYPE.0 as QEMU names it. */
static int net_legacy_backend(struct machine *m, struct opts *o, const char *type,
			      char **hub, GError **err)
{
	const char *id = opts_get(o, "id"), *name = opts_get(o, "name");
	char *nid;
	int ret;

	if (*hub) {
		error_setg(err, "-net %s: kvmpc joins one backend to hub 0 (QEMU's hub is "
			   "not emulated); use -netdev and -device", type);
		return -EINVAL;
	}
	nid = g_strdup(id ? id : name ? name : NULL);
	if (!nid)
		nid = g_strdup_printf("%s.0", type);
	if (net_find(m, nid)) {
		error_setg(err, "Duplicate ID '%s' for netdev", nid);
		g_free(nid);
		return -EINVAL;
	}
	ret = net_backend_create(m, type, nid, o, err);
	if (ret == 0 && opts_check_unused(o, "net", err) < 0)
		ret = -EINVAL;
	*hub = nid;
	return ret;
}

/* -net nic,model=,macaddr=,netdev=: a NIC on hub 0 unless netdev= names one. */
static int net_legacy_nic(struct machine *m, struct opts *o, const char *hub, bool *hub_used,
			  GError **err)
{
	const char *netdev = opts_get(o, "netdev");
	struct nic_info *nic;

	if (!netdev && hub && *hub_used) {
		error_setg(err, "-net nic: kvmpc joins one NIC to hub 0 (QEMU's hub is not "
			   "emulated); give the others netdev=");
		return -EINVAL;
	}
	if (!netdev && hub)
		*hub_used = true;
	opts_get(o, "name");
	nic = g_new0(struct nic_info, 1);
	nic->netdev = g_strdup(netdev ? netdev : hub);
	nic->mac = g_strdup(opts_get(o, "macaddr"));
	nic->model = g_strdup(opts_get(o, "model"));
	g_ptr_array_add(net_state(m)->nics, nic);
	return opts_check_unused(o, "net", err) < 0 ? -EINVAL : 0;
}

/* Two passes over -net: backends first, so a NIC finds the hub's backend. */
static int net_parse_legacy(struct machine *m, GError **err)
{
	GPtrArray *nets = m->cfg->nets;
	char *hub = NULL;
	bool hub_used = false;
	int ret = 0;

	for (int pass = 0; pass < 2 && ret == 0; pass++) {
		for (unsigned i = 0; nets && i < nets->len && ret == 0; i++) {
			struct opts *o = opts_parse(g_ptr_array_index(nets, i), "type", err);
			const char *type;

			if (!o)
				return -EINVAL;
			type = opts_get(o, "type");
			if (!type) {
				error_setg(err, "Parameter 'type' is missing");
				ret = -EINVAL;
			} else if (!strcmp(type, "nic")) {
				if (pass == 1)
					ret = net_legacy_nic(m, o, hub, &hub_used, err);
			} else if (strcmp(type, "none") && pass == 0) {
				ret = net_legacy_backend(m, o, type, &hub, err);
			}
			opts_free(o);
		}
	}
	g_free(hub);
	return ret;
}

int net_init_all(struct machine *m, GError **err)
{
	struct machine_config *cfg = m->cfg;

	net_state(m);
	for (unsigned i = 0; cfg->netdevs && i < cfg->netdevs->len; i++)
		if (net_parse_netdev(m, g_ptr_array_index(cfg->netdevs, i), err) < 0)
			return -1;
	for (unsigned i = 0; cfg->nics && i < cfg->nics->len; i++)
		if (net_parse_nic(m, g_ptr_array_index(cfg->nics, i), i, err) < 0)
			return -1;
	return net_parse_legacy(m, err) < 0 ? -1 : 0;
}
