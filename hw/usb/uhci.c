// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PIIX3 USB UHCI host controller (8086:7020), function 2 of the PIIX3 as
 * QEMU's pc machine places it: the I/O registers of the UHCI design guide
 * 1.1 (USBCMD, USBSTS, USBINTR, FRNUM, FLBASEADD, SOFMOD, two PORTSC) in
 * BAR 4, and the schedule: each 1 ms frame the controller reads the frame
 * list entry, walks queue heads and transfer descriptors (breadth first,
 * depth first where a link asks for it), hands token packets to the
 * devices of hw/usb/usb.h and writes status back, with interrupts on
 * completion, short packets and errors through PCI INTx (pin D).  The
 * frame timer runs only while the controller runs (USBCMD.RS).
 *
 * Hostile guests: every descriptor and buffer is checked against guest
 * RAM, each frame visits at most UHCI_FRAME_LINKS links and moves at most
 * 1280 bytes (a full-speed frame), so link cycles and huge lengths cost a
 * bounded amount of work and are logged (rate-limited).
 * Left out: isochronous TDs (completed as errors), low-speed timing,
 * suspend/resume signalling beyond the resume-detect bit, the legacy
 * keyboard emulation register (0xc0), more than two ports.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "core/machine.h"
#include "hw/usb/uhci.h"

#define CMD_RS 0x0001
#define CMD_HCRESET 0x0002
#define CMD_GRESET 0x0004
#define CMD_EGSM 0x0008

#define STS_USBINT 0x0001
#define STS_USBERR 0x0002
#define STS_RD 0x0004
#define STS_HSE 0x0008
#define STS_HCPE 0x0010
#define STS_HCHALTED 0x0020

#define INTR_TIMEOUT 0x0001
#define INTR_RESUME 0x0002
#define INTR_IOC 0x0004
#define INTR_SPD 0x0008

#define PORT_CCS 0x0001
#define PORT_CSC 0x0002
#define PORT_PE 0x0004
#define PORT_PEC 0x0008
#define PORT_RESERVED1 0x0080 /* always reads 1 */
#define PORT_LSDA 0x0100
#define PORT_PR 0x0200
#define PORT_SUSP 0x1000
#define PORT_READ_ONLY 0x01bb
#define PORT_WRITE_CLEAR (PORT_CSC | PORT_PEC)

#define LINK_T 0x1
#define LINK_Q 0x2
#define LINK_VF 0x4

#define TD_ACTLEN 0x000007ff
#define TD_BITSTUFF (1u << 17)
#define TD_TIMEOUT (1u << 18)
#define TD_NAK (1u << 19)
#define TD_BABBLE (1u << 20)
#define TD_DBUF (1u << 21)
#define TD_STALLED (1u << 22)
#define TD_ACTIVE (1u << 23)
#define TD_IOC (1u << 24)
#define TD_IOS (1u << 25)
#define TD_CERR (3u << 27)
#define TD_SPD (1u << 29)

#define UHCI_FRAME_NS 1000000
#define UHCI_FRAME_LINKS 512   /* links visited per frame at most */
#define UHCI_QH_SEEN 64        /* QHs remembered per frame for loop detection */
#define UHCI_FRAME_BYTES 1280  /* bytes moved per frame at most */
#define UHCI_MAX_CATCHUP 16    /* frames run at once after a late timer */

enum td_result {
	TD_DONE,      /* completed: advance the queue */
	TD_NEXT_QH,   /* NAK, error, short packet, inactive: leave the queue */
	TD_STOP,      /* frame budget spent */
};

/* ---- interrupts and reset -------------------------------------------- */

static void uhci_update_irq(struct uhci *s)
{
	int level = ((s->status2 & 1) && (s->intr & INTR_IOC)) ||
		    ((s->status2 & 2) && (s->intr & INTR_SPD)) ||
		    ((s->status & STS_USBERR) && (s->intr & INTR_TIMEOUT)) ||
		    ((s->status & STS_RD) && (s->intr & INTR_RESUME)) ||
		    (s->status & (STS_HSE | STS_HCPE));

	pci_set_irq(&s->pci, level);
}

