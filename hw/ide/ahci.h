/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AHCI: the ICH9 SATA function in AHCI mode as QEMU's "ahci"/"ich9-ahci"
 * (8086:2922, six ports, ABAR in BAR5).  ahci.c is the PCI function, the
 * HBA and port registers and the interrupt (MSI or INTx); ahci-cmd.c walks
 * command lists, FISes and PRDTs and runs each command through the shared
 * IDE core (hw/ide/ide.h): every port is an IDE bus with one unit, whose DMA
 * provider (struct ide_dma_ops) is the port's PRDT.  Follows AHCI 1.3.1 and
 * SATA 2.6 (FIS layouts).
 */
#ifndef HW_IDE_AHCI_H
#define HW_IDE_AHCI_H

#include <stdbool.h>
#include <stdint.h>
#include "hw/ide/ide.h"

#define AHCI_PORTS 6
#define AHCI_SLOTS 32

/* Port interrupt status bits */
#define AHCI_IS_DHRS (1u << 0)
#define AHCI_IS_PSS (1u << 1)
#define AHCI_IS_SDBS (1u << 3)
#define AHCI_IS_UFS (1u << 4)
#define AHCI_IS_OFS (1u << 24)
#define AHCI_IS_IFS (1u << 27)
#define AHCI_IS_HBFS (1u << 29)
#define AHCI_IS_TFES (1u << 30)

/* PxCMD bits */
#define AHCI_CMD_ST (1u << 0)
#define AHCI_CMD_CLO (1u << 3)
#define AHCI_CMD_FRE (1u << 4)
#define AHCI_CMD_FR (1u << 14)
#define AHCI_CMD_CR (1u << 15)

struct ahci;

struct ahci_port {
	struct ahci *hba;
	int index;
	struct ide_bus bus;           /* units[0] is the port's device */
	/* Registers */
	uint32_t clb, clbu, fb, fbu, is, ie, cmd, tfd, sig, sctl, serr, sact, ci;
	/* The command running in the IDE core */
	int32_t busy_slot;            /* -1: none */
	int32_t ncq_tag;              /* NCQ tag running in the core, -1: none */
	uint32_t ncq_queued;          /* tags accepted, not started yet */
	/* Queued NCQ commands (READ/WRITE FPDMA QUEUED) by tag */
	uint64_t ncq_lba[AHCI_SLOTS], ncq_ctba[AHCI_SLOTS];
	uint32_t ncq_count[AHCI_SLOTS];   /* sectors */
	uint16_t ncq_prdtl[AHCI_SLOTS];
	uint8_t ncq_write[AHCI_SLOTS];
	uint64_t cur_ctba;            /* command table of the running command */
	uint16_t cur_prdtl;
	uint32_t prd_idx, prd_off;    /* PRDT cursor: entry, bytes into it */
	uint32_t xfer_bytes;          /* PRDBC of the running command */
	int dma_ret;
	bool init_d2h_sent;
	bool srst;                    /* control FIS with SRST seen */
	bool stalled;                 /* a command failed: wait for PxCI/PxCMD */
	bool stepping, kicked;        /* ahci_port_kick() re-entry guard */
};

struct ahci {
	struct pci_device pci;
	struct mem_region abar, idp;
	uint32_t ghc, is;
	uint32_t idp_index;
	bool msi_on;
	struct ahci_port ports[AHCI_PORTS];
};

/* ahci.c */
void ahci_update_irq(struct ahci *s);
/* Set bits in PxIS and re-evaluate the interrupt. */
void ahci_port_raise(struct ahci_port *p, uint32_t bits);

/* ahci-cmd.c */
extern const struct ide_dma_ops ahci_dma_ops;
/* Something changed (CI, ST, a completion): run the port's commands. */
void ahci_port_kick(struct ahci_port *p);
/* Write the D2H register FIS from the unit's task file (and PxTFD). */
void ahci_write_d2h(struct ahci_port *p);
/* Port reset (HBA reset or COMRESET): stop commands, device back to power-on. */
void ahci_port_reset(struct ahci_port *p);

/* -device ide-hd/ide-cd bus=<ahci id>.<port>: the port's unit, or NULL. */
struct ide_unit *ahci_find_unit(struct machine *m, const char *bus_name);
/* A drive was attached to the port of u: reset the port to see it. */
void ahci_unit_attached(struct ide_unit *u);
/* SeaBIOS bootorder path of the AHCI unit holding d, or NULL (g_free). */
char *ahci_boot_path(struct machine *m, const struct drive_info *d);

extern const struct device_class ahci_class;
extern const struct device_class ich9_ahci_class;

#endif
