/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The client address used for login throttling and the log (issue 7,
 * bug case SV-04): the TCP peer, unless the peer is one of the
 * operator's --trusted-proxy addresses; then the right-most entry of
 * X-Forwarded-For that is not itself a trusted proxy (entries further
 * left were written by the client and prove nothing).  A malformed or
 * over-long header falls back to the peer, never to a client-chosen
 * value.  X-Real-IP and Forwarded are not read.
 */
#ifndef JWTD_SERVER_CLIENT_ADDR_H
#define JWTD_SERVER_CLIENT_ADDR_H

#include <stdbool.h>
#include <stddef.h>

#define JWTD__ADDR_MAX 64
#define JWTD__PROXIES_MAX 32

/* A list of trusted proxies: single addresses or CIDR ranges, IPv4 or
 * IPv6. */
struct jwtd__proxy {
    int family;                 /* AF_INET or AF_INET6 */
    unsigned char addr[16];
    unsigned prefix;            /* bits that must match */
};
struct jwtd__proxies {
    struct jwtd__proxy item[JWTD__PROXIES_MAX];
    size_t count;
};

/* Parses a comma-separated list ("10.0.0.1, 192.168.0.0/16, ::1").
 * NULL or "" gives an empty list.  False on a malformed entry. */
bool jwtd__proxies_parse(const char *text, struct jwtd__proxies *out);

/* Whether addr (text) is in the list. */
bool jwtd__proxies_contains(const struct jwtd__proxies *p, const char *addr);

/* Writes the client address into out (JWTD__ADDR_MAX bytes).  xff is
 * the X-Forwarded-For value (NULL when absent); xff_count how many such
 * headers the request had (more than one is treated as malformed). */
void jwtd__client_addr(const struct jwtd__proxies *p, const char *peer,
                       const char *xff, size_t xff_len, unsigned xff_count,
                       char *out);

#endif /* JWTD_SERVER_CLIENT_ADDR_H */
