// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Character device option parsing: -chardev "BACKEND,id=X,key=val" and the
 * legacy specs of -serial/-debugcon/-qtest ("stdio", "file:PATH",
 * "tcp:HOST:PORT,server=on", "unix:PATH", "mon:stdio", "/dev/ttyS0") both
 * become a struct chr_spec, with QEMU's key names and defaults (socket
 * servers wait unless wait=off; mon:stdio leaves Ctrl-C to the guest).
 * Also the start-up pass that creates every chardev the options name,
 * before any device: -chardev ones, then those -serial (serialN) and
 * -debugcon (debugcon) give inline, under QEMU's ids.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core/chardev-int.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/opts.h"

static const struct {
	const char *name;
	enum chr_kind kind;
} chr_backends[] = {
	{ "null", CHR_KIND_NULL },     { "stdio", CHR_KIND_STDIO },
	{ "file", CHR_KIND_FILE },     { "pipe", CHR_KIND_PIPE },
	{ "pty", CHR_KIND_PTY },       { "socket", CHR_KIND_SOCKET },
	{ "serial", CHR_KIND_TTY },    { "tty", CHR_KIND_TTY },
};

void chr_spec_clear(struct chr_spec *sp)
{
	g_free(sp->id);
	g_free(sp->path);
	g_free(sp->host);
	g_free(sp->port);
}

static int chr_need(struct opts *o, const char *key, const char *backend,
		    char **out, GError **err)
{
	const char *v = opts_get(o, key);

	if (!v || !*v) {
		chr_error(err, "'%s' is required for backend '%s'", key, backend);
		return -EINVAL;
	}
	*out = g_strdup(v);
	return 0;
}

static int chr_spec_socket(struct opts *o, struct chr_spec *sp, GError **err)
{
	bool nowait, unused, telnet, websocket;
	uint64_t fd;

	if (opts_has(o, "fd")) {
		/* a socket the parent made (libvirt): listening if server=on */
		if (opts_get_u64(o, "fd", 0, &fd, err) < 0)
			return -EINVAL;
		if (fd > INT_MAX || fcntl((int)fd, F_GETFD) < 0) {
			chr_error(err, "fd=%" G_GUINT64_FORMAT " is not an open file descriptor", fd);
			return -EBADF;
		}
		sp->fd = (int)fd;
	} else if (opts_has(o, "path")) {
		if (chr_need(o, "path", "socket", &sp->path, err) < 0)
			return -EINVAL;
	} else {
		sp->host = g_strdup(opts_get(o, "host"));
		if (chr_need(o, "port", "socket", &sp->port, err) < 0)
			return -EINVAL;
	}
	if (opts_get_bool(o, "server", false, &sp->server, err) < 0 ||
	    opts_get_bool(o, "wait", true, &sp->wait, err) < 0 ||
	    opts_get_bool(o, "nowait", false, &nowait, err) < 0 ||
	    opts_get_bool(o, "nodelay", false, &sp->nodelay, err) < 0 ||
	    opts_get_u64(o, "reconnect", 0, &sp->reconnect, err) < 0)
		return -EINVAL;
	if (nowait)
		sp->wait = false;
	if (sp->reconnect > 86400) {
		chr_error(err, "reconnect=%" G_GUINT64_FORMAT " is too large",
			  sp->reconnect);
		return -EINVAL;
	}
	/* ipv4=/ipv6= only narrow the address family: accepted, not needed */
	if (opts_get_bool(o, "ipv4", false, &unused, err) < 0 ||
	    opts_get_bool(o, "ipv6", false, &unused, err) < 0 ||
	    opts_get_bool(o, "telnet", false, &telnet, err) < 0 ||
	    opts_get_bool(o, "websocket", false, &websocket, err) < 0)
		return -EINVAL;
	if (telnet || websocket) {
		chr_error(err, "telnet and websocket sockets are not supported");
		return -ENOTSUP;
	}
	return 0;
}

/* Fill sp from parsed options (key "backend" names the kind). */
int chr_spec_parse(struct opts *o, struct chr_spec *sp, GError **err)
{
	const char *b = opts_get(o, "backend");
	unsigned i;

	memset(sp, 0, sizeof(*sp));
	sp->fd = -1;
	for (i = 0; b && i < G_N_ELEMENTS(chr_backends); i++)
		if (!strcmp(b, chr_backends[i].name))
			break;
	if (!b || i == G_N_ELEMENTS(chr_backends)) {
		chr_error(err, "unknown backend '%s'", b ? b : "");
		return -EINVAL;
	}
	sp->kind = chr_backends[i].kind;
	if (opts_get_bool(o, "mux", false, &sp->mux, err) < 0)
		return -EINVAL;
	switch (sp->kind) {
	case CHR_KIND_STDIO:
		return opts_get_bool(o, "signal", true, &sp->signal, err);
	case CHR_KIND_FILE:
		if (opts_get_bool(o, "append", false, &sp->append, err) < 0)
			return -EINVAL;
		return chr_need(o, "path", b, &sp->path, err);
	case CHR_KIND_PIPE:
	case CHR_KIND_TTY:
		return chr_need(o, "path", b, &sp->path, err);
	case CHR_KIND_SOCKET:
		return chr_spec_socket(o, sp, err);
	default:
		return 0;
	}
}

