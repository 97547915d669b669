/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The request-head grammar and the chunked decoder of http_parse.h.
 * Everything is decided on a complete head, so no state survives
 * between reads except how far the end-of-head search has looked.
 */
#include <string.h>
#include <strings.h>

#include "server/char_table.h"
#include "server/http_parse.h"

/* RFC 9110 5.6.2 tchar. */
static const unsigned char tchar[256] = {
    JWTD__ALNUM_ENTRIES,
    ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1,
    ['*'] = 1, ['+'] = 1, ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1,
    ['`'] = 1, ['|'] = 1, ['~'] = 1,
};

/* RFC 9110 5.5 field-vchar, SP and HTAB: what a field value may hold.
 * NUL, CR, LF, DEL and the other controls may not. */
static bool value_byte(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

size_t jwtd__http_skip_empty_lines(const char *buf, size_t len)
{
    size_t i = 0;

    for (;;) {
        if (i < len && buf[i] == '\n')
            i++;
        else if (i + 1 < len && buf[i] == '\r' && buf[i + 1] == '\n')
            i += 2;
        else
            return i;
    }
}

size_t jwtd__http_head_end(const char *buf, size_t len, size_t *scanned)
{
    size_t i = *scanned;

    while (i < len) {
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t at;

        if (nl == NULL)
            break;
        at = (size_t)(nl - buf);
        /* An empty line after this one: LF or CR LF. */
        if (at + 1 < len && buf[at + 1] == '\n')
            return at + 2;
        if (at + 2 < len && buf[at + 1] == '\r' && buf[at + 2] == '\n')
            return at + 3;
        if (at + 2 >= len) {
            /* The empty line may still be on its way: look here again. */
            *scanned = at;
            return 0;
        }
        i = at + 1;
    }
    *scanned = len;
    return 0;
}

/* One line of the head: [start, end) without its CR LF or LF; *next is
 * where the following line starts.  False when the line holds a CR that
 * is not right before its LF. */
static bool line_at(const char *buf, size_t len, size_t start, size_t *end,
                    size_t *next)
{
    const char *nl = memchr(buf + start, '\n', len - start);
    size_t e = nl != NULL ? (size_t)(nl - buf) : len;

    *next = nl != NULL ? e + 1 : len;
    if (e > start && buf[e - 1] == '\r')
        e--;
    *end = e;
    return memchr(buf + start, '\r', e - start) == NULL;
}

static unsigned request_line(char *buf, size_t start, size_t end,
                             struct jwtd__head *h, const char **why)
{
    size_t i = start, t;

    while (i < end && tchar[(unsigned char)buf[i]])
        i++;
    if (i == start || i >= end || buf[i] != ' ') {
        *why = "invalid method";
        return 400;
    }
    h->method = (uint32_t)start;
    h->method_len = (uint16_t)(i - start);
    buf[i++] = '\0';
    t = i;
    /* origin-form and the rest: visible ASCII only (RFC 9112 3.2). */
    while (i < end && buf[i] > 0x20 && buf[i] < 0x7f)
        i++;
    if (i == t || i >= end || buf[i] != ' ') {
        *why = "invalid request target";
        return 400;
    }
    h->target = (uint32_t)t;
    h->target_len = (uint16_t)(i - t);
    buf[i++] = '\0';
    /* HTTP-version = "HTTP/" DIGIT "." DIGIT, exactly, case-sensitive. */
    if (end - i != 8 || memcmp(buf + i, "HTTP/", 5) != 0 ||
        buf[i + 5] < '0' || buf[i + 5] > '9' || buf[i + 6] != '.' ||
        buf[i + 7] < '0' || buf[i + 7] > '9') {
        *why = "invalid HTTP version";
        return 400;
    }
    if (buf[i + 5] != '1') {
        *why = "HTTP version not supported";
        return 505;
    }
    /* HTTP/1.2 and later minors are answered as 1.1 (RFC 9110 6.2). */
    h->minor = buf[i + 7] == '0' ? 0 : 1;
    return 0;
}

static unsigned field_line(char *buf, size_t start, size_t end,
                           struct jwtd__head *h, const char **why)
{
    size_t i = start, v, e;
    struct jwtd__field *f;

    while (i < end && tchar[(unsigned char)buf[i]])
        i++;
    /* No name, white space before the colon (RFC 9112 5.1), an obs-fold
     * line starting with white space (5.2), or any other byte. */
    if (i == start || i >= end || buf[i] != ':') {
        *why = "invalid header field";
        return 400;
    }
    if (h->nfields >= JWTD__HTTP_MAX_FIELDS) {
        *why = "too many header fields";
        return 431;
    }
    f = &h->fields[h->nfields++];
    f->name = (uint32_t)start;
    f->name_len = (uint16_t)(i - start);
    buf[i++] = '\0';
    while (i < end && (buf[i] == ' ' || buf[i] == '\t'))
        i++;
    v = i;
    e = end;
    while (e > v && (buf[e - 1] == ' ' || buf[e - 1] == '\t'))
        e--;
    for (i = v; i < e; i++) {
        if (!value_byte((unsigned char)buf[i])) {
            *why = "invalid header field";
            return 400;
        }
    }
    f->value = (uint32_t)v;
    f->value_len = (uint16_t)(e - v);
    buf[e] = '\0';
    return 0;
}

/* Whether the comma-separated list holds token (case-insensitive). */
static bool list_has(const char *list, const char *token)
{
    size_t n = strlen(token);

    while (*list != '\0') {
        const char *end;
        size_t len;

        while (*list == ' ' || *list == '\t' || *list == ',')
            list++;
        end = list;
        while (*end != '\0' && *end != ',')
            end++;
        len = (size_t)(end - list);
        while (len > 0 && (list[len - 1] == ' ' || list[len - 1] == '\t'))
            len--;
        if (len == n && strncasecmp(list, token, n) == 0)
            return true;
        list = end;
    }
    return false;
}

/* 1*DIGIT (RFC 9110 8.6), saturating; false for anything else ("+5",
 * "-1", "0x32", "5 5", ""). */
static bool content_length(const char *s, uint64_t *out)
{
    uint64_t v = 0;

    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        unsigned d;

        if (*s < '0' || *s > '9')
            return false;
        d = (unsigned)(*s - '0');
        v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
    }
    *out = v;
    return true;
}

