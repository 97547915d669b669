/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Strict base64url codec for token segments.  Decoding rejects anything
 * but the canonical unpadded form: accepting two spellings of one
 * signature lets a modified token pass as the original (a bypass of
 * revocation lists and caches keyed by token text, see BL-06).
 */
#include <stdint.h>
#include <string.h>

#include "base64url.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* 0..63 for alphabet characters, 0xff for everything else. */
static const uint8_t rev[256] = {
#define X 0xff
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, 62, X, X,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X, X, X, X, X, X,
    X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X, X, X, X, 63,
    X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
    X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
#undef X
};

/* Two characters for each 12-bit value, made by the preprocessor from
 * the alphabet's ranges, so that encoding three bytes takes two lookups
 * and two two-byte copies instead of four of each (8 KiB, read-only). */
#define C64(i) ((i) < 26 ? 'A' + (i) : (i) < 52 ? 'a' + (i) - 26           \
                : (i) < 62 ? '0' + (i) - 52 : (i) == 62 ? '-' : '_')
#define P1(i) {(char)C64((i) >> 6), (char)C64((i) & 63)},
#define P4(i) P1(i) P1((i) + 1) P1((i) + 2) P1((i) + 3)
#define P16(i) P4(i) P4((i) + 4) P4((i) + 8) P4((i) + 12)
#define P64(i) P16(i) P16((i) + 16) P16((i) + 32) P16((i) + 48)
#define P256(i) P64(i) P64((i) + 64) P64((i) + 128) P64((i) + 192)
#define P1024(i) P256(i) P256((i) + 256) P256((i) + 512) P256((i) + 768)

static const char pairs[4096][2] = {
    P1024(0) P1024(1024) P1024(2048) P1024(3072)
};

#undef P1024
#undef P256
#undef P64
#undef P16
#undef P4
#undef P1
#undef C64

/* For decoding, each character's six bits already shifted into place
 * for its position in a group of four, so a group is four lookups and
 * three ORs; anything outside the alphabet carries bit 31 (BAD), which
 * survives the ORs.  Built by the preprocessor; 4 KiB, read-only. */
#define BAD 0x80000000u
#define V64(c) ((c) >= 'A' && (c) <= 'Z'   ? (uint32_t)((c) - 'A')            \
                : (c) >= 'a' && (c) <= 'z' ? (uint32_t)((c) - 'a' + 26)       \
                : (c) >= '0' && (c) <= '9' ? (uint32_t)((c) - '0' + 52)       \
                : (c) == '-'               ? 62u                              \
                : (c) == '_'               ? 63u                              \
                                           : BAD)
#define S1(c, sh) (V64(c) == BAD ? BAD : V64(c) << (sh)),
#define S4(c, sh) S1(c, sh) S1((c) + 1, sh) S1((c) + 2, sh) S1((c) + 3, sh)
#define S16(c, sh) S4(c, sh) S4((c) + 4, sh) S4((c) + 8, sh) S4((c) + 12, sh)
#define S64(c, sh) S16(c, sh) S16((c) + 16, sh) S16((c) + 32, sh)         \
                   S16((c) + 48, sh)
#define S256(sh) {S64(0, sh) S64(64, sh) S64(128, sh) S64(192, sh)}

static const uint32_t shifted[4][256] = {S256(18), S256(12), S256(6),
                                         S256(0)};

#undef S256
#undef S64
#undef S16
#undef S4
#undef S1
#undef V64

size_t jwtd__b64url_encoded_len(size_t n)
{
    return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1);
}

size_t jwtd__b64url_decoded_max(size_t len)
{
    /* An upper bound: a 2- or 3-character tail gives 1 or 2 bytes. */
    return len / 4 * 3 + len % 4;
}

