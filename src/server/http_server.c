/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The libmicrohttpd glue: starts the daemon (epoll, a pool of worker
 * threads, HTTP/1.1 keep-alive, limits on connections, idle time and
 * header memory), turns each request into a jwtd__req, reads its body up
 * to a fixed cap, finds the route, and logs one line when the request
 * completes.  Hostile input gets a definite answer: unknown paths 404,
 * wrong methods 405 with Allow, bodies over the cap 413 before they are
 * read (when Content-Length announces them) or after they are drained
 * (chunked), headers over the connection memory 431 from libmicrohttpd
 * itself; header names that are not tokens, NUL, CR or LF in a header
 * value, methods that are not tokens and %00 in the target 400 with the
 * connection closed (no smuggling, no truncated C strings).  Shutdown
 * stops accepting, lets the requests in flight finish and only then
 * stops the workers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "server/http.h"
#include "server/login_pool.h"

/* A chunked body past the cap is drained so that the client can read
 * its 413; past this many extra bytes the connection is simply cut. */
#define MAX_DRAIN (1024u * 1024u)

struct jwtd__http {
    struct MHD_Daemon *daemon;
    const struct jwtd__srv *srv;
    atomic_long in_flight;
    unsigned port;
    jwtd__login_pool *logins;   /* password threads (login_pool.h) */
};

/* What the server keeps per request: the jwtd__req the routes see, and
 * what only this file needs.  Allocated by on_uri (libmicrohttpd calls
 * it with the raw request target, before unescaping) or, failing that,
 * by the first on_request call; freed by on_completed. */
struct req_state {
    struct jwtd__req req;       /* first: on_completed frees via it */
    bool begun;                 /* on_request has seen the request */
    bool uri_nul;               /* the raw target holds %00 */
};

static void copy_trunc(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);

    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void peer_address(struct MHD_Connection *conn, char *out,
                         size_t size)
{
    const union MHD_ConnectionInfo *ci;
    const struct sockaddr *sa;

    copy_trunc(out, size, "-");
    ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci == NULL || ci->client_addr == NULL)
        return;
    sa = ci->client_addr;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in4 = (const void *)sa;

        inet_ntop(AF_INET, &in4->sin_addr, out, (socklen_t)size);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const void *)sa;

        inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t)size);
    }
}

struct xff_scan {
    unsigned count;
    const char *value;
    size_t len;
};

static enum MHD_Result scan_xff(void *cls, enum MHD_ValueKind kind,
                                const char *key, size_t key_size,
                                const char *value, size_t value_size)
{
    struct xff_scan *x = cls;

    (void)kind;
    (void)key_size;
    if (strcasecmp(key, "X-Forwarded-For") == 0) {
        x->count++;
        x->value = value;
        x->len = value != NULL ? value_size : 0;
    }
    return MHD_YES;
}

/* The TCP peer, or behind a --trusted-proxy the forwarded client
 * (client_addr.h; bug case SV-04). */
static void client_address(const struct jwtd__srv *srv,
                           struct MHD_Connection *conn, char *out)
{
    char peer[JWTD__ADDR_MAX];
    struct xff_scan x = {0, NULL, 0};

    peer_address(conn, peer, sizeof(peer));
    if (srv->proxies.count > 0)
        MHD_get_connection_values_n(conn, MHD_HEADER_KIND, scan_xff, &x);
    jwtd__client_addr(&srv->proxies, peer, x.value, x.len, x.count, out);
}

/* Whether the request announces a body: a Content-Length other than 0,
 * or any Transfer-Encoding. */
static bool has_body(struct MHD_Connection *conn, uint64_t *announced)
{
    const char *cl, *te;

    *announced = 0;
    te = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                     MHD_HTTP_HEADER_TRANSFER_ENCODING);
    cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl != NULL) {
        char *end;
        unsigned long long v;

        errno = 0;
        v = strtoull(cl, &end, 10);
        /* libmicrohttpd has already refused a malformed length; this
         * only reads the value it accepted. */
        if (errno == 0 && end != cl)
            *announced = v;
    }
    return te != NULL || *announced > 0;
}