static void uhci_port_connect(struct uhci *s, int i)
{
	struct usb_device *d = s->ports[i].dev;

	s->portsc[i] &= ~PORT_LSDA;
	if (d) {
		s->portsc[i] |= PORT_CCS | PORT_CSC;
		if (d->speed == USB_SPEED_LOW)
			s->portsc[i] |= PORT_LSDA;
	}
}

static void uhci_reset_regs(struct uhci *s)
{
	s->pci.config[0x6a] = 0x01; /* USB clock */
	s->pci.config[0x6b] = 0x00;
	s->cmd = 0;
	s->status = STS_HCHALTED;
	s->status2 = 0;
	s->intr = 0;
	s->flbase = 0;
	s->sof = 64;
	timer_del(&s->frame_timer);
	for (int i = 0; i < UHCI_PORTS; i++) {
		s->portsc[i] = PORT_RESERVED1;
		if (s->ports[i].dev) {
			usb_device_reset(s->ports[i].dev);
			uhci_port_connect(s, i);
		}
	}
	uhci_update_irq(s);
}

/* ---- the schedule ----------------------------------------------------- */

static uint32_t uhci_ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return GUINT32_FROM_LE(v);
}

static bool uhci_read_dwords(struct uhci *s, uint32_t addr, uint32_t *v, int n)
{
	uint8_t *p = as_ram_ptr(&s->pci.dev.m->mem, addr, 4 * n);

	if (!p) {
		guest_error("uhci: schedule entry at 0x%08x is outside RAM", addr);
		return false;
	}
	for (int i = 0; i < n; i++)
		v[i] = uhci_ld32(p + 4 * i);
	return true;
}

static void uhci_write_dword(struct uhci *s, uint32_t addr, uint32_t v)
{
	uint8_t *p = as_ram_ptr(&s->pci.dev.m->mem, addr, 4);

	v = GUINT32_TO_LE(v);
	if (p)
		memcpy(p, &v, 4);
}

/* The device at addr on an enabled port. */
static struct usb_device *uhci_find_device(struct uhci *s, int addr)
{
	for (int i = 0; i < UHCI_PORTS; i++) {
		struct usb_device *d = s->ports[i].dev;

		if (d && (s->portsc[i] & PORT_PE) && (d = usb_device_find(d, addr)))
			return d;
	}
	return NULL;
}

/* Mark a TD failed with the given status bits; error interrupt. */
static void uhci_td_error(struct uhci *s, uint32_t *ctrl, uint32_t bits)
{
	*ctrl = (*ctrl & ~(TD_ACTIVE | TD_CERR)) | bits;
	s->status |= STS_USBERR;
	if (*ctrl & TD_IOC)
		s->status2 |= 1;
}

/* Run the packet of an active TD; fills *ctrl's status.  Bytes or USB_RET_*. */
static int uhci_td_packet(struct uhci *s, const uint32_t *td, int maxlen)
{
	int pid = td[2] & 0xff, ep = (td[2] >> 15) & 0xf;
	struct usb_device *d = uhci_find_device(s, (td[2] >> 8) & 0x7f);
	uint8_t *buf = NULL;

	if (!d)
		return USB_RET_NODEV;
	if (maxlen) {
		buf = as_ram_ptr(&s->pci.dev.m->mem, td[3], maxlen);
		if (!buf) {
			guest_error("uhci: TD buffer 0x%08x+%d is outside RAM", td[3], maxlen);
			return -EFAULT;
		}
	}
	if (pid != USB_TOKEN_IN) {
		uint8_t tmp[UHCI_FRAME_BYTES];

		if (buf)
			memcpy(tmp, buf, maxlen);
		return usb_handle_packet(d, pid, ep, tmp, maxlen);
	}
	uint8_t in[UHCI_FRAME_BYTES];
	int r = usb_handle_packet(d, pid, ep, in, maxlen);

	if (r > maxlen)
		r = maxlen;
	if (r > 0)
		memcpy(buf, in, r);
	return r;
}

static enum td_result uhci_handle_td(struct uhci *s, uint32_t addr, uint32_t *td, int *budget)
{
	int pid, maxlen, r;
	uint32_t ctrl;

