// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-net (OASIS VIRTIO 1.1 §5.1) on the PCI transport, attached to a
 * -netdev backend (net/net.h): receive, transmit and control queues; MAC
 * and link status in the config space; mergeable receive buffers; the
 * checksum offload bits: a frame the guest sends with NEEDS_CSUM gets its
 * checksum completed here in software before it reaches the backend
 * (slirp wants finished frames), and received frames are marked
 * DATA_VALID when the driver accepted GUEST_CSUM (slirp's are complete).
 * The header is 10 bytes for legacy drivers without MRG_RXBUF, 12
 * otherwise.  Left out: GSO/TSO, multiqueue, VLAN and MAC filtering (the
 * control commands are acknowledged and everything is received), the
 * announce feature.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "hw/virtio/virtio.h"
#include "hw/virtio/virtio-net.h"
#include "net/net.h"
#include "core/iov.h"
#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"

#define VNET_F_CSUM 0
#define VNET_F_GUEST_CSUM 1
#define VNET_F_MAC 5
#define VNET_F_MRG_RXBUF 15
#define VNET_F_STATUS 16
#define VNET_F_CTRL_VQ 17
#define VNET_F_CTRL_RX 18

#define VNET_HDR_F_NEEDS_CSUM 1
#define VNET_HDR_F_DATA_VALID 2
#define VNET_HDR_GSO_NONE 0
#define VNET_S_LINK_UP 1

#define VNET_QUEUE_SIZE 256
#define VNET_CONFIG_LEN 12
#define VNET_MAX_FRAME 65536

struct virtio_net {
	struct virtio_pci vp;
	struct virtio_net_config cfg;
	struct netdev *nd;
	struct virtqueue *rx, *tx, *ctrl;
	uint8_t mac[6], perm_mac[6];
	uint8_t link_up;
	uint8_t frame[VNET_MAX_FRAME];
};

static struct virtio_net *to_net(struct virtio_dev *vd)
{
	return container_of(vd, struct virtio_net, vp.vdev);
}

static size_t vnet_hdr_len(struct virtio_dev *vd)
{
	return virtio_is_modern(vd) || virtio_has_feature(vd, VNET_F_MRG_RXBUF) ? 12 : 10;
}

static void vnet_fill_config(struct virtio_net *n)
{
	uint8_t *c = n->vp.vdev.config;

	memcpy(c, n->mac, 6);
	virtio_stw(c + 6, n->link_up ? VNET_S_LINK_UP : 0);
	virtio_stw(c + 8, 1);
	virtio_stw(c + 10, 1500);
}

/* ---- receive ---- */

static bool vnet_can_receive(void *opaque)
{
	struct virtio_net *n = opaque;

	return n->link_up && vq_ready(n->rx);
}

/* Copy len bytes into the element's writable part from offset off. */
static size_t vnet_copy_in(struct vq_elem *e, size_t off, const uint8_t *buf, size_t len)
{
	size_t n = MIN(len, e->in_len > off ? e->in_len - off : 0);

	iov_from_buf(e->in_sg, e->in_num, off, buf, n);
	return n;
}

static bool vnet_receive(void *opaque, const uint8_t *buf, size_t len)
{
	struct virtio_net *n = opaque;
	struct virtio_dev *vd = &n->vp.vdev;
	size_t hl = vnet_hdr_len(vd), done = 0;
	bool mrg = virtio_has_feature(vd, VNET_F_MRG_RXBUF);
	struct vq_elem *elems[64];
	uint32_t lens[64];
	uint8_t hdr[12] = { 0 };
	int k = 0;

	if (!vnet_can_receive(n))
		return false;
	while (done < len || k == 0) {
		struct vq_elem *e;
		size_t off = k == 0 ? hl : 0, c;

		if (k == (int)G_N_ELEMENTS(elems) || vq_pop(n->rx, &e) <= 0)
			goto no_room;
		if (e->in_len == 0 || e->in_len < off) {
			virtio_error(vd, "receive buffer of %zu bytes is too small", e->in_len);
			vq_elem_free(e);
			goto no_room;
		}
		c = vnet_copy_in(e, off, buf + done, len - done);
		done += c;
		elems[k] = e;
		lens[k++] = off + c;
		if (!mrg && done < len) {
			guest_error("virtio-net: %zu-byte frame does not fit a %zu-byte buffer",
				    len, e->in_len);
			lens[0] = off + c; /* truncated, like a real NIC dropping the tail */
			break;
		}
	}
	if (virtio_has_feature(vd, VNET_F_GUEST_CSUM))
		hdr[0] = VNET_HDR_F_DATA_VALID;
	virtio_stw(hdr + 10, k);
	vnet_copy_in(elems[0], 0, hdr, hl);
	for (int i = 0; i < k; i++)
		vq_push(n->rx, elems[i], lens[i]);
	vq_notify(n->rx);
	return true;

no_room:
	while (k > 0)
		vq_unpop(n->rx, elems[--k]);
	return vd->broken; /* a broken device swallows frames */
}

static void vnet_handle_rx(struct virtio_dev *vd, struct virtqueue *vq)
{
	struct virtio_net *n = to_net(vd);

	if (n->nd)
		net_frontend_ready(n->nd);
}

/* ---- transmit ---- */

/* NEEDS_CSUM: fold the sum from csum_start into csum_start + csum_offset. */
static bool vnet_complete_csum(struct virtio_net *n, size_t len, uint16_t start,
			       uint16_t offset)
{
	uint16_t sum;

	if ((size_t)start + offset + 2 > len) {
		guest_error("virtio-net: checksum at %u+%u outside a %zu-byte frame", start,
			    offset, len);
		return false;
	}
	/* the field holds the pseudo-header sum the driver left there */
	sum = net_csum_fold(net_csum_add(0, n->frame + start, len - start));
	n->frame[start + offset] = sum >> 8;
	n->frame[start + offset + 1] = sum & 0xff;
	return true;
}

static void vnet_tx_one(struct virtio_net *n, struct vq_elem *e, size_t hl)
{
	uint8_t hdr[12];
	size_t len = e->out_len - hl;
	uint16_t start, offset;
	struct iovec v;

	iov_to_buf(e->out_sg, e->out_num, 0, hdr, hl);
	if (hdr[1] != VNET_HDR_GSO_NONE) {
		guest_error("virtio-net: GSO frame (type %u) without the feature", hdr[1]);
		return;
	}
	if (len > VNET_MAX_FRAME) {
		guest_error("virtio-net: %zu-byte frame dropped", len);
		return;
	}
	iov_to_buf(e->out_sg, e->out_num, hl, n->frame, len);
	if ((hdr[0] & VNET_HDR_F_NEEDS_CSUM) && virtio_has_feature(&n->vp.vdev, VNET_F_CSUM)) {
		memcpy(&start, hdr + 6, 2);
		memcpy(&offset, hdr + 8, 2);
		if (!vnet_complete_csum(n, len, start, offset))
			return;
	}
	if (!n->link_up || !n->nd)
		return;
	v.iov_base = n->frame;
	v.iov_len = len;
	net_send(n->nd, &v, 1);
}

static void vnet_handle_tx(struct virtio_dev *vd, struct virtqueue *vq)
{
	struct virtio_net *n = to_net(vd);
	size_t hl = vnet_hdr_len(vd);
	struct vq_elem *e;

	while (vq_pop(vq, &e) > 0) {
		if (e->out_len < hl) {
			virtio_error(vd, "transmit buffer without a header");
			vq_elem_free(e);
			return;
		}
		vnet_tx_one(n, e, hl);
		vq_push(vq, e, 0);
	}
	vq_notify(vq);
}

/* ---- control ---- */

static void vnet_handle_ctrl(struct virtio_dev *vd, struct virtqueue *vq)
{
	struct virtio_net *n = to_net(vd);
	struct vq_elem *e;

	while (vq_pop(vq, &e) > 0) {
		uint8_t cmd[2], ack;

		if (e->out_len < 2 || e->in_len < 1) {
			virtio_error(vd, "control request without command or ack");
			vq_elem_free(e);
			return;
		}
		iov_to_buf(e->out_sg, e->out_num, 0, cmd, 2);
		ack = cmd[0] <= 1 ? 0 : 1; /* RX mode and MAC tables: accepted */
		if (cmd[0] == 1 && cmd[1] == 1 && e->out_len >= 8) { /* MAC_ADDR_SET */
			iov_to_buf(e->out_sg, e->out_num, 2, n->mac, 6);
			vnet_fill_config(n);
		}
		iov_from_buf(e->in_sg, e->in_num, e->in_len - 1, &ack, 1);
		vq_push(vq, e, 1);
	}
	vq_notify(vq);
}

/* ---- device ---- */

static void vnet_config_write(struct virtio_dev *vd, unsigned off, uint32_t val,
			      unsigned size)
{
	struct virtio_net *n = to_net(vd);

	/* legacy drivers may set the MAC through the config space */
	for (unsigned i = 0; i < size; i++)
		if (off + i < 6 && !virtio_is_modern(vd))
			n->mac[off + i] = val >> (8 * i);
	vnet_fill_config(n);
}

static void vnet_set_status(struct virtio_dev *vd, uint8_t old)
{
	struct virtio_net *n = to_net(vd);

	if ((vd->status & VIRTIO_STATUS_DRIVER_OK) && n->nd)
		net_frontend_ready(n->nd);
}

static void vnet_set_link(void *opaque, bool up)
{
	struct virtio_net *n = opaque;

	if (n->link_up == up)
		return;
	n->link_up = up;
	vnet_fill_config(n);
	virtio_config_changed(&n->vp.vdev);
	if (up && n->nd)
		net_frontend_ready(n->nd);
}

static const struct virtio_dev_ops vnet_ops = {
	.config_write = vnet_config_write,
	.set_status = vnet_set_status,
};

static int vnet_parse_mac(struct virtio_net *n, struct machine *m, GError **err)
{
	unsigned b[6], count = 0;

	if (n->cfg.mac) {
		if (sscanf(n->cfg.mac, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3],
			   &b[4], &b[5]) != 6 || (b[0] & 1)) {
			error_setg(err, "virtio-net-pci: bad mac '%s'", n->cfg.mac);
			return -EINVAL;
		}
		for (int i = 0; i < 6; i++)
			n->mac[i] = b[i];
		return 0;
	}
	for (unsigned i = 0; i < m->devices->len; i++)
		if (((struct device *)g_ptr_array_index(m->devices, i))->cls ==
		    &virtio_net_pci_class)
			count++;
	memcpy(n->mac, "\x52\x54\x00\x12\x34\x56", 6);
	n->mac[5] += count;
	return 0;
}

