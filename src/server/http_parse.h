/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * HTTP/1.1 message syntax (RFC 9112) for jwtd's own front: finding the
 * end of a request head, parsing it in place, and decoding a chunked
 * body.  Pure functions over bytes, no I/O, so that the whole grammar
 * can be unit-tested and fuzzed on its own.  The rules are the strict
 * ones: field names are tokens with the colon right after them, values
 * hold no NUL, CR, LF or other control byte, obs-fold is refused, and a
 * message whose length could be read two ways is refused (SV-17).
 */
#ifndef JWTD_SERVER_HTTP_PARSE_H
#define JWTD_SERVER_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A request head larger than this is answered 431 (it must hold the
 * request line and every field, an 8 KiB token included). */
#define JWTD__HTTP_MAX_HEAD (32u * 1024u)
/* Fields in one request; one more is 431. */
#define JWTD__HTTP_MAX_FIELDS 100u

/* A field, as offsets into the head (both NUL-terminated in place). */
struct jwtd__field {
    uint32_t name;
    uint32_t value;
    uint16_t name_len;
    uint16_t value_len;
};

struct jwtd__head {
    uint32_t method;            /* offsets into the head, NUL-terminated */
    uint32_t target;
    uint16_t method_len;
    uint16_t target_len;
    unsigned minor;             /* HTTP/1.minor: 0 or 1 */
    bool has_length;            /* one Content-Length field */
    uint64_t content_length;    /* saturates at UINT64_MAX */
    bool chunked;               /* Transfer-Encoding: chunked */
    bool keep_alive;            /* after this request, by version and
                                 * Connection */
    bool expect_continue;       /* Expect: 100-continue */
    unsigned nfields;
    struct jwtd__field fields[JWTD__HTTP_MAX_FIELDS];
};

/* Bytes of empty lines (CR LF or LF) at the start of buf: RFC 9112 2.2
 * lets a server skip them before a request line. */
size_t jwtd__http_skip_empty_lines(const char *buf, size_t len);

/* The length of the head at the start of buf, up to and including the
 * empty line that ends it, or 0 when it has not all arrived.  *scanned
 * keeps how far earlier calls looked (start it at 0 for a new head), so
 * a head arriving a byte at a time is scanned once, not quadratically. */
size_t jwtd__http_head_end(const char *buf, size_t len, size_t *scanned);

/* Parses a complete head of len bytes (as found by jwtd__http_head_end)
 * in place.  Returns 0, or the status to answer with *why set: 400 for
 * bad syntax or ambiguous framing, 431 for too many fields, 501 for a
 * transfer coding other than chunked, 505 for a major version other
 * than 1. */
unsigned jwtd__http_parse_head(char *buf, size_t len, struct jwtd__head *h,
                               const char **why);

/* The value of the first field called name (case-insensitive), or
 * NULL. */
const char *jwtd__head_field(const char *buf, const struct jwtd__head *h,
                             const char *name);

/* A chunked body decoder (RFC 9112 7.1), fed whatever bytes arrive. */
struct jwtd__chunked {
    int state;
    uint64_t left;              /* bytes still due in this chunk */
    unsigned digits;            /* hex digits of the chunk size so far */
    size_t line;                /* bytes of the current extension or
                                 * trailer line, bounded */
    size_t trailers;            /* bytes of trailers, bounded */
};

enum jwtd__chunked_rc {
    JWTD__CHUNKED_MORE = 0,     /* every byte consumed, more needed */
    JWTD__CHUNKED_DATA,         /* *data, *data_len: body bytes */
    JWTD__CHUNKED_DONE,         /* the body and its trailers ended */
    JWTD__CHUNKED_BAD           /* not chunked syntax: 400 and close */
};

void jwtd__chunked_init(struct jwtd__chunked *d);
/* Consumes from in[0..len): *used bytes were taken (the data span
 * included).  Call again with the rest until MORE, DONE or BAD. */
enum jwtd__chunked_rc jwtd__chunked_step(struct jwtd__chunked *d,
                                         const char *in, size_t len,
                                         size_t *used, const char **data,
                                         size_t *data_len);

#endif /* JWTD_SERVER_HTTP_PARSE_H */
