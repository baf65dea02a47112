/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared between core/savevm.c (registry, header, writing, applying) and
 * core/savevm-load.c (reading and checking an untrusted stream).  The byte
 * layout is docs/migration-stream.md.
 */
#ifndef CORE_SAVEVM_INT_H
#define CORE_SAVEVM_INT_H

#include <stdint.h>
#include <glib.h>

struct machine;

enum sv_kind {
	SV_KIND_MACHINE = 1,
	SV_KIND_DEVICE = 2,
	SV_KIND_RAM = 3,
	SV_KIND_END = 0xff,
};

#define SV_MAX_STR 255
#define SV_SECT_MAGIC 0x54434553u /* "SECT" */
#define SV_HDR_LEN 20
#define SV_SECT_LEN 32
#define SV_MAX_BODY (1u << 20)
#define SV_MAX_STATE (16u << 20)
#define SV_PAGE 4096
#define SV_CHUNK (1u << 20)

void sv_put(GByteArray *out, uint64_t v, unsigned n);
uint64_t sv_get(const uint8_t *p, unsigned n);
void sv_put_str(GByteArray *out, const char *s);
uint32_t sv_crc(uint32_t crc, const uint8_t *p, uint64_t len);

/* This machine's header body (the fingerprint); the caller frees it. */
GByteArray *sv_header_body(struct machine *m);
/* State sections: machine sections first, then one per device. */
unsigned sv_state_count(struct machine *m);
uint32_t sv_state_version(struct machine *m, unsigned i);
const char *sv_state_name(struct machine *m, unsigned i);
int sv_check_state(struct machine *m, unsigned i, const uint8_t *buf, size_t len,
		   uint32_t version, GError **err);
int sv_apply_state(struct machine *m, unsigned i, const uint8_t *buf, size_t len,
		   uint32_t version, GError **err);
unsigned sv_ram_count(struct machine *m);
void sv_ram_block(struct machine *m, unsigned i, const char **name, uint8_t **host,
		  uint64_t *size);

#endif
