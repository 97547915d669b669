/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Text helpers for JWK and JWKS documents: strict base64url decoding of
 * key members (RFC 7517 and RFC 7518 6 encode every number and octet
 * string as unpadded base64url) and a small JSON writer.  Key members are
 * decoded strictly so that one key has exactly one spelling, as the token
 * layer already demands of signatures.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "key_pkey.h"

static int b64u_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

bool jwtd__b64u_decode_strict(const char *in, size_t len,
                              unsigned char **out, size_t *out_len)
{
    unsigned char *buf;
    size_t i, o = 0;
    unsigned long acc = 0;
    int nbits = 0, v;

    *out = NULL;
    *out_len = 0;
    /* RFC 4648 5: a length of 1 mod 4 cannot come from any byte string. */
    if (len % 4 == 1)
        return false;
    buf = malloc(len / 4 * 3 + 3);
    if (buf == NULL)
        return false;
    for (i = 0; i < len; i++) {
        v = b64u_value((unsigned char)in[i]);
        if (v < 0)
            goto fail;
        acc = ((acc << 6) | (unsigned long)v) & 0xffffu;
        nbits += 6;
        if (nbits >= 8) {
            nbits -= 8;
            buf[o++] = (unsigned char)(acc >> nbits);
        }
    }
    /* RFC 4648 3.5: the unused bits of the last character must be zero,
     * else several texts would decode to the same bytes. */
    if (nbits > 0 && (acc & ((1ul << nbits) - 1)) != 0)
        goto fail;
    *out = buf;
    *out_len = o;
    return true;
fail:
    OPENSSL_cleanse(buf, len / 4 * 3 + 3);
    free(buf);
    return false;
}

static bool buf_grow(struct jwtd__kbuf *b, size_t more)
{
    size_t cap;
    char *p;

    if (b->failed)
        return false;
    if (b->len + more + 1 <= b->cap)
        return true;
    cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1)
        cap *= 2;
    p = malloc(cap);
    if (p == NULL) {
        jwtd__kbuf_wipe(b);
        b->failed = true;
        return false;
    }
    /* Copy and wipe rather than realloc: the buffer may hold private
     * key material, which must not be left in freed memory. */
    if (b->data != NULL) {
        memcpy(p, b->data, b->len);
        OPENSSL_cleanse(b->data, b->cap);
        free(b->data);
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void jwtd__kbuf_add(struct jwtd__kbuf *b, const char *s, size_t len)
{
    if (!buf_grow(b, len))
        return;
    memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void jwtd__kbuf_str(struct jwtd__kbuf *b, const char *s)
{
    jwtd__kbuf_add(b, s, strlen(s));
}

void jwtd__kbuf_json_str(struct jwtd__kbuf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    char esc[6] = { '\\', 'u', '0', '0', 0, 0 };
    size_t i;

    jwtd__kbuf_add(b, "\"", 1);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char two[2] = { '\\', (char)c };
            jwtd__kbuf_add(b, two, 2);
        } else if (c < 0x20) {
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            jwtd__kbuf_add(b, esc, 6);
        } else {
            jwtd__kbuf_add(b, (const char *)&s[i], 1);
        }
    }
    jwtd__kbuf_add(b, "\"", 1);
}

void jwtd__kbuf_b64u(struct jwtd__kbuf *b, const unsigned char *p, size_t n)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t i;
    char q[4];

    jwtd__kbuf_add(b, "\"", 1);
    for (i = 0; i + 3 <= n; i += 3) {
        unsigned long v = ((unsigned long)p[i] << 16) |
                          ((unsigned long)p[i + 1] << 8) | p[i + 2];
        q[0] = tab[(v >> 18) & 63];
        q[1] = tab[(v >> 12) & 63];
        q[2] = tab[(v >> 6) & 63];
        q[3] = tab[v & 63];
        jwtd__kbuf_add(b, q, 4);
    }
    if (n - i == 1) {
        unsigned long v = (unsigned long)p[i] << 16;
        q[0] = tab[(v >> 18) & 63];
        q[1] = tab[(v >> 12) & 63];
        jwtd__kbuf_add(b, q, 2);
    } else if (n - i == 2) {
        unsigned long v = ((unsigned long)p[i] << 16) |
                          ((unsigned long)p[i + 1] << 8);
        q[0] = tab[(v >> 18) & 63];
        q[1] = tab[(v >> 12) & 63];
        q[2] = tab[(v >> 6) & 63];
        jwtd__kbuf_add(b, q, 3);
    }
    OPENSSL_cleanse(q, sizeof(q));
    jwtd__kbuf_add(b, "\"", 1);
}

void jwtd__kbuf_wipe(struct jwtd__kbuf *b)
{
    if (b->data != NULL) {
        OPENSSL_cleanse(b->data, b->cap);
        free(b->data);
    }
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}