	if (!uhci_read_dwords(s, addr, td, 4))
		return TD_STOP;
	ctrl = td[1];
	if (!(ctrl & TD_ACTIVE))
		return TD_NEXT_QH;
	if (ctrl & TD_IOS) {
		guest_unimp("uhci: isochronous TD at 0x%08x", addr);
		uhci_td_error(s, &ctrl, TD_STALLED);
		uhci_write_dword(s, addr + 4, ctrl);
		return TD_NEXT_QH;
	}
	pid = td[2] & 0xff;
	maxlen = ((td[2] >> 21) + 1) & 0x7ff;
	if (maxlen > *budget)
		return TD_STOP;
	if (maxlen > UHCI_FRAME_BYTES ||
	    (pid != USB_TOKEN_IN && pid != USB_TOKEN_OUT && pid != USB_TOKEN_SETUP)) {
		guest_error("uhci: TD at 0x%08x has pid 0x%02x, length %d", addr, pid, maxlen);
		uhci_td_error(s, &ctrl, TD_STALLED | TD_BABBLE);
		uhci_write_dword(s, addr + 4, ctrl);
		return TD_NEXT_QH;
	}
	r = uhci_td_packet(s, td, maxlen);
	if (r == USB_RET_NAK) {
		/* NAK: stays active, retried next frame */
		return TD_NEXT_QH;
	}
	*budget -= maxlen;
	switch (r) {
	case USB_RET_NODEV:
		uhci_td_error(s, &ctrl, TD_TIMEOUT);
		break;
	case USB_RET_STALL:
		uhci_td_error(s, &ctrl, TD_STALLED);
		break;
	case USB_RET_BABBLE:
		uhci_td_error(s, &ctrl, TD_STALLED | TD_BABBLE);
		break;
	case -EFAULT:
		uhci_td_error(s, &ctrl, TD_DBUF);
		break;
	default:
		ctrl = (ctrl & ~(TD_ACTIVE | TD_ACTLEN)) | ((r - 1) & TD_ACTLEN);
		if (ctrl & TD_IOC)
			s->status2 |= 1;
		uhci_write_dword(s, addr + 4, ctrl);
		if (pid == USB_TOKEN_IN && r < maxlen && (ctrl & TD_SPD)) {
			s->status2 |= 2;
			return TD_NEXT_QH; /* the queue stays on the short TD */
		}
		return TD_DONE;
	}
	uhci_write_dword(s, addr + 4, ctrl);
	return TD_NEXT_QH;
}

/*
 * The TDs queued on the QH at addr, as far as they complete (and depth
 * first links ask); returns false when the frame must stop.
 */
static bool uhci_run_qh(struct uhci *s, uint32_t addr, uint32_t *head, int *links, int *bytes,
			int *done)
{
	uint32_t qh[2], td[4], elem;

	if (!uhci_read_dwords(s, addr, qh, 2))
		return false;
	*head = qh[0];
	elem = qh[1];
	while (!(elem & LINK_T)) {
		if (--*links <= 0)
			return false;
		if (elem & LINK_Q) {
			/* a QH inside a queue: leave this queue for it */
			*head = elem;
			return true;
		}
		switch (uhci_handle_td(s, elem & ~0xfu, td, bytes)) {
		case TD_STOP:
			return false;
		case TD_NEXT_QH:
			return true;
		case TD_DONE:
			++*done;
			elem = td[0];
			uhci_write_dword(s, addr + 4, elem);
			if (!(elem & LINK_VF))
				return true;
		}
	}
	return true;
}

/*
 * A QH seen again in this frame: drivers link their last QH back to the
 * first on purpose (full-speed bandwidth reclamation), so a loop ends the
 * frame quietly once a whole turn completed no TD.  True: stop the frame.
 */
static bool uhci_qh_loop(uint32_t *seen, int *nseen, uint32_t qh, int *done)
{
	for (int i = 0; i < *nseen; i++) {
		if (seen[i] != qh)
			continue;
		if (!*done)
			return true;
		*nseen = 0; /* progress was made: another turn */
		*done = 0;
		break;
	}
	if (*nseen < UHCI_QH_SEEN)
		seen[(*nseen)++] = qh;
	return false;
}

