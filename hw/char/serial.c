// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PC16550D UART ("isa-serial"), following the TI/National PC16550D data
 * sheet and the SeaBIOS probe in docs/machine-contract.md §6.6; where the data
 * sheet leaves room, QEMU's choices (visible through qtest) are kept:
 * reading IIR clears a THRE interrupt it reports, setting IER.THRI while
 * THR is empty re-arms it, LSR resets to 0x60, MCR to 0x08 (OUT2), MSR to
 * 0xB0, the divisor to 12 (9600 baud), and OUT2 does not gate the IRQ.
 *
 * Registers: RBR/THR, IER, IIR/FCR, LCR, MCR, LSR, MSR, SCR and the divisor
 * latch (LCR.DLAB).  A 16-byte receive FIFO with trigger levels and the
 * character timeout; interrupt priority line status > received data or
 * timeout > THR empty > modem status; loopback (MCR bit 4).  Transmission
 * is immediate (the transmit FIFO never holds a byte), so THRE and TEMT are
 * set again as soon as a write completes.  Left out: baud-rate pacing,
 * break, parity/framing errors, modem lines of a real host tty.
 */
#include <errno.h>
#include <string.h>

#include "hw/char/serial.h"
#include "core/chardev.h"
#include "core/irq.h"
#include "core/log.h"
#include "core/machine.h"

#define SERIAL_IER_RDI  0x01 /* received data available */
#define SERIAL_IER_THRI 0x02 /* THR empty */
#define SERIAL_IER_RLSI 0x04 /* receiver line status */
#define SERIAL_IER_MSI  0x08 /* modem status */

#define SERIAL_IIR_NONE 0x01
#define SERIAL_IIR_MSI  0x00
#define SERIAL_IIR_THRI 0x02
#define SERIAL_IIR_RDI  0x04
#define SERIAL_IIR_RLSI 0x06
#define SERIAL_IIR_CTI  0x0c /* character timeout */
#define SERIAL_IIR_FIFO 0xc0

#define SERIAL_FCR_FE   0x01 /* FIFO enable */
#define SERIAL_FCR_RFR  0x02 /* clear receive FIFO */
#define SERIAL_FCR_XFR  0x04 /* clear transmit FIFO */
#define SERIAL_FCR_KEEP 0xc9 /* bits that stick */

#define SERIAL_LCR_DLAB 0x80

#define SERIAL_MCR_OUT2 0x08
#define SERIAL_MCR_LOOP 0x10

#define SERIAL_LSR_DR   0x01
#define SERIAL_LSR_OE   0x02
#define SERIAL_LSR_BI   0x10
#define SERIAL_LSR_THRE 0x20
#define SERIAL_LSR_TEMT 0x40
#define SERIAL_LSR_ERRS 0x1e /* OE, PE, FE, BI */

#define SERIAL_MSR_CTS  0x10
#define SERIAL_MSR_DSR  0x20
#define SERIAL_MSR_DCD  0x80
#define SERIAL_MSR_DELTAS 0x0f

#define SERIAL_BAUD_BASE 115200

static const struct serial_config serial_isa_std[SERIAL_MAX_ISA] = {
	{ 0x3f8, 4, NULL }, { 0x2f8, 3, NULL }, { 0x3e8, 4, NULL }, { 0x2e8, 3, NULL },
};

void serial_isa_default(int index, struct serial_config *cfg)
{
	*cfg = serial_isa_std[index >= 0 && index < SERIAL_MAX_ISA ? index : 0];
}

/* ---- interrupt and timing ------------------------------------------- */

static bool serial_fifo_on(struct serial *s)
{
	return s->fcr & SERIAL_FCR_FE;
}

static uint8_t serial_pending_id(struct serial *s)
{
	if ((s->ier & SERIAL_IER_RLSI) && (s->lsr & SERIAL_LSR_ERRS))
		return SERIAL_IIR_RLSI;
	if ((s->ier & SERIAL_IER_RDI) && s->timeout_ipending)
		return SERIAL_IIR_CTI;
	if ((s->ier & SERIAL_IER_RDI) && (s->lsr & SERIAL_LSR_DR) &&
	    (!serial_fifo_on(s) || s->rx_count >= s->rx_itl))
		return SERIAL_IIR_RDI;
	if ((s->ier & SERIAL_IER_THRI) && s->thr_ipending)
		return SERIAL_IIR_THRI;
	if ((s->ier & SERIAL_IER_MSI) && (s->msr & SERIAL_MSR_DELTAS))
		return SERIAL_IIR_MSI;
	return SERIAL_IIR_NONE;
}

