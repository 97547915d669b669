/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * libFuzzer target for the JSON layer (src/lib/json.h, key_pkey.h): the
 * strict event parser, the writer that re-emits events as
 * JSON.stringify would, the YAJL tree used for key documents, and the
 * UTF-8 check.  Beyond "no crash", it checks two properties: whatever
 * the parser accepts, the writer turns into text the parser accepts
 * again, and writing that text a second time changes nothing (so a
 * signed payload means one thing however often it is re-encoded).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "json.h"
#include "key_pkey.h"

static jwtd_err on_value(void *ctx, const jwtd__jevent *ev)
{
    jwtd__jwriter_value(ctx, ev);
    if (ev->type == JWTD__J_NUMBER)
        (void)jwtd__json_number(ev->text, ev->len);
    return JWTD_OK;
}

static jwtd_err on_end(void *ctx, int depth, enum jwtd__jtype type)
{
    jwtd__jwriter_end(ctx, depth, type);
    return JWTD_OK;
}

/* Parses text and writes it back compactly; NULL when not accepted. */
static char *rewrite(const char *text, size_t len, size_t *out_len)
{
    jwtd__jbuf buf = {NULL, 0, 0, false};
    jwtd__jwriter w;
    char *s;

    jwtd__jwriter_init(&w, &buf);
    if (jwtd__json_parse(text, len, JWTD__JSON_DEPTH, on_value, on_end,
                         &w) != JWTD_OK) {
        jwtd__jbuf_free(&buf, false);
        return NULL;
    }
    *out_len = buf.len;
    s = jwtd__jbuf_finish(&buf);
    if (s == NULL)
        abort(); /* out of memory on a bounded input: not expected */
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    yajl_val tree = NULL;
    jwtd_error err;
    char *once, *twice;
    size_t n1 = 0, n2 = 0;

    (void)jwtd__utf8_valid(text, size);
    if (jwtd__json_tree(text, size, &tree, &err) == JWTD_OK)
        yajl_tree_free(tree);

    once = rewrite(text, size, &n1);
    if (once == NULL)
        return 0;
    twice = rewrite(once, n1, &n2);
    if (twice == NULL || n1 != n2 || memcmp(once, twice, n1) != 0)
        abort();
    free(once);
    free(twice);
    return 0;
}
