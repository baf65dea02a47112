/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * e1000 internals shared by the register model (e1000.c) and the data path
 * (e1000-rxtx.c): register offsets and bits from Intel's "PCI/PCI-X Family
 * of Gigabit Ethernet Controllers Software Developer's Manual" (8254x SDM),
 * and the device state.
 */
#ifndef HW_NET_E1000_INT_H
#define HW_NET_E1000_INT_H

#include <stdint.h>
#include "hw/pci/pci.h"
#include "hw/net/e1000.h"
#include "hw/net/nic.h"
#include "core/timer.h"

/* Register byte offsets in BAR 0 (SDM table 13-2) */
#define E1K_CTRL     0x0000
#define E1K_STATUS   0x0008
#define E1K_EECD     0x0010
#define E1K_EERD     0x0014
#define E1K_CTRL_EXT 0x0018
#define E1K_MDIC     0x0020
#define E1K_VET      0x0038
#define E1K_ICR      0x00c0
#define E1K_ITR      0x00c4
#define E1K_ICS      0x00c8
#define E1K_IMS      0x00d0
#define E1K_IMC      0x00d8
#define E1K_RCTL     0x0100
#define E1K_TCTL     0x0400
#define E1K_LEDCTL   0x0e00
#define E1K_PBA      0x1000
#define E1K_RDBAL    0x2800
#define E1K_RDBAH    0x2804
#define E1K_RDLEN    0x2808
#define E1K_RDH      0x2810
#define E1K_RDT      0x2818
#define E1K_RDTR     0x2820
#define E1K_RADV     0x282c
#define E1K_TDBAL    0x3800
#define E1K_TDBAH    0x3804
#define E1K_TDLEN    0x3808
#define E1K_TDH      0x3810
#define E1K_TDT      0x3818
#define E1K_TIDV     0x3820
#define E1K_TXDCTL   0x3828
#define E1K_TADV     0x382c
#define E1K_STATS    0x4000 /* statistics: 0x4000..0x40fc, read to clear */
#define E1K_STATS_END 0x4100
#define E1K_RXCSUM   0x5000
#define E1K_MTA      0x5200 /* 128 dwords */
#define E1K_RA       0x5400 /* 16 pairs of RAL/RAH */
#define E1K_VFTA     0x5600 /* 128 dwords */
#define E1K_MANC     0x5820
#define E1K_MMIO_SIZE 0x20000
#define E1K_NREGS    (E1K_MMIO_SIZE / 4)

/* statistics used (byte offsets) */
#define E1K_MPC      0x4010
#define E1K_PRC64    0x405c
#define E1K_GPRC     0x4074
#define E1K_BPRC     0x4078
#define E1K_MPRC     0x407c
#define E1K_GPTC     0x4080
#define E1K_GORCL    0x4088
#define E1K_GORCH    0x408c
#define E1K_GOTCL    0x4090
#define E1K_GOTCH    0x4094
#define E1K_RNBC     0x40a0
#define E1K_ROC      0x40ac
#define E1K_TORL     0x40c0
#define E1K_TORH     0x40c4
#define E1K_TOTL     0x40c8
#define E1K_TOTH     0x40cc
#define E1K_TPR      0x40d0
#define E1K_TPT      0x40d4
#define E1K_PTC64    0x40d8
#define E1K_MPTC     0x40f0
#define E1K_BPTC     0x40f4
#define E1K_TSCTC    0x40f8

#define CTRL_SLU       0x00000040
#define CTRL_RST       0x04000000
#define CTRL_VME       0x40000000
#define STATUS_LU      0x00000002
#define ICR_TXDW       0x00000001
#define ICR_TXQE       0x00000002
#define ICR_LSC        0x00000004
#define ICR_RXDMT0     0x00000010
#define ICR_RXO        0x00000040
#define ICR_RXT0       0x00000080
#define ICR_MDAC       0x00000200
#define RCTL_EN        0x00000002
#define RCTL_SBP       0x00000004
#define RCTL_UPE       0x00000008
#define RCTL_MPE       0x00000010
#define RCTL_LPE       0x00000020
#define RCTL_BAM       0x00008000
#define RCTL_VFE       0x00040000
#define RCTL_BSEX      0x02000000
#define RCTL_SECRC     0x04000000
#define TCTL_EN        0x00000002
#define RAH_AV         0x80000000u

