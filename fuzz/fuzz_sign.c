/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * libFuzzer target for signing: the first byte chooses the options, the
 * rest is split at the first NUL into a payload and (when present) an
 * extra header, signed with a fixed HMAC key.  A
 * token jwtd agrees to sign must pass jwtd's own strict decoder (one
 * spelling, no duplicate members, valid UTF-8, within the depth limit),
 * and, when no extra header was given, verify with the same key: a
 * signer that emits what its verifier refuses, or re-encodes a payload
 * into something else, splits the meaning of one token between two
 * readers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jwtd/jwtd.h"

static const char SECRET[] = "fuzz-sign-secret-0123456789abcdef";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static jwtd_key *key;
    static const char *const aud[] = {"a", "b"};
    const char *text = (const char *)data + 1;
    const char *nul;
    size_t plen;
    char *header = NULL, *tok = NULL;
    unsigned flags;
    jwtd_sign_opts so;
    jwtd_verify_opts vo;
    jwtd_token *t = NULL;
    jwtd_error err;
    jwtd_err rc;

    if (key == NULL &&
        jwtd_key_from_secret(SECRET, sizeof(SECRET) - 1, &key) != JWTD_OK)
        abort();
    if (size == 0)
        return 0;
    flags = data[0];
    size--;
    nul = memchr(text, '\0', size);
    plen = nul != NULL ? (size_t)(nul - text) : size;
    if (nul != NULL) {
        header = malloc(size - plen);
        if (header == NULL)
            abort();
        memcpy(header, nul + 1, size - plen - 1);
        header[size - plen - 1] = '\0';
    }
    jwtd_sign_opts_init(&so);
    so.alg = (flags & 3) == 0   ? JWTD_ALG_HS256
             : (flags & 3) == 1 ? JWTD_ALG_HS384
                                : JWTD_ALG_HS512;
    so.has_now = true;
    so.now = 1700000000;
    so.expires_in = flags & 4 ? "1h" : NULL;
    so.not_before = flags & 8 ? "-10s" : NULL;
    so.audience = aud;
    so.audience_count = flags & 16 ? 2 : 0;
    so.subject = flags & 32 ? "s" : NULL;
    so.no_timestamp = (flags & 64) != 0;
    so.extra_header = header;
    rc = jwtd_sign(text, plen, key, &so, &tok, &err);
    if (rc == JWTD_OK) {
        if (tok == NULL)
            abort();
        /* jwtd must be able to read every token it signs (decode has
         * the fixed default size limit; verify below lifts it). */
        rc = jwtd_decode(tok, strlen(tok), &t, &err);
        if (rc != JWTD_OK &&
            !(rc == JWTD_ERR_TOO_LARGE &&
              strlen(tok) > JWTD_DEFAULT_MAX_TOKEN))
            abort();
        jwtd_token_free(t);
        t = NULL;
        if (header == NULL) {
            jwtd_verify_opts_init(&vo);
            vo.has_now = true;
            vo.now = 1700000000;
            vo.max_token_size = 1u << 20;
            vo.ignore_expiration = true;
            vo.ignore_not_before = true;
            rc = jwtd_verify(tok, strlen(tok), key, &vo, &t, &err);
            /* Claims the payload itself carries may still be refused
             * (an iat that is not a number, say); never the signature
             * or the token's form. */
            if (rc == JWTD_ERR_SIGNATURE || rc == JWTD_ERR_TOKEN ||
                rc == JWTD_ERR_MALFORMED || rc == JWTD_ERR_ALGORITHM ||
                rc == JWTD_ERR_TOO_LARGE || rc == JWTD_ERR_CRIT)
                abort();
            jwtd_token_free(t);
        }
    } else if (tok != NULL) {
        abort();
    }
    free(tok);
    free(header);
    return 0;
}
