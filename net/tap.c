// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -netdev tap: a Linux TAP interface (Documentation/networking/tuntap.rst)
 * opened through /dev/net/tun with IFF_TAP | IFF_NO_PI, ifname= chosen or
 * assigned by the kernel, or an already open fd= (any descriptor that
 * keeps frame boundaries: unlike QEMU we do not insist on TUNGETIFF, so a
 * datagram socketpair can stand in for a TAP in tests).  Frames are read on the
 * main loop while the NIC can take them; reading pauses when it cannot.
 * Only script=no and downscript=no are accepted: kvmpc never runs
 * configuration scripts.  Left out: vnet headers (offloads), multiqueue,
 * vhost.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <glib-unix.h>
#include "net/net.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/opts.h"

#define TAP_BUF 65536

struct net_tap {
	struct netdev *nd;
	struct machine *m;
	int fd;
	guint watch;
	uint8_t buf[TAP_BUF];
};

static gboolean tap_readable(gint fd, GIOCondition cond, gpointer opaque);

static void tap_watch(struct net_tap *t, bool on)
{
	if (on && !t->watch)
		t->watch = g_unix_fd_add(t->fd, G_IO_IN, tap_readable, t);
	else if (!on && t->watch) {
		g_source_remove(t->watch);
		t->watch = 0;
	}
}

static gboolean tap_readable(gint fd, GIOCondition cond, gpointer opaque)
{
	struct net_tap *t = opaque;
	gboolean keep = G_SOURCE_CONTINUE;

	machine_lock(t->m);
	for (int i = 0; i < 64; i++) {
		ssize_t n = read(fd, t->buf, sizeof(t->buf));

		if (n <= 0)
			break;
		if (!net_deliver(t->nd, t->buf, n)) {
			/* the NIC is full: stop reading until it has buffers */
			t->watch = 0;
			keep = G_SOURCE_REMOVE;
			break;
		}
	}
	machine_unlock(t->m);
	return keep;
}

static ssize_t tap_send(struct netdev *nd, const struct iovec *iov, int n)
{
	struct net_tap *t = nd->state;
	ssize_t r = writev(t->fd, iov, n);

	return r < 0 ? -errno : r;
}

static void tap_resume(struct netdev *nd)
{
	tap_watch(nd->state, true);
}

static void tap_cleanup(struct netdev *nd)
{
	struct net_tap *t = nd->state;

	tap_watch(t, false);
	close(t->fd);
	g_free(t);
}

static const struct netdev_ops tap_ops = {
	.type = "tap",
	.send = tap_send,
	.resume = tap_resume,
	.cleanup = tap_cleanup,
};

static int tap_open(const char *ifname, GError **err)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		error_setg(err, "netdev tap: cannot open /dev/net/tun: %s", g_strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ifname)
		g_strlcpy(ifr.ifr_name, ifname, IFNAMSIZ);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		error_setg(err, "netdev tap: could not configure %s: %s",
			   ifname ? ifname : "a tap device", g_strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int net_tap_create(struct machine *m, const char *id, struct opts *o, GError **err)
{
	const char *script = opts_get(o, "script"), *down = opts_get(o, "downscript");
	const char *fdstr = opts_get(o, "fd");
	struct net_tap *t;
	uint64_t fdnum;
	int fd;

	if ((script && strcmp(script, "no")) || (down && strcmp(down, "no")) ||
	    (!fdstr && (!script || !down))) {
		error_setg(err, "netdev tap: only script=no,downscript=no is supported");
		return -EINVAL;
	}
	if (fdstr) {
		if (parse_u64(fdstr, &fdnum) < 0 || fdnum > INT32_MAX ||
		    fcntl((int)fdnum, F_GETFD) < 0) {
			error_setg(err, "netdev tap: bad fd=%s", fdstr);
			return -EINVAL;
		}
		fd = fdnum;
	} else {
		fd = tap_open(opts_get(o, "ifname"), err);
		if (fd < 0)
			return -ENODEV;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	opts_get(o, "vhost");
	t = g_new0(struct net_tap, 1);
	t->m = m;
	t->fd = fd;
	t->nd = net_new(m, id, &tap_ops);
	t->nd->state = t;
	tap_watch(t, true);
	return 0;
}
