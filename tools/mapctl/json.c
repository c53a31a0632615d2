// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal streaming JSON writer for -j: compact, no allocation. Nesting
 * beyond JSON_MAX_DEPTH is a programming error and aborts.
 */

#include <inttypes.h>
#include <stdlib.h>

#include "mapctl.h"

void json_init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->comma[0] = false;
}

static void quoted(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c;

	fputc('"', f);
	for (; (c = *s); s++) {
		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(f, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
			else
				fputc(c, f);
		}
	}
	fputc('"', f);
}

/* Separator and member name before a value. */
static void member(struct json *j, const char *key)
{
	if (j->comma[j->depth])
		fputc(',', j->f);
	j->comma[j->depth] = true;
	if (key) {
		quoted(j->f, key);
		fputc(':', j->f);
	}
}

static void nest(struct json *j, const char *key, char o, char c)
{
	member(j, key);
	if (j->depth + 1 >= JSON_MAX_DEPTH)
		abort();
	fputc(o, j->f);
	j->close[++j->depth] = c;
	j->comma[j->depth] = false;
}

void json_object(struct json *j, const char *key)
{
	nest(j, key, '{', '}');
}

void json_array(struct json *j, const char *key)
{
	nest(j, key, '[', ']');
}

void json_end(struct json *j)
{
	if (!j->depth)
		abort();
	fputc(j->close[j->depth--], j->f);
}

void json_string(struct json *j, const char *key, const char *s)
{
	member(j, key);
	quoted(j->f, s);
}

void json_uint(struct json *j, const char *key, uint64_t v)
{
	member(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void json_int(struct json *j, const char *key, int64_t v)
{
	member(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void json_bool(struct json *j, const char *key, bool v)
{
	member(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}

void json_finish(struct json *j)
{
	while (j->depth)
		json_end(j);
	fputc('\n', j->f);
}

struct json *json_list_item(struct json_list *l)
{
	if (!l->open) {
		json_init(&l->j, stdout);
		json_array(&l->j, NULL);
		l->open = true;
	}
	return &l->j;
}

void json_list_finish(struct json_list *l, bool ok)
{
	if (ok)
		json_list_item(l);
	if (l->open)
		json_finish(&l->j);
}
