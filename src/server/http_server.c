/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The request glue over jwtd's HTTP front (http_front.h): turns each
 * request into a jwtd__req, reads its body up to a fixed cap, finds the
 * route, and logs one line when the request completes.  Hostile input
 * gets a definite answer: unknown paths 404, wrong methods 405 with
 * Allow, bodies over the cap 413 before they are read (when
 * Content-Length announces them) or after they are drained (chunked);
 * what the front refuses while parsing (field names that are not tokens,
 * NUL, CR or LF in a value, obs-fold, methods that are not tokens,
 * ambiguous framing, heads over 32 KiB) is answered here with the
 * front's status and the connection closed, as is %00 in the target (no
 * smuggling, no truncated C strings).  Shutdown stops accepting, lets
 * the requests in flight finish and only then stops the workers.
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "server/http.h"
#include "server/http_front.h"
#include "server/login_pool.h"

/* A chunked body past the cap is drained so that the client can read
 * its 413; past this many extra bytes the connection is simply cut. */
#define MAX_DRAIN (1024u * 1024u)

struct jwtd__http {
    struct jwtd__front *front;
    const struct jwtd__srv *srv;
    atomic_long in_flight;
    jwtd__login_pool *logins;   /* password threads (login_pool.h) */
};

/* What the server keeps per request: the jwtd__req the routes see, and
 * the decoded path the route was found by.  Allocated when the head
 * arrives, freed when the request is done. */
struct req_state {
    struct jwtd__req req;
    char *path;                 /* the target's path, %XX decoded */
};

static const char *const close_hdr[] = {"Connection", "close", NULL};

struct xff_scan {
    unsigned count;
    const char *value;
    size_t len;
};

static bool scan_xff(void *cls, const char *name, const char *value,
                     size_t value_len)
{
    struct xff_scan *x = cls;

    if (strcasecmp(name, "X-Forwarded-For") == 0) {
        x->count++;
        x->value = value;
        x->len = value_len;
    }
    return true;
}

/* The TCP peer, or behind a --trusted-proxy the forwarded client
 * (client_addr.h; bug case SV-04). */
static void client_address(const struct jwtd__srv *srv,
                           struct jwtd__conn *conn, char *out)
{
    static atomic_bool warned;
    struct xff_scan x = {0, NULL, 0};