void jwtd__b64url_encode(const unsigned char *in, size_t n, char *out)
{
    size_t i = 0;
    uint32_t v;

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* Six bytes at a time while eight can be read: one load and four
     * pair lookups. */
    for (; n - i >= 8; i += 6) {
        uint64_t w;

        memcpy(&w, in + i, sizeof(w));
        w = __builtin_bswap64(w) >> 16;
        memcpy(out, pairs[(w >> 36) & 0xfff], 2);
        memcpy(out + 2, pairs[(w >> 24) & 0xfff], 2);
        memcpy(out + 4, pairs[(w >> 12) & 0xfff], 2);
        memcpy(out + 6, pairs[w & 0xfff], 2);
        out += 8;
    }
#endif
    for (; i + 3 <= n; i += 3) {
        v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        memcpy(out, pairs[v >> 12], 2);
        memcpy(out + 2, pairs[v & 0xfff], 2);
        out += 4;
    }
    if (n - i == 1) {
        v = (uint32_t)in[i] << 16;
        *out++ = alphabet[v >> 18];
        *out++ = alphabet[(v >> 12) & 63];
    } else if (n - i == 2) {
        v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        *out++ = alphabet[v >> 18];
        *out++ = alphabet[(v >> 12) & 63];
        *out++ = alphabet[(v >> 6) & 63];
    }
}

bool jwtd__b64url_alphabet_only(const char *in, size_t len)
{
    uint8_t acc = 0;
    size_t i;

    for (i = 0; i < len; i++)
        acc |= rev[(unsigned char)in[i]];
    return (acc & 0x80) == 0;
}

enum jwtd__b64_status jwtd__b64url_decode(const char *in, size_t len,
                                          unsigned char *out,
                                          size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0, o = 0, rest;
    uint32_t v, a, b, c;

    *out_len = 0;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* Two groups at a time, their six bytes written with one eight-byte
     * store.  The two bytes past them lie inside out as long as at least
     * two characters follow, which always decode to at least two more
     * bytes of out's jwtd__b64url_decoded_max(len). */
    for (; len - i >= 10; i += 8) {
        uint64_t w;

        v = shifted[0][s[i]] | shifted[1][s[i + 1]] | shifted[2][s[i + 2]] |
            shifted[3][s[i + 3]];
        a = shifted[0][s[i + 4]] | shifted[1][s[i + 5]] |
            shifted[2][s[i + 6]] | shifted[3][s[i + 7]];
        if ((v | a) & BAD)
            return JWTD__B64_BAD_CHAR;
        w = __builtin_bswap64(((uint64_t)v << 24 | a) << 16);
        memcpy(out + o, &w, sizeof(w));
        o += 6;
    }
#endif
    for (; i + 4 <= len; i += 4) {
        v = shifted[0][s[i]] | shifted[1][s[i + 1]] | shifted[2][s[i + 2]] |
            shifted[3][s[i + 3]];
        if (v & BAD)
            return JWTD__B64_BAD_CHAR;
        out[o] = (unsigned char)(v >> 16);
        out[o + 1] = (unsigned char)(v >> 8);
        out[o + 2] = (unsigned char)v;
        o += 3;
    }
    rest = len - i;
    if (rest == 0)
        goto done;
    for (size_t k = i; k < len; k++) {
        if (rev[s[k]] & 0x80)
            return JWTD__B64_BAD_CHAR;
    }
    /* RFC 4648 3.5: one leftover character cannot carry a byte, and the
     * spare bits of the last character must be zero (canonical form). */
    if (rest == 1)
        return JWTD__B64_NONCANONICAL;
    a = rev[s[i]];
    b = rev[s[i + 1]];
    if (rest == 2) {
        if (b & 0x0f)
            return JWTD__B64_NONCANONICAL;
        out[o++] = (unsigned char)(a << 2 | b >> 4);
    } else {
        c = rev[s[i + 2]];
        if (c & 0x03)
            return JWTD__B64_NONCANONICAL;
        v = a << 18 | b << 12 | c << 6;
        out[o++] = (unsigned char)(v >> 16);
        out[o++] = (unsigned char)(v >> 8);
    }
done:
    *out_len = o;
    return JWTD__B64_OK;
}
