// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kvmpc-img: disk image utility speaking the qemu-img dialect for the
 * formats kvmpc supports (raw, qcow2): create, info, check, convert,
 * resize, snapshot -l and bench.  Output follows qemu-img 7.2 where a
 * script would parse it (info, check, snapshot -l, exit codes of check).
 * Not provided: commit, rebase, amend, compare, map, measure, dd, bitmap,
 * snapshot creation/application, encryption.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "block/block.h"
#include "block/qcow2.h"

#define IMG_BUF (2u << 20)

static void G_GNUC_PRINTF(1, 2) G_GNUC_NORETURN die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kvmpc-img: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void die_err(GError *e)
{
	die("%s", e ? e->message : "unknown error");
}

/* "64M", "1G", "512", "1.5G" (binary units, as qemu-img). */
static bool parse_size(const char *s, uint64_t *out)
{
	char *end;
	double v;
	uint64_t mul = 1;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0)
		return false;
	switch (*end) {
	case 0: case 'b': case 'B': break;
	case 'k': case 'K': mul = 1ull << 10; break;
	case 'M': mul = 1ull << 20; break;
	case 'G': mul = 1ull << 30; break;
	case 'T': mul = 1ull << 40; break;
	case 'P': mul = 1ull << 50; break;
	default: return false;
	}
	if (*end && end[1])
		return false;
	if (v * mul >= 18446744073709551615.0)
		return false;
	*out = (uint64_t)(v * mul);
	return true;
}