    if (srv->proxies.count > 0)
        jwtd__hdr_each(conn, scan_xff, &x);
    jwtd__client_addr(&srv->proxies, jwtd__conn_peer(conn), x.value, x.len,
                      x.count, out);
    /* A trusted proxy that does not say who its client is makes every
     * client one address: they share its login budget.  Said once. */
    if (x.count == 0 && srv->proxies.count > 0 &&
        jwtd__proxies_contains(&srv->proxies, out) &&
        !atomic_exchange(&warned, true))
        jwtd__log(JWTD__LOG_WARN, "trusted proxy %s sent no "
                  "X-Forwarded-For: its clients share one address for the "
                  "login throttle (docs/SCALING.md)", out);
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The target's path (before any '?'), with %XX sequences decoded and a
 * malformed one kept as it is; NULL when out of memory.  A %00 never
 * gets here (refused in begin). */
static char *decode_path(const char *target)
{
    size_t n = strcspn(target, "?"), i, o = 0;
    char *p = malloc(n + 1);

    if (p == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        int hi, lo;

        if (target[i] == '%' && i + 2 < n &&
            (hi = hexval((unsigned char)target[i + 1])) >= 0 &&
            (lo = hexval((unsigned char)target[i + 2])) >= 0) {
            p[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            p[o++] = target[i];
        }
    }
    p[o] = '\0';
    return p;
}

/* RFC 9112 3.2.2: a server must accept a target in absolute form
 * ("http://host/path").  Its path is what is routed; its authority must
 * name the same host as the Host field, or the two could be read as
 * different sites (the CSRF origin check reads Host).  Returns the
 * origin-form part of target ("/" when the authority ends it), or NULL
 * when the authority and Host differ. */
static const char *origin_form(const char *target, const char *host)
{
    size_t skip, n;

    if (strncasecmp(target, "http://", 7) == 0)
        skip = 7;
    else if (strncasecmp(target, "https://", 8) == 0)
        skip = 8;
    else
        return target;
    n = strcspn(target + skip, "/?");
    if (host == NULL || strlen(host) != n ||
        strncasecmp(target + skip, host, n) != 0)
        return NULL;
    return target[skip + n] == '/' ? target + skip + n : "/";
}

static const char *error_code(unsigned status)
{
    switch (status) {
    case 431: return "request_header_fields_too_large";
    case 501: return "not_implemented";
    case 505: return "http_version_not_supported";
    default: return "invalid_request";
    }
}

/* Everything that can be decided from the request line and headers
 * alone is decided here, before any body is read. */
static void decide(struct jwtd__conn *conn, struct req_state *rs,
                   const char *method)
{
    struct jwtd__req *req = &rs->req;
    const struct jwtd__route *route = jwtd__route_find(rs->path);
    uint64_t announced;
    /* Answered before a body is read: its bytes are still on the wire,
     * so the connection closes after the answer. */
    const char *const *close_if_body = jwtd__conn_has_body(conn, &announced)
                                           ? close_hdr : NULL;
    jwtd__handler handler = NULL;

    if (route == NULL) {
        jwtd__respond_error(conn, req, 404, "not_found", "no such path",
                            close_if_body);
        return;
    }
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
        handler = route->get;
    else if (strcmp(method, "POST") == 0)
        handler = route->post;
    if (handler == NULL) {
        const char *hdrs[] = {"Allow", route->allow, "Connection", "close",
                              NULL};

        if (close_if_body == NULL)
            hdrs[2] = NULL;
        jwtd__respond_error(conn, req, 405, "method_not_allowed",
                            "method not allowed", hdrs);
        return;
    }
    req->route = route;
    if (announced > JWTD__HTTP_MAX_BODY) {
        jwtd__log(JWTD__LOG_INFO, "body of %" PRIu64 " bytes refused",
                  announced);
        jwtd__respond_error(conn, req, 413, "payload_too_large",
                            "request body too large", close_hdr);
    }
}

static void *on_begin(void *cls, struct jwtd__conn *conn, unsigned status,
                      const char *why)
{
    struct jwtd__http *h = cls;
    struct req_state *rs = calloc(1, sizeof(*rs));
    struct jwtd__req *req;
    const char *method = jwtd__conn_method(conn);
    const char *target = jwtd__conn_target(conn);

    if (rs == NULL)
        return NULL;
    atomic_fetch_add(&h->in_flight, 1);
    req = &rs->req;
    clock_gettime(CLOCK_MONOTONIC, &req->start);
    jwtd__log_sanitize(*method != '\0' ? method : "-",
                       *method != '\0' ? strlen(method) : 1, req->method,
                       sizeof(req->method));
    client_address(h->srv, conn, req->addr);
    req->login_pool = h->logins;
    if (status == 0 && (target = origin_form(target,
                                             jwtd__hdr(conn, "Host"))) ==
                           NULL) {
        status = 400;
        why = "request target and Host name different hosts";
        target = "-";
    }
    rs->path = decode_path(status == 0 ? target : "-");
    if (rs->path == NULL) {
        free(rs);
        atomic_fetch_sub(&h->in_flight, 1);
        return NULL;
    }
    /* The path without its query string, so that a token put there
     * (refused anyway) never reaches the log (bug case SV-13). */
    jwtd__log_sanitize(rs->path, strlen(rs->path), req->path,
                       sizeof(req->path));
    if (status != 0) {
        jwtd__respond_error(conn, req, status, error_code(status), why,
                            close_hdr);
        return rs;
    }
    /* %00 would cut the decoded path short ("/api/me%00junk" routed as
     * "/api/me"); it is refused wherever it appears in the target. */
    if (strstr(target, "%00") != NULL) {
        jwtd__respond_error(conn, req, 400, "invalid_request",
                            "NUL in the request target", close_hdr);
        return rs;
    }
    decide(conn, rs, method);
    return rs;
}

/* Appends a piece of the body; returns false when the connection should
 * be cut (a chunked body far past the cap). */
static bool on_body(void *cls, struct jwtd__conn *conn, void *rq,
                    const char *data, size_t len)
{
    struct jwtd__req *req = &((struct req_state *)rq)->req;
    char *p;

    (void)cls;
    (void)conn;
    req->body_seen += len;
    if (req->body_too_big || req->body_seen > JWTD__HTTP_MAX_BODY) {
        /* Counted, not stored: body and body_len stay as they were. */
        req->body_too_big = true;
        return req->body_seen <= JWTD__HTTP_MAX_BODY + MAX_DRAIN;
    }
    p = realloc(req->body, req->body_len + len + 1);
    if (p == NULL) {
        req->body_too_big = true;
        return false;
    }
    memcpy(p + req->body_len, data, len);
    req->body = p;
    req->body_len += len;
    req->body[req->body_len] = '\0';
    return true;
}

static void on_run(void *cls, struct jwtd__conn *conn, void *rq)
{
    struct jwtd__http *h = cls;
    struct jwtd__req *req = &((struct req_state *)rq)->req;
    jwtd__handler handler;

    if (req->answered)
        return;
    if (req->body_too_big) {
        jwtd__respond_error(conn, req, 413, "payload_too_large",
                            "request body too large", NULL);
        return;
    }
    handler = strcmp(jwtd__conn_method(conn), "POST") == 0
                  ? req->route->post : req->route->get;
    handler(h->srv, conn, req);
    /* A suspended login answers when it is called again (login_pool.h). */
    if (!req->answered && !req->suspended)
        jwtd__respond_error(conn, req, 500, "server_error",
                            "no response", NULL);
}

static void on_fail(void *cls, struct jwtd__conn *conn, void *rq,
                    unsigned status, const char *why)
{
    struct jwtd__req *req = &((struct req_state *)rq)->req;

    (void)cls;
    if (!req->answered)
        jwtd__respond_error(conn, req, status, error_code(status), why,
                            close_hdr);
}

static void on_done(void *cls, struct jwtd__conn *conn, void *rq,
                    bool aborted)
{
    struct jwtd__http *h = cls;
    struct req_state *rs = rq;
    struct jwtd__req *req = &rs->req;
    struct timespec now;
    int64_t us;

    (void)conn;
    if (jwtd__log_enabled(JWTD__LOG_INFO)) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        us = (int64_t)(now.tv_sec - req->start.tv_sec) * 1000000 +
             (now.tv_nsec - req->start.tv_nsec) / 1000;
        jwtd__log(JWTD__LOG_INFO, "request method=%s path=%s status=%u "
                  "us=%" PRId64 " addr=%s%s", req->method, req->path,
                  req->status, us, req->addr, aborted ? " aborted=1" : "");
    }
    /* Only here when not suspended, so no password thread holds it. */
    jwtd__login_job_free(req->login_job);
    if (req->body != NULL) {
        /* The body may hold a password. */
        OPENSSL_cleanse(req->body, req->body_len);
        free(req->body);
    }
    free(rs->path);
    free(rs);
    atomic_fetch_sub(&h->in_flight, 1);
}

/* Behind --trusted-proxy every client arrives from the proxy: the
 * per-address connection limit would cap the whole site at 512. */
static bool on_unlimited(void *cls, const char *peer)
{
    struct jwtd__http *h = cls;

    return h->srv->proxies.count > 0 &&
           jwtd__proxies_contains(&h->srv->proxies, peer);
}

struct jwtd__http *jwtd__http_start(const struct jwtd__srv *srv,
                                    const char *bind, unsigned port,
                                    unsigned threads,
                                    unsigned max_connections, char *errbuf,
                                    size_t errlen)
{
    struct jwtd__http *h;
    struct jwtd__front_app app;
    struct jwtd__front_limits lim;
    long ncpu;

    h = calloc(1, sizeof(*h));
    if (h == NULL) {
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    h->srv = srv;
    atomic_init(&h->in_flight, 0);
    /* Password threads: one per core, as the workers are. */
    ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    h->logins = jwtd__login_pool_new(ncpu > 0 && ncpu < 256 ? (unsigned)ncpu
                                                            : 2u);
    if (h->logins == NULL) {
        snprintf(errbuf, errlen, "cannot start the password threads");
        free(h);
        return NULL;
    }
    app.cls = h;
    app.begin = on_begin;
    app.body = on_body;
    app.run = on_run;
    app.fail = on_fail;
    app.done = on_done;
    app.unlimited = on_unlimited;
    lim.threads = threads;
    lim.max_connections = max_connections;
    lim.max_per_address = JWTD__HTTP_MAX_PER_IP;
    lim.idle_seconds = JWTD__HTTP_TIMEOUT;
    lim.head_seconds = JWTD__HTTP_HEAD_TIMEOUT;
    h->front = jwtd__front_start(&app, &lim, bind, port, errbuf, errlen);
    if (h->front == NULL) {
        jwtd__login_pool_free(h->logins);
        free(h);
        return NULL;
    }
    return h;
}

unsigned jwtd__http_port(const struct jwtd__http *h)
{
    return jwtd__front_port(h->front);
}

/* Waits up to ms for the requests in flight to complete. */
static void drain(struct jwtd__http *h, int ms)
{
    int waited_ms;

    for (waited_ms = 0; atomic_load(&h->in_flight) > 0 && waited_ms < ms;
         waited_ms += 20) {
        struct timespec ts = {0, 20 * 1000 * 1000};

        nanosleep(&ts, NULL);
    }
}

void jwtd__http_stop(struct jwtd__http *h)
{
    if (h == NULL)
        return;
    /* Stop accepting first; idle keep-alive connections do not count,
     * only requests that have started and not yet completed. */
    jwtd__front_quiesce(h->front);
    drain(h, JWTD__HTTP_DRAIN_SECONDS * 1000);
    if (atomic_load(&h->in_flight) > 0)
        jwtd__log(JWTD__LOG_WARN, "stopping with %ld request(s) still "
                  "running", atomic_load(&h->in_flight));
    /* Resumes every suspended login (failing those still queued) while
     * the workers still run to answer them. */
    jwtd__login_pool_free(h->logins);
    /* The resumed logins' answers leave from the workers. */
    drain(h, 1000);
    jwtd__front_stop(h->front);
    free(h);
}