/* RFC 9112 3.2 / RFC 3986 3.2: Host = uri-host [ ":" port ], where a
 * host is a reg-name (unreserved, %HH, sub-delims) or a bracketed IP
 * literal.  Only the alphabet is checked: what matters is that no
 * white space, '/', '@', '?' or '#' can make another reader see a
 * different authority. */
static bool host_ok(const char *v)
{
    for (; *v != '\0'; v++) {
        unsigned char c = (unsigned char)*v;

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') ||
              (c != '\0' && strchr("-._~%!$&'()*+,;=:[]", c) != NULL)))
            return false;
    }
    return true;
}

/* What the fields say about framing and the connection. */
static unsigned semantics(const char *buf, struct jwtd__head *h,
                          const char **why)
{
    unsigned cl = 0, te = 0, host = 0, i;
    const char *te_value = NULL, *host_value = NULL;
    bool close = false, keep = false;

    for (i = 0; i < h->nfields; i++) {
        const char *name = buf + h->fields[i].name;
        const char *value = buf + h->fields[i].value;

        switch (name[0] | 0x20) {
        case 'c':
            if (strcasecmp(name, "Content-Length") == 0) {
                if (++cl == 1 && !content_length(value, &h->content_length)) {
                    *why = "invalid Content-Length";
                    return 400;
                }
            } else if (strcasecmp(name, "Connection") == 0) {
                close = close || list_has(value, "close");
                keep = keep || list_has(value, "keep-alive");
            }
            break;
        case 't':
            if (strcasecmp(name, "Transfer-Encoding") == 0) {
                te++;
                te_value = value;
            }
            break;
        case 'h':
            if (strcasecmp(name, "Host") == 0) {
                host++;
                host_value = value;
            }
            break;
        case 'e':
            if (strcasecmp(name, "Expect") == 0 &&
                strcasecmp(value, "100-continue") == 0)
                h->expect_continue = true;
            break;
        default:
            break;
        }
    }
    /* RFC 9112 6.1 and 6.3: two lengths, or a length beside a coding,
     * or a coding in HTTP/1.0, is a message whose end cannot be trusted
     * (request smuggling, SV-17). */
    if (cl > 1 || te > 1 || (cl > 0 && te > 0) ||
        (te > 0 && h->minor == 0)) {
        *why = "ambiguous message length";
        return 400;
    }
    if (te == 1) {
        if (strcasecmp(te_value, "chunked") != 0) {
            *why = "transfer coding not supported";
            return 501;
        }
        h->chunked = true;
    }
    h->has_length = cl == 1;
    /* RFC 9112 3.2: exactly one Host in HTTP/1.1. */
    if (host > 1 || (host == 0 && h->minor == 1)) {
        *why = host > 1 ? "more than one Host" : "missing Host";
        return 400;
    }
    if (host == 1 && !host_ok(host_value)) {
        *why = "invalid Host";
        return 400;
    }
    h->keep_alive = !close && (h->minor == 1 || keep);
    return 0;
}