/* qemu-img's human size: 3 significant digits, switch unit at 1000. */
static char *size_str(uint64_t v)
{
	static const char *const sfx[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	int i;

	frexp(v / (1000.0 / 1024.0), &i);
	i = (i - 1) / 10;
	if (i < 0)
		i = 0;
	return g_strdup_printf("%0.3g %s", (double)v / (double)(1ull << (i * 10)), sfx[i]);
}

static void progress(bool on, uint64_t done, uint64_t total)
{
	if (on)
		printf("    (%.2f/100%%)\r", total ? 100.0 * done / total : 100.0);
	if (on && done == total)
		printf("\n");
	if (on)
		fflush(stdout);
}

static struct block_backend *img_open(const char *file, const char *fmt, bool rw, bool quiet,
				      enum blk_cache_mode cache)
{
	struct blk_config cfg = {
		.filename = file, .format = fmt, .read_only = !rw, .cache = cache,
	};
	GError *err = NULL;
	struct block_backend *b;
	int saved = -1;

	if (quiet) {
		saved = dup(2);
		freopen("/dev/null", "w", stderr);
	}
	b = blk_open(&cfg, &err);
	if (quiet) {
		fflush(stderr);
		dup2(saved, 2);
		close(saved);
	}
	if (!b)
		die_err(err);
	return b;
}

/* ---- create ---- */

struct create_args {
	const char *fmt, *backing, *backing_fmt, *file;
	uint64_t size;
	bool have_size;
	struct qcow2_create_opts q;
	char *prealloc;
};

static void parse_create_opts(struct create_args *a, const char *opts)
{
	char **kv = g_strsplit(opts, ",", -1);

	for (char **p = kv; *p; p++) {
		char *eq = strchr(*p, '='), *k = *p, *v = eq ? eq + 1 : "on";
		uint64_t n;

		if (eq)
			*eq = 0;
		if (!strcmp(k, "cluster_size")) {
			if (!parse_size(v, &n) || n < 512 || (n & (n - 1)))
				die("invalid cluster_size '%s'", v);
			a->q.cluster_bits = __builtin_ctzll(n);
		} else if (!strcmp(k, "preallocation")) {
			a->prealloc = g_strdup(v);
		} else if (!strcmp(k, "compat")) {
			a->q.version = !strcmp(v, "0.10") || !strcmp(v, "v2") ? 2 : 3;
			if (strcmp(v, "0.10") && strcmp(v, "v2") && strcmp(v, "1.1") &&
			    strcmp(v, "v3"))
				die("invalid compat '%s'", v);
		} else if (!strcmp(k, "lazy_refcounts")) {
			a->q.lazy_refcounts = !strcmp(v, "on");
		} else if (!strcmp(k, "refcount_bits")) {
			n = strtoull(v, NULL, 10);
			if (!n || n > 64 || (n & (n - 1)))
				die("invalid refcount_bits '%s'", v);
			a->q.refcount_order = __builtin_ctzll(n);
		} else if (!strcmp(k, "backing_file")) {
			a->backing = g_strdup(v);
		} else if (!strcmp(k, "backing_fmt")) {
			a->backing_fmt = g_strdup(v);
		} else if (!strcmp(k, "size")) {
			if (!parse_size(v, &a->size))
				die("invalid size '%s'", v);
			a->have_size = true;
		} else if (strcmp(k, "compression_type") || strcmp(v, "zlib")) {
			die("unsupported option '%s'", k);
		}
	}
	g_strfreev(kv);
}

static int create_raw(struct create_args *a)
{
	int fd = open(a->file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		die("Could not create '%s': %s", a->file, g_strerror(errno));
	if (ftruncate(fd, a->size) < 0)
		die("Could not resize '%s': %s", a->file, g_strerror(errno));
	if (a->prealloc && strcmp(a->prealloc, "off") && a->size &&
	    posix_fallocate(fd, 0, a->size))
		die("preallocation failed");
	close(fd);
	return 0;
}

static void create_backing_size(struct create_args *a)
{
	struct block_backend *b;
	char *path, *dir;

	if (!a->backing)
		return;
	dir = g_path_get_dirname(a->file);
	path = g_path_is_absolute(a->backing) ? g_strdup(a->backing)
					      : g_build_filename(dir, a->backing, NULL);
	b = img_open(path, a->backing_fmt, false, false, BLK_CACHE_WRITEBACK);
	if (!a->backing_fmt)
		a->backing_fmt = g_strdup(b->drv->format);
	if (!a->have_size)
		a->size = blk_length(b);
	a->have_size = true;
	blk_close(b);
	g_free(path);
	g_free(dir);
}

static int create_image(struct create_args *a, bool quiet)
{
	GError *err = NULL;

	a->q.size = a->size;
	a->q.backing = a->backing;
	a->q.backing_fmt = a->backing_fmt;
	a->q.prealloc = QCOW2_PREALLOC_OFF;
	if (a->prealloc && !strcmp(a->prealloc, "metadata"))
		a->q.prealloc = QCOW2_PREALLOC_METADATA;
	else if (a->prealloc && (!strcmp(a->prealloc, "full") || !strcmp(a->prealloc, "falloc")))
		a->q.prealloc = QCOW2_PREALLOC_FULL;
	else if (a->prealloc && strcmp(a->prealloc, "off"))
		die("invalid preallocation mode '%s'", a->prealloc);
	if (!quiet && !strcmp(a->fmt, "qcow2"))
		printf("Formatting '%s', fmt=qcow2 cluster_size=%llu extended_l2=off "
		       "compression_type=zlib size=%llu%s%s%s%s lazy_refcounts=%s "
		       "refcount_bits=%d\n", a->file, 1ull << a->q.cluster_bits,
		       (unsigned long long)a->size, a->backing ? " backing_file=" : "",
		       a->backing ? a->backing : "", a->backing_fmt ? " backing_fmt=" : "",
		       a->backing_fmt ? a->backing_fmt : "", a->q.lazy_refcounts ? "on" : "off",
		       1 << a->q.refcount_order);
	else if (!quiet)
		printf("Formatting '%s', fmt=raw size=%llu\n", a->file,
		       (unsigned long long)a->size);
	if (!strcmp(a->fmt, "raw"))
		return create_raw(a);
	if (qcow2_create(a->file, &a->q, &err))
		die_err(err);
	return 0;
}

static void create_defaults(struct create_args *a)
{
	memset(a, 0, sizeof(*a));
	a->fmt = "raw";
	a->q.cluster_bits = 16;
	a->q.version = 3;
	a->q.refcount_order = 4;
}

static int cmd_create(int argc, char **argv)
{
	struct create_args a;
	bool quiet = false, unsafe = false;
	int c;

	create_defaults(&a);
	while ((c = getopt(argc, argv, "f:b:F:o:qu")) != -1) {
		switch (c) {
		case 'f': a.fmt = optarg; break;
		case 'b': a.backing = optarg; break;
		case 'F': a.backing_fmt = optarg; break;
		case 'o': parse_create_opts(&a, optarg); break;
		case 'q': quiet = true; break;
		case 'u': unsafe = true; break;
		default: return 1;
		}
	}
	if (optind >= argc)
		die("Expecting image file name");
	a.file = argv[optind++];
	if (optind < argc) {
		if (!parse_size(argv[optind], &a.size))
			die("Invalid image size specified: '%s'", argv[optind]);
		a.have_size = true;
	}
	if (strcmp(a.fmt, "raw") && strcmp(a.fmt, "qcow2"))
		die("Unknown file format '%s' (raw, qcow2)", a.fmt);
	if (a.backing && strcmp(a.fmt, "qcow2"))
		die("Backing file not supported for file format '%s'", a.fmt);
	if (a.backing && !unsafe)
		create_backing_size(&a);
	if (!a.have_size)
		die("Image creation needs a size parameter");
	return create_image(&a, quiet);
}

/* ---- info and snapshot -l ---- */

static void print_snapshots(struct qcow2_state *s)
{
	char date[32], clock[32];

	printf("Snapshot list:\n%-9s %-17s %7s%20s%13s%11s\n", "ID", "TAG", "VM SIZE",
	       "DATE", "VM CLOCK", "ICOUNT");
	for (uint32_t i = 0; i < s->nb_snapshots; i++) {
		struct qcow2_snapshot *sn = &s->snapshots[i];
		time_t t = sn->date_sec;
		struct tm tm;
		uint64_t ms = sn->vm_clock_ns / 1000000;
		g_autofree char *vs = size_str(sn->vm_state_size);
		g_autofree char *ic = sn->icount == UINT64_MAX ? g_strdup("") :
				      g_strdup_printf("%llu", (unsigned long long)sn->icount);

		localtime_r(&t, &tm);
		strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
		snprintf(clock, sizeof(clock), "%02llu:%02llu:%02llu.%03llu",
			 (unsigned long long)(ms / 3600000), (unsigned long long)(ms / 60000 % 60),
			 (unsigned long long)(ms / 1000 % 60), (unsigned long long)(ms % 1000));
		printf("%-9s %-17s %7s%20s%13s%11s\n", sn->id, sn->name, vs, date, clock, ic);
	}
}

static char *json_str(const char *s)
{
	GString *g = g_string_new("\"");

	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			g_string_append_printf(g, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			g_string_append_printf(g, "\\u%04x", *s);
		else
			g_string_append_c(g, *s);
	}
	g_string_append_c(g, '"');
	return g_string_free(g, FALSE);
}

static void info_json_snapshots(struct qcow2_state *s)
{
	printf("    \"snapshots\": [\n");
	for (uint32_t i = 0; i < s->nb_snapshots; i++) {
		struct qcow2_snapshot *sn = &s->snapshots[i];
		g_autofree char *name = json_str(sn->name);
		g_autofree char *id = json_str(sn->id);

		printf("        {\n");
		if (sn->icount != UINT64_MAX)
			printf("            \"icount\": %llu,\n", (unsigned long long)sn->icount);
		printf("            \"vm-clock-nsec\": %llu,\n            \"name\": %s,\n"
		       "            \"date-sec\": %u,\n            \"date-nsec\": %u,\n"
		       "            \"vm-clock-sec\": %llu,\n            \"id\": %s,\n"
		       "            \"vm-state-size\": %llu\n        }%s\n",
		       (unsigned long long)(sn->vm_clock_ns % 1000000000), name, sn->date_sec,
		       sn->date_nsec, (unsigned long long)(sn->vm_clock_ns / 1000000000), id,
		       (unsigned long long)sn->vm_state_size, i + 1 < s->nb_snapshots ? "," : "");
	}
	printf("    ],\n");
}

static void info_json(const char *file, struct block_backend *b, struct qcow2_state *s,
		      uint64_t actual)
{
	g_autofree char *jf = json_str(file);

	printf("{\n");
	if (s && s->nb_snapshots)
		info_json_snapshots(s);
	if (s && s->backing_fmt)
		printf("    \"backing-filename-format\": \"%s\",\n", s->backing_fmt);
	printf("    \"virtual-size\": %lld,\n    \"filename\": %s,\n",
	       (long long)blk_length(b), jf);
	if (s)
		printf("    \"cluster-size\": %llu,\n", (unsigned long long)s->cluster_size);
	printf("    \"format\": \"%s\",\n    \"actual-size\": %llu,\n", b->drv->format,
	       (unsigned long long)actual);
	if (s) {
		printf("    \"format-specific\": {\n        \"type\": \"qcow2\",\n"
		       "        \"data\": {\n            \"compat\": \"%s\",\n",
		       s->version == 2 ? "0.10" : "1.1");
		printf("            \"compression-type\": \"%s\",\n", s->comp_type ? "zstd" : "zlib");
		if (s->version >= 3)
			printf("            \"lazy-refcounts\": %s,\n",
			       s->compat & QCOW2_COMPAT_LAZY_REFCOUNTS ? "true" : "false");
		printf("            \"refcount-bits\": %d", 1 << s->refcount_order);
		if (s->version >= 3)
			printf(",\n            \"corrupt\": %s,\n            \"extended-l2\": false",
			       s->incompat & QCOW2_INCOMPAT_CORRUPT ? "true" : "false");
		printf("\n        }\n    },\n");
	}
	if (s && s->backing_name) {
		g_autofree char *bn = json_str(s->backing_name);
		g_autofree char *bp = json_str(s->backing_path);

		printf("    \"full-backing-filename\": %s,\n    \"backing-filename\": %s,\n",
		       bp, bn);
	}
	printf("    \"dirty-flag\": false\n}\n");
}

static void info_human(const char *file, struct block_backend *b, struct qcow2_state *s,
		       uint64_t actual)
{
	g_autofree char *vs = size_str(blk_length(b));
	g_autofree char *ds = size_str(actual);

	printf("image: %s\nfile format: %s\nvirtual size: %s (%lld bytes)\ndisk size: %s\n",
	       file, b->drv->format, vs, (long long)blk_length(b), ds);
	if (!s)
		return;
	printf("cluster_size: %llu\n", (unsigned long long)s->cluster_size);
	if (s->backing_name) {
		printf("backing file: %s", s->backing_name);
		if (strcmp(s->backing_name, s->backing_path))
			printf(" (actual path: %s)", s->backing_path);
		printf("\n");
		if (s->backing_fmt)
			printf("backing file format: %s\n", s->backing_fmt);
	}
	if (s->nb_snapshots)
		print_snapshots(s);
	printf("Format specific information:\n    compat: %s\n",
	       s->version == 2 ? "0.10" : "1.1");
	printf("    compression type: %s\n", s->comp_type ? "zstd" : "zlib");
	if (s->version >= 3)
		printf("    lazy refcounts: %s\n",
		       s->compat & QCOW2_COMPAT_LAZY_REFCOUNTS ? "true" : "false");
	printf("    refcount bits: %d\n", 1 << s->refcount_order);
	if (s->version >= 3)
		printf("    corrupt: %s\n    extended l2: false\n",
		       s->incompat & QCOW2_INCOMPAT_CORRUPT ? "true" : "false");
}

static bool parse_output(const char *v)
{
	if (!strcmp(v, "json"))
		return true;
	if (strcmp(v, "human"))
		die("--output must be 'human' or 'json'");
	return false;
}

static int cmd_info(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'O' }, { NULL, 0, NULL, 0 },
	};
	const char *fmt = NULL;
	bool json = false;
	struct block_backend *b;
	struct stat st;
	int c;

	while ((c = getopt_long(argc, argv, "f:U", lo, NULL)) != -1) {
		if (c == 'f')
			fmt = optarg;
		else if (c == 'O')
			json = parse_output(optarg);
		else if (c != 'U')
			return 1;
	}
	if (optind >= argc)
		die("Expecting image file name");
	b = img_open(argv[optind], fmt, false, true, BLK_CACHE_WRITEBACK);
	if (stat(argv[optind], &st) < 0)
		die("cannot stat '%s'", argv[optind]);
	if (json)
		info_json(argv[optind], b, qcow2_state_of(b), (uint64_t)st.st_blocks * 512);
	else
		info_human(argv[optind], b, qcow2_state_of(b), (uint64_t)st.st_blocks * 512);
	blk_close(b);
	return 0;
}