/* Recompute IIR and drive the line: high while anything is pending. */
static void serial_update_irq(struct serial *s)
{
	uint8_t id = serial_pending_id(s);
	bool level = id != SERIAL_IIR_NONE;

	s->iir = (s->iir & 0xf0) | id;
	if (level != s->irq_level) {
		s->irq_level = level;
		irq_set(s->irq, level);
	}
}

/* One character time (start, data, parity, stop bits) at the current rate. */
static int64_t serial_char_ns(struct serial *s)
{
	unsigned div = s->divider ? s->divider : 0x10000;
	unsigned bits = 1 + 5 + (s->lcr & 3) + ((s->lcr & 0x08) ? 1 : 0) +
			((s->lcr & 0x04) ? 2 : 1);

	return NS_PER_SEC * (int64_t)div * bits / SERIAL_BAUD_BASE;
}

/* Character timeout: data left in the FIFO for four character times. */
static void serial_arm_timeout(struct serial *s)
{
	s->timeout_deadline = vclock_ns(&s->dev.m->clock) + 4 * serial_char_ns(s);
	s->timeout_armed = true;
	timer_mod(&s->timeout_timer, s->timeout_deadline);
}

static void serial_stop_timeout(struct serial *s)
{
	s->timeout_armed = false;
	timer_del(&s->timeout_timer);
}

static void serial_timeout_cb(void *opaque)
{
	struct serial *s = opaque;

	s->timeout_armed = false;
	if (serial_fifo_on(s) && s->rx_count) {
		s->timeout_ipending = true;
		serial_update_irq(s);
	}
}

/* ---- data path ------------------------------------------------------ */

/* A byte arrives at the receiver (from the chardev or looped back). */
static void serial_rx_byte(struct serial *s, uint8_t b)
{
	if (serial_fifo_on(s)) {
		if (s->rx_count >= SERIAL_FIFO_LEN) {
			s->lsr |= SERIAL_LSR_OE; /* the FIFO keeps its contents */
		} else {
			s->rx_fifo[(s->rx_head + s->rx_count) % SERIAL_FIFO_LEN] = b;
			s->rx_count++;
		}
		s->lsr |= SERIAL_LSR_DR;
		serial_arm_timeout(s);
	} else {
		if (s->lsr & SERIAL_LSR_DR)
			s->lsr |= SERIAL_LSR_OE;
		s->rbr = b;
		s->lsr |= SERIAL_LSR_DR;
	}
}

static uint8_t serial_read_rbr(struct serial *s)
{
	uint8_t v = 0;

	if (!serial_fifo_on(s)) {
		v = s->rbr;
		s->lsr &= ~(SERIAL_LSR_DR | SERIAL_LSR_BI);
	} else {
		if (s->rx_count) {
			v = s->rx_fifo[s->rx_head];
			s->rx_head = (s->rx_head + 1) % SERIAL_FIFO_LEN;
			s->rx_count--;
		}
		if (s->rx_count) {
			serial_arm_timeout(s);
		} else {
			s->lsr &= ~(SERIAL_LSR_DR | SERIAL_LSR_BI);
			serial_stop_timeout(s);
		}
		s->timeout_ipending = false;
	}
	serial_update_irq(s);
	if (!(s->mcr & SERIAL_MCR_LOOP))
		chardev_accept_input(s->cfg.chr);
	return v;
}

/* THR written: the byte leaves at once and THR is empty again. */
static void serial_write_thr(struct serial *s, uint8_t v)
{
	s->thr = v;
	s->thr_ipending = false;
	s->lsr &= ~(SERIAL_LSR_THRE | SERIAL_LSR_TEMT);
	serial_update_irq(s); /* a new THRE interrupt is a new edge */

	s->tsr = s->thr;
	s->lsr |= SERIAL_LSR_THRE;
	s->thr_ipending = true;
	serial_update_irq(s);
	if (s->mcr & SERIAL_MCR_LOOP) {
		serial_rx_byte(s, s->tsr);
		serial_update_irq(s);
	} else {
		chardev_write(s->cfg.chr, &s->tsr, 1);
	}
	s->lsr |= SERIAL_LSR_TEMT;
}