struct framing {
    unsigned content_length;    /* Content-Length fields */
    unsigned transfer_encoding; /* Transfer-Encoding fields */
    const char *te_value;
};

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind,
                                     const char *key, size_t key_size,
                                     const char *value, size_t value_size)
{
    struct framing *f = cls;

    (void)kind;
    (void)key_size;
    (void)value_size;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
        f->content_length++;
    if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        f->transfer_encoding++;
        f->te_value = value;
    }
    return MHD_YES;
}

/* RFC 9112 6.3: a message whose length could be read two ways is
 * refused and its connection closed, never guessed at (bug case SV-17).
 * libmicrohttpd 0.9.75 itself takes the first of two Content-Length
 * fields and lets Transfer-Encoding win over Content-Length silently,
 * so the checks are ours.  Returns true when it has answered. */
static bool refuse_framing(struct MHD_Connection *conn,
                           struct jwtd__req *req)
{
    static const char *const close_hdr[] = {"Connection", "close", NULL};
    struct framing f = {0, 0, NULL};

    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, count_framing, &f);
    if (f.content_length > 1 || f.transfer_encoding > 1 ||
        (f.content_length > 0 && f.transfer_encoding > 0)) {
        jwtd__respond_error(conn, req, 400, "invalid_request",
                            "ambiguous message length", close_hdr);
        return true;
    }
    if (f.transfer_encoding == 1 &&
        (f.te_value == NULL || strcasecmp(f.te_value, "chunked") != 0)) {
        jwtd__respond_error(conn, req, 501, "not_implemented",
                            "transfer coding not supported", close_hdr);
        return true;
    }
    return false;
}

/* RFC 9110 5.6.2 tchar: what a field name and a method are made of. */
static bool is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool is_token(const char *s, size_t len)
{
    size_t i;

    if (len == 0)
        return false;
    for (i = 0; i < len; i++)
        if (s[i] == '\0' || !is_tchar((unsigned char)s[i]))
            return false;
    return true;
}

static enum MHD_Result check_field(void *cls, enum MHD_ValueKind kind,
                                   const char *key, size_t key_size,
                                   const char *value, size_t value_size)
{
    bool *bad = cls;
    size_t i;

    (void)kind;
    if (!is_token(key, key_size)) {
        *bad = true;
        return MHD_NO;
    }
    /* RFC 9110 5.5: NUL, CR and LF never belong in a field value (CR LF
     * is what an obs-fold leaves behind).  An embedded NUL would hide
     * what follows it from every C string reader; libmicrohttpd 0.9.75
     * already cuts the value there and reports the cut length, so the
     * NUL test only fires with a library that keeps the bytes. */
    for (i = 0; value != NULL && i < value_size; i++) {
        if (value[i] == '\0' || value[i] == '\r' || value[i] == '\n') {
            *bad = true;
            return MHD_NO;
        }
    }
    return MHD_YES;
}

/* RFC 9112 5.1: whitespace between a field name and its colon MUST be
 * answered with 400.  libmicrohttpd keeps "Content-Length " as a field
 * of its own, so the body would be read as a second request
 * (smuggling); every name must be a token.  A method that is not a
 * token (RFC 9110 9.1) and a target holding %00 (which would cut the
 * unescaped path short: "/api/me%00junk" routed as "/api/me") are
 * refused the same way.  Returns true when it has answered. */
static bool refuse_syntax(struct MHD_Connection *conn,
                          struct req_state *rs, const char *method)
{
    static const char *const close_hdr[] = {"Connection", "close", NULL};
    const char *why = NULL;
    bool bad = false;

    MHD_get_connection_values_n(conn, MHD_HEADER_KIND, check_field, &bad);
    if (bad)
        why = "invalid header field";
    else if (!is_token(method, strlen(method)))
        why = "invalid method";
    else if (rs->uri_nul)
        why = "NUL in the request target";
    if (why == NULL)
        return false;
    jwtd__respond_error(conn, &rs->req, 400, "invalid_request", why,
                        close_hdr);
    return true;
}

/* The first call for a request: everything that can be decided from the
 * request line and headers alone is decided here, before any body is
 * read. */
