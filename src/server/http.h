/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The login server's internal contract: the server state shared by every
 * request (configuration, store, keys), the per-request context that the
 * request glue (http_server.c) keeps over jwtd's own HTTP front
 * (http_front.c), what a route may read of a request and how it
 * answers, the response helpers
 * (http_response.c), the body parsers (http_body.c), the log
 * (http_log.c) and the route handlers (routes_*.c).  Nothing here is
 * part of the public API.
 */
#ifndef JWTD_SERVER_HTTP_H
#define JWTD_SERVER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "jwtd/jwtd.h"
#include "server/client_addr.h"
#include "server/keyset.h"
#include "server/user_cache.h"
#include "server/sessions.h"
#include "server/store.h"
#include "server/throttle_store.h"

/* Largest request body read into memory (login bodies and the example
 * route); a password is at most 1,024 bytes, so 16 KiB leaves room for
 * JSON escapes (\uXXXX is six bytes per character) and is still cheap. */
#define JWTD__HTTP_MAX_BODY (16u * 1024u)
/* Concurrent connections accepted before new ones are refused (lowered
 * to fit the open-file limit at start-up). */
#define JWTD__HTTP_MAX_CONNECTIONS 4096u
/* Connections from one address. */
#define JWTD__HTTP_MAX_PER_IP 512u
/* Seconds a connection may sit idle (keep-alive, stalled reads and
 * writes). */
#define JWTD__HTTP_TIMEOUT 15u
/* Seconds a request head may take from its first byte to its last,
 * however it trickles (slow-header clients). */
#define JWTD__HTTP_HEAD_TIMEOUT 10u
/* Seconds a graceful shutdown waits for in-flight requests. */
#define JWTD__HTTP_DRAIN_SECONDS 10

enum jwtd__log_level {
    JWTD__LOG_ERROR = 0,
    JWTD__LOG_WARN,
    JWTD__LOG_INFO,
    JWTD__LOG_DEBUG
};

/* Everything a request handler may read.  Set up once by serve.c before
 * the daemon starts and never modified while it runs, so the worker
 * threads share it without locks (the store, the sessions and the
 * throttle serialise themselves). */
struct jwtd__srv {
    jwtd__store *store;
    /* The keys: an immutable snapshot swapped by the store watcher when
     * they change (keyset.h); take it with jwtd__keyholder_acquire for
     * one verification or signature and give it back (owned). */
    jwtd__keyholder *keys;
    /* The user records protected routes check, dropped by the store
     * watcher when another process changes them (owned; PostgreSQL
     * only, NULL on SQLite). */
    jwtd__user_cache *users;
    char *expires_in;           /* span text as configured (owned) */
    int64_t expires_s;          /* exp - iat of issued tokens */
    char *issuer;               /* NULL when not configured (owned) */
    char *audience;             /* NULL when not configured (owned) */
    jwtd__sessions *sessions;   /* refresh families, denylist (owned) */
    jwtd__tstore *throttle;     /* login failures, stored (owned) */
    struct jwtd__proxies proxies;   /* --trusted-proxy */
    bool cookie_mode;           /* login sets session cookies */
    bool secure_cookies;        /* false only with --insecure-cookies */
};

/* One request, from its headers to the completion callback. */
struct jwtd__req {
    struct timespec start;      /* CLOCK_MONOTONIC */
    char method[16];
    char path[128];             /* truncated copy, for the log */
    unsigned status;            /* the status queued, 0 before */
    const struct jwtd__route *route;
    char *body;                 /* malloc'd, NUL-terminated */
    size_t body_len;            /* bytes stored in body */
    uint64_t body_seen;         /* bytes received, stored or not */
    bool body_too_big;
    bool answered;              /* a response was queued early */
    /* Login: the password threads (login_pool.h; set by http_server.c)
     * and this request's check while the connection is suspended for it
     * (owned; freed on completion, see routes_login.c). */
    struct jwtd__login_pool *login_pool;
    struct jwtd__login_job *login_job;
    bool suspended;             /* waiting for login_job: no answer yet */
    /* The client address for throttling and the log: the TCP peer, or
     * X-Forwarded-For's right-most untrusted entry when the peer is a
     * trusted proxy (client_addr.h). */
    char addr[JWTD__ADDR_MAX];
};