static int cmd_snapshot(int argc, char **argv)
{
	struct block_backend *b;
	struct qcow2_state *s;
	bool list = false;
	int c;

	while ((c = getopt(argc, argv, "lf:U")) != -1) {
		if (c == 'l')
			list = true;
		else if (c != 'f' && c != 'U')
			return 1;
	}
	if (!list)
		die("only 'snapshot -l' is supported (listing internal snapshots)");
	if (optind >= argc)
		die("Expecting image file name");
	b = img_open(argv[optind], NULL, false, true, BLK_CACHE_WRITEBACK);
	s = qcow2_state_of(b);
	if (s && s->nb_snapshots)
		print_snapshots(s);
	blk_close(b);
	return 0;
}

/* ---- check ---- */

static int cmd_check(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'O' }, { NULL, 0, NULL, 0 },
	};
	struct qcow2_check_result r;
	const char *fmt = NULL;
	struct block_backend *b;
	bool json = false, repair = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "f:qUr:", lo, NULL)) != -1) {
		if (c == 'f')
			fmt = optarg;
		else if (c == 'r')
			repair = true; /* leaks or all: both rebuild the refcounts */
		else if (c == 'O')
			json = parse_output(optarg);
		else if (c != 'q' && c != 'U')
			return 1;
	}
	if (optind >= argc)
		die("Expecting image file name");
	b = img_open(argv[optind], fmt, repair, false, BLK_CACHE_WRITEBACK);
	if (!qcow2_state_of(b))
		die("This image format does not support checks");
	if (repair && !qcow2_repair(b, &r, stderr) && (r.leaks || r.corruptions))
		printf("The following inconsistencies were found and repaired:\n\n"
		       "    %llu leaked clusters\n    %llu corruptions\n\n"
		       "Double checking the fixed image now...\n",
		       (unsigned long long)r.leaks, (unsigned long long)r.corruptions);
	ret = qcow2_check(b, &r, json ? NULL : stderr);
	blk_close(b);
	if (ret && ret != -EIO)
		die("Check failed: %s", g_strerror(-ret));
	if (json) {
		g_autofree char *jf = json_str(argv[optind]);

		printf("{\n    \"image-end-offset\": %llu,\n    \"total-clusters\": %llu,\n",
		       (unsigned long long)r.image_end, (unsigned long long)r.total_clusters);
		if (r.leaks)
			printf("    \"leaks\": %llu,\n", (unsigned long long)r.leaks);
		if (r.corruptions)
			printf("    \"corruptions\": %llu,\n", (unsigned long long)r.corruptions);
		printf("    \"check-errors\": %llu,\n    \"filename\": %s,\n"
		       "    \"format\": \"qcow2\"\n}\n", (unsigned long long)r.check_errors, jf);
	} else {
		if (!r.leaks && !r.corruptions && !r.check_errors)
			printf("No errors were found on the image.\n");
		if (r.corruptions)
			printf("\n%llu errors were found on the image.\nData may be corrupted, "
			       "or further writes to the image may corrupt it.\n",
			       (unsigned long long)r.corruptions);
		if (r.leaks)
			printf("\n%llu leaked clusters were found on the image.\nThis means waste "
			       "of disk space, but no harm to data.\n",
			       (unsigned long long)r.leaks);
		if (r.check_errors)
			printf("\n%llu internal errors have occurred during the check.\n",
			       (unsigned long long)r.check_errors);
		if (r.total_clusters && r.allocated_clusters)
			printf("%llu/%llu = %0.2f%% allocated, %0.2f%% fragmented, %0.2f%% "
			       "compressed clusters\n", (unsigned long long)r.allocated_clusters,
			       (unsigned long long)r.total_clusters,
			       100.0 * r.allocated_clusters / r.total_clusters,
			       100.0 * r.fragmented_clusters / r.allocated_clusters,
			       100.0 * r.compressed_clusters / r.allocated_clusters);
		printf("Image end offset: %llu\n", (unsigned long long)r.image_end);
	}
	if (r.check_errors)
		return 1;
	return r.corruptions ? 2 : r.leaks ? 3 : 0;
}

