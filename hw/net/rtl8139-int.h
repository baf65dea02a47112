/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rtl8139 internals shared by the C-mode model (rtl8139.c) and the C+
 * descriptor mode (rtl8139-cplus.c): register offsets and bits after the
 * RTL8139C(L)+ datasheet, and the device state.
 */
#ifndef HW_NET_RTL8139_INT_H
#define HW_NET_RTL8139_INT_H

#include <stdbool.h>
#include <stdint.h>
#include "hw/net/nic.h"
#include "hw/pci/pci.h"

#define RTL_IDR      0x00
#define RTL_MAR      0x08
#define RTL_TSD      0x10
#define RTL_TSAD     0x20
#define RTL_RBSTART  0x30
#define RTL_CR       0x37
#define RTL_CAPR     0x38
#define RTL_CBR      0x3a
#define RTL_IMR      0x3c
#define RTL_ISR      0x3e
#define RTL_TCR      0x40
#define RTL_RCR      0x44
#define RTL_TCTR     0x48
#define RTL_MPC      0x4c
#define RTL_9346CR   0x50
#define RTL_CONFIG0  0x51
#define RTL_CONFIG1  0x52
#define RTL_MSR      0x58
#define RTL_CONFIG3  0x59
#define RTL_CONFIG4  0x5a
#define RTL_HLTCLK   0x5b
#define RTL_MULINT   0x5c
#define RTL_RERID    0x5e
#define RTL_TSAD_ALL 0x60
#define RTL_BMCR     0x62
#define RTL_BMSR     0x64
#define RTL_ANAR     0x66
#define RTL_ANLPAR   0x68
#define RTL_ANER     0x6a
#define RTL_CSCR     0x74
#define RTL_CONFIG5  0xd8
#define RTL_TXPOLL   0xd9
#define RTL_CPCMD    0xe0
#define RTL_INTRMIT  0xe2
#define RTL_RDSAR    0xe4
#define CPCMD_TXEN   0x0001
#define CPCMD_RXEN   0x0002
#define CPCMD_RXVLAN 0x0040

#define CR_RST   0x10
#define CR_RE    0x08
#define CR_TE    0x04
#define CR_BUFE  0x01
#define ISR_ROK  0x0001
#define ISR_TOK  0x0004
#define ISR_RXOVW 0x0010
#define ISR_LINK 0x0020
#define TSD_SIZE 0x1fff
#define TSD_OWN  0x2000
#define TSD_TOK  0x8000
#define RCR_AAP  0x01
#define RCR_APM  0x02
#define RCR_AM   0x04
#define RCR_AB   0x08
#define RCR_WRAP 0x80
#define RX_ROK   0x0001
#define RX_BAR   0x2000
#define RX_PAM   0x4000
#define RX_MAR   0x8000
#define TCR_LOOPBACK 0x00060000
#define TCR_HWVER 0x74800000 /* RTL8139C+ */
#define BMSR_LINK 0x0004
#define RTL_REVID 0x20

struct rtl_eeprom {
	uint16_t words[64];
	uint8_t cs, sk, di, dout;
	uint8_t mode;   /* 0 idle, 1 waiting for the start bit, 2 command, 3 data out */
	uint8_t tick;
	uint16_t shift;
};

struct rtl8139 {
	struct pci_device pci;
	const char *netdev, *mac_str, *romfile;
	int devfn;
	struct netdev *nd;
	struct mem_region io, mmio;
	struct nic_rom rom;
	struct nic_bh tx_bh;
	uint8_t macaddr[6];
	uint8_t link_down;

	uint8_t idr[6], mar[8];
	uint32_t tsd[4], tsad[4];
	uint32_t rbstart, tcr, rcr, mpc;
	uint32_t rx_size, rx_read, rx_write; /* ring size, CAPR + 16, CBR */
	uint16_t imr, isr, mulint, bmcr, bmsr, anar, anlpar, aner, cscr, cpcmd;
	uint8_t cr, cfg9346, config0, config1, config3, config4, config5, clock_on;
	uint8_t tx_next;
	int64_t tctr_base;
	struct rtl_eeprom ee;
	uint8_t buf[8192 + 8];

	/* C+ mode (rtl8139-cplus.c) */
	struct nic_bh cp_bh;
	uint8_t cplus;               /* CpCmd written: 0x20/0x24 are TNPDS */
	uint8_t cp_drop;
	uint32_t rdsar[2];
	uint32_t cp_tx_cur, cp_rx_cur, cp_txlen;
	uint64_t tally_tx, tally_rx, tally_rx_phy, tally_rx_brd;
	uint32_t tally_rx_mul;
	uint16_t tally_missed;
	uint8_t cp_txbuf[65536];
};

/* rtl8139.c */
bool rtl_dma(struct rtl8139 *s, uint64_t addr, void *buf, size_t len, bool write);
void rtl_update_irq(struct rtl8139 *s);
/* A frame out: to the receiver in TCR loopback, else to the backend. */
void rtl_send(struct rtl8139 *s, const uint8_t *buf, size_t len);

/* rtl8139-cplus.c */
void rtl_cp_transmit(void *opaque);
/* A filtered frame (status: its PAM/BAR/MAR bits) into the C+ receive ring. */
void rtl_cp_receive(struct rtl8139 *s, const uint8_t *frame, size_t len, uint16_t status);
/* DTCCR write in C+ mode: dump the tally counters when asked.  Returns val. */
uint32_t rtl_cp_dtccr(struct rtl8139 *s, uint32_t val);
void rtl_cp_reset(struct rtl8139 *s);

#endif