/* PHY (Marvell 88E1011 as on the 82540EM board) */
#define PHY_BMCR       0x00
#define PHY_BMSR       0x01
#define PHY_ID1        0x02
#define PHY_ID2        0x03
#define PHY_ANAR       0x04
#define PHY_ANLPAR     0x05
#define PHY_ANER       0x06
#define PHY_GCTRL      0x09
#define PHY_GSTATUS    0x0a
#define PHY_SPEC_CTRL  0x10
#define PHY_SPEC_STAT  0x11
#define PHY_EXT_CTRL   0x14
#define PHY_RX_ERR     0x15
#define PHY_NREGS      0x20
#define BMCR_AUTOEN    0x1000
#define BMCR_ANRESTART 0x0200
#define BMCR_LOOPBACK  0x4000
#define BMCR_RESET     0x8000
#define BMSR_LINK      0x0004
#define BMSR_AN_COMP   0x0020
#define ANLPAR_ACK     0x4000

#define E1K_EEPROM_WORDS 64
#define E1K_TX_MAX     (65536 + 256) /* largest frame or TSO packet gathered */
#define E1K_RX_MAX     16384

/* TX offload context (SDM 3.3.6) */
struct e1k_tx_ctx {
	uint8_t ipcss, ipcso, tucss, tucso, hdr_len;
	uint16_t ipcse, tucse, mss;
	uint32_t paylen;
	uint8_t ip, tcp;
};

struct e1000 {
	struct pci_device pci;
	struct e1000_config cfg;
	struct netdev *nd;
	struct mem_region mmio, io;
	struct nic_rom rom;
	struct timer autoneg_timer, itr_timer;
	struct nic_bh tx_bh; /* transmit, run on the I/O thread */

	uint32_t mac[E1K_NREGS];
	uint16_t phy[PHY_NREGS];
	uint16_t eeprom[E1K_EEPROM_WORDS];
	uint8_t macaddr[6];
	uint8_t link_down; /* set_link off */
	uint8_t irq_level;
	uint32_t ioaddr;   /* IOADDR of the I/O window */

	/* bit-banged Microwire EEPROM (EECD) */
	uint32_t ee_old, ee_in;
	uint16_t ee_bits_in, ee_bit_out;
	uint8_t ee_reading;

	/* transmit: context, and the packet being gathered */
	struct e1k_tx_ctx ctx, tso_ctx;
	uint8_t tx_popts, tx_tse, tx_vlan, tx_drop, tx_started;
	uint16_t tx_special;
	uint32_t tx_len;
	uint8_t tx_busy;
	uint8_t tx_buf[E1K_TX_MAX];
	uint8_t seg[E1K_TX_MAX];
	uint8_t rx_buf[E1K_RX_MAX + 64];
};

#define E1K_REG(s, off) ((s)->mac[(off) >> 2])

/* e1000.c */
void e1k_set_ics(struct e1000 *s, uint32_t bits);
void e1k_stat_inc(struct e1000 *s, unsigned off);
void e1k_stat_add64(struct e1000 *s, unsigned lo, uint64_t n);
void e1k_size_stat(struct e1000 *s, unsigned base, size_t len);
bool e1k_dma_read(struct e1000 *s, uint64_t addr, void *buf, size_t len);
bool e1k_dma_write(struct e1000 *s, uint64_t addr, const void *buf, size_t len);

/* e1000-rxtx.c */
void e1k_start_xmit(struct e1000 *s);
bool e1k_can_receive(void *opaque);
bool e1k_receive(void *opaque, const uint8_t *buf, size_t len);
void e1k_rx_kick(struct e1000 *s);

#endif