/* ---- convert ---- */

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void convert_copy(struct block_backend *src, struct block_backend *dst, uint64_t size,
			 uint64_t gran, bool compress, bool prog)
{
	uint8_t *buf = g_malloc(IMG_BUF);

	progress(prog, 0, size);
	for (uint64_t off = 0; off < size; off += IMG_BUF) {
		uint64_t n = MIN(IMG_BUF, size - off);

		if (blk_pread(src, off, buf, n) < 0)
			die("error while reading at byte %llu", (unsigned long long)off);
		for (uint64_t p = 0; p < n; p += gran) {
			uint64_t m = MIN(gran, n - p);
			int ret;

			if (all_zero(buf + p, m))
				continue;
			if (compress && m == gran)
				ret = qcow2_write_compressed(dst, off + p, buf + p);
			else
				ret = blk_pwrite(dst, off + p, buf + p, m);
			if (ret < 0)
				die("error while writing at byte %llu: %s",
				    (unsigned long long)(off + p), g_strerror(-ret));
		}
		progress(prog, off + n, size);
	}
	if (!size)
		progress(prog, 0, 0);
	if (blk_flush(dst) < 0)
		die("error while flushing the output image");
	g_free(buf);
}

static int cmd_convert(int argc, char **argv)
{
	const char *ifmt = NULL, *ofmt = "raw";
	bool compress = false, prog = false;
	struct block_backend *src, *dst;
	struct create_args a;
	uint64_t gran;
	int c;

	create_defaults(&a);
	while ((c = getopt(argc, argv, "f:O:co:pqU")) != -1) {
		switch (c) {
		case 'f': ifmt = optarg; break;
		case 'O': ofmt = optarg; break;
		case 'c': compress = true; break;
		case 'o': parse_create_opts(&a, optarg); break;
		case 'p': prog = true; break;
		case 'q': case 'U': break;
		default: return 1;
		}
	}
	if (argc - optind != 2)
		die("Expecting one source and one destination image");
	if (strcmp(ofmt, "raw") && strcmp(ofmt, "qcow2"))
		die("Unknown file format '%s' (raw, qcow2)", ofmt);
	if (compress && strcmp(ofmt, "qcow2"))
		die("Compression not supported for file format '%s'", ofmt);
	src = img_open(argv[optind], ifmt, false, true, BLK_CACHE_WRITEBACK);
	a.fmt = ofmt;
	a.file = argv[optind + 1];
	a.size = blk_length(src);
	create_image(&a, true);
	dst = img_open(a.file, ofmt, true, false, BLK_CACHE_UNSAFE);
	gran = qcow2_state_of(dst) ? qcow2_state_of(dst)->cluster_size : 65536;
	convert_copy(src, dst, a.size, gran, compress, prog);
	blk_close(dst);
	blk_close(src);
	return 0;
}

