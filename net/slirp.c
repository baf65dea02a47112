// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -netdev user: user-mode networking with libslirp (<slirp/libslirp.h>,
 * 4.7), driven from the glib main loop by a GSource of ours: prepare asks
 * slirp_pollfds_fill for descriptors and its timeout, dispatch calls
 * slirp_pollfds_poll (also after errors, as the library requires).  Slirp
 * timers are glib timeouts on the host monotonic clock (milliseconds).
 * Options as QEMU: net=, host=, dhcpstart=, dns=, restrict=, hostname=,
 * tftp=, bootfile=, hostfwd=[tcp|udp]:[ADDR]:PORT-[ADDR]:PORT (repeatable),
 * guestfwd=tcp:ADDR:PORT-cmd:COMMAND.  Everything slirp does runs under the
 * machine lock.  Left out: IPv6 options, smb=, dnssearch=, guestfwd to a
 * chardev.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <slirp/libslirp.h>
#include "net/net.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/opts.h"
#include "core/sandbox.h"

struct net_slirp {
	struct netdev *nd;
	struct machine *m;
	Slirp *slirp;
	GSource *source;
	GArray *pollfds;   /* GPollFD, refilled in every prepare */
	char *tftp, *bootfile, *hostname;
};

struct slirp_source {
	GSource gs;
	struct net_slirp *s;
};

struct slirp_timer {
	struct net_slirp *s;
	SlirpTimerCb cb;
	void *cb_opaque;
	guint id;
};

/* ---- slirp callbacks ---- */

static ssize_t ns_send_packet(const void *buf, size_t len, void *opaque)
{
	struct net_slirp *s = opaque;

	net_deliver(s->nd, buf, len);
	return len;
}

static void ns_guest_error(const char *msg, void *opaque)
{
	guest_error("slirp: %s", msg);
}

static int64_t ns_clock_ns(void *opaque)
{
	return g_get_monotonic_time() * 1000;
}

static gboolean ns_timer_fire(gpointer opaque)
{
	struct slirp_timer *t = opaque;
	struct machine *m = t->s->m;

	t->id = 0;
	machine_lock(m);
	t->cb(t->cb_opaque);
	machine_unlock(m);
	return G_SOURCE_REMOVE;
}

static void *ns_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct slirp_timer *t = g_new0(struct slirp_timer, 1);

	t->s = opaque;
	t->cb = cb;
	t->cb_opaque = cb_opaque;
	return t;
}

static void ns_timer_free(void *timer, void *opaque)
{
	struct slirp_timer *t = timer;

	if (t->id)
		g_source_remove(t->id);
	g_free(t);
}

static void ns_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct slirp_timer *t = timer;
	int64_t now_ms = g_get_monotonic_time() / 1000;
	int64_t delay = expire_ms - now_ms;

	if (t->id)
		g_source_remove(t->id);
	t->id = g_timeout_add(delay < 0 ? 0 : (guint)MIN(delay, (int64_t)G_MAXUINT),
			      ns_timer_fire, t);
}

static void ns_register_poll_fd(int fd, void *opaque) { }
static void ns_unregister_poll_fd(int fd, void *opaque) { }

static void ns_notify(void *opaque)
{
	struct net_slirp *s = opaque;

	g_main_context_wakeup(s->m->ctx);
}

static const SlirpCb ns_callbacks = {
	.send_packet = ns_send_packet,
	.guest_error = ns_guest_error,
	.clock_get_ns = ns_clock_ns,
	.timer_new = ns_timer_new,
	.timer_free = ns_timer_free,
	.timer_mod = ns_timer_mod,
	.register_poll_fd = ns_register_poll_fd,
	.unregister_poll_fd = ns_unregister_poll_fd,
	.notify = ns_notify,
};

/* ---- the GSource ---- */

static int ns_add_poll(int fd, int events, void *opaque)
{
	struct net_slirp *s = opaque;
	GPollFD p = { .fd = fd, .events = 0 };

	if (events & SLIRP_POLL_IN)
		p.events |= G_IO_IN;
	if (events & SLIRP_POLL_OUT)
		p.events |= G_IO_OUT;
	if (events & SLIRP_POLL_PRI)
		p.events |= G_IO_PRI;
	if (events & SLIRP_POLL_ERR)
		p.events |= G_IO_ERR;
	if (events & SLIRP_POLL_HUP)
		p.events |= G_IO_HUP;
	g_array_append_val(s->pollfds, p);
	return s->pollfds->len - 1;
}

