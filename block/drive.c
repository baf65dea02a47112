// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Drive options, as QEMU's -drive understands them for the pc machine:
 * file, format, if=ide|none|virtio, media=disk|cdrom, index, bus, unit,
 * readonly, cache, snapshot, id, throttling.bps-total (or bps), and aio,
 * discard, werror, rerror (accepted and ignored).  IDE has two buses of
 * two units; index = bus * 2 + unit and a drive without a position takes
 * the first free one.  -hda..-hdd are index 0..3, -cdrom is index 2 with
 * media=cdrom.
 */
#include <errno.h>
#include <string.h>
#include "block/drive.h"
#include "core/machine.h"
#include "core/opts.h"

static GPtrArray *drive_array(struct machine *m)
{
	if (!m->drives)
		m->drives = g_ptr_array_new();
	return m->drives;
}

struct drive_info *drive_find(struct machine *m, enum drive_if iface, int bus, int unit)
{
	GPtrArray *a = drive_array(m);

	for (guint i = 0; i < a->len; i++) {
		struct drive_info *d = a->pdata[i];

		if (d->iface == iface && d->bus == bus && d->unit == unit)
			return d;
	}
	return NULL;
}

struct drive_info *drive_find_id(struct machine *m, const char *id)
{
	GPtrArray *a = drive_array(m);

	for (guint i = 0; i < a->len; i++) {
		struct drive_info *d = a->pdata[i];

		if (d->id && !strcmp(d->id, id))
			return d;
	}
	return NULL;
}

struct drive_info *drive_claim(struct machine *m, const char *owner, const char *id,
			       GError **err)
{
	struct drive_info *d = drive_find_id(m, id);

	if (!d) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
			    "Property '%s.drive' can't find value '%s'", owner, id);
		return NULL;
	}
	if (d->iface != DRIVE_IF_NONE) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
			    "Drive '%s' is already in use because it has been automatically "
			    "connected to another device (did you need 'if=none' in the drive "
			    "options?)", id);
		return NULL;
	}
	if (d->claimed) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
			    "Drive '%s' is already in use by another device", id);
		return NULL;
	}
	d->claimed = true;
	return d;
}

static int drive_parse_enum(const char *val, const char *key, const char *const *names,
			    int n, int *out, GError **err)
{
	for (int i = 0; i < n; i++) {
		if (names[i] && !strcmp(val, names[i])) {
			*out = i;
			return 0;
		}
	}
	g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		    "invalid value '%s' for drive option '%s'", val, key);
	return -EINVAL;
}

static int drive_get_int(struct opts *o, const char *key, int max, int *out, GError **err)
{
	uint64_t v;

	*out = -1;
	if (!opts_has(o, key))
		return 0;
	if (opts_get_u64(o, key, 0, &v, err) < 0)
		return -EINVAL;
	if (v >= (uint64_t)max) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "drive option %s=%llu too big (max is %d)", key,
			    (unsigned long long)v, max - 1);
		return -EINVAL;
	}
	*out = (int)v;
	return 0;
}

/* Work out bus/unit for an IDE drive from index/bus/unit and the free slots. */
static int drive_place_ide(struct machine *m, struct drive_info *d, struct opts *o,
			   GError **err)
{
	int bus, unit;

	if (drive_get_int(o, "index", DRIVE_IDE_BUSES * DRIVE_IDE_UNITS, &d->index, err) ||
	    drive_get_int(o, "bus", DRIVE_IDE_BUSES, &bus, err) ||
	    drive_get_int(o, "unit", DRIVE_IDE_UNITS, &unit, err))
		return -EINVAL;
	if (d->index >= 0 && (bus >= 0 || unit >= 0)) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "index cannot be used with bus and unit");
		return -EINVAL;
	}
	if (d->index >= 0) {
		bus = d->index / DRIVE_IDE_UNITS;
		unit = d->index % DRIVE_IDE_UNITS;
	}
	if (bus < 0)
		bus = 0;
	if (unit < 0) {
		for (unit = 0; drive_find(m, DRIVE_IF_IDE, bus, unit); ) {
			if (++unit == DRIVE_IDE_UNITS) {
				unit = 0;
				if (++bus == DRIVE_IDE_BUSES) {
					g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
						    "no free IDE slot for another drive");
					return -ENOSPC;
				}
			}
		}
	}
	if (drive_find(m, DRIVE_IF_IDE, bus, unit)) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
			    "drive with bus=%d, unit=%d (index=%d) exists", bus, unit,
			    bus * DRIVE_IDE_UNITS + unit);
		return -EEXIST;
	}
	d->bus = bus;
	d->unit = unit;
	d->index = bus * DRIVE_IDE_UNITS + unit;
	return 0;
}

int drive_open_media(struct drive_info *d, const char *file, GError **err)
{
	struct blk_config cfg = {
		.filename = file,
		.format = d->format,
		.read_only = d->read_only,
		.cache = d->cache,
		.bps_total = d->bps_total,
		.snapshot = d->snapshot && !d->read_only,
	};
	struct block_backend *b = blk_open(&cfg, err);
	char *copy;

	if (!b)
		return -EIO;
	copy = g_strdup(file); /* file may be d->file itself */
	blk_close(d->blk);
	d->blk = b;
	g_free(d->file);
	d->file = copy;
	return 0;
}