static void begin(struct MHD_Connection *conn, struct req_state *rs,
                  const char *url, const char *method)
{
    struct jwtd__req *req = &rs->req;
    const struct jwtd__route *route = jwtd__route_find(url);
    uint64_t announced;
    bool body = has_body(conn, &announced);
    unsigned close_flag = body ? JWTD__RESP_CLOSE : 0;
    jwtd__handler handler = NULL;

    if (refuse_syntax(conn, rs, method) || refuse_framing(conn, req))
        return;
    if (route == NULL) {
        jwtd__respond_error(conn, req, 404, "not_found", "no such path",
                            NULL);
        return;
    }
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
        handler = route->get;
    else if (strcmp(method, "POST") == 0)
        handler = route->post;
    if (handler == NULL) {
        const char *hdrs[] = {"Allow", route->allow, NULL};

        jwtd__respond(conn, req, 405, "application/json",
                      "{\"error\":\"method_not_allowed\","
                      "\"error_description\":\"method not allowed\"}",
                      strlen("{\"error\":\"method_not_allowed\","
                             "\"error_description\":\"method not "
                             "allowed\"}"),
                      JWTD__RESP_NO_STORE | close_flag, hdrs);
        return;
    }
    req->route = route;
    if (announced > JWTD__HTTP_MAX_BODY) {
        /* Refused unread: the connection is closed after the answer
         * because the body's bytes are still on the wire. */
        jwtd__log(JWTD__LOG_INFO, "body of %" PRIu64 " bytes refused",
                  announced);
        jwtd__respond(conn, req, 413, "application/json",
                      "{\"error\":\"payload_too_large\","
                      "\"error_description\":\"request body too large\"}",
                      strlen("{\"error\":\"payload_too_large\","
                             "\"error_description\":\"request body too "
                             "large\"}"),
                      JWTD__RESP_NO_STORE | JWTD__RESP_CLOSE, NULL);
    }
}

/* Appends a piece of the body; returns false when the connection should
 * be cut (a chunked body far past the cap). */