static void serial_write_ier(struct serial *s, uint8_t v)
{
	uint8_t changed = (s->ier ^ v) & 0x0f;

	s->ier = v & 0x0f;
	if (changed & SERIAL_IER_THRI)
		s->thr_ipending = (s->ier & SERIAL_IER_THRI) &&
				  (s->lsr & SERIAL_LSR_THRE);
	if (changed)
		serial_update_irq(s);
}

static void serial_write_fcr(struct serial *s, uint8_t v)
{
	static const uint8_t itl[4] = { 1, 4, 8, 14 };

	if ((v ^ s->fcr) & SERIAL_FCR_FE)
		v |= SERIAL_FCR_RFR | SERIAL_FCR_XFR; /* toggling flushes both */
	if (v & SERIAL_FCR_RFR) {
		s->lsr &= ~(SERIAL_LSR_DR | SERIAL_LSR_BI);
		serial_stop_timeout(s);
		s->timeout_ipending = false;
		s->rx_count = 0;
		s->rx_head = 0;
	}
	if (v & SERIAL_FCR_XFR) {
		s->lsr |= SERIAL_LSR_THRE;
		s->thr_ipending = true;
	}
	s->fcr = v & SERIAL_FCR_KEEP;
	if (serial_fifo_on(s)) {
		s->iir |= SERIAL_IIR_FIFO;
		s->rx_itl = itl[s->fcr >> 6];
	} else {
		s->iir &= ~SERIAL_IIR_FIFO;
	}
	serial_update_irq(s);
}

static void serial_write_mcr(struct serial *s, uint8_t v)
{
	bool was_loop = s->mcr & SERIAL_MCR_LOOP;

	s->mcr = v & 0x1f;
	if (was_loop && !(s->mcr & SERIAL_MCR_LOOP))
		chardev_accept_input(s->cfg.chr);
}

/* In loopback the modem outputs feed the inputs: DTR>DSR RTS>CTS OUT1>RI OUT2>DCD. */
static uint8_t serial_read_msr(struct serial *s)
{
	uint8_t v;

	if (s->mcr & SERIAL_MCR_LOOP)
		return ((s->mcr & 0x0c) << 4) | ((s->mcr & 0x02) << 3) |
		       ((s->mcr & 0x01) << 5);
	v = s->msr;
	if (s->msr & SERIAL_MSR_DELTAS) {
		s->msr &= 0xf0;
		serial_update_irq(s);
	}
	return v;
}

static uint8_t serial_read_iir(struct serial *s)
{
	uint8_t v = s->iir;

	if ((v & 0x0f) == SERIAL_IIR_THRI) {
		s->thr_ipending = false;
		serial_update_irq(s);
	}
	return v;
}

static uint8_t serial_read_lsr(struct serial *s)
{
	uint8_t v = s->lsr;

	if (s->lsr & SERIAL_LSR_ERRS) {
		s->lsr &= ~SERIAL_LSR_ERRS;
		serial_update_irq(s);
	}
	return v;
}

/* ---- port I/O ------------------------------------------------------- */

static uint64_t serial_io_read(void *opaque, uint64_t addr, unsigned size)
{
	struct serial *s = opaque;
	bool dlab = s->lcr & SERIAL_LCR_DLAB;

	switch (addr & 7) {
	case 0:
		return dlab ? (s->divider & 0xff) : serial_read_rbr(s);
	case 1:
		return dlab ? (s->divider >> 8) : s->ier;
	case 2:
		return serial_read_iir(s);
	case 3:
		return s->lcr;
	case 4:
		return s->mcr;
	case 5:
		return serial_read_lsr(s);
	case 6:
		return serial_read_msr(s);
	default:
		return s->scr;
	}
}

static void serial_io_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
	struct serial *s = opaque;
	bool dlab = s->lcr & SERIAL_LCR_DLAB;
	uint8_t v = val;

	switch (addr & 7) {
	case 0:
		if (dlab)
			s->divider = (s->divider & 0xff00) | v;
		else
			serial_write_thr(s, v);
		break;
	case 1:
		if (dlab)
			s->divider = (s->divider & 0x00ff) | (v << 8);
		else
			serial_write_ier(s, v);
		break;
	case 2:
		serial_write_fcr(s, v);
		break;
	case 3:
		s->lcr = v;
		break;
	case 4:
		serial_write_mcr(s, v);
		break;
	case 7:
		s->scr = v;
		break;
	default:
		break; /* LSR and MSR are read-only (factory test writes ignored) */
	}
}

