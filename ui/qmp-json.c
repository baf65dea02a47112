// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QMP's JSON, read as QEMU reads it (qobject/json-lexer.c, json-streamer.c
 * and json-parser.c in QEMU 7.2, observed from the outside): a lexer that
 * also takes single-quoted strings and reports each bad token ("stray
 * '...'") before skipping to the next structural or control byte; a
 * streamer that hands over every top-level value once its brackets close;
 * and a strict parser with QEMU's error texts ("expecting value", "key is
 * not a string in object", "invalid keyword 'x'", ...).
 *
 * Limits keep a hostile client's cost bounded: a message of more than
 * 1 MiB, 128 Ki tokens or 1024 levels of nesting earns one error and is
 * skipped to its end; the parser recurses at most 1024 deep.  Left out: QEMU's %-
 * interpolation (internal to QEMU).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "ui/monitor-int.h"

#define QJ_MAX_BYTES (1u << 20)
#define QJ_MAX_DEPTH 1024
#define QJ_MAX_TOKENS (1u << 17)
#define QJ_SHOW_MAX 64 /* bytes of a bad token quoted in the error */

enum qj_state { QJ_START, QJ_STRING, QJ_NUMBER, QJ_KEYWORD, QJ_RECOVERY };
enum qj_num { QJ_N_MINUS, QJ_N_ZERO, QJ_N_INT, QJ_N_DOT, QJ_N_FRAC, QJ_N_EXP, QJ_N_EXP_SIGN,
	      QJ_N_EXP_DIGITS };
enum qj_type { QJ_LCURLY, QJ_RCURLY, QJ_LSQUARE, QJ_RSQUARE, QJ_COLON, QJ_COMMA,
	       QJ_TSTRING, QJ_TNUMBER, QJ_TKEYWORD };

struct qj_token {
	enum qj_type type;
	char *text;
};

struct qmp_json {
	qmp_json_fn *fn;
	void *opaque;
	/* lexer */
	enum qj_state state;
	GString *tok;
	bool tok_oversize;
	char quote;
	bool escape;
	enum qj_num num;
	/* streamer */
	GPtrArray *tokens;
	int braces, brackets;
	size_t bytes;
	bool skipping;
};

static void qj_token_free(gpointer p)
{
	struct qj_token *t = p;

	g_free(t->text);
	g_free(t);
}

/* ---- parser ----------------------------------------------------------- */

struct qj_parser {
	GPtrArray *toks;
	unsigned pos;
	char *err;
};

static void qj_error(struct qj_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void qj_error(struct qj_parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err)
		return; /* the first error is the one reported */
	va_start(ap, fmt);
	p->err = g_strdup_vprintf(fmt, ap);
	va_end(ap);
}

static struct qj_token *qj_peek(struct qj_parser *p)
{
	return p->pos < p->toks->len ? g_ptr_array_index(p->toks, p->pos) : NULL;
}

static struct qj_token *qj_pop(struct qj_parser *p)
{
	struct qj_token *t = qj_peek(p);

	if (t)
		p->pos++;
	return t;
}

static int qj_hex4(const char *s)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		if (!g_ascii_isxdigit(s[i]))
			return -1;
		v = v << 4 | g_ascii_xdigit_value(s[i]);
	}
	return v;
}