static void uhci_process_frame(struct uhci *s)
{
	uint32_t entry = s->flbase + ((s->frnum & 0x3ff) << 2);
	uint32_t link, td[4], seen[UHCI_QH_SEEN];
	int links = UHCI_FRAME_LINKS, bytes = UHCI_FRAME_BYTES, nseen = 0, done = 0;

	if (!uhci_read_dwords(s, entry, &link, 1))
		return;
	while (!(link & LINK_T)) {
		if (--links <= 0) {
			guest_error("uhci: frame %u: more than %d schedule links", s->frnum,
				    UHCI_FRAME_LINKS);
			break;
		}
		if (link & LINK_Q) {
			if (uhci_qh_loop(seen, &nseen, link & ~0xfu, &done))
				break;
			if (!uhci_run_qh(s, link & ~0xfu, &link, &links, &bytes, &done))
				break;
			continue;
		}
		switch (uhci_handle_td(s, link & ~0xfu, td, &bytes)) {
		case TD_STOP:
			return;
		case TD_DONE:
			done++;
			break;
		case TD_NEXT_QH:
			break;
		}
		link = td[0];
	}
}

static void uhci_end_frame(struct uhci *s)
{
	s->frnum = (s->frnum + 1) & 0x7ff;
	if (s->status2 & 3)
		s->status |= STS_USBINT;
	uhci_update_irq(s);
}

static void uhci_frame_timer(void *opaque)
{
	struct uhci *s = opaque;
	struct vclock *c = &s->pci.dev.m->clock;
	int64_t now = vclock_ns(c);
	int n = 0;

	while ((s->cmd & CMD_RS) && s->next_frame <= now) {
		if (++n > UHCI_MAX_CATCHUP) {
			s->next_frame = now; /* fell behind: skip the lost frames */
			break;
		}
		uhci_process_frame(s);
		uhci_end_frame(s);
		s->next_frame += UHCI_FRAME_NS;
	}
	if (s->cmd & CMD_RS)
		timer_mod(&s->frame_timer, s->next_frame);
}

/* ---- registers -------------------------------------------------------- */

static void uhci_write_cmd(struct uhci *s, uint16_t val)
{
	if ((val & CMD_RS) && !(s->cmd & CMD_RS)) {
		s->next_frame = vclock_ns(&s->pci.dev.m->clock) + UHCI_FRAME_NS;
		timer_mod(&s->frame_timer, s->next_frame);
		s->status &= ~STS_HCHALTED;
	} else if (!(val & CMD_RS)) {
		timer_del(&s->frame_timer);
		s->status |= STS_HCHALTED;
	}
	if (val & (CMD_GRESET | CMD_HCRESET)) {
		uhci_reset_regs(s);
		return;
	}
	s->cmd = val;
	if ((val & CMD_EGSM) == 0)
		return;
	for (int i = 0; i < UHCI_PORTS; i++)
		if ((s->portsc[i] & PORT_SUSP) && s->ports[i].dev)
			s->status |= STS_RD;
	uhci_update_irq(s);
}

static void uhci_write_port(struct uhci *s, int i, uint16_t val)
{
	uint16_t *p = &s->portsc[i];

	if ((val & PORT_PR) && !(*p & PORT_PR) && s->ports[i].dev)
		usb_device_reset(s->ports[i].dev);
	*p &= PORT_READ_ONLY;
	if (!(*p & PORT_CCS))
		val &= ~PORT_PE;
	*p |= val & ~PORT_READ_ONLY;
	*p &= ~(val & PORT_WRITE_CLEAR);
}

static uint64_t uhci_read16(struct uhci *s, uint64_t addr)
{
	switch (addr) {
	case 0x00: return s->cmd;
	case 0x02: return s->status;
	case 0x04: return s->intr;
	case 0x06: return s->frnum;
	case 0x08: return s->flbase & 0xffff;
	case 0x0a: return s->flbase >> 16;
	case 0x0c: return s->sof;
	case 0x10: case 0x12:
		return s->portsc[(addr - 0x10) / 2];
	}
	return 0xff7f;
}

