// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for split virtqueues (hw/virtio/virtio.c: vq_pop's
 * descriptor walk, indirect tables, chain limits, used-ring updates, event
 * index) and the virtio-blk request parser behind them, on the PC machine
 * with a virtio-blk disk.  Each input brings the device up again through
 * its modern PCI registers and then is the guest's memory: byte 0 picks the
 * features (bit 0 INDIRECT_DESC, bit 1 EVENT_IDX), byte 1 the queue size
 * (1 << (b % 9)), then come the descriptor table, the avail ring and the
 * buffers (request headers, data, indirect tables) at DATA; the queue is
 * kicked twice.  A crash, sanitizer report, hang, or a write outside RAM is
 * a bug; a guest error (NEEDS_RESET) is expected.
 */
#include <stdint.h>
#include <string.h>
#include "core/memory.h"
#include "tests/fuzz/fuzz-machine.h"

#define BAR4 0xfe000000ULL
#define DESC 0x10000
#define AVAIL 0x11000
#define USED 0x12000
#define DATA 0x20000
#define DATA_LEN 0x10000

static struct machine *m;
static unsigned vdevfn;

static uint32_t pci_read(unsigned devfn, unsigned reg)
{
	as_write(&m->io, 0xcf8, 0x80000000u | devfn << 8 | reg, 4);
	return as_read(&m->io, 0xcfc, 4);
}

static void wr(uint64_t off, uint32_t v, unsigned size)
{
	as_write(&m->mem, BAR4 + off, v, size);
}

static void bring_up(uint8_t feat, unsigned num)
{
	fuzz_pci_write(m, vdevfn, 0x20, (uint32_t)BAR4, 4);
	fuzz_pci_write(m, vdevfn, 0x24, 0, 4);
	fuzz_pci_write(m, vdevfn, 0x04, 0x6, 2);
	wr(0x14, 0, 1);                    /* reset */
	wr(0x14, 3, 1);                    /* ACKNOWLEDGE | DRIVER */
	wr(0x08, 1, 4);
	wr(0x0c, 1, 4);                    /* VERSION_1 */
	wr(0x08, 0, 4);
	wr(0x0c, (feat & 1) << 28 | (feat & 2) << 28, 4);
	wr(0x14, 0xb, 1);                  /* FEATURES_OK */
	wr(0x16, 0, 2);
	wr(0x18, num, 2);
	wr(0x20, DESC, 4);
	wr(0x28, AVAIL, 4);
	wr(0x30, USED, 4);
	wr(0x1c, 1, 2);
	wr(0x14, 0xf, 1);                  /* DRIVER_OK */
}

static void fill(uint64_t addr, uint64_t len, const uint8_t **p, size_t *n)
{
	uint64_t k = len < *n ? len : *n;

	memset(m->ram + addr, 0, len);
	memcpy(m->ram + addr, *p, k);
	*p += k;
	*n -= k;
}

/* Kept for the process's life (reachable: no leak reports). */
static char *disk, *drive;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	disk = fuzz_scratch_file("vblk.img", 1 << 20);
	drive = g_strdup_printf("file=%s,format=raw,if=virtio,snapshot=on", disk);
	{
		const char *args[] = { "-drive", drive, NULL };

		m = fuzz_machine_new(args);
	}
	for (vdevfn = 8; vdevfn < 256; vdevfn += 8) {
		uint32_t id = pci_read(vdevfn, 0);

		if ((id & 0xffff) == 0x1af4 && (id >> 16 == 0x1001 || id >> 16 == 0x1042))
			return 0;
	}
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t feat = size > 0 ? data[0] : 0;
	unsigned num = 1u << ((size > 1 ? data[1] : 4) % 9);
	const uint8_t *p = data + (size < 2 ? size : 2);
	size_t n = size < 2 ? 0 : size - 2;

	machine_lock(m);
	bring_up(feat, num);
	fill(DESC, 16 * num, &p, &n);
	fill(AVAIL, 6 + 2 * num, &p, &n);
	memset(m->ram + USED, 0, 6 + 8 * num);
	fill(DATA, DATA_LEN, &p, &n);
	wr(0x3000, 0, 2);                  /* kick queue 0 */
	machine_unlock(m);
	fuzz_drain(m);
	machine_lock(m);
	wr(0x3000, 0, 2);
	machine_unlock(m);
	fuzz_drain(m);
	return 0;
}