/* \uXXXX (and a following low surrogate) at s; the code point or -1. */
static long qj_unicode_escape(const char *s, const char *end, const char **next)
{
	long cp = end - s >= 6 ? qj_hex4(s + 2) : -1, lo;

	*next = s + MIN(6, end - s);
	if (cp >= 0xd800 && cp <= 0xdbff && end - *next >= 6 && (*next)[0] == '\\' &&
	    (*next)[1] == 'u') {
		lo = qj_hex4(*next + 2);
		if (lo >= 0xdc00 && lo <= 0xdfff) {
			cp = 0x10000 + ((cp & 0x3ff) << 10) + (lo & 0x3ff);
			*next += 6;
		}
	}
	if (cp < 1 || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	return cp;
}

static bool qj_escape(struct qj_parser *p, GString *out, const char **pp, const char *end)
{
	const char *s = *pp;
	static const char from[] = "\"'\\/bfnrt", to[] = "\"'\\/\b\f\n\r\t";
	const char *hit = s[1] ? strchr(from, s[1]) : NULL;
	long cp;

	if (hit) {
		g_string_append_c(out, to[hit - from]);
		*pp = s + 2;
		return true;
	}
	if (s[1] != 'u') {
		qj_error(p, "invalid escape sequence in string");
		return false;
	}
	if (end - s >= 6 && !strncmp(s, "\\u0000", 6)) {
		/* NUL as modified UTF-8, like QEMU; printed back as \u0000 */
		g_string_append(out, "\xc0\x80");
		*pp = s + 6;
		return true;
	}
	cp = qj_unicode_escape(s, end, pp);
	if (cp < 0) {
		qj_error(p, "%.*s is not a valid Unicode character", (int)(*pp - s), s);
		return false;
	}
	g_string_append_unichar(out, cp);
	return true;
}

/* The value of a string token (quotes included in text), or NULL. */
static char *qj_string(struct qj_parser *p, const char *text)
{
	const char *s = text + 1, *end = text + strlen(text) - 1;
	GString *out = g_string_new(NULL);

	while (s < end) {
		gunichar ch;

		if (*s == '\\') {
			if (!qj_escape(p, out, &s, end + 1))
				goto fail;
			continue;
		}
		ch = g_utf8_get_char_validated(s, end - s);
		if (ch == (gunichar)-1 || ch == (gunichar)-2) {
			qj_error(p, "invalid UTF-8 sequence in string");
			goto fail;
		}
		g_string_append_len(out, s, g_utf8_next_char(s) - s);
		s = g_utf8_next_char(s);
	}
	return g_string_free(out, FALSE);
fail:
	g_string_free(out, TRUE);
	return NULL;
}

static JsonNode *qj_number(const char *text)
{
	JsonNode *n = json_node_alloc();
	char *end;
	gint64 v;

	if (!strpbrk(text, ".eE")) {
		errno = 0;
		v = g_ascii_strtoll(text, &end, 10);
		if (!errno && !*end)
			return json_node_init_int(n, v);
	}
	return json_node_init_double(n, g_ascii_strtod(text, NULL));
}

static JsonNode *qj_value(struct qj_parser *p, int depth);

static bool qj_pair(struct qj_parser *p, JsonObject *o, int depth)
{
	struct qj_token *t = qj_peek(p);
	JsonNode *key = qj_value(p, depth), *val;
	bool ok = false;

	if (!key || !JSON_NODE_HOLDS_VALUE(key) || json_node_get_value_type(key) != G_TYPE_STRING) {
		qj_error(p, t ? "key is not a string in object" : "premature EOI");
		goto out;
	}
	t = qj_pop(p);
	if (!t || t->type != QJ_COLON) {
		qj_error(p, t ? "missing : in object pair" : "premature EOI");
		goto out;
	}
	val = qj_value(p, depth);
	if (!val) {
		qj_error(p, "Missing value in dict");
		goto out;
	}
	if (json_object_has_member(o, json_node_get_string(key))) {
		json_node_unref(val);
		qj_error(p, "duplicate key");
		goto out;
	}
	json_object_set_member(o, json_node_get_string(key), val);
	ok = true;
out:
	if (key)
		json_node_unref(key);
	return ok;
}

static JsonNode *qj_object(struct qj_parser *p, int depth)
{
	JsonObject *o = json_object_new();
	struct qj_token *t = qj_peek(p);
	JsonNode *n = NULL;

	if (t && t->type == QJ_RCURLY) {
		qj_pop(p);
	} else {
		for (;;) {
			if (!qj_pair(p, o, depth))
				goto out;
			t = qj_pop(p);
			if (!t) {
				qj_error(p, "premature EOI");
				goto out;
			}
			if (t->type == QJ_RCURLY)
				break;
			if (t->type != QJ_COMMA) {
				qj_error(p, "expected separator in dict");
				goto out;
			}
		}
	}
	n = json_node_init_object(json_node_alloc(), o);
out:
	json_object_unref(o);
	return n;
}

static JsonNode *qj_array(struct qj_parser *p, int depth)
{
	JsonArray *a = json_array_new();
	struct qj_token *t = qj_peek(p);
	JsonNode *n = NULL, *v;

	if (t && t->type == QJ_RSQUARE) {
		qj_pop(p);
	} else {
		for (;;) {
			if (!(v = qj_value(p, depth)))
				goto out;
			json_array_add_element(a, v);
			t = qj_pop(p);
			if (!t) {
				qj_error(p, "premature EOI");
				goto out;
			}
			if (t->type == QJ_RSQUARE)
				break;
			if (t->type != QJ_COMMA) {
				qj_error(p, "expected separator in list");
				goto out;
			}
		}
	}
	n = json_node_init_array(json_node_alloc(), a);
out:
	json_array_unref(a);
	return n;
}

static JsonNode *qj_string_node(struct qj_parser *p, const char *text)
{
	char *s = qj_string(p, text);
	JsonNode *n;

	if (!s)
		return NULL;
	n = json_node_init_string(json_node_alloc(), s);
	g_free(s);
	return n;
}

static JsonNode *qj_value(struct qj_parser *p, int depth)
{
	struct qj_token *t = qj_pop(p);

	if (!t) {
		qj_error(p, "premature EOI");
		return NULL;
	}
	if (depth >= QJ_MAX_DEPTH && (t->type == QJ_LCURLY || t->type == QJ_LSQUARE)) {
		qj_error(p, "JSON nesting depth limit exceeded");
		return NULL;
	}
	switch (t->type) {
	case QJ_LCURLY:
		return qj_object(p, depth + 1);
	case QJ_LSQUARE:
		return qj_array(p, depth + 1);
	case QJ_TNUMBER:
		return qj_number(t->text);
	case QJ_TSTRING:
		return qj_string_node(p, t->text);
	case QJ_TKEYWORD:
		if (!strcmp(t->text, "true") || !strcmp(t->text, "false"))
			return json_node_init_boolean(json_node_alloc(), t->text[0] == 't');
		if (!strcmp(t->text, "null"))
			return json_node_init_null(json_node_alloc());
		qj_error(p, "invalid keyword '%s'", t->text);
		return NULL;
	default:
		qj_error(p, "expecting value");
		return NULL;
	}
}

/* ---- streamer --------------------------------------------------------- */

static void qj_stream_reset(struct qmp_json *j)
{
	g_ptr_array_set_size(j->tokens, 0);
	j->braces = j->brackets = 0;
	j->bytes = 0;
	j->skipping = false;
}

static void qj_report(struct qmp_json *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void qj_report(struct qmp_json *j, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	j->fn(j->opaque, NULL, msg);
	g_free(msg);
}

static bool qj_open(struct qmp_json *j)
{
	return (j->braces > 0 || j->brackets > 0) && j->braces >= 0 && j->brackets >= 0;
}

/* A limit was hit: one error, then the rest of the message is dropped. */
static void qj_overflow(struct qmp_json *j, const char *what)
{
	bool open = qj_open(j);

	qj_report(j, "%s", what);
	g_ptr_array_set_size(j->tokens, 0);
	if (open)
		j->skipping = true;
	else
		qj_stream_reset(j);
}

static void qj_message(struct qmp_json *j)
{
	struct qj_parser p = { .toks = j->tokens };
	JsonNode *n = qj_value(&p, 0);

	j->tokens = g_ptr_array_new_with_free_func(qj_token_free);
	qj_stream_reset(j);
	if (p.err) {
		if (n)
			json_node_unref(n);
		if (g_str_has_prefix(p.err, "JSON "))
			qj_report(j, "%s", p.err);
		else
			qj_report(j, "JSON parse error, %s", p.err);
		n = NULL;
	}
	g_ptr_array_free(p.toks, TRUE);
	g_free(p.err);
	if (n)
		j->fn(j->opaque, n, NULL);
}

static void qj_token(struct qmp_json *j, enum qj_type type, const char *text, size_t len,
		     bool oversize)
{
	struct qj_token *t;

	j->braces += type == QJ_LCURLY ? 1 : type == QJ_RCURLY ? -1 : 0;
	j->brackets += type == QJ_LSQUARE ? 1 : type == QJ_RSQUARE ? -1 : 0;
	if (j->skipping) {
		if (!qj_open(j))
			qj_stream_reset(j);
		return;
	}
	j->bytes += len;
	if (oversize || j->bytes > QJ_MAX_BYTES) {
		qj_overflow(j, "JSON token size limit exceeded");
		return;
	}
	if (j->tokens->len >= QJ_MAX_TOKENS) {
		qj_overflow(j, "JSON token count limit exceeded");
		return;
	}
	if (j->braces + j->brackets > QJ_MAX_DEPTH) {
		qj_overflow(j, "JSON nesting depth limit exceeded");
		return;
	}
	t = g_new(struct qj_token, 1);
	t->type = type;
	t->text = g_strndup(text, len);
	g_ptr_array_add(j->tokens, t);
	if (!qj_open(j))
		qj_message(j);
}

/* ---- lexer ------------------------------------------------------------ */

static void qj_bad_token(struct qmp_json *j)
{
	qj_report(j, "JSON parse error, stray '%.*s'", (int)MIN(j->tok->len, QJ_SHOW_MAX),
		  j->tok->str);
	qj_stream_reset(j);
	g_string_truncate(j->tok, 0);
	j->state = QJ_RECOVERY;
}

static void qj_tok_add(struct qmp_json *j, char ch)
{
	if (j->tok->len < QJ_MAX_BYTES)
		g_string_append_c(j->tok, ch);
	else
		j->tok_oversize = true;
}

static void qj_tok_begin(struct qmp_json *j, enum qj_state st, char ch)
{
	g_string_truncate(j->tok, 0);
	j->tok_oversize = false;
	j->state = st;
	qj_tok_add(j, ch);
}

static void qj_tok_emit(struct qmp_json *j, enum qj_type type)
{
	j->state = QJ_START;
	qj_token(j, type, j->tok->str, j->tok->len, j->tok_oversize);
	g_string_truncate(j->tok, 0);
}

static void qj_lex_start(struct qmp_json *j, char ch);

/*
 * Numbers, -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, a byte at a time.
 * Returns 1 to keep the byte, 0 when the number ended before it (the
 * byte is lexed afresh), -1 when the byte makes it invalid.
 */
static int qj_number_step(struct qmp_json *j, char ch)
{
	bool digit = g_ascii_isdigit(ch), exp = ch == 'e' || ch == 'E';

	switch (j->num) {
	case QJ_N_MINUS:
		j->num = ch == '0' ? QJ_N_ZERO : QJ_N_INT;
		return digit ? 1 : -1;
	case QJ_N_ZERO:
	case QJ_N_INT:
		if (digit)
			return j->num == QJ_N_ZERO ? -1 : 1;
		if (ch == '.' || exp) {
			j->num = ch == '.' ? QJ_N_DOT : QJ_N_EXP;
			return 1;
		}
		return 0;
	case QJ_N_DOT:
		j->num = QJ_N_FRAC;
		return digit ? 1 : -1;
	case QJ_N_FRAC:
		if (exp)
			j->num = QJ_N_EXP;
		return digit || exp ? 1 : 0;
	case QJ_N_EXP:
		if (ch == '+' || ch == '-') {
			j->num = QJ_N_EXP_SIGN;
			return 1;
		}
		/* fall through */
	case QJ_N_EXP_SIGN:
		j->num = QJ_N_EXP_DIGITS;
		return digit ? 1 : -1;
	case QJ_N_EXP_DIGITS:
		return digit ? 1 : 0;
	}
	return -1;
}

static void qj_lex_number(struct qmp_json *j, char ch)
{
	int r = qj_number_step(j, ch);

	if (r > 0) {
		qj_tok_add(j, ch);
	} else if (r < 0) {
		qj_tok_add(j, ch);
		qj_bad_token(j);
	} else {
		qj_tok_emit(j, QJ_TNUMBER);
		qj_lex_start(j, ch);
	}
}

static void qj_lex_string(struct qmp_json *j, char ch)
{
	qj_tok_add(j, ch);
	if (j->escape)
		j->escape = false;
	else if (ch == '\\')
		j->escape = true;
	else if (ch == j->quote)
		qj_tok_emit(j, QJ_TSTRING);
	else if ((unsigned char)ch < 0x20 || (unsigned char)ch >= 0xfe)
		qj_bad_token(j);
}

static void qj_lex_start(struct qmp_json *j, char ch)
{
	static const char structural[] = "{}[]:,";
	static const enum qj_type types[] = { QJ_LCURLY, QJ_RCURLY, QJ_LSQUARE, QJ_RSQUARE,
					      QJ_COLON, QJ_COMMA };
	const char *hit = ch ? strchr(structural, ch) : NULL;

	if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
		return;
	if (hit) {
		qj_token(j, types[hit - structural], &ch, 1, false);
	} else if (ch == '"' || ch == '\'') {
		j->quote = ch;
		j->escape = false;
		qj_tok_begin(j, QJ_STRING, ch);
	} else if (ch == '-' || g_ascii_isdigit(ch)) {
		qj_tok_begin(j, QJ_NUMBER, ch);
		j->num = ch == '-' ? QJ_N_MINUS : ch == '0' ? QJ_N_ZERO : QJ_N_INT;
	} else if (ch >= 'a' && ch <= 'z') {
		qj_tok_begin(j, QJ_KEYWORD, ch);
	} else {
		qj_tok_begin(j, QJ_START, ch);
		qj_bad_token(j);
	}
}

/* After a bad token, lexing resumes at a structural or control byte. */
static bool qj_resync(char ch)
{
	unsigned char u = ch;

	return (u < 0x20 && u != '\t') || u == 0x7f || u >= 0xfe || (u && strchr("{}[]:,", u));
}

void qmp_json_feed_byte(struct qmp_json *j, char ch)
{
	switch (j->state) {
	case QJ_RECOVERY:
		if (!qj_resync(ch))
			return;
		j->state = QJ_START;
		break;
	case QJ_STRING:
		qj_lex_string(j, ch);
		return;
	case QJ_NUMBER:
		qj_lex_number(j, ch);
		return;
	case QJ_KEYWORD:
		if (ch >= 'a' && ch <= 'z') {
			qj_tok_add(j, ch);
			return;
		}
		qj_tok_emit(j, QJ_TKEYWORD);
		break;
	case QJ_START:
		break;
	}
	qj_lex_start(j, ch);
}

/* ---- life ------------------------------------------------------------- */

struct qmp_json *qmp_json_new(qmp_json_fn *fn, void *opaque)
{
	struct qmp_json *j = g_new0(struct qmp_json, 1);

	j->fn = fn;
	j->opaque = opaque;
	j->tok = g_string_new(NULL);
	j->tokens = g_ptr_array_new_with_free_func(qj_token_free);
	return j;
}

void qmp_json_reset(struct qmp_json *j)
{
	qj_stream_reset(j);
	g_string_truncate(j->tok, 0);
	j->state = QJ_START;
	j->escape = false;
}

void qmp_json_free(struct qmp_json *j)
{
	g_ptr_array_free(j->tokens, TRUE);
	g_string_free(j->tok, TRUE);
	g_free(j);
}