static const struct mem_ops serial_io_ops = {
	.read = serial_io_read,
	.write = serial_io_write,
	.min_access = 1,
	.max_access = 1,
};

/* ---- chardev frontend ----------------------------------------------- */

static int serial_can_read(void *opaque)
{
	struct serial *s = opaque;

	if (s->mcr & SERIAL_MCR_LOOP)
		return 0; /* the receiver listens to our own transmitter */
	if (!serial_fifo_on(s))
		return !(s->lsr & SERIAL_LSR_DR);
	if (s->rx_count >= SERIAL_FIFO_LEN)
		return 0;
	/* Up to the trigger level at once, then one at a time. */
	return s->rx_count < s->rx_itl ? s->rx_itl - s->rx_count : 1;
}

static void serial_chr_read(void *opaque, const uint8_t *buf, size_t len)
{
	struct serial *s = opaque;

	for (size_t i = 0; i < len; i++)
		serial_rx_byte(s, buf[i]);
	serial_update_irq(s);
}

/* ---- device --------------------------------------------------------- */

static void serial_reset_regs(struct serial *s)
{
	s->rbr = s->thr = s->tsr = 0;
	s->ier = 0;
	s->iir = SERIAL_IIR_NONE;
	s->fcr = 0;
	s->lcr = 0;
	s->mcr = SERIAL_MCR_OUT2;
	s->lsr = SERIAL_LSR_TEMT | SERIAL_LSR_THRE;
	s->msr = SERIAL_MSR_DCD | SERIAL_MSR_DSR | SERIAL_MSR_CTS;
	s->scr = 0;
	s->divider = 0x0c;
	s->rx_head = s->rx_count = 0;
	s->rx_itl = 1;
	s->thr_ipending = s->timeout_ipending = false;
	serial_stop_timeout(s);
	s->irq_level = false;
	irq_lower(s->irq);
}

static void serial_reset(struct device *dev)
{
	struct serial *s = container_of(dev, struct serial, dev);

	serial_reset_regs(s);
	chardev_accept_input(s->cfg.chr);
}

/* How many isa-serial devices exist already (for the COMn defaults). */
static int serial_isa_count(struct machine *m)
{
	int n = 0;

	for (unsigned i = 0; m->devices && i < m->devices->len; i++) {
		struct device *d = g_ptr_array_index(m->devices, i);

		if (d->cls == &serial_isa_class)
			n++;
	}
	return n;
}

/* -device isa-serial,chardev=ID,iobase=N,irq=N,index=N (or -global isa-serial.*) */
static int serial_parse_opts(struct serial *s, GError **err)
{
	struct opts *o = device_props(&s->dev);
	uint64_t index, iobase, irq;
	const char *chr = opts_get(o, "chardev");

	if (opts_get_u64(o, "index", serial_isa_count(s->dev.m), &index, err) < 0)
		return -EINVAL;
	if (index >= SERIAL_MAX_ISA && (!opts_has(o, "iobase") || !opts_has(o, "irq"))) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "isa-serial: max. supported number of ISA serial ports is %d",
			    SERIAL_MAX_ISA);
		return -EINVAL;
	}
	serial_isa_default((int)index, &s->cfg);
	if (opts_get_u64(o, "iobase", s->cfg.iobase, &iobase, err) < 0 ||
	    opts_get_u64(o, "irq", s->cfg.irq, &irq, err) < 0)
		return -EINVAL;
	if (iobase > 0xfff8 || irq > 15) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "isa-serial: iobase must be <= 0xfff8 and irq <= 15");
		return -EINVAL;
	}
	s->cfg.iobase = iobase;
	s->cfg.irq = (int)irq;
	if (chr) {
		s->cfg.chr = chardev_lookup(s->dev.m, s->dev.cls->name, chr, err);
		if (!s->cfg.chr)
			return -EINVAL;
	}
	return 0;
}