static void uhci_write16(struct uhci *s, uint64_t addr, uint16_t val)
{
	switch (addr) {
	case 0x00:
		uhci_write_cmd(s, val);
		return;
	case 0x02:
		s->status &= ~val;
		if (val & STS_USBINT)
			s->status2 = 0;
		uhci_update_irq(s);
		return;
	case 0x04:
		s->intr = val;
		uhci_update_irq(s);
		return;
	case 0x06:
		if (s->status & STS_HCHALTED)
			s->frnum = val & 0x7ff;
		return;
	case 0x08:
		s->flbase = (s->flbase & 0xffff0000) | (val & ~0xfff);
		return;
	case 0x0a:
		s->flbase = (s->flbase & 0xffff) | ((uint32_t)val << 16);
		return;
	case 0x0c:
		s->sof = val & 0xff;
		return;
	case 0x10: case 0x12:
		uhci_write_port(s, (addr - 0x10) / 2, val);
		return;
	}
	guest_error("uhci: write 0x%04x to register 0x%02x", val, (unsigned)addr);
}

/* The registers are 16 bits wide; byte accesses read or merge a half. */
static uint64_t uhci_io_read(void *opaque, uint64_t addr, unsigned size)
{
	struct uhci *s = opaque;
	uint64_t v = uhci_read16(s, addr & ~1ull);

	if (size == 1)
		return (v >> ((addr & 1) * 8)) & 0xff;
	if (size == 4)
		return v | uhci_read16(s, addr + 2) << 16;
	return v;
}

static void uhci_io_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct uhci *s = opaque;

	if (size == 4) {
		uhci_write16(s, addr, val & 0xffff);
		uhci_write16(s, addr + 2, val >> 16);
	} else if (size == 2) {
		uhci_write16(s, addr, val);
	} else if (addr == 0x0c) {
		s->sof = val;
	} else {
		/* a byte: zero-extended into its 16-bit register, as QEMU widens it */
		uhci_write16(s, addr & ~1ull, (val & 0xff) << ((addr & 1) * 8));
	}
}

static const struct mem_ops uhci_io_ops = {
	.read = uhci_io_read,
	.write = uhci_io_write,
	.min_access = 1,
	.max_access = 4,
};

/* ---- ports ------------------------------------------------------------ */

static void uhci_attach(struct usb_port *p)
{
	struct uhci *s = p->opaque;

	uhci_port_connect(s, p->index - 1);
	if (s->cmd & CMD_EGSM) {
		s->status |= STS_RD;
		uhci_update_irq(s);
	}
}

static void uhci_detach(struct usb_port *p)
{
	struct uhci *s = p->opaque;
	uint16_t *sc = &s->portsc[p->index - 1];

	if (*sc & PORT_CCS)
		*sc = (*sc & ~PORT_CCS) | PORT_CSC;
	if (*sc & PORT_PE)
		*sc = (*sc & ~PORT_PE) | PORT_PEC;
}

static void uhci_wakeup(struct usb_port *p)
{
	struct uhci *s = p->opaque;
	int i = p->index - 1;

	if ((s->portsc[i] & PORT_SUSP) && p->dev && p->dev->remote_wakeup) {
		s->portsc[i] |= 0x0040; /* resume detect on the port */
		s->status |= STS_RD;
		uhci_update_irq(s);
	}
}

static const struct usb_port_ops uhci_port_ops = {
	.attach = uhci_attach,
	.detach = uhci_detach,
	.wakeup = uhci_wakeup,
};

/* ---- device ----------------------------------------------------------- */

static int uhci_parse_addr(struct uhci *s, GError **err)
{
	const char *addr = s->pci.dev.opts ? opts_get(s->pci.dev.opts, "addr") : NULL;
	unsigned long slot, fn = 0;
	char *end;

	if (!addr)
		return 0;
	slot = strtoul(addr, &end, 16);
	if (*end == '.')
		fn = strtoul(end + 1, &end, 16);
	if (*end || end == addr || slot > 31 || fn > 7) {
		error_setg(err, "Property 'piix3-usb-uhci.addr' doesn't take value '%s'", addr);
		return -EINVAL;
	}
	s->devfn = slot << 3 | fn;
	return 0;
}

