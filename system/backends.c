// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One path from option to backend to device (docs/architecture.md,
 * "Layout": options -> backends -> board -> devices).  This pass creates
 * every backend from m->cfg before any device exists, each layer keeping
 * its own by id on the machine:
 *   chardevs  -chardev, then those -serial (serialN) and -debugcon
 *             (debugcon) describe inline             core/chardev-parse.c
 *   drives    -drive, then -hda..-hdd and -cdrom      block/drive.c
 *   netdevs   -netdev, then the backend half of -nic  net/net.c
 * The monitors' chardevs (-monitor/-qmp, compat_monitorN) follow when main
 * creates the monitors, which QEMU also does before the devices.  Devices
 * (board defaults, legacy -nic/-hda, -device) then look backends up by id:
 * chardev_lookup(), drive_claim(), net_claim(), with QEMU's errors for a
 * missing id or a backend another device holds.  The order inside the pass
 * is QEMU's, so a -serial chardev:ID may name a -chardev.
 */
#include "system/backends.h"
#include "block/drive.h"
#include "core/chardev.h"
#include "core/machine.h"
#include "net/net.h"

int backends_create(struct machine *m, GError **err)
{
	if (chardev_init_all(m, err) < 0)
		return -1;
	if (drive_init_all(m, err) < 0)
		return -1;
	return net_init_all(m, err);
}