static void drive_free(struct drive_info *d)
{
	blk_close(d->blk);
	g_free(d->id);
	g_free(d->file);
	g_free(d->format);
	g_free(d);
}

static int drive_read_flags(struct drive_info *d, struct opts *o, GError **err)
{
	static const char *const ifs[] = { "none", "ide", "virtio" };
	static const char *const medias[] = { "disk", "cdrom" };
	const char *v;
	int e;

	if ((v = opts_get(o, "if"))) {
		if (drive_parse_enum(v, "if", ifs, G_N_ELEMENTS(ifs), &e, err))
			return -EINVAL;
		d->iface = e;
	}
	if ((v = opts_get(o, "media"))) {
		if (drive_parse_enum(v, "media", medias, G_N_ELEMENTS(medias), &e, err))
			return -EINVAL;
		d->media = e;
	}
	if ((v = opts_get(o, "cache")) && !blk_parse_cache_mode(v, &d->cache)) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "invalid cache option '%s'", v);
		return -EINVAL;
	}
	if (opts_get_bool(o, "readonly", false, &d->read_only, err) ||
	    opts_get_bool(o, "snapshot", false, &d->snapshot, err) ||
	    opts_get_u64(o, "bps", 0, &d->bps_total, err) ||
	    opts_get_u64(o, "throttling.bps-total", d->bps_total, &d->bps_total, err))
		return -EINVAL;
	if ((v = opts_get(o, "format"))) {
		if (strcmp(v, "raw") && strcmp(v, "qcow2")) {
			g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				    "image format '%s' is not supported (raw, qcow2)", v);
			return -EINVAL;
		}
		d->format = g_strdup(v);
	}
	d->id = g_strdup(opts_get(o, "id"));
	if (d->id && !opts_id_wellformed(d->id)) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "Parameter 'id' expects an identifier");
		return -EINVAL;
	}
	d->file = g_strdup(opts_get(o, "file"));
	if (d->file && !*d->file)
		g_clear_pointer(&d->file, g_free);
	if (d->media == DRIVE_MEDIA_CDROM)
		d->read_only = true;
	/* Accepted for compatibility, no effect here. */
	v = opts_get(o, "aio");
	if (v && strcmp(v, "threads") && strcmp(v, "native") && strcmp(v, "io_uring")) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "invalid aio option");
		return -EINVAL;
	}
	opts_get(o, "discard");
	opts_get(o, "werror");
	opts_get(o, "rerror");
	return 0;
}

/* Other interfaces: index N is simply the Nth drive of that interface. */
static int drive_place(struct machine *m, struct drive_info *d, struct opts *o, GError **err)
{
	int bus, unit;

	if (d->iface == DRIVE_IF_IDE)
		return drive_place_ide(m, d, o, err);
	if (drive_get_int(o, "index", 1 << 16, &d->index, err) ||
	    drive_get_int(o, "bus", 1 << 16, &bus, err) ||
	    drive_get_int(o, "unit", 1 << 16, &unit, err))
		return -EINVAL;
	if (d->index < 0 && unit >= 0)
		d->index = unit;
	if (d->index < 0) /* not given: the first free one */
		for (d->index = 0; drive_find(m, d->iface, 0, d->index); )
			d->index++;
	d->bus = 0;
	d->unit = d->index;
	if (d->iface != DRIVE_IF_NONE && drive_find(m, d->iface, 0, d->unit)) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
			    "drive with index=%d exists", d->index);
		return -EEXIST;
	}
	return 0;
}

struct drive_info *drive_next_unclaimed(struct machine *m, enum drive_if iface)
{
	GPtrArray *a = drive_array(m);
	struct drive_info *best = NULL;

	for (guint i = 0; i < a->len; i++) {
		struct drive_info *d = a->pdata[i];

		if (d->iface == iface && !d->claimed && (!best || d->index < best->index))
			best = d;
	}
	return best;
}

static int drive_check(struct machine *m, struct drive_info *d, GError **err)
{
	if (d->id && drive_find_id(m, d->id)) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
			    "Duplicate ID '%s' for drive", d->id);
		return -EEXIST;
	}
	if (!d->file && d->media != DRIVE_MEDIA_CDROM && d->iface != DRIVE_IF_NONE) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
			    "drive needs a file= (only media=cdrom may be empty)");
		return -EINVAL;
	}
	if (d->media == DRIVE_MEDIA_CDROM && d->iface == DRIVE_IF_VIRTIO) {
		g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
			    "media=cdrom is not supported with if=virtio");
		return -EINVAL;
	}
	return 0;
}

/* QEMU's names for drives without id=: ide1-cd0, ide0-hd0, virtio0, none0. */
static void drive_default_id(struct machine *m, struct drive_info *d)
{
	if (d->id)
		return;
	if (d->iface == DRIVE_IF_IDE)
		d->id = g_strdup_printf("ide%d-%s%d", d->bus,
					d->media == DRIVE_MEDIA_CDROM ? "cd" : "hd", d->unit);
	else
		d->id = g_strdup_printf("%s%d", d->iface == DRIVE_IF_VIRTIO ? "virtio" : "none",
					d->index);
}