static int serial_realize(struct device *dev, GError **err)
{
	struct serial *s = container_of(dev, struct serial, dev);
	struct machine *m = dev->m;
	struct chr_frontend fe = {
		.can_read = serial_can_read,
		.read = serial_chr_read,
		.opaque = s,
	};

	if (device_props(dev) && serial_parse_opts(s, err) < 0)
		return -EINVAL;
	if (s->cfg.irq < 0 || s->cfg.irq > 15 || s->cfg.iobase > 0xfff8) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "isa-serial: bad iobase 0x%x or irq %d", s->cfg.iobase, s->cfg.irq);
		return -EINVAL;
	}
	if (chardev_has_frontend(s->cfg.chr)) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
			    "isa-serial: chardev '%s' is in use",
			    chardev_id(s->cfg.chr) ?: "(anonymous)");
		return -EBUSY;
	}
	mr_init_io(&s->region, "serial", 8, &serial_io_ops, s);
	if (as_add(&m->io, &s->region, s->cfg.iobase) < 0) {
		g_set_error(err, G_IO_ERROR, G_IO_ERROR_EXISTS,
			    "isa-serial: I/O ports 0x%x-0x%x are already in use",
			    s->cfg.iobase, s->cfg.iobase + 7);
		return -EBUSY;
	}
	s->irq = machine_gsi(m, s->cfg.irq);
	timer_init(&s->timeout_timer, &m->clock, serial_timeout_cb, s);
	serial_reset_regs(s);
	if (s->cfg.chr)
		chardev_set_frontend(s->cfg.chr, &fe);
	return 0;
}

static void serial_unrealize(struct device *dev)
{
	struct serial *s = container_of(dev, struct serial, dev);

	timer_del(&s->timeout_timer);
	chardev_set_frontend(s->cfg.chr, NULL);
	as_del(&s->region);
}

static void serial_isa_setup(struct device *dev, const void *cfg)
{
	container_of(dev, struct serial, dev)->cfg = *(const struct serial_config *)cfg;
}

struct serial *serial_isa_create(struct machine *m, const struct serial_config *cfg,
				 GError **err)
{
	struct device *dev = device_create(m, &serial_isa_class, NULL, serial_isa_setup, cfg, err);

	return dev ? container_of(dev, struct serial, dev) : NULL;
}

/* ---- save/restore --------------------------------------------------- */

static int serial_post_load(void *opaque)
{
	struct serial *s = opaque;

	/* Never trust indices from a snapshot. */
	s->rx_head %= SERIAL_FIFO_LEN;
	if (s->rx_count > SERIAL_FIFO_LEN)
		s->rx_count = SERIAL_FIFO_LEN;
	if (s->rx_itl < 1 || s->rx_itl > 14)
		s->rx_itl = 1;
	if (s->timeout_armed)
		timer_mod(&s->timeout_timer, (int64_t)s->timeout_deadline);
	else
		timer_del(&s->timeout_timer);
	s->irq_level = serial_pending_id(s) != SERIAL_IIR_NONE;
	serial_update_irq(s);
	irq_set(s->irq, s->irq_level);
	return 0;
}

static const struct vmstate_field serial_vmstate_fields[] = {
	VMSTATE_U8(struct serial, rbr),
	VMSTATE_U8(struct serial, thr),
	VMSTATE_U8(struct serial, tsr),
	VMSTATE_U8(struct serial, ier),
	VMSTATE_U8(struct serial, iir),
	VMSTATE_U8(struct serial, lcr),
	VMSTATE_U8(struct serial, mcr),
	VMSTATE_U8(struct serial, lsr),
	VMSTATE_U8(struct serial, msr),
	VMSTATE_U8(struct serial, scr),
	VMSTATE_U8(struct serial, fcr),
	VMSTATE_U16(struct serial, divider),
	VMSTATE_U8_ARRAY(struct serial, rx_fifo),
	VMSTATE_U8(struct serial, rx_head),
	VMSTATE_U8(struct serial, rx_count),
	VMSTATE_U8(struct serial, rx_itl),
	VMSTATE_BOOL(struct serial, thr_ipending),
	VMSTATE_BOOL(struct serial, timeout_ipending),
	VMSTATE_BOOL(struct serial, timeout_armed),
	VMSTATE_U64(struct serial, timeout_deadline),
	VMSTATE_END,
};

static const struct vmstate_desc serial_vmstate = {
	.name = "isa-serial",
	.version = 1,
	.fields = serial_vmstate_fields,
	.post_load = serial_post_load,
};

const struct device_class serial_isa_class = {
	.name = "isa-serial",
	.bus = "ISA",
	.desc = "16550A UART (chardev=ID, iobase=, irq=, index=)",
	.instance_size = sizeof(struct serial),
	.user_creatable = true,
	.realize = serial_realize,
	.reset = serial_reset,
	.unrealize = serial_unrealize,
	.vmsd = &serial_vmstate,
};
