/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * base64url without padding (RFC 7515 2, RFC 4648 5), strict on input:
 * only the 64 alphabet characters, no '=', no length of the form 4n+1,
 * and the unused low bits of the last character must be zero, so each
 * byte string has exactly one accepted encoding.
 */
#ifndef JWTD_BASE64URL_H
#define JWTD_BASE64URL_H

#include <stdbool.h>
#include <stddef.h>

/* Result of a strict decode. */
enum jwtd__b64_status {
    JWTD__B64_OK = 0,
    JWTD__B64_BAD_CHAR,     /* a character outside the alphabet */
    JWTD__B64_NONCANONICAL  /* impossible length or non-zero spare bits */
};

/* Characters needed to encode n bytes (no padding, no NUL). */
size_t jwtd__b64url_encoded_len(size_t n);
/* Largest number of bytes len characters can decode to. */
size_t jwtd__b64url_decoded_max(size_t len);
/* Writes jwtd__b64url_encoded_len(n) characters to out (no NUL). */
void jwtd__b64url_encode(const unsigned char *in, size_t n, char *out);
/* Whether every character of in is in the base64url alphabet. */
bool jwtd__b64url_alphabet_only(const char *in, size_t len);
/* Decodes in[0..len) into out, which holds jwtd__b64url_decoded_max(len)
 * bytes; stores the decoded length in *out_len. */
enum jwtd__b64_status jwtd__b64url_decode(const char *in, size_t len,
                                          unsigned char *out,
                                          size_t *out_len);

#endif /* JWTD_BASE64URL_H */
