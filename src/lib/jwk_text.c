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

#include "base64url.h"
#include "key_pkey.h"

/* Key members take the token layer's strict decoder (canonical, no
 * padding), on a heap buffer of their own since keys can be large. */
bool jwtd__b64u_decode_strict(const char *in, size_t len,
                              unsigned char **out, size_t *out_len)
{
    size_t max = jwtd__b64url_decoded_max(len);
    unsigned char *buf;

    *out = NULL;
    *out_len = 0;
    buf = malloc(max + 1);
    if (buf == NULL)
        return false;
    if (jwtd__b64url_decode(in, len, buf, out_len) != JWTD__B64_OK) {
        OPENSSL_cleanse(buf, max + 1);
        free(buf);
        *out_len = 0;
        return false;
    }
    *out = buf;
    return true;
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
    size_t len = jwtd__b64url_encoded_len(n);
    char *text = malloc(len + 1);

    if (text == NULL) {
        /* The same failure as a buffer that cannot grow. */
        jwtd__kbuf_wipe(b);
        b->failed = true;
        return;
    }
    jwtd__b64url_encode(p, n, text);
    jwtd__kbuf_add(b, "\"", 1);
    jwtd__kbuf_add(b, text, len);
    jwtd__kbuf_add(b, "\"", 1);
    /* The bytes may be private key material. */
    OPENSSL_cleanse(text, len);
    free(text);
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
