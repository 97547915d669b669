/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * jwtd's HTTP/1.1 front (http_front.c): a listening socket, one epoll
 * loop per worker thread, connections that hold no buffer while idle,
 * keep-alive and pipelining, strict framing (http_parse.h), a deadline
 * for a whole request head, and suspension of a request while another
 * thread works for it.  It knows nothing of routes: the application
 * (http_server.c) is told of each request through the callbacks below,
 * always on the connection's own worker thread, and answers with
 * jwtd__conn_send (http.h).
 */
#ifndef JWTD_SERVER_HTTP_FRONT_H
#define JWTD_SERVER_HTTP_FRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jwtd__conn;

struct jwtd__front_app {
    void *cls;
    /* A request head has arrived: status 0 when it parsed, else the
     * status it earns (400, 431, 501, 505) and why.  Returns the
     * request's own state (NULL cuts the connection).  It may answer at
     * once; a request that failed to parse must be answered here. */
    void *(*begin)(void *cls, struct jwtd__conn *c, unsigned status,
                   const char *why);
    /* Body bytes as they arrive (de-chunked); false cuts the
     * connection. */
    bool (*body)(void *cls, struct jwtd__conn *c, void *rq,
                 const char *data, size_t len);
    /* The body is complete (or there was none), or a suspended request
     * was resumed: answer, or suspend again. */
    void (*run)(void *cls, struct jwtd__conn *c, void *rq);
    /* The body broke chunked syntax: answer status (the connection is
     * closed after it). */
    void (*fail)(void *cls, struct jwtd__conn *c, void *rq,
                 unsigned status, const char *why);
    /* The request is over: its answer sent (aborted false), or the
     * connection was lost first.  rq is not used again. */
    void (*done)(void *cls, struct jwtd__conn *c, void *rq, bool aborted);
    /* Optional: whether connections from this peer address (text) are
     * exempt from max_per_address (trusted proxies, which carry many
     * clients). */
    bool (*unlimited)(void *cls, const char *peer);
};

struct jwtd__front_limits {
    unsigned threads;           /* worker threads, at least 1 */
    unsigned max_connections;   /* beyond it new connections are closed */
    unsigned max_per_address;   /* the same, per client address */
    unsigned idle_seconds;      /* keep-alive and stalled reads/writes */
    unsigned head_seconds;      /* a whole request head, first byte to
                                 * last (slow-header clients) */
};

struct jwtd__front;

/* Listens on bind:port (an IPv4 or IPv6 literal; port 0: any free
 * port) and starts the workers.  NULL with a reason in errbuf. */
struct jwtd__front *jwtd__front_start(const struct jwtd__front_app *app,
                                      const struct jwtd__front_limits *lim,
                                      const char *bind, unsigned port,
                                      char *errbuf, size_t errlen);
unsigned jwtd__front_port(const struct jwtd__front *f);
/* Stops accepting; connections already open are served on. */
void jwtd__front_quiesce(struct jwtd__front *f);
/* Stops the workers, closes every connection (requests still open are
 * done as aborted), frees f.  No request may be suspended any more. */
void jwtd__front_stop(struct jwtd__front *f);

/* What the application reads of a request (valid from begin to done;
 * NUL-terminated).  The method and target are "" for a request whose
 * line did not parse. */
const char *jwtd__conn_method(const struct jwtd__conn *c);
const char *jwtd__conn_target(const struct jwtd__conn *c);
/* The TCP peer's address as text. */
const char *jwtd__conn_peer(const struct jwtd__conn *c);
/* Whether the request has a body: chunked, or a Content-Length above 0
 * (*announced: that length, saturated; 0 when chunked). */
bool jwtd__conn_has_body(const struct jwtd__conn *c, uint64_t *announced);

#endif /* JWTD_SERVER_HTTP_FRONT_H */
