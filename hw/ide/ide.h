/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IDE: two channels of the PIIX3 IDE function, each with a master and a
 * slave unit that is an ATA disk, an ATAPI CD-ROM or absent.  The IDE core
 * is core.c (ATA task file and commands), atapi.c (packet commands) and
 * io.c (every disk access, on the block layer's asynchronous API); the
 * transport it sits on is piix.c (the PCI function, legacy port decoding
 * and the bus-master DMA engine).  The core reaches the DMA engine only
 * through struct ide_dma_ops, which an AHCI port (hw/ide/ahci.h) fills in
 * as well; the transport calls the core's public functions.
 * Follows ATA/ATAPI-6, MMC-3 and SFF-8038i; see docs/machine-contract.md §7.1.
 */
#ifndef HW_IDE_IDE_H
#define HW_IDE_IDE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "core/irq.h"
#include "core/memory.h"
#include "hw/pci/pci.h"

struct machine;
struct pci_bus;
struct drive_info;
struct block_backend;

/* Status register */
#define IDE_ST_BSY 0x80
#define IDE_ST_DRDY 0x40
#define IDE_ST_DF 0x20
#define IDE_ST_DSC 0x10
#define IDE_ST_DRQ 0x08
#define IDE_ST_ERR 0x01
/* Error register */
#define IDE_ER_IDNF 0x10
#define IDE_ER_ABRT 0x04
/* Device control */
#define IDE_CTL_NIEN 0x02
#define IDE_CTL_SRST 0x04
#define IDE_CTL_HOB 0x80
/* Device register */
#define IDE_DEV_LBA 0x40
#define IDE_DEV_DEV 0x10

/* Bus-master registers and bits (SFF-8038i) */
#define BM_CMD_START 0x01
#define BM_CMD_TO_MEM 0x08
#define BM_ST_ACTIVE 0x01
#define BM_ST_ERROR 0x02
#define BM_ST_INT 0x04
#define BM_ST_CAP_MASK 0x60
#define BM_MAX_PRD 4096

#define IDE_BUF_SIZE (128 * 1024)
#define IDE_SECTOR 512
#define IDE_CD_SECTOR 2048
#define IDE_MAX_MULT 16

enum ide_kind { IDE_NONE, IDE_DISK, IDE_CD };

/* What to do when the guest has moved the whole PIO block. */
enum ide_end {
	IDE_END_NONE,
	IDE_END_READ,        /* next block of READ SECTORS/MULTIPLE */
	IDE_END_WRITE,       /* write the block, ask for the next */
	IDE_END_PACKET,      /* 12-byte CDB received */
	IDE_END_ATAPI,       /* next DRQ block of a packet reply */
};

/* The disk request a unit waits for (BSY), restarted after a state load. */
enum ide_io_op { IDE_IO_NONE, IDE_IO_READ, IDE_IO_WRITE, IDE_IO_ATAPI_READ };

enum ide_dma_op { IDE_DMA_NONE, IDE_DMA_READ, IDE_DMA_WRITE, IDE_DMA_CD_READ, IDE_DMA_CD_BUF };

struct ide_bus;

struct ide_unit {
	struct ide_bus *bus;
	int unit;
	enum ide_kind kind;
	struct drive_info *dinfo;
	struct block_backend *blk;  /* CD: NULL when no medium */
	uint64_t nb_sectors;        /* 512-byte sectors */
	char serial[21];
	char model[41];

	/* Task file (both units latch every write) */
	uint8_t feature, nsector, sector, lcyl, hcyl;
	uint8_t hob_feature, hob_nsector, hob_sector, hob_lcyl, hob_hcyl;
	uint8_t select, status, error;
	uint8_t cmd;
	bool lba48;
	/* Settings */
	uint16_t cyls, heads, secs;   /* default geometry */
	uint16_t lheads, lsecs;       /* INITIALIZE DEVICE PARAMETERS */
	uint8_t mult_sectors;
	uint8_t xfer_mode;
	bool wcache;
	/* PIO */
	uint32_t data_pos, data_end;
	uint8_t end_op;             /* enum ide_end */
	uint64_t cur_lba;
	uint32_t remaining;         /* sectors (ATA) or blocks (ATAPI) left */
	uint32_t req_sectors;       /* sectors per DRQ block */
	uint8_t io_op;              /* enum ide_io_op in flight */
	/* DMA */
	uint8_t dma_op;             /* enum ide_dma_op, waiting for/in BM */
	uint32_t dma_bytes;
	/* ATAPI */
	uint8_t sense_key, asc, ascq;
	bool tray_open, tray_locked;
	uint8_t cd_changed;         /* 1: report "no medium", 2: unit attention */
	bool atapi_dma;             /* PACKET issued with FEATURES bit 0 */
	uint8_t media_event;        /* GESN media event code pending */
	uint8_t cdb[12];
	uint32_t atapi_buf_len;     /* valid reply bytes in buf */
	uint32_t byte_limit;
	uint32_t generation;        /* bumped by every unit reset (DEVICE RESET too) */
	uint8_t buf[IDE_BUF_SIZE];
};

/*
 * A DMA provider: the engine that moves a unit's DMA data between guest
 * memory and the disk (the PIIX bus-master function, or an AHCI port).
 * The IDE core picks the unit, asks the provider to map guest memory,
 * runs the block request itself and reports the end.  All ops run with the
 * machine lock held; ready, map and done may not call back into the core.
 * irq is the last thing the core does for an event, so a provider may run
 * its next step from it (AHCI does, behind a re-entry guard).
 */
struct ide_dma_ops {
	/* May a transfer run now (engine started, bus mastering allowed)? */
	bool (*ready)(struct ide_bus *bus);
	/*
	 * Describe len bytes of guest memory for the transfer as struct iovec
	 * entries appended to iov.  0, -ENOSPC when the provider's table holds
	 * fewer bytes (no transfer happens), -EFAULT for a bad table.
	 */
	int (*map)(struct ide_bus *bus, uint32_t len, GArray *iov);
	/* The transfer ended: 0, -ENOSPC or -EFAULT from map, or -EIO. */
	void (*done)(struct ide_bus *bus, int ret);
	/* The channel raised its interrupt (optional). */
	void (*irq)(struct ide_bus *bus);
};

struct ide_bus {
	struct machine *m;
	int index;
	struct ide_unit units[2];
	uint8_t cur;                /* selected unit */
	uint8_t devctl;
	bool irq_pending;
	struct irq_line *irq;
	const struct ide_dma_ops *dma_ops;
	void *dma_opaque;           /* the provider's per-channel state */
	uint32_t generation;        /* bumped on reset: stale completions drop */
	bool dma_inflight;
	bool ncq;                   /* an AHCI port: IDENTIFY reports NCQ */
	struct mem_region cmd_region, ctl_region;
};

/* SFF-8038i bus-master registers of one channel (piix.c). */
struct bmdma {
	uint8_t cmd, status;
	uint32_t prd_addr;
	bool prd_exact;             /* the mapped table ended exactly with the transfer */
	struct piix_ide *d;
};

struct piix_ide {
	struct pci_device pci;
	struct ide_bus bus[2];
	struct bmdma bm[2];
	struct mem_region bm_region;
};

/* core.c */
void ide_bus_init(struct ide_bus *bus, struct machine *m, int index, struct irq_line *irq);
int ide_unit_attach(struct ide_unit *s, struct drive_info *d, GError **err);
void ide_bus_reset(struct ide_bus *bus);
uint64_t ide_ioport_read(void *opaque, uint64_t addr, unsigned size);
void ide_ioport_write(void *opaque, uint64_t addr, uint64_t val, unsigned size);
uint64_t ide_ctl_read(void *opaque, uint64_t addr, unsigned size);
void ide_ctl_write(void *opaque, uint64_t addr, uint64_t val, unsigned size);
void ide_set_irq(struct ide_bus *bus);
void ide_abort(struct ide_unit *s);
void ide_error(struct ide_unit *s, uint8_t err);
void ide_transfer_start(struct ide_unit *s, uint32_t len, enum ide_end end);
void ide_transfer_stop(struct ide_unit *s);
void ide_set_signature(struct ide_unit *s);
/* Submit again the PIO request a loaded state was waiting for (io_op). */
void ide_restart_io(struct ide_unit *s);
/* Write cache on/off (SET FEATURES, or a loaded state): the backend follows. */
void ide_set_wcache(struct ide_unit *s, bool on);
/* The unit's DMA transfer ended (io.c calls it): ret 0, -ENOSPC or -errno. */
void ide_dma_done(struct ide_unit *s, int ret);
/* Execute cmd on the selected unit with its latched task file (AHCI: from a FIS). */
void ide_exec_cmd(struct ide_bus *bus, uint8_t cmd);
/* The transport moved the whole DRQ block in/out of s->buf (AHCI PIO): carry on. */
void ide_pio_consumed(struct ide_unit *s);
static inline struct ide_unit *ide_cur(struct ide_bus *bus)
{
	return &bus->units[bus->cur];
}

/* identify.c: the 512 bytes of IDENTIFY (PACKET) DEVICE into s->buf */
void ide_identify_data(struct ide_unit *s);
void atapi_identify(struct ide_unit *s);

/* atapi.c */
void atapi_packet_cmd(struct ide_unit *s);     /* PACKET command issued */
void atapi_packet_received(struct ide_unit *s); /* CDB complete */
void atapi_reply_next(struct ide_unit *s);      /* DRQ block consumed */
void atapi_dma_done(struct ide_unit *s, int ret);
void atapi_reset(struct ide_unit *s);
void atapi_refill(struct ide_unit *s);          /* read the next buffer (BSY) */
uint32_t atapi_nb_blocks(struct ide_unit *s);

/* io.c: every disk access of the IDE core, on the block layer's async API. */
typedef void ide_io_done_fn(struct ide_unit *s, int ret);
/*
 * Move len bytes at byte off of the medium into s->buf (or s->buf out to
 * it) on the block layer's workers, through a private buffer.  done runs on
 * the main loop with 0 or -errno, after a read's data is in s->buf; it does
 * not run when the channel was reset meanwhile.  Returns 0, or -errno
 * (done will not run).
 */
int ide_buf_io(struct ide_unit *s, bool write, uint64_t off, uint32_t len,
	       ide_io_done_fn *done);
/* Flush the unit's medium; done as for ide_buf_io. */
int ide_flush_io(struct ide_unit *s, ide_io_done_fn *done);
/* s has set dma_op/dma_bytes: start the transfer when the provider is ready. */
void ide_dma_request(struct ide_unit *s);
/* For the provider: its engine was started (or state loaded); run a waiting transfer. */
void ide_bus_dma_start(struct ide_bus *bus);

struct piix_ide *piix3_ide_create(struct machine *m, struct pci_bus *bus, GError **err);
/* "/pci@i0cf8/ide@1,1/drive@C/disk@U" for the bootorder file, or NULL (g_free). */
char *ide_boot_path(struct machine *m, const struct drive_info *d);
/* A CD unit's media controls, registered on its drive at attach (piix.c). */
extern const struct drive_media_ops ide_cd_media_ops;

extern const struct device_class piix3_ide_class;

struct drive_info;
/*
 * A -hda/-cdrom/-drive if=ide unit is QEMU's ide-hd/ide-cd too: apply
 * -global ide-hd.serial/model (ide-cd.*) to it (hw/ide/ide-dev.c).
 */
int ide_dev_legacy_globals(struct machine *m, struct ide_unit *u, const struct drive_info *d,
			   GError **err);

#endif
