/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The drive registry: -drive, -hda..-hdd and -cdrom parsed into drive_info
 * records kept in machine->drives, looked up by interface/bus/unit or id by
 * the devices that attach them.  The image is opened (and locked) when the
 * option is parsed, so a bad path fails at start-up with one clear message.
 */
#ifndef BLOCK_DRIVE_H
#define BLOCK_DRIVE_H

#include <stdbool.h>
#include <glib.h>
#include "block/block.h"

struct machine;

enum drive_if { DRIVE_IF_NONE, DRIVE_IF_IDE, DRIVE_IF_VIRTIO };
enum drive_media { DRIVE_MEDIA_DISK, DRIVE_MEDIA_CDROM };

#define DRIVE_IDE_BUSES 2
#define DRIVE_IDE_UNITS 2

/*
 * A removable-medium device's controls over its drive, registered when the
 * device attaches (as QEMU's BlockDevOps): the monitor changes, ejects and
 * looks at media only through these, never by calling the device.
 */
struct drive_media_ops {
	/* Insert path, or eject when path is NULL.  0, or -errno with *err set. */
	int (*change)(void *opaque, const char *path, bool force, GError **err);
	void (*tray)(void *opaque, bool *open, bool *locked);
};

struct drive_info {
	char *id;              /* id=, or QEMU's default: ide1-cd0, ide0-hd0, virtio0 */
	char *file;            /* NULL: empty CD-ROM drive */
	char *format;          /* NULL: probe */
	enum drive_if iface;
	enum drive_media media;
	int bus, unit, index;  /* IDE: index = bus * 2 + unit; others: bus 0, unit = index */
	bool read_only;
	bool snapshot;
	enum blk_cache_mode cache;
	uint64_t bps_total;    /* throttling.bps-total=, 0: unlimited */
	struct block_backend *blk; /* NULL when empty */
	bool claimed;          /* a device attached it */
	int bootindex;         /* -device ...,bootindex=N, or -1 */
	const struct drive_media_ops *media_ops; /* NULL: no removable-medium device */
	void *media_opaque;
};

void drive_set_media_ops(struct drive_info *d, const struct drive_media_ops *ops, void *opaque);
/* Through the attached device's ops: -ENODEV (*err set) when there is none. */
int drive_media_change(struct drive_info *d, const char *path, bool force, GError **err);
int drive_media_tray(struct drive_info *d, bool *open, bool *locked);

/*
 * Every -drive, then -hda..-hdd/-cdrom (m->cfg; -snapshot applies to all),
 * before any device exists.  0, or -1 with *err set.
 */
int drive_init_all(struct machine *m, GError **err);
/* -drive OPTSTR.  0 or -errno with *err set. */
int drive_parse(struct machine *m, const char *optstr, GError **err);
/* -hda/-hdb/-hdc/-hdd/-cdrom FILE (optname without the dash). */
int drive_add_legacy(struct machine *m, const char *optname, const char *file, GError **err);

struct drive_info *drive_find(struct machine *m, enum drive_if iface, int bus, int unit);
struct drive_info *drive_find_id(struct machine *m, const char *id);
/*
 * The device `owner` (its class name) takes drive id.  With QEMU's wording,
 * *err says "Property 'OWNER.drive' can't find value 'ID'" or "Drive 'ID'
 * is already in use by another device" (or, for a drive the board attached
 * itself, "... because it has been automatically connected ...").
 */
struct drive_info *drive_claim(struct machine *m, const char *owner, const char *id,
			       GError **err);
/* Lowest-index drive of iface nobody claimed yet (virtio: one per device). */
struct drive_info *drive_next_unclaimed(struct machine *m, enum drive_if iface);
/* Drives nobody claimed (e.g. if=none never used): warning text, or NULL. */
char *drive_unclaimed_warning(struct machine *m);
/*
 * Forget d and close its image: as QEMU does with a -drive/drive_add drive
 * when the device using it is hot-unplugged (its requests must be drained).
 */
void drive_del(struct machine *m, struct drive_info *d);
/* Close all images (at exit). */
void drive_close_all(struct machine *m);

/* Open cfg-like settings of d on file (media change); replaces d->blk. */
int drive_open_media(struct drive_info *d, const char *file, GError **err);

#endif
