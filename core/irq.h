/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupt lines.  A device holds a struct irq_line and sets its level; the
 * machine connects the line to a sink (KVM_IRQ_LINE, the qtest recorder, or
 * the PIIX3 PIRQ router for PCI INTx).  Edge-triggered ISA devices pulse.
 */
#ifndef CORE_IRQ_H
#define CORE_IRQ_H

struct irq_line {
	void (*handler)(void *opaque, int n, int level);
	void *opaque;
	int n;
};

static inline void irq_set(struct irq_line *l, int level)
{
	if (l && l->handler)
		l->handler(l->opaque, l->n, level);
}
static inline void irq_raise(struct irq_line *l) { irq_set(l, 1); }
static inline void irq_lower(struct irq_line *l) { irq_set(l, 0); }
static inline void irq_pulse(struct irq_line *l)
{
	irq_set(l, 1);
	irq_set(l, 0);
}

#endif