/* ---- resize ---- */

static int cmd_resize(int argc, char **argv)
{
	const char *fmt = NULL, *arg;
	struct block_backend *b;
	GError *err = NULL;
	uint64_t n, size;
	int c, ret = 0;

	while ((c = getopt(argc, argv, "f:q")) != -1) {
		if (c == 'f')
			fmt = optarg;
		else if (c != 'q')
			return 1;
	}
	if (argc - optind != 2)
		die("Expecting image file name and size");
	arg = argv[optind + 1];
	b = img_open(argv[optind], fmt, true, false, BLK_CACHE_WRITEBACK);
	if (!parse_size(arg + (*arg == '+' || *arg == '-'), &n))
		die("Invalid size '%s'", arg);
	size = *arg == '+' ? blk_length(b) + n : *arg == '-' ? blk_length(b) - n : n;
	if (qcow2_state_of(b)) {
		ret = qcow2_resize(b, size, &err);
	} else {
		int fd = open(argv[optind], O_WRONLY | O_CLOEXEC);

		if (fd < 0 || ftruncate(fd, size) < 0)
			die("Could not resize '%s': %s", argv[optind], g_strerror(errno));
		close(fd);
	}
	blk_close(b);
	if (ret)
		die_err(err);
	printf("Image resized.\n");
	return 0;
}