/* One client connection of the HTTP front (http_front.c). */
struct jwtd__conn;

/* The value of the request's first field called name (any case),
 * NUL-terminated (values never hold NUL, CR or LF), or NULL. */
const char *jwtd__hdr(const struct jwtd__conn *c, const char *name);
/* Calls fn for every field of the request, in order, until it returns
 * false. */
typedef bool (*jwtd__hdr_fn)(void *cls, const char *name,
                             const char *value, size_t value_len);
void jwtd__hdr_each(const struct jwtd__conn *c, jwtd__hdr_fn fn,
                    void *cls);
/* The request's answer: status, header pairs (NULL-terminated; a
 * "Connection: close" pair closes the connection after it, as does
 * close), body copied.  Date, Content-Length and Connection are added
 * here.  One answer per request: false for a second one or when out of
 * memory. */
bool jwtd__conn_send(struct jwtd__conn *c, unsigned status,
                     const char *const *hdrs, const char *body, size_t len,
                     bool close);
/* From the request's handler: no answer now, the request waits (off
 * the worker's loop) until jwtd__conn_resume, from any thread, hands
 * it back and the handler is called again. */
void jwtd__conn_suspend(struct jwtd__conn *c);
void jwtd__conn_resume(struct jwtd__conn *c);

typedef unsigned (*jwtd__handler)(const struct jwtd__srv *srv,
                                  struct jwtd__conn *conn,
                                  struct jwtd__req *req);

/* A route: one path, the methods it answers (comma list for Allow),
 * and whether it reads a body. */
struct jwtd__route {
    const char *path;
    const char *allow;          /* e.g. "GET, HEAD" */
    jwtd__handler get;          /* GET and HEAD, or NULL */
    jwtd__handler post;         /* POST, or NULL */
};

/* The route table (routes_table.c); NULL when no route has that path. */
const struct jwtd__route *jwtd__route_find(const char *path);

/* ---- daemon (http_server.c) ---- */

struct jwtd__http;
/* Starts the HTTP front on bind:port (port 0: any free port) with a
 * pool of threads workers; NULL with a reason in errbuf on failure. */
struct jwtd__http *jwtd__http_start(const struct jwtd__srv *srv,
                                    const char *bind, unsigned port,
                                    unsigned threads,
                                    unsigned max_connections, char *errbuf,
                                    size_t errlen);
/* The port actually bound. */
unsigned jwtd__http_port(const struct jwtd__http *h);
/* Stops accepting, lets in-flight requests finish (bounded), stops. */
void jwtd__http_stop(struct jwtd__http *h);

/* ---- log (http_log.c) ---- */