/* "tcp:HOST:PORT,opts" with HOST possibly empty or "[v6]". */
static struct opts *chr_legacy_tcp(const char *arg, GError **err)
{
	struct opts *o = opts_parse(arg, "addr", err);
	const char *addr = o ? opts_get(o, "addr") : NULL;
	const char *colon = addr ? strrchr(addr, ':') : NULL;
	char *host;

	if (!o)
		return NULL;
	if (!colon || !colon[1]) {
		chr_error(err, "tcp: expects HOST:PORT, got '%s'", addr ? addr : "");
		opts_free(o);
		return NULL;
	}
	host = g_strndup(addr, colon - addr);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = 0;
	}
	opts_set(o, "host", host);
	opts_set(o, "port", colon + 1);
	g_free(host);
	return o;
}

static struct opts *chr_opts_one(const char *backend, const char *key, const char *val)
{
	struct opts *o = opts_new();

	opts_set(o, "backend", backend);
	if (key)
		opts_set(o, key, val);
	return o;
}

/* Translate a legacy spec into -chardev options. */
struct opts *chr_legacy_opts(const char *spec, GError **err)
{
	struct opts *o;
	const char *colon;
	char *word;

	if (!strcmp(spec, "null") || !strcmp(spec, "stdio") || !strcmp(spec, "pty"))
		return chr_opts_one(spec, NULL, NULL);
	if (!strcmp(spec, "mon:stdio")) {
		/* QEMU passes Ctrl-C to the guest here; Ctrl-A x quits */
		o = chr_opts_one("stdio", "mux", "on");
		opts_set(o, "signal", "off");
		return o;
	}
	if (!strcmp(spec, "vc") || g_str_has_prefix(spec, "vc:"))
		return chr_opts_one("null", NULL, NULL); /* no consoles yet */
	if (g_str_has_prefix(spec, "file:"))
		return chr_opts_one("file", "path", spec + 5);
	if (g_str_has_prefix(spec, "pipe:"))
		return chr_opts_one("pipe", "path", spec + 5);
	if (g_str_has_prefix(spec, "/dev/"))
		return chr_opts_one("serial", "path", spec);
	if (g_str_has_prefix(spec, "unix:")) {
		o = opts_parse(spec + 5, "path", err);
		if (o)
			opts_set(o, "backend", "socket");
		return o;
	}
	if (g_str_has_prefix(spec, "tcp:")) {
		o = chr_legacy_tcp(spec + 4, err);
		if (o)
			opts_set(o, "backend", "socket");
		return o;
	}
	colon = strpbrk(spec, ":,");
	word = g_strndup(spec, colon ? (size_t)(colon - spec) : strlen(spec));
	chr_error(err, "unknown backend '%s'", word);
	g_free(word);
	return NULL;
}

/* The id of the chardev a legacy spec stands for ("chardev:ID" or id). */
static const char *chr_legacy_id(const char *spec, const char *id)
{
	return g_str_has_prefix(spec, "chardev:") ? spec + 8 : id;
}

struct chardev *chardev_legacy_find(struct machine *m, const char *spec, const char *id,
				    GError **err)
{
	struct chardev *c = chardev_find(m, chr_legacy_id(spec, id));

	if (!c)
		chr_error(err, "no chardev with id '%s'", chr_legacy_id(spec, id));
	return c;
}

static int chr_init_legacy(struct machine *m, const char *spec, const char *id,
			   GError **err)
{
	if (!spec || !strcmp(spec, "none"))
		return 0;
	return chardev_new_legacy(m, spec, id, err) ? 0 : -1;
}

int chardev_init_all(struct machine *m, GError **err)
{
	struct machine_config *cfg = m->cfg;

	for (unsigned i = 0; i < cfg->chardevs->len; i++)
		if (!chardev_new_opts(m, g_ptr_array_index(cfg->chardevs, i), err))
			return -1;
	for (int i = 0; i < cfg->nserial; i++) {
		char id[16];
		int ret;

		snprintf(id, sizeof(id), "serial%d", i);
		ret = chr_init_legacy(m, cfg->serial[i], id, err);
		if (ret < 0)
			return -1;
	}
	return chr_init_legacy(m, cfg->debugcon, "debugcon", err);
}