int drive_parse(struct machine *m, const char *optstr, GError **err)
{
	struct drive_info *d = g_new0(struct drive_info, 1);
	struct opts *o = opts_parse(optstr, NULL, err);
	int ret = -EINVAL;

	d->iface = DRIVE_IF_IDE;
	d->bus = d->unit = d->index = -1;
	d->bootindex = -1;
	if (!o)
		goto out;
	if (drive_read_flags(d, o, err) || drive_place(m, d, o, err) ||
	    opts_check_unused(o, "drive", err) || drive_check(m, d, err))
		goto out;
	drive_default_id(m, d);
	if (d->file && drive_open_media(d, d->file, err) < 0)
		goto out;
	g_ptr_array_add(drive_array(m), d);
	d = NULL;
	ret = 0;
out:
	if (o)
		opts_free(o);
	if (d)
		drive_free(d);
	return ret;
}

/* -snapshot: every drive that does not say otherwise gets snapshot=on. */
static int drive_parse_snapshot(struct machine *m, const char *optstr, GError **err)
{
	bool snap = m->cfg && m->cfg->snapshot && !strstr(optstr, "snapshot=");
	char *opts = snap ? g_strconcat(optstr, ",snapshot=on", NULL) : g_strdup(optstr);
	int ret = drive_parse(m, opts, err);

	g_free(opts);
	return ret;
}

int drive_add_legacy(struct machine *m, const char *optname, const char *file, GError **err)
{
	static const char *const names[] = { "hda", "hdb", "hdc", "hdd" };
	char **parts, *esc, *spec;
	int ret;

	parts = g_strsplit(file, ",", -1);
	esc = g_strjoinv(",,", parts); /* a comma in a path is doubled */
	g_strfreev(parts);
	if (!strcmp(optname, "cdrom")) {
		spec = g_strdup_printf("file=%s,index=2,media=cdrom", esc);
	} else {
		int idx = -1;

		for (int i = 0; i < 4; i++)
			if (!strcmp(optname, names[i]))
				idx = i;
		if (idx < 0) {
			g_free(esc);
			g_set_error(err, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
				    "unknown drive option -%s", optname);
			return -EINVAL;
		}
		spec = g_strdup_printf("file=%s,index=%d,media=disk", esc, idx);
	}
	ret = drive_parse_snapshot(m, spec, err);
	g_free(spec);
	g_free(esc);
	return ret;
}

int drive_init_all(struct machine *m, GError **err)
{
	struct machine_config *cfg = m->cfg;

	for (unsigned i = 0; i < cfg->drive_opts->len; i++)
		if (drive_parse_snapshot(m, g_ptr_array_index(cfg->drive_opts, i), err) < 0)
			return -1;
	for (unsigned i = 0; i < cfg->drive_legacy->len; i++) {
		char **kv = g_strsplit(g_ptr_array_index(cfg->drive_legacy, i), "=", 2);
		int ret = drive_add_legacy(m, kv[0], kv[1], err);

		g_strfreev(kv);
		if (ret < 0)
			return -1;
	}
	return 0;
}

char *drive_unclaimed_warning(struct machine *m)
{
	GPtrArray *a = drive_array(m);
	GString *s = NULL;

	for (guint i = 0; i < a->len; i++) {
		struct drive_info *d = a->pdata[i];

		if (d->claimed || d->iface == DRIVE_IF_NONE)
			continue;
		if (!s)
			s = g_string_new("drive(s) not used by any device:");
		g_string_append_printf(s, " %s", d->id ? d->id : (d->file ? d->file : "(empty)"));
	}
	return s ? g_string_free(s, FALSE) : NULL;
}

void drive_del(struct machine *m, struct drive_info *d)
{
	if (m->drives)
		g_ptr_array_remove(m->drives, d);
	drive_free(d);
}

void drive_close_all(struct machine *m)
{
	if (!m->drives)
		return;
	for (guint i = 0; i < m->drives->len; i++)
		drive_free(m->drives->pdata[i]);
	g_ptr_array_free(m->drives, TRUE);
	m->drives = NULL;
}

void drive_set_media_ops(struct drive_info *d, const struct drive_media_ops *ops, void *opaque)
{
	d->media_ops = ops;
	d->media_opaque = opaque;
}

int drive_media_change(struct drive_info *d, const char *path, bool force, GError **err)
{
	if (!d->media_ops) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOENT,
			    "Device '%s' not found (or not an IDE CD-ROM)", d->id ? d->id : "");
		return -ENODEV;
	}
	return d->media_ops->change(d->media_opaque, path, force, err);
}

int drive_media_tray(struct drive_info *d, bool *open, bool *locked)
{
	*open = *locked = false;
	if (!d->media_ops)
		return -ENODEV;
	d->media_ops->tray(d->media_opaque, open, locked);
	return 0;
}