static int ns_get_revents(int idx, void *opaque)
{
	struct net_slirp *s = opaque;
	GPollFD *p;
	int ev = 0;

	if (idx < 0 || (unsigned)idx >= s->pollfds->len)
		return 0;
	p = &g_array_index(s->pollfds, GPollFD, idx);
	if (p->revents & G_IO_IN)
		ev |= SLIRP_POLL_IN;
	if (p->revents & G_IO_OUT)
		ev |= SLIRP_POLL_OUT;
	if (p->revents & G_IO_PRI)
		ev |= SLIRP_POLL_PRI;
	if (p->revents & G_IO_ERR)
		ev |= SLIRP_POLL_ERR;
	if (p->revents & G_IO_HUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

static gboolean ns_prepare(GSource *gs, gint *timeout)
{
	struct net_slirp *s = ((struct slirp_source *)gs)->s;
	uint32_t t = UINT32_MAX;

	for (unsigned i = 0; i < s->pollfds->len; i++)
		g_source_remove_poll(gs, &g_array_index(s->pollfds, GPollFD, i));
	g_array_set_size(s->pollfds, 0);
	machine_lock(s->m);
	slirp_pollfds_fill(s->slirp, &t, ns_add_poll, s);
	machine_unlock(s->m);
	/* the array is final now: hand glib stable pointers */
	for (unsigned i = 0; i < s->pollfds->len; i++)
		g_source_add_poll(gs, &g_array_index(s->pollfds, GPollFD, i));
	*timeout = t == UINT32_MAX ? -1 : (gint)MIN(t, (uint32_t)G_MAXINT);
	return FALSE;
}

static gboolean ns_check(GSource *gs)
{
	struct net_slirp *s = ((struct slirp_source *)gs)->s;

	for (unsigned i = 0; i < s->pollfds->len; i++)
		if (g_array_index(s->pollfds, GPollFD, i).revents)
			return TRUE;
	return FALSE;
}

static gboolean ns_dispatch(GSource *gs, GSourceFunc cb, gpointer data)
{
	struct net_slirp *s = ((struct slirp_source *)gs)->s;

	machine_lock(s->m);
	slirp_pollfds_poll(s->slirp, 0, ns_get_revents, s);
	machine_unlock(s->m);
	return G_SOURCE_CONTINUE;
}

static GSourceFuncs ns_source_funcs = {
	.prepare = ns_prepare,
	.check = ns_check,
	.dispatch = ns_dispatch,
};

/* ---- netdev ops ---- */

static ssize_t ns_send(struct netdev *nd, const struct iovec *iov, int n)
{
	struct net_slirp *s = nd->state;
	size_t len = 0;
	uint8_t *buf, *p;

	for (int i = 0; i < n; i++)
		len += iov[i].iov_len;
	if (len > 65536 + 64)
		return -EMSGSIZE;
	buf = p = g_malloc(len ? len : 1);
	for (int i = 0; i < n; i++) {
		memcpy(p, iov[i].iov_base, iov[i].iov_len);
		p += iov[i].iov_len;
	}
	slirp_input(s->slirp, buf, len);
	g_free(buf);
	return len;
}

static void ns_cleanup(struct netdev *nd)
{
	struct net_slirp *s = nd->state;

	g_source_destroy(s->source);
	g_source_unref(s->source);
	slirp_cleanup(s->slirp);
	g_array_free(s->pollfds, TRUE);
	g_free(s->tftp);
	g_free(s->bootfile);
	g_free(s->hostname);
	g_free(s);
}

static const struct netdev_ops ns_ops = {
	.type = "user",
	.send = ns_send,
	.cleanup = ns_cleanup,
};

/* ---- options ---- */

static int ns_parse_addr(const char *s, struct in_addr *out, const char *what, GError **err)
{
	if (inet_pton(AF_INET, s, out) != 1) {
		error_setg(err, "netdev user: bad %s address '%s'", what, s);
		return -EINVAL;
	}
	return 0;
}

/* "10.0.2.0/24" or "10.0.2.0/255.255.255.0" or "10.0.2.0" (/24) */
static int ns_parse_net(const char *str, struct in_addr *net, struct in_addr *mask,
			GError **err)
{
	g_auto(GStrv) p = g_strsplit(str, "/", 2);
	uint64_t bits = 24;

	if (ns_parse_addr(p[0], net, "net", err) < 0)
		return -EINVAL;
	if (p[1] && strchr(p[1], '.'))
		return ns_parse_addr(p[1], mask, "netmask", err);
	if (p[1] && (parse_u64(p[1], &bits) < 0 || bits < 1 || bits > 30)) {
		error_setg(err, "netdev user: bad prefix length in '%s'", str);
		return -EINVAL;
	}
	mask->s_addr = htonl(~0u << (32 - bits));
	net->s_addr &= mask->s_addr;
	return 0;
}

/* "tcp:127.0.0.1:5555-:22": protocol, host addr/port, guest addr/port */
static int ns_hostfwd(struct net_slirp *s, const char *spec, struct in_addr dhcp,
		      GError **err)
{
	g_auto(GStrv) sides = g_strsplit(spec, "-", 2);
	g_auto(GStrv) h = NULL, g = NULL;
	struct in_addr ha = { .s_addr = htonl(INADDR_LOOPBACK) }, ga = dhcp;
	uint64_t hp, gp;
	int udp;

	if (!sides[1])
		goto bad;
	h = g_strsplit(sides[0], ":", 3);
	g = g_strsplit(sides[1], ":", 2);
	if (!h[0] || !h[1] || !h[2] || !g[0] || !g[1])
		goto bad;
	if (strcmp(h[0], "tcp") && strcmp(h[0], "udp") && *h[0])
		goto bad;
	udp = !strcmp(h[0], "udp");
	if ((*h[1] && ns_parse_addr(h[1], &ha, "hostfwd host", err) < 0) ||
	    (*g[0] && ns_parse_addr(g[0], &ga, "hostfwd guest", err) < 0))
		return -EINVAL;
	if (parse_u64(h[2], &hp) < 0 || parse_u64(g[1], &gp) < 0 || hp > 65535 ||
	    gp > 65535 || !gp)
		goto bad;
	if (slirp_add_hostfwd(s->slirp, udp, ha, hp, ga, gp) < 0) {
		error_setg(err, "netdev user: could not set up host forwarding rule '%s'", spec);
		return -EADDRINUSE;
	}
	return 0;
bad:
	error_setg(err, "netdev user: invalid host forwarding rule '%s'", spec);
	return -EINVAL;
}

/* "tcp:10.0.2.100:1234-cmd:socat STDIO TCP:127.0.0.1:4321" */
static int ns_guestfwd(struct net_slirp *s, const char *spec, GError **err)
{
	const char *dash = strchr(spec, '-');
	g_autofree char *left = dash ? g_strndup(spec, dash - spec) : NULL;
	g_auto(GStrv) l = left ? g_strsplit(left, ":", 3) : NULL;
	g_autofree char *sock = NULL;
	GError *lerr = NULL;
	struct in_addr ga;
	uint64_t port;

	if (!l || !l[0] || !l[1] || !l[2] || strcmp(l[0], "tcp") ||
	    !g_str_has_prefix(dash + 1, "cmd:") ||
	    ns_parse_addr(l[1], &ga, "guestfwd", err) < 0 || parse_u64(l[2], &port) < 0 ||
	    !port || port > 65535) {
		if (err && !*err)
			error_setg(err, "netdev user: guestfwd '%s' must be tcp:ADDR:PORT-cmd:COMMAND",
				   spec);
		return -EINVAL;
	}
	/* under the sandbox a helper runs the command (core/sandbox-spawn.c) */
	sock = sandbox_exec_socket(dash + 5, &lerr);
	if (lerr) {
		g_propagate_error(err, lerr);
		return -EINVAL;
	}
	if ((sock ? slirp_add_unix(s->slirp, sock, &ga, port) :
		    slirp_add_exec(s->slirp, dash + 5, &ga, port)) < 0) {
		error_setg(err, "netdev user: conflicting guestfwd '%s'", spec);
		return -EINVAL;
	}
	return 0;
}

static int ns_config(struct net_slirp *s, struct opts *o, SlirpConfig *c, GError **err)
{
	const char *v;
	bool restrict_ = false;

	memset(c, 0, sizeof(*c));
	c->version = 1;
	c->in_enabled = true;
	inet_pton(AF_INET, "10.0.2.0", &c->vnetwork);
	inet_pton(AF_INET, "255.255.255.0", &c->vnetmask);
	if ((v = opts_get(o, "net")) && ns_parse_net(v, &c->vnetwork, &c->vnetmask, err) < 0)
		return -EINVAL;
	c->vhost.s_addr = c->vnetwork.s_addr | htonl(2);
	c->vnameserver.s_addr = c->vnetwork.s_addr | htonl(3);
	c->vdhcp_start.s_addr = c->vnetwork.s_addr | htonl(15);
	if (((v = opts_get(o, "host")) && ns_parse_addr(v, &c->vhost, "host", err) < 0) ||
	    ((v = opts_get(o, "dns")) && ns_parse_addr(v, &c->vnameserver, "dns", err) < 0) ||
	    ((v = opts_get(o, "dhcpstart")) &&
	     ns_parse_addr(v, &c->vdhcp_start, "dhcpstart", err) < 0))
		return -EINVAL;
	if (opts_get_bool(o, "restrict", false, &restrict_, err) < 0)
		return -EINVAL;
	c->restricted = restrict_;
	s->tftp = g_strdup(opts_get(o, "tftp"));
	s->bootfile = g_strdup(opts_get(o, "bootfile"));
	s->hostname = g_strdup(opts_get(o, "hostname"));
	c->tftp_path = s->tftp;
	c->bootfile = s->bootfile;
	c->vhostname = s->hostname;
	c->tftp_server_name = NULL;
	return 0;
}

/* All values of a repeatable key, in order (marks them used). */
static GPtrArray *ns_all(struct opts *o, const char *key)
{
	GPtrArray *a = g_ptr_array_new();

	for (unsigned i = 0; i < o->keys->len; i++) {
		if (strcmp(g_ptr_array_index(o->keys, i), key))
			continue;
		g_ptr_array_add(a, g_ptr_array_index(o->vals, i));
		o->used->pdata[i] = GINT_TO_POINTER(TRUE);
	}
	return a;
}

int net_slirp_create(struct machine *m, const char *id, struct opts *o, GError **err)
{
	struct net_slirp *s = g_new0(struct net_slirp, 1);
	g_autoptr(GPtrArray) hf = NULL, gf = NULL;
	SlirpConfig c;

	s->m = m;
	s->pollfds = g_array_new(FALSE, FALSE, sizeof(GPollFD));
	if (ns_config(s, o, &c, err) < 0)
		goto fail;
	s->slirp = slirp_new(&c, &ns_callbacks, s);
	if (!s->slirp) {
		error_setg(err, "netdev user: slirp set-up failed");
		goto fail;
	}
	hf = ns_all(o, "hostfwd");
	gf = ns_all(o, "guestfwd");
	for (unsigned i = 0; i < hf->len; i++)
		if (ns_hostfwd(s, g_ptr_array_index(hf, i), c.vdhcp_start, err) < 0)
			goto fail_slirp;
	for (unsigned i = 0; i < gf->len; i++)
		if (ns_guestfwd(s, g_ptr_array_index(gf, i), err) < 0)
			goto fail_slirp;
	s->source = g_source_new(&ns_source_funcs, sizeof(struct slirp_source));
	((struct slirp_source *)s->source)->s = s;
	g_source_attach(s->source, m->ctx);
	s->nd = net_new(m, id, &ns_ops);
	s->nd->state = s;
	return 0;

fail_slirp:
	slirp_cleanup(s->slirp);
fail:
	g_array_free(s->pollfds, TRUE);
	g_free(s->tftp);
	g_free(s->bootfile);
	g_free(s->hostname);
	g_free(s);
	return -EINVAL;
}