static int vnet_realize(struct device *dev, GError **err)
{
	struct virtio_net *n = container_of(dev, struct virtio_net, vp.pci.dev);
	struct virtio_dev *vd = &n->vp.vdev;
	struct machine *m = dev->m;
	struct net_frontend fe = { vnet_receive, vnet_can_receive, vnet_set_link, n };
	int ret;

	if (dev->opts) {
		n->cfg = (struct virtio_net_config)VIRTIO_NET_CONFIG_DEFAULT;
		if ((ret = virtio_pci_parse_opts(dev->opts, &n->cfg.pci, err)) < 0)
			return ret;
		n->cfg.netdev = opts_get(dev->opts, "netdev");
		n->cfg.mac = opts_get(dev->opts, "mac");
	} else if (dev->globals) { /* -global virtio-net-pci.* on a -nic NIC */
		if ((ret = virtio_pci_parse_opts(dev->globals, &n->cfg.pci, err)) < 0)
			return ret;
		if (opts_has(dev->globals, "mac"))
			n->cfg.mac = opts_get(dev->globals, "mac");
	}
	if ((ret = vnet_parse_mac(n, m, err)) < 0)
		return ret;
	memcpy(n->perm_mac, n->mac, 6);
	if (n->cfg.netdev) {
		n->nd = net_claim(m, dev->cls->name, n->cfg.netdev, &fe, err);
		if (!n->nd)
			return -ENOENT;
	}
	n->link_up = 1;
	n->vp.cfg = n->cfg.pci;
	virtio_dev_init(vd, m, "virtio-net", VIRTIO_ID_NET, VNET_CONFIG_LEN, &vnet_ops);
	vd->host_features |= 1ULL << VNET_F_CSUM | 1ULL << VNET_F_GUEST_CSUM |
			     1ULL << VNET_F_MAC | 1ULL << VNET_F_MRG_RXBUF |
			     1ULL << VNET_F_STATUS | 1ULL << VNET_F_CTRL_VQ |
			     1ULL << VNET_F_CTRL_RX;
	n->rx = virtio_add_queue(vd, VNET_QUEUE_SIZE, vnet_handle_rx);
	n->tx = virtio_add_queue(vd, VNET_QUEUE_SIZE, vnet_handle_tx);
	n->ctrl = virtio_add_queue(vd, 64, vnet_handle_ctrl);
	vnet_fill_config(n);
	ret = virtio_pci_realize(&n->vp, 0x0200, err);
	if (ret < 0 && n->nd) {
		n->nd->claimed = false;
		memset(&n->nd->fe, 0, sizeof(n->nd->fe));
	}
	return ret;
}

