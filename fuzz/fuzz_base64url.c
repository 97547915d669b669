/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * libFuzzer target for the two strict base64url decoders: the token
 * codec (base64url.h) and the key loaders' allocating decoder
 * (key_pkey.h).  Both must agree on every input, and whatever they
 * accept must encode back to exactly the same text: that is what
 * "canonical" means (RFC 7515 2, RFC 4648 5), and it is what stops two
 * spellings of one signature (BL-06).  The bytes are also encoded and
 * decoded as binary data to check the round trip the other way.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64url.h"
#include "key_pkey.h"

static void round_trip_bytes(const uint8_t *data, size_t size)
{
    size_t n = jwtd__b64url_encoded_len(size), back_len = 0;
    char *text = malloc(n + 1);
    unsigned char *back = malloc(jwtd__b64url_decoded_max(n) + 1);

    if (text == NULL || back == NULL)
        abort();
    jwtd__b64url_encode(data, size, text);
    if (!jwtd__b64url_alphabet_only(text, n) ||
        jwtd__b64url_decode(text, n, back, &back_len) != JWTD__B64_OK ||
        back_len != size || (size > 0 && memcmp(back, data, size) != 0))
        abort();
    free(text);
    free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    size_t max = jwtd__b64url_decoded_max(size), out_len = 0, len2 = 0;
    unsigned char *out = malloc(max + 1), *out2 = NULL;
    enum jwtd__b64_status st;
    bool ok2;
    char *again;

    if (out == NULL)
        abort();
    st = jwtd__b64url_decode(in, size, out, &out_len);
    ok2 = jwtd__b64u_decode_strict(in, size, &out2, &len2);
    if (st == JWTD__B64_OK) {
        if (out_len > max || !jwtd__b64url_alphabet_only(in, size))
            abort();
        /* Canonical: re-encoding gives back the very same text. */
        again = malloc(jwtd__b64url_encoded_len(out_len) + 1);
        if (again == NULL)
            abort();
        jwtd__b64url_encode(out, out_len, again);
        if (jwtd__b64url_encoded_len(out_len) != size ||
            memcmp(again, in, size) != 0)
            abort();
        free(again);
    }
    /* The two decoders must agree (an empty input aside: the key
     * decoder refuses empty material on purpose). */
    if (size > 0 && ok2 != (st == JWTD__B64_OK))
        abort();
    if (ok2 && st == JWTD__B64_OK &&
        (len2 != out_len || (len2 > 0 && memcmp(out2, out, len2) != 0)))
        abort();
    free(out2);
    free(out);
    round_trip_bytes(data, size);
    return 0;
}
