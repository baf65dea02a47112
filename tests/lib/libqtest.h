/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A qtest client: starts kvmpc (or QEMU, to compare) with the qtest
 * accelerator, and plays the CPU through the qtest wire protocol
 * (docs/qtest-protocol.md).  The binary is $QTEST_BINARY, default
 * ./kvmpc.  When it is a qemu-system-* binary the machine runs as
 * "-machine pc -accel tcg -S" and clock commands are unavailable
 * (qtest_has_clock() is false): tests that need the clock skip there.
 * Every helper aborts the test (g_assert) on a protocol error.
 */
#ifndef TESTS_LIB_LIBQTEST_H
#define TESTS_LIB_LIBQTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct qtest;

/* Start with extra command-line arguments (split on spaces). */
struct qtest *qtest_start(const char *extra_args);
/* SIGTERM, wait, assert exit status 0. */
void qtest_quit(struct qtest *q);
/* Exit status after the VMM exited by itself (e.g. debug-exit); waits up to 10 s. */
int qtest_wait_exit(struct qtest *q);

bool qtest_is_qemu(struct qtest *q);
/* The VMM's process id (e.g. to kill -9 it, then qtest_wait_exit()). */
pid_t qtest_pid(struct qtest *q);
bool qtest_has_clock(struct qtest *q);

/* Raw command; returns the reply line (without "\n"), valid until the next call. */
const char *qtest_cmd(struct qtest *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Send a command without waiting for its reply: for one after which the VMM
 * exits (isa-debug-exit); QEMU exits before answering.  Follow with
 * qtest_wait_exit().
 */
void qtest_send_only(struct qtest *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void qtest_outb(struct qtest *q, uint16_t port, uint8_t v);
void qtest_outw(struct qtest *q, uint16_t port, uint16_t v);
void qtest_outl(struct qtest *q, uint16_t port, uint32_t v);
uint8_t qtest_inb(struct qtest *q, uint16_t port);
uint16_t qtest_inw(struct qtest *q, uint16_t port);
uint32_t qtest_inl(struct qtest *q, uint16_t port);

void qtest_writeb(struct qtest *q, uint64_t addr, uint8_t v);
void qtest_writew(struct qtest *q, uint64_t addr, uint16_t v);
void qtest_writel(struct qtest *q, uint64_t addr, uint32_t v);
void qtest_writeq(struct qtest *q, uint64_t addr, uint64_t v);
uint8_t qtest_readb(struct qtest *q, uint64_t addr);
uint16_t qtest_readw(struct qtest *q, uint64_t addr);
uint32_t qtest_readl(struct qtest *q, uint64_t addr);
uint64_t qtest_readq(struct qtest *q, uint64_t addr);
void qtest_memread(struct qtest *q, uint64_t addr, void *buf, size_t len);
void qtest_memwrite(struct qtest *q, uint64_t addr, const void *buf, size_t len);
void qtest_memset(struct qtest *q, uint64_t addr, uint8_t byte, size_t len);

/* Virtual clock (kvmpc only): returns the new time in ns. */
int64_t qtest_clock_step(struct qtest *q, int64_t ns);
int64_t qtest_clock_set(struct qtest *q, int64_t ns);

/* IRQ lines as seen by the IOAPIC inputs ("ioapic"). */
void qtest_irq_intercept_in(struct qtest *q, const char *path);
bool qtest_get_irq(struct qtest *q, int n);
/* How many times line n went up since the start (counts edge pulses too). */
unsigned qtest_irq_raises(struct qtest *q, int n);

/* PCI config through 0xcf8/0xcfc, bus 0. */
uint32_t qtest_pci_readl(struct qtest *q, int devfn, int off);
uint16_t qtest_pci_readw(struct qtest *q, int devfn, int off);
uint8_t qtest_pci_readb(struct qtest *q, int devfn, int off);
void qtest_pci_writel(struct qtest *q, int devfn, int off, uint32_t v);
void qtest_pci_writew(struct qtest *q, int devfn, int off, uint16_t v);
void qtest_pci_writeb(struct qtest *q, int devfn, int off, uint8_t v);

#endif