static void vnet_dev_reset(struct device *dev)
{
	struct virtio_net *n = container_of(dev, struct virtio_net, vp.pci.dev);

	virtio_pci_reset(&n->vp);
	memcpy(n->mac, n->perm_mac, 6);
	n->link_up = 1;
	vnet_fill_config(n);
}

static void vnet_unrealize(struct device *dev)
{
	struct virtio_net *n = container_of(dev, struct virtio_net, vp.pci.dev);

	if (n->nd) {
		memset(&n->nd->fe, 0, sizeof(n->nd->fe));
		n->nd->claimed = false;
	}
	virtio_pci_unrealize(&n->vp);
}

static int vnet_post_load(void *opaque)
{
	struct virtio_net *n = opaque;

	vnet_fill_config(n);
	return virtio_pci_post_load(&n->vp);
}

static const struct vmstate_field vnet_fields[] = {
	VIRTIO_PCI_VMSTATE(struct virtio_net, vp),
	VMSTATE_U8_ARRAY(struct virtio_net, mac),
	VMSTATE_U8(struct virtio_net, link_up),
	VMSTATE_END,
};

static const struct vmstate_desc vnet_vmstate = {
	.name = "virtio-net",
	.version = 1,
	.fields = vnet_fields,
	.post_load = vnet_post_load,
};

const struct device_class virtio_net_pci_class = {
	.name = "virtio-net-pci",
	.bus = "PCI",
	.qom_child = "virtio-backend",
	.desc = "virtio network card; netdev=, mac=, romfile=, addr=, disable-legacy=, "
		"disable-modern=, vectors=",
	.instance_size = sizeof(struct virtio_net),
	.user_creatable = true,
	.realize = vnet_realize,
	.reset = vnet_dev_reset,
	.unrealize = vnet_unrealize,
	.vmsd = &vnet_vmstate,
};

static void virtio_net_pci_setup(struct device *dev, const void *cfg)
{
	container_of(dev, struct virtio_net, vp.pci.dev)->cfg = *(const struct virtio_net_config *)cfg;
}

struct virtio_net *virtio_net_pci_create(struct machine *m,
					 const struct virtio_net_config *cfg, GError **err)
{
	struct device *dev = device_create(m, &virtio_net_pci_class, NULL, virtio_net_pci_setup, cfg, err);

	return dev ? container_of(dev, struct virtio_net, vp.pci.dev) : NULL;
}
