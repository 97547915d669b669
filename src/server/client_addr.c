/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Trusted proxies and the client address behind them (contract in
 * client_addr.h).  Addresses are compared as bytes after inet_pton, so
 * "::ffff:127.0.0.1", "127.000.0.1" and friends cannot slip past a
 * textual comparison; an IPv4-mapped IPv6 address is read as its IPv4
 * form.  Each X-Forwarded-For entry is written back in inet_ntop's
 * canonical text, so one client cannot get fresh throttle budgets by
 * spelling its address differently.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "server/client_addr.h"

/* Parses one address (no brackets, no port) into family and bytes. */
static bool parse_ip(const char *s, size_t len, int *family,
                     unsigned char out[16])
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0,
                                             0, 0, 0xff, 0xff};
    char buf[INET6_ADDRSTRLEN + 1];

    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (inet_pton(AF_INET, buf, out) == 1) {
        *family = AF_INET;
        return true;
    }
    if (inet_pton(AF_INET6, buf, out) != 1)
        return false;
    *family = AF_INET6;
    if (memcmp(out, mapped, 12) == 0) {
        memmove(out, out + 12, 4);
        *family = AF_INET;
    }
    return true;
}

static bool parse_prefix(const char *s, size_t len, unsigned max,
                         unsigned *out)
{
    unsigned v = 0;
    size_t i;

    if (len == 0 || len > 3)
        return false;
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

bool jwtd__proxies_parse(const char *text, struct jwtd__proxies *out)
{
    const char *p = text;

    memset(out, 0, sizeof(*out));
    if (text == NULL)
        return true;
    while (*p != '\0') {
        const char *start, *end, *slash;
        struct jwtd__proxy *it;

        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '\0')
            break;
        start = p;
        while (*p != '\0' && *p != ',' && *p != ' ' && *p != '\t')
            p++;
        end = p;
        if (out->count == JWTD__PROXIES_MAX)
            return false;
        it = &out->item[out->count];
        slash = memchr(start, '/', (size_t)(end - start));
        if (!parse_ip(start, (size_t)((slash ? slash : end) - start),
                      &it->family, it->addr))
            return false;
        it->prefix = it->family == AF_INET ? 32 : 128;
        if (slash != NULL &&
            !parse_prefix(slash + 1, (size_t)(end - slash - 1), it->prefix,
                          &it->prefix))
            return false;
        out->count++;
    }
    return true;
}

static bool match(const struct jwtd__proxy *p, int family,
                  const unsigned char *a)
{
    unsigned full = p->prefix / 8, rest = p->prefix % 8;
    unsigned char mask;

    if (p->family != family || memcmp(p->addr, a, full) != 0)
        return false;
    if (rest == 0)
        return true;
    mask = (unsigned char)(0xff << (8 - rest));
    return (p->addr[full] & mask) == (a[full] & mask);
}

static bool contains_bytes(const struct jwtd__proxies *p, int family,
                           const unsigned char *a)
{
    size_t i;

    for (i = 0; i < p->count; i++) {
        if (match(&p->item[i], family, a))
            return true;
    }
    return false;
}

bool jwtd__proxies_contains(const struct jwtd__proxies *p, const char *addr)
{
    unsigned char a[16];
    int family;

    return parse_ip(addr, strlen(addr), &family, a) &&
           contains_bytes(p, family, a);
}

static void copy_peer(const char *peer, char *out)
{
    snprintf(out, JWTD__ADDR_MAX, "%s", peer != NULL ? peer : "");
}

void jwtd__client_addr(const struct jwtd__proxies *p, const char *peer,
                       const char *xff, size_t xff_len, unsigned xff_count,
                       char *out)
{
    size_t end = xff_len, entries = 0;

    copy_peer(peer, out);
    if (p->count == 0 || peer == NULL || !jwtd__proxies_contains(p, peer) ||
        xff == NULL || xff_count != 1)
        return;
    /* Right to left: the right-most entry was added by our proxy; the
     * first one that is not a proxy of ours is the client. */
    while (end > 0 && entries < JWTD__PROXIES_MAX) {
        size_t start = end, a, b;
        unsigned char bytes[16];
        int family;

        while (start > 0 && xff[start - 1] != ',')
            start--;
        a = start;
        b = end;
        while (a < b && (xff[a] == ' ' || xff[a] == '\t'))
            a++;
        while (b > a && (xff[b - 1] == ' ' || xff[b - 1] == '\t'))
            b--;
        if (!parse_ip(xff + a, b - a, &family, bytes)) {
            copy_peer(peer, out);
            return;
        }
        if (!contains_bytes(p, family, bytes) || start == 0) {
            inet_ntop(family, bytes, out, JWTD__ADDR_MAX);
            return;
        }
        entries++;
        end = start - 1;
    }
    copy_peer(peer, out);
}