/* ---- bench (qemu-img bench's options, synchronous requests) ---- */

static int cmd_bench(int argc, char **argv)
{
	uint64_t count = 75000, size = 4096, step = 0, off = 0, done = 0;
	const char *fmt = NULL;
	enum blk_cache_mode cache = BLK_CACHE_WRITEBACK;
	bool write = false, flush = false;
	struct block_backend *b;
	uint64_t len;
	double t0, t;
	uint8_t *buf;
	int c;

	while ((c = getopt(argc, argv, "c:d:f:o:s:S:t:wqn")) != -1) {
		switch (c) {
		case 'c': count = strtoull(optarg, NULL, 0); break;
		case 'd': break; /* queue depth: requests here are synchronous */
		case 'f': fmt = optarg; break;
		case 'o': if (!parse_size(optarg, &off)) die("bad offset"); break;
		case 's': if (!parse_size(optarg, &size)) die("bad size"); break;
		case 'S': if (!parse_size(optarg, &step)) die("bad step"); break;
		case 't': if (!blk_parse_cache_mode(optarg, &cache)) die("bad cache"); break;
		case 'w': write = true; break;
		case 'n': break;
		case 'q': flush = true; break;
		default: return 1;
		}
	}
	if (optind >= argc)
		die("Expecting image file name");
	if (!step)
		step = size;
	b = img_open(argv[optind], fmt, write, true, cache);
	len = blk_length(b);
	if (size > len || !size)
		die("request size larger than the image");
	buf = g_malloc(size);
	memset(buf, 0xa5, size);
	printf("Sending %llu %s requests, %llu bytes each, offset %llu, step %llu\n",
	       (unsigned long long)count, write ? "write" : "read", (unsigned long long)size,
	       (unsigned long long)off, (unsigned long long)step);
	t0 = g_get_monotonic_time() / 1e6;
	for (; done < count; done++) {
		int ret = write ? blk_pwrite(b, off, buf, size) : blk_pread(b, off, buf, size);

		if (ret < 0)
			die("request failed at %llu: %s", (unsigned long long)off, g_strerror(-ret));
		off = (off + step) % len; /* as qemu-img bench */
		if (off + size > len)
			off = 0;
	}
	t = g_get_monotonic_time() / 1e6 - t0;
	if (write || flush)
		blk_flush(b);
	printf("Run completed in %.3f seconds.\n", t);
	blk_close(b);
	g_free(buf);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(int, char **);
} cmds[] = {
	{ "create", cmd_create }, { "info", cmd_info }, { "check", cmd_check },
	{ "convert", cmd_convert }, { "resize", cmd_resize }, { "snapshot", cmd_snapshot },
	{ "bench", cmd_bench },
};