static bool take_body(struct jwtd__req *req, const char *data, size_t len)
{
    char *p;

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

static void finish(const struct jwtd__srv *srv, struct MHD_Connection *conn,
                   struct jwtd__req *req, const char *method)
{
    jwtd__handler handler;

    if (req->body_too_big) {
        jwtd__respond_error(conn, req, 413, "payload_too_large",
                            "request body too large", NULL);
        return;
    }
    handler = strcmp(method, "POST") == 0 ? req->route->post
                                           : req->route->get;
    handler(srv, conn, req);
    /* A suspended login answers when it is called again (login_pool.h). */
    if (!req->answered && !req->suspended)
        jwtd__respond_error(conn, req, 500, "server_error",
                            "no response", NULL);
}

/* The request line has arrived: the raw target, before libmicrohttpd
 * unescapes it into a C string, is the only place %00 can be seen.  The
 * state returned here is what on_request then finds in *con_cls. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct jwtd__http *h = cls;
    struct req_state *rs = calloc(1, sizeof(*rs));

    (void)conn;
    if (rs == NULL)
        return NULL;
    atomic_fetch_add(&h->in_flight, 1);
    rs->uri_nul = uri != NULL && strstr(uri, "%00") != NULL;
    return rs;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version,
                                  const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    struct jwtd__http *h = cls;
    struct req_state *rs = *con_cls;
    struct jwtd__req *req;

    (void)version;
    if (rs == NULL) {
        rs = calloc(1, sizeof(*rs));
        if (rs == NULL)
            return MHD_NO;
        *con_cls = rs;
        atomic_fetch_add(&h->in_flight, 1);
    }
    req = &rs->req;
    if (!rs->begun) {
        rs->begun = true;
        clock_gettime(CLOCK_MONOTONIC, &req->start);
        jwtd__log_sanitize(method, strlen(method), req->method,
                           sizeof(req->method));
        /* libmicrohttpd hands over the path without its query string,
         * so a token put there (refused anyway) never reaches the log
         * (bug case SV-13). */
        jwtd__log_sanitize(url, strlen(url), req->path, sizeof(req->path));
        client_address(h->srv, conn, req->addr);
        req->login_pool = h->logins;
        begin(conn, rs, url, method);
        return MHD_YES;
    }
    if (*upload_size != 0) {
        bool keep = req->answered || take_body(req, upload_data,
                                               *upload_size);

        *upload_size = 0;
        return keep ? MHD_YES : MHD_NO;
    }
    if (!req->answered)
        finish(h->srv, conn, req, method);
    return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn,
                         void **con_cls, enum MHD_RequestTerminationCode toe)
{
    struct jwtd__http *h = cls;
    struct req_state *rs = *con_cls;
    struct jwtd__req *req;
    struct timespec now;
    int64_t us;

    (void)conn;
    if (rs == NULL)
        return;
    req = &rs->req;
    if (!rs->begun) {
        /* Refused by libmicrohttpd itself before any route: not logged,
         * as before on_uri existed. */
        free(rs);
        *con_cls = NULL;
        atomic_fetch_sub(&h->in_flight, 1);
        return;
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    us = (int64_t)(now.tv_sec - req->start.tv_sec) * 1000000 +
         (now.tv_nsec - req->start.tv_nsec) / 1000;
    jwtd__log(JWTD__LOG_INFO, "request method=%s path=%s status=%u us=%"
              PRId64 " addr=%s%s", req->method, req->path, req->status, us,
              req->addr,
              toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? ""
                                                        : " aborted=1");
    /* Only here when not suspended, so no password thread holds it. */
    jwtd__login_job_free(req->login_job);
    if (req->body != NULL) {
        /* The body may hold a password. */
        OPENSSL_cleanse(req->body, req->body_len);
        free(req->body);
    }
    free(rs);
    *con_cls = NULL;
    atomic_fetch_sub(&h->in_flight, 1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    size_t n;

    (void)cls;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    /* libmicrohttpd reports mostly what clients did wrong (bad framing,
     * timeouts), which is not our fault: debug level. */
    jwtd__log(JWTD__LOG_DEBUG, "libmicrohttpd: %s", msg);
}

static bool make_addr(const char *bind, unsigned port,
                      struct sockaddr_storage *ss, bool *v6)
{
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

    memset(ss, 0, sizeof(*ss));
    if (inet_pton(AF_INET, bind, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        *v6 = false;
        return true;
    }
    if (inet_pton(AF_INET6, bind, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        *v6 = true;
        return true;
    }
    return false;
}

struct jwtd__http *jwtd__http_start(const struct jwtd__srv *srv,
                                    const char *bind, unsigned port,
                                    unsigned threads,
                                    unsigned max_connections, char *errbuf,
                                    size_t errlen)
{
    struct jwtd__http *h;
    struct sockaddr_storage ss;
    const union MHD_DaemonInfo *di;
    unsigned flags;
    long ncpu;
    bool v6;

    if (!make_addr(bind, port, &ss, &v6)) {
        snprintf(errbuf, errlen, "--bind: '%s' is not an IP address", bind);
        return NULL;
    }
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
    flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
            MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
    h->daemon = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, on_request, h,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)JWTD__HTTP_MAX_PER_IP,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)JWTD__HTTP_TIMEOUT,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)JWTD__HTTP_CONN_MEMORY,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
        MHD_OPTION_STRICT_FOR_CLIENT, 1,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, h,
        MHD_OPTION_END);
    if (h->daemon == NULL) {
        snprintf(errbuf, errlen, "cannot listen on %s port %u (in use, "
                 "or not allowed)", bind, port);
        jwtd__login_pool_free(h->logins);
        free(h);
        return NULL;
    }
    di = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    h->port = di != NULL ? di->port : port;
    return h;
}

unsigned jwtd__http_port(const struct jwtd__http *h)
{
    return h->port;
}

void jwtd__http_stop(struct jwtd__http *h)
{
    MHD_socket fd;
    int waited_ms = 0;

    if (h == NULL)
        return;
    /* Stop accepting first; idle keep-alive connections do not count,
     * only requests that have started and not yet completed. */
    fd = MHD_quiesce_daemon(h->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    while (atomic_load(&h->in_flight) > 0 &&
           waited_ms < JWTD__HTTP_DRAIN_SECONDS * 1000) {
        struct timespec ts = {0, 20 * 1000 * 1000};

        nanosleep(&ts, NULL);
        waited_ms += 20;
    }
    if (atomic_load(&h->in_flight) > 0)
        jwtd__log(JWTD__LOG_WARN, "stopping with %ld request(s) still "
                  "running", atomic_load(&h->in_flight));
    /* Resumes every suspended login (failing those still queued) before
     * libmicrohttpd closes the connections: it refuses suspended ones. */
    jwtd__login_pool_free(h->logins);
    MHD_stop_daemon(h->daemon);
    free(h);
}