void jwtd__log_set_level(enum jwtd__log_level level);
bool jwtd__log_parse_level(const char *text, enum jwtd__log_level *out);
bool jwtd__log_enabled(enum jwtd__log_level level);
void jwtd__log(enum jwtd__log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Copies text[0..len) into out for a log line: printable ASCII kept,
 * everything else as \xHH, cut at out_size (with "..."). */
void jwtd__log_sanitize(const char *text, size_t len, char *out,
                        size_t out_size);

/* ---- JSON text building (http_json.c) ---- */

/* A growing, NUL-terminated text buffer.  On allocation failure the
 * buffer is marked failed and later appends do nothing. */
struct jwtd__buf {
    char *data;
    size_t len;
    size_t cap;
    bool failed;
};
void jwtd__buf_put(struct jwtd__buf *b, const char *s, size_t len);
void jwtd__buf_puts(struct jwtd__buf *b, const char *s);
/* Appends s[0..len) as a JSON string literal, quotes included. */
void jwtd__buf_json_str(struct jwtd__buf *b, const char *s, size_t len);
void jwtd__buf_int(struct jwtd__buf *b, int64_t v);
/* Appends the store's comma-separated roles as a JSON array of strings
 * (empty items skipped). */
void jwtd__buf_roles(struct jwtd__buf *b, const char *roles);
/* Hands the text to the caller (free()), or NULL when it failed. */
char *jwtd__buf_take(struct jwtd__buf *b);
void jwtd__buf_free(struct jwtd__buf *b);

/* ---- request bodies (http_body.c) ---- */

enum jwtd__form_rc {
    JWTD__FORM_OK = 0,
    JWTD__FORM_BAD,             /* not parseable */
    JWTD__FORM_DUPLICATE,       /* a field given twice */
    JWTD__FORM_TYPE,            /* username/password not a string */
    JWTD__FORM_NOMEM
};
/* The two login fields, malloc'd copies (may contain NUL bytes; hence
 * the lengths), NULL when absent.  Clear with jwtd__login_form_clear,
 * which wipes the password. */
struct jwtd__login_form {
    char *username;
    size_t username_len;
    char *password;
    size_t password_len;
};
void jwtd__login_form_clear(struct jwtd__login_form *f);
/* A JSON object body.  Other members are ignored (any type, any depth
 * up to a bound); the two fields must be strings and appear once. */
enum jwtd__form_rc jwtd__parse_login_json(const char *body, size_t len,
                                          struct jwtd__login_form *f);
/* An application/x-www-form-urlencoded body (WHATWG URL rules: '+' is
 * a space, %HH decoded, fields split on '&'). */
enum jwtd__form_rc jwtd__parse_login_urlencoded(const char *body,
                                                size_t len,
                                                struct jwtd__login_form *f);

/* ---- responses (http_response.c) ---- */

enum {
    JWTD__RESP_NO_STORE = 1u << 0,  /* Cache-Control: no-store + Pragma */
    JWTD__RESP_CLOSE = 1u << 1      /* Connection: close */
};

/* Queues a response with the server's common headers and records the
 * status in req.  body is copied.  Returns the status. */
unsigned jwtd__respond(struct jwtd__conn *conn, struct jwtd__req *req,
                       unsigned status, const char *content_type,
                       const char *body, size_t len, unsigned flags,
                       const char *const *extra_headers);
/* {"error":code,"error_description":desc} with no-store. */
unsigned jwtd__respond_error(struct jwtd__conn *conn,
                             struct jwtd__req *req, unsigned status,
                             const char *code, const char *desc,
                             const char *const *extra_headers);
/* A JSON body built by the caller (owned text, freed here); NULL means
 * the build failed and answers 500. */
unsigned jwtd__respond_json(struct jwtd__conn *conn,
                            struct jwtd__req *req, unsigned status,
                            char *json, unsigned flags);
/* 401 for a protected route: desc NULL means no credentials were given
 * (RFC 6750 3.1: no error code then), else error="invalid_token". */
unsigned jwtd__respond_unauthorized(struct jwtd__conn *conn,
                                    struct jwtd__req *req,
                                    const char *desc);

/* ---- bearer credentials (bearer.c) ---- */

enum jwtd__bearer_rc {
    JWTD__BEARER_OK = 0,
    JWTD__BEARER_NONE,          /* no Authorization, or another scheme */
    JWTD__BEARER_EMPTY,         /* "Bearer" with no token */
    JWTD__BEARER_MALFORMED      /* junk after the token, bad chars */
};
/* Reads an Authorization field value (RFC 9110 11.6.2, RFC 6750 2.1):
 * scheme "Bearer" in any case, one or more spaces, a token68, optional
 * trailing white space, nothing else.  On success *tok and *tok_len
 * point into value. */
enum jwtd__bearer_rc jwtd__bearer_parse(const char *value, size_t len,
                                        const char **tok, size_t *tok_len);

/* ---- authentication of protected requests (http_auth.c) ---- */

/* The outcome of checking a request's bearer token: on success the
 * verified token and the user as the store has it now. */
struct jwtd__auth {
    jwtd_token *token;
    struct jwtd__user user;
    bool by_cookie;             /* the access cookie, not a header */
    bool unavailable;           /* the user could not be read: the store
                                 * is unreachable (503, issue 8) */
    char verify_msg[256];       /* why verification failed */
};
void jwtd__auth_clear(struct jwtd__auth *a);
/* Checks the request's credentials: a bearer token, or (when no
 * Authorization header is sent) the access cookie of cookie mode with
 * its CSRF proof.  Returns 0 when authenticated; otherwise it has
 * queued the error response and returns its status. */
unsigned jwtd__authenticate(const struct jwtd__srv *srv,
                            struct jwtd__conn *conn,
                            struct jwtd__req *req, struct jwtd__auth *out);
/* As jwtd__authenticate without the revocation check and without an
 * answer: for logout, which must stay idempotent (a second logout with
 * the same token answers 204 again).  Returns true with out filled. */
bool jwtd__authenticate_quiet(const struct jwtd__srv *srv,
                              struct jwtd__conn *conn,
                              struct jwtd__req *req, struct jwtd__auth *out);

/* ---- cookie mode and CSRF (http_session.c) ---- */

/* Reads our cookie name from the request's Cookie headers into out
 * (NUL-terminated, at most out_size - 1 bytes).  Returns the
 * jwtd__cookie_rc; a value too long counts as JWTD__COOKIE_BAD. */
int jwtd__req_cookie(struct jwtd__conn *conn, const char *name,
                     char *out, size_t out_size);
/* The CSRF checks for a request that authenticates by cookie (bug case
 * SV-11): an Origin header, when present, must be this server's own
 * origin; the X-CSRF-Token header must equal the CSRF cookie (constant
 * time).  Returns NULL when they pass, else the reason. */
const char *jwtd__csrf_check(struct jwtd__conn *conn,
                             char csrf[JWTD__CSRF_LEN + 1]);
/* The answer when the store failed: 503 with Retry-After: 2 when the
 * database cannot be reached (worth a retry; never 401, which would
 * tell a user the session is over), else 500. */
unsigned jwtd__respond_store_failed(struct jwtd__conn *conn,
                                    struct jwtd__req *req,
                                    bool unavailable);
/* Whether the Origin header, when present, names this server. */
bool jwtd__origin_ok(struct jwtd__conn *conn);
/* Set-Cookie headers for a session (or, with g NULL, the clearing of
 * all three cookies), as extra-header pairs for jwtd__respond; hdrs
 * must hold 7 entries, bufs 3 strings of JWTD__SET_COOKIE_MAX.  access
 * is the access token (NULL keeps the access cookie as it is). */
bool jwtd__session_cookies(const struct jwtd__srv *srv,
                           const struct jwtd__grant *g, const char *access,
                           const char **hdrs, char bufs[3][4096]);

/* ---- handlers (routes_*.c) ---- */

unsigned jwtd__route_login(const struct jwtd__srv *srv,
                           struct jwtd__conn *conn,
                           struct jwtd__req *req);
unsigned jwtd__route_logout(const struct jwtd__srv *srv,
                            struct jwtd__conn *conn,
                            struct jwtd__req *req);
unsigned jwtd__route_refresh(const struct jwtd__srv *srv,
                             struct jwtd__conn *conn,
                             struct jwtd__req *req);
/* Answers a login or a refresh (http_grant.c) with a new access token
 * for user u in session g->sid: the refresh token goes in the body, or
 * with cookies set in Set-Cookie headers (the access token then also
 * carries the hash of the session's CSRF value, claim "cth"). */
unsigned jwtd__respond_grant(const struct jwtd__srv *srv,
                             struct jwtd__conn *conn,
                             struct jwtd__req *req,
                             const struct jwtd__user *u,
                             const struct jwtd__grant *g, bool cookies);
unsigned jwtd__route_posts(const struct jwtd__srv *srv,
                           struct jwtd__conn *conn,
                           struct jwtd__req *req);
unsigned jwtd__route_me(const struct jwtd__srv *srv,
                        struct jwtd__conn *conn, struct jwtd__req *req);
unsigned jwtd__route_page(const struct jwtd__srv *srv,
                          struct jwtd__conn *conn,
                          struct jwtd__req *req);
unsigned jwtd__route_app_js(const struct jwtd__srv *srv,
                            struct jwtd__conn *conn,
                            struct jwtd__req *req);
unsigned jwtd__route_app_css(const struct jwtd__srv *srv,
                             struct jwtd__conn *conn,
                             struct jwtd__req *req);
unsigned jwtd__route_healthz(const struct jwtd__srv *srv,
                             struct jwtd__conn *conn,
                             struct jwtd__req *req);
unsigned jwtd__route_favicon(const struct jwtd__srv *srv,
                             struct jwtd__conn *conn,
                             struct jwtd__req *req);
unsigned jwtd__route_jwks(const struct jwtd__srv *srv,
                          struct jwtd__conn *conn,
                          struct jwtd__req *req);

/* The page assets (page_assets.c). */
extern const char jwtd__page_html[];
extern const char *const jwtd__page_js_parts[];  /* NULL-terminated */
extern const char jwtd__page_css[];

#endif /* JWTD_SERVER_HTTP_H */