static void usage(void)
{
	printf("usage: kvmpc-img COMMAND [options]\n"
	       "  create [-f raw|qcow2] [-b backing [-F fmt]] [-o opts] [-u] file [size]\n"
	       "         opts: cluster_size=, preallocation=off|metadata|full|falloc,\n"
	       "               compat=0.10|1.1, lazy_refcounts=on|off, refcount_bits=N\n"
	       "  info [-f fmt] [--output=human|json] file\n"
	       "  check [-f fmt] [-r leaks|all] [--output=human|json] file\n"
	       "  convert [-f fmt] [-O raw|qcow2] [-c] [-o opts] [-p] src dst\n"
	       "  resize [-f fmt] file [+|-]size\n"
	       "  snapshot -l file\n"
	       "  bench [-c count] [-f fmt] [-o offset] [-s size] [-S step] [-t cache] [-w] "
	       "file\n");
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--dump-commands")) { /* for scripts/gen-man.sh */
		for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++)
			printf("%s\n", cmds[i].name);
		return 0;
	}
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage();
		return argc < 2;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++) {
		if (!strcmp(argv[1], cmds[i].name)) {
			int pargc = argc - 1;

			optind = 1;
			return cmds[i].fn(pargc, argv + 1);
		}
	}
	fprintf(stderr, "kvmpc-img: Command not found: %s\n", argv[1]);
	usage();
	return 1;
}
