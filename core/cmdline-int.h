/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Option handlers core/cmdline.c's table shares with the files that
 * implement them: each parses ARG into cfg, 0 or -1 with *err set.
 */
#ifndef CORE_CMDLINE_INT_H
#define CORE_CMDLINE_INT_H

#include <glib.h>

struct machine_config;

/* core/cmdline-mgmt.c: what management tools add to every guest */
int opt_object(struct machine_config *cfg, const char *arg, GError **err);
int opt_uuid(struct machine_config *cfg, const char *arg, GError **err);
int opt_audiodev(struct machine_config *cfg, const char *arg, GError **err);
int opt_overcommit(struct machine_config *cfg, const char *arg, GError **err);
int opt_msg(struct machine_config *cfg, const char *arg, GError **err);
int opt_blockdev(struct machine_config *cfg, const char *arg, GError **err);
/* After parsing: each -blockdev chain into cfg->drive_opts. */
int blockdev_finish(struct machine_config *cfg, GError **err);

#endif
