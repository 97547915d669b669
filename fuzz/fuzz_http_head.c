/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * libFuzzer target for the HTTP front's grammar (src/server/
 * http_parse.h), the first code to read a client's bytes.  Beyond "no
 * crash": the end of a head found in one pass equals the end found as
 * the bytes trickle in one at a time; an accepted head has a token
 * method, a visible-ASCII target and token field names, values free of
 * control bytes, every offset inside the head; and a chunked body
 * decodes to the same bytes and the same verdict however it is split
 * into two reads.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/http_parse.h"

static void check_head(const uint8_t *data, size_t size)
{
    size_t scanned = 0, end, i, step = 0, end2 = 0;
    struct jwtd__head *h;
    const char *why;
    char *buf;
    unsigned rc;

    end = jwtd__http_head_end((const char *)data, size, &scanned);
    for (i = 1; i <= size && end2 == 0; i++)
        end2 = jwtd__http_head_end((const char *)data, i, &step);
    if (end != end2)
        abort();
    if (end == 0)
        return;
    buf = malloc(end);
    h = malloc(sizeof(*h));
    if (buf == NULL || h == NULL)
        abort();
    memcpy(buf, data, end);
    rc = jwtd__http_parse_head(buf, end, h, &why);
    if (rc != 0 && why == NULL)
        abort();
    if (rc == 0) {
        if (h->method_len == 0 || h->target_len == 0 || h->minor > 1 ||
            h->nfields > JWTD__HTTP_MAX_FIELDS ||
            h->method + h->method_len >= end ||
            h->target + h->target_len >= end ||
            buf[h->method + h->method_len] != '\0' ||
            buf[h->target + h->target_len] != '\0')
            abort();
        for (i = 0; i < h->target_len; i++)
            if ((unsigned char)buf[h->target + i] <= 0x20 ||
                (unsigned char)buf[h->target + i] >= 0x7f)
                abort();
        for (i = 0; i < h->nfields; i++) {
            const struct jwtd__field *f = &h->fields[i];
            size_t k;

            if (f->name_len == 0 || f->name + f->name_len >= end ||
                f->value + f->value_len >= end ||
                buf[f->value + f->value_len] != '\0' ||
                strlen(buf + f->name) != f->name_len)
                abort();
            for (k = 0; k < f->value_len; k++) {
                unsigned char c = (unsigned char)buf[f->value + k];

                if ((c < 0x20 && c != '\t') || c == 0x7f)
                    abort();
            }
        }
        if (h->chunked && h->has_length)
            abort();
    }
    free(buf);
    free(h);
}

/* Decodes in[0..len) fed as two reads split at cut; the body goes to
 * out (at most len bytes).  Returns the final verdict. */
static enum jwtd__chunked_rc decode(const char *in, size_t len, size_t cut,
                                   char *out, size_t *out_len)
{
    struct jwtd__chunked d;
    enum jwtd__chunked_rc rc = JWTD__CHUNKED_MORE;
    size_t part, pos = 0;

    jwtd__chunked_init(&d);
    *out_len = 0;
    for (part = 0; part < 2; part++) {
        size_t stop = part == 0 ? cut : len;

        while (pos < stop) {
            const char *data;
            size_t used, dlen;

            rc = jwtd__chunked_step(&d, in + pos, stop - pos, &used, &data,
                                    &dlen);
            if (used > stop - pos)
                abort();
            pos += used;
            if (rc == JWTD__CHUNKED_DATA) {
                if (dlen == 0 || data < in || data + dlen > in + len)
                    abort();
                memcpy(out + *out_len, data, dlen);
                *out_len += dlen;
                continue;
            }
            if (rc != JWTD__CHUNKED_MORE)
                return rc;
        }
    }
    /* Every byte read and the body not over: more is needed. */
    return JWTD__CHUNKED_MORE;
}

static void check_chunked(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    char *a = malloc(size + 1), *b = malloc(size + 1);
    size_t alen, blen, cut;
    enum jwtd__chunked_rc ra, rb;

    if (a == NULL || b == NULL)
        abort();
    ra = decode(in, size, size, a, &alen);
    for (cut = 0; cut <= size; cut += 1 + size / 16) {
        rb = decode(in, size, cut, b, &blen);
        if (rb != ra || blen != alen ||
            memcmp(a, b, alen) != 0)
            abort();
    }
    free(a);
    free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    check_head(data, size);
    check_chunked(data, size);
    return 0;
}