static int uhci_realize(struct device *dev, GError **err)
{
	struct uhci *s = container_of(dev, struct uhci, pci.dev);

	if (dev->opts)
		s->devfn = -1;
	if (uhci_parse_addr(s, err) < 0)
		return -EINVAL;
	if (!dev->m->pci) {
		error_setg(err, "piix3-usb-uhci: no PCI bus");
		return -ENODEV;
	}
	pci_config_set_ids(&s->pci, 0x8086, 0x7020, 0x01, 0x0c0300);
	s->pci.config[PCI_INTERRUPT_PIN] = 4; /* INTD, as QEMU's PIIX3 UHCI */
	s->pci.config[0x60] = 0x10;           /* USB release 1.0 */
	mr_init_io(&s->io, "uhci", 0x20, &uhci_io_ops, s);
	pci_register_bar(&s->pci, 4, PCI_BAR_IO, false, &s->io);
	if (pci_device_attach(dev->m->pci, &s->pci, s->devfn, err) < 0)
		return -EINVAL;
	timer_init(&s->frame_timer, &dev->m->clock, uhci_frame_timer, s);
	for (int i = 0; i < UHCI_PORTS; i++) {
		struct usb_port *p = &s->ports[i];

		p->ops = &uhci_port_ops;
		p->opaque = s;
		p->index = i + 1;
		snprintf(p->path, sizeof(p->path), "0000:00:%02x.%x", s->pci.devfn >> 3,
			 s->pci.devfn & 7);
		snprintf(p->name, sizeof(p->name), "%d", i + 1);
		usb_port_register(dev->m, p);
	}
	uhci_reset_regs(s);
	return 0;
}

static void uhci_unrealize(struct device *dev)
{
	struct uhci *s = container_of(dev, struct uhci, pci.dev);

	timer_del(&s->frame_timer);
	for (int i = 0; i < UHCI_PORTS; i++) {
		/* devices left on the ports keep no pointer to them */
		if (s->ports[i].dev)
			usb_device_detach(s->ports[i].dev);
		usb_port_unregister(dev->m, &s->ports[i]);
	}
}

static void uhci_dev_reset(struct device *dev)
{
	struct uhci *s = container_of(dev, struct uhci, pci.dev);

	pci_device_reset(&s->pci);
	uhci_reset_regs(s);
}

static int uhci_post_load(void *opaque)
{
	struct uhci *s = opaque;

	timer_del(&s->frame_timer);
	if (s->cmd & CMD_RS) {
		s->next_frame = vclock_ns(&s->pci.dev.m->clock) + UHCI_FRAME_NS;
		timer_mod(&s->frame_timer, s->next_frame);
	}
	return pci_device_post_load(&s->pci);
}

static void uhci_setup(struct device *dev, const void *arg)
{
	struct uhci *s = container_of(dev, struct uhci, pci.dev);

	s->devfn = *(const int *)arg;
}

struct uhci *uhci_create(struct machine *m, int devfn, GError **err)
{
	struct device *dev = device_create(m, &piix3_uhci_class, NULL, uhci_setup, &devfn, err);

	return dev ? container_of(dev, struct uhci, pci.dev) : NULL;
}

static const struct vmstate_field uhci_fields[] = {
	VMSTATE_U8_ARRAY(struct uhci, pci.config),
	VMSTATE_U16(struct uhci, cmd),
	VMSTATE_U16(struct uhci, status),
	VMSTATE_U16(struct uhci, intr),
	VMSTATE_U16(struct uhci, frnum),
	VMSTATE_U32(struct uhci, flbase),
	VMSTATE_U8(struct uhci, sof),
	VMSTATE_U8(struct uhci, status2),
	VMSTATE_U16_ARRAY(struct uhci, portsc),
	VMSTATE_END,
};

static const struct vmstate_desc uhci_vmstate = {
	.name = "uhci",
	.version = 1,
	.fields = uhci_fields,
	.post_load = uhci_post_load,
};

const struct device_class piix3_uhci_class = {
	.name = "piix3-usb-uhci",
	.bus = "PCI",
	.desc = "Intel 82371SB PIIX3 USB UHCI (8086:7020)",
	.instance_size = sizeof(struct uhci),
	.user_creatable = true,
	.realize = uhci_realize,
	.reset = uhci_dev_reset,
	.unrealize = uhci_unrealize,
	.vmsd = &uhci_vmstate,
};