unsigned jwtd__http_parse_head(char *buf, size_t len, struct jwtd__head *h,
                               const char **why)
{
    size_t start = 0, end, next;
    unsigned rc;

    memset(h, 0, offsetof(struct jwtd__head, fields));
    *why = NULL;
    if (!line_at(buf, len, start, &end, &next)) {
        *why = "invalid request line";
        return 400;
    }
    if ((rc = request_line(buf, start, end, h, why)) != 0)
        return rc;
    for (start = next; start < len; start = next) {
        if (!line_at(buf, len, start, &end, &next)) {
            *why = "invalid header field";
            return 400;
        }
        if (end == start)
            break;              /* the empty line: end of the head */
        if ((rc = field_line(buf, start, end, h, why)) != 0)
            return rc;
    }
    return semantics(buf, h, why);
}

const char *jwtd__head_field(const char *buf, const struct jwtd__head *h,
                             const char *name)
{
    unsigned i;

    for (i = 0; i < h->nfields; i++)
        if (strcasecmp(buf + h->fields[i].name, name) == 0)
            return buf + h->fields[i].value;
    return NULL;
}

/* ------------------------------------------------------------ chunked */

enum {
    CH_SIZE = 0, CH_SIZE_BWS, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR,
    CH_DATA_LF, CH_TRAILER_START, CH_TRAILER, CH_TRAILER_LF, CH_END_LF,
    CH_DONE
};

/* Bounds on what is skipped: chunk extensions and trailers are read and
 * dropped, never stored, but not without end. */
#define MAX_EXT 4096u
#define MAX_TRAILERS 8192u

void jwtd__chunked_init(struct jwtd__chunked *d)
{
    memset(d, 0, sizeof(*d));
    d->state = CH_SIZE;
}

static int hex(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

enum jwtd__chunked_rc jwtd__chunked_step(struct jwtd__chunked *d,
                                         const char *in, size_t len,
                                         size_t *used, const char **data,
                                         size_t *data_len)
{
    size_t i = 0;

    *data = NULL;
    *data_len = 0;
    while (i < len) {
        unsigned char c = (unsigned char)in[i];
        int v;

        switch (d->state) {
        case CH_SIZE:
            if ((v = hex(c)) >= 0) {
                if (++d->digits > 15)
                    goto bad;   /* 2^60 bytes: no real chunk is that */
                d->left = d->left * 16 + (unsigned)v;
            } else if (d->digits > 0 && c == ';') {
                d->state = CH_EXT;
            } else if (d->digits > 0 && (c == ' ' || c == '\t')) {
                d->state = CH_SIZE_BWS;
            } else if (d->digits > 0 && c == '\r') {
                d->state = CH_SIZE_LF;
            } else {
                goto bad;
            }
            break;
        case CH_SIZE_BWS:
            /* RFC 9112 7.1.1: white space after the size may only lead
             * to an extension: "5 6" is not a size another parser
             * could read otherwise (SV-17). */
            if (c == ';')
                d->state = CH_EXT;
            else if (c == '\r')
                d->state = CH_SIZE_LF;
            else if ((c != ' ' && c != '\t') || ++d->line > MAX_EXT)
                goto bad;
            break;
        case CH_EXT:
            if (c == '\r')
                d->state = CH_SIZE_LF;
            else if ((c < 0x20 && c != '\t') || c == 0x7f ||
                     ++d->line > MAX_EXT)
                goto bad;
            break;
        case CH_SIZE_LF:
            if (c != '\n')
                goto bad;
            d->state = d->left == 0 ? CH_TRAILER_START : CH_DATA;
            d->digits = 0;
            d->line = 0;
            break;
        case CH_DATA: {
            size_t n = len - i;

            if (n > d->left)
                n = (size_t)d->left;
            d->left -= n;
            if (d->left == 0)
                d->state = CH_DATA_CR;
            *data = in + i;
            *data_len = n;
            *used = i + n;
            return JWTD__CHUNKED_DATA;
        }
        case CH_DATA_CR:
            if (c != '\r')
                goto bad;
            d->state = CH_DATA_LF;
            break;
        case CH_DATA_LF:
            if (c != '\n')
                goto bad;
            d->state = CH_SIZE;
            break;
        case CH_TRAILER_START:
            if (c == '\r') {
                d->state = CH_END_LF;
                break;
            }
            /* The byte starts a trailer field. */
            d->state = CH_TRAILER;
            if (!value_byte(c) || ++d->trailers > MAX_TRAILERS)
                goto bad;
            break;
        case CH_TRAILER:
            if (c == '\r')
                d->state = CH_TRAILER_LF;
            else if (!value_byte(c) || ++d->trailers > MAX_TRAILERS)
                goto bad;
            break;
        case CH_TRAILER_LF:
            if (c != '\n')
                goto bad;
            d->state = CH_TRAILER_START;
            break;
        case CH_END_LF:
            if (c != '\n')
                goto bad;
            d->state = CH_DONE;
            *used = i + 1;
            return JWTD__CHUNKED_DONE;
        default:
            goto bad;
        }
        i++;
    }
    *used = len;
    return JWTD__CHUNKED_MORE;
bad:
    *used = i;
    return JWTD__CHUNKED_BAD;
}
