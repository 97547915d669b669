/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The HTTP/1.1 front of http_front.h.  Each worker owns an epoll loop
 * and the connections it accepted; the listening socket sits in every
 * loop with EPOLLEXCLUSIVE so one worker wakes per new connection.  A
 * connection holds a read buffer only while a request is arriving or
 * being answered and a write buffer only while the kernel will not take
 * the whole answer: an idle keep-alive connection costs its small
 * struct, not a buffer (issue 6: memory under 1,000 open connections).
 * Answers are formatted into the worker's scratch space and usually
 * leave in one send().  Suspended requests (a password check on another
 * thread) leave the loop and come back through a queue and an eventfd.
 */
/* accept4 and EPOLLEXCLUSIVE are Linux interfaces. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server/http.h"
#include "server/http_front.h"
#include "server/http_parse.h"

/* First read buffer of a connection; grown (up to a head's limit) only
 * for requests that need it. */
#define BUF_SIZE 4096u
/* Buffers and request records kept per worker for reuse. */
#define SPARE_MAX 64u
/* Answers up to this size are formatted without an allocation. */
#define SCRATCH_SIZE (64u * 1024u)
/* After an answer that closes the connection, what the client still
 * sends is read and dropped for a while, so that its kernel does not
 * turn our close into a reset that destroys the answer in flight. */
#define LINGER_MS 2000
#define LINGER_BYTES (64u * 1024u * 1024u)
/* A whole body, and a whole answer, must pass within this however it
 * trickles (on top of the idle limit between two reads or writes). */
#define PHASE_MS 30000
/* Buckets of the per-address connection counts. */
#define ADDR_BUCKETS 1024u

enum state {
    S_HEAD = 0,     /* waiting for (the rest of) a request head */
    S_BODY,         /* reading a body */
    S_RUN,          /* suspended: another thread holds the request */
    S_WRITE,        /* the answer is leaving */
    S_LINGER        /* answered with close: dropping what still comes */
};

struct request {
    struct request *next_spare;
    void *app;                  /* the application's state */
    uint64_t body_left;         /* Content-Length bytes still due */
    struct jwtd__chunked chunked;
    struct jwtd__head head;
};

struct addr_count {
    struct addr_count *next;
    unsigned char key[17];      /* family byte + address */
    unsigned count;
};

struct worker;

struct jwtd__conn {
    int fd;
    struct worker *w;
    struct jwtd__conn *prev, *next;     /* the worker's connections */
    struct jwtd__conn *resumed_next;    /* the worker's resume queue */
    unsigned char state;
    bool answered;              /* this request's answer is formatted */
    bool close_after;           /* close once the answer is out */
    bool head_only;             /* HEAD: no body in the answer */
    bool in_epoll;
    uint32_t interest;          /* events asked of epoll */
    char *in;                   /* read buffer, NULL while idle */
    size_t in_len, in_cap, in_pos;
    size_t head_len;            /* of the request being served */
    size_t scanned;             /* jwtd__http_head_end's progress */
    struct request *rq;
    char *out;                  /* answer not yet sent */
    size_t out_len, out_off;
    bool out_owned;             /* out is malloc'd (else scratch) */
    int64_t active_ms;          /* last progress */
    int64_t head_ms;            /* first byte of the current head */
    bool in_head;               /* bytes (even empty lines) came since
                                 * the last request: head_ms runs */
    int64_t phase_ms;           /* start of the body, or of the answer */
    size_t lingered;
    unsigned char key[17];
    char peer[INET6_ADDRSTRLEN];
};

struct worker {
    struct jwtd__front *f;
    pthread_t thread;
    bool started;
    int ep;
    int wake;                   /* eventfd: resumes and stop requests */
    bool listening;
    int64_t paused_ms;          /* listener paused: out of descriptors */
    pthread_mutex_t lock;       /* guards resumed */
    struct jwtd__conn *resumed;
    struct jwtd__conn *conns;
    char *spare_bufs[SPARE_MAX];
    unsigned nspare_bufs;
    struct request *spare_reqs;
    unsigned nspare_reqs;
    time_t date_s;
    char date[40];
    char scratch[SCRATCH_SIZE];
};

struct jwtd__front {
    struct jwtd__front_app app;
    struct jwtd__front_limits lim;
    int lfd;
    unsigned port;
    atomic_bool stopping;       /* quiesced: drop the listener */
    atomic_bool quit;           /* workers leave their loops */
    atomic_uint nconns;
    pthread_mutex_t addr_lock;
    struct addr_count *addrs[ADDR_BUCKETS];
    unsigned nworkers;
    struct worker **workers;
};

/* Tags that tell the listener and the eventfd apart in epoll data. */
static char listen_tag, wake_tag;

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------ address counts */

static unsigned addr_hash(const unsigned char key[17])
{
    uint32_t h = 2166136261u;
    unsigned i;

    for (i = 0; i < 17; i++)
        h = (h ^ key[i]) * 16777619u;
    return h % ADDR_BUCKETS;
}

static bool addr_acquire(struct jwtd__front *f, const unsigned char key[17])
{
    struct addr_count **p, *a;
    bool ok = true;

    pthread_mutex_lock(&f->addr_lock);
    p = &f->addrs[addr_hash(key)];
    for (a = *p; a != NULL && memcmp(a->key, key, 17) != 0; a = a->next)
        ;
    if (a == NULL) {
        a = calloc(1, sizeof(*a));
        if (a == NULL) {
            ok = false;
        } else {
            memcpy(a->key, key, 17);
            a->next = *p;
            *p = a;
        }
    }
    if (ok && a->count >= f->lim.max_per_address)
        ok = false;
    else if (ok)
        a->count++;
    pthread_mutex_unlock(&f->addr_lock);
    return ok;
}

static void addr_release(struct jwtd__front *f, const unsigned char key[17])
{
    struct addr_count **p, *a;

    pthread_mutex_lock(&f->addr_lock);
    for (p = &f->addrs[addr_hash(key)]; (a = *p) != NULL; p = &a->next) {
        if (memcmp(a->key, key, 17) == 0) {
            if (--a->count == 0) {
                *p = a->next;
                free(a);
            }
            break;
        }
    }
    pthread_mutex_unlock(&f->addr_lock);
}

/* ------------------------------------------------------ spare memory */

static char *buf_get(struct worker *w)
{
    if (w->nspare_bufs > 0)
        return w->spare_bufs[--w->nspare_bufs];
    return malloc(BUF_SIZE);
}

static void buf_put(struct worker *w, char *b, size_t cap)
{
    if (b == NULL)
        return;
    if (cap == BUF_SIZE && w->nspare_bufs < SPARE_MAX)
        w->spare_bufs[w->nspare_bufs++] = b;
    else
        free(b);
}

static struct request *req_get(struct worker *w)
{
    struct request *r = w->spare_reqs;

    if (r != NULL) {
        w->spare_reqs = r->next_spare;
        w->nspare_reqs--;
    } else {
        r = malloc(sizeof(*r));
    }
    return r;
}

static void req_put(struct worker *w, struct request *r)
{
    if (r == NULL)
        return;
    if (w->nspare_reqs < SPARE_MAX) {
        r->next_spare = w->spare_reqs;
        w->spare_reqs = r;
        w->nspare_reqs++;
    } else {
        free(r);
    }
}

/* ------------------------------------------------------ connections */

static void set_interest(struct jwtd__conn *c, uint32_t events)
{
    struct epoll_event ev;

    if (c->in_epoll && c->interest == events)
        return;
    memset(&ev, 0, sizeof(ev));
    ev.events = events;
    ev.data.ptr = c;
    if (events == 0) {
        /* Out of the loop altogether: epoll reports hang-ups even when
         * nothing is asked, and a suspended connection must not spin
         * its worker. */
        if (c->in_epoll)
            epoll_ctl(c->w->ep, EPOLL_CTL_DEL, c->fd, NULL);
        c->in_epoll = false;
    } else if (c->in_epoll) {
        epoll_ctl(c->w->ep, EPOLL_CTL_MOD, c->fd, &ev);
    } else if (epoll_ctl(c->w->ep, EPOLL_CTL_ADD, c->fd, &ev) == 0) {
        c->in_epoll = true;
    }
    c->interest = events;
}

/* A request head holds a bearer token or a session cookie: bytes that
 * leave use are wiped before the buffer is reused or freed. */
static void release_in(struct jwtd__conn *c)
{
    if (c->in != NULL)
        explicit_bzero(c->in, c->in_len);
    buf_put(c->w, c->in, c->in_cap);
    c->in = NULL;
    c->in_len = c->in_cap = c->in_pos = 0;
}

static void release_out(struct jwtd__conn *c)
{
    if (c->out_owned)
        free(c->out);
    c->out = NULL;
    c->out_len = c->out_off = 0;
    c->out_owned = false;
}

/* Ends the current request, if any, with the application. */
static void end_request(struct jwtd__conn *c, bool aborted)
{
    struct jwtd__front *f = c->w->f;

    if (c->rq == NULL)
        return;
    if (c->rq->app != NULL)
        f->app.done(f->app.cls, c, c->rq->app, aborted);
    req_put(c->w, c->rq);
    c->rq = NULL;
    c->answered = false;
    c->head_only = false;
}

static void conn_close(struct jwtd__conn *c)
{
    struct worker *w = c->w;

    end_request(c, true);
    release_in(c);
    release_out(c);
    close(c->fd);               /* also leaves the epoll set */
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        w->conns = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    if (c->key[0] != 0)
        addr_release(w->f, c->key);
    atomic_fetch_sub(&w->f->nconns, 1);
    free(c);
}

static void start_linger(struct jwtd__conn *c)
{
    release_in(c);
    shutdown(c->fd, SHUT_WR);
    c->state = S_LINGER;
    c->lingered = 0;
    c->active_ms = now_ms();
    set_interest(c, EPOLLIN);
}

/* Sends what is pending.  Returns 1 when all is out, 0 when the kernel
 * is full (EPOLLOUT is asked), -1 when the connection failed. */
static int flush_out(struct jwtd__conn *c)
{
    while (c->out_off < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_off,
                         c->out_len - c->out_off, MSG_NOSIGNAL);

        if (n > 0) {
            c->out_off += (size_t)n;
            c->active_ms = now_ms();
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!c->out_owned) {
                /* The rest leaves the shared scratch for its own copy. */
                size_t rest = c->out_len - c->out_off;
                char *copy = malloc(rest);

                if (copy == NULL)
                    return -1;
                memcpy(copy, c->out + c->out_off, rest);
                c->out = copy;
                c->out_len = rest;
                c->out_off = 0;
                c->out_owned = true;
            }
            if (c->state != S_WRITE)
                c->phase_ms = now_ms();
            c->state = S_WRITE;
            set_interest(c, EPOLLOUT);
            return 0;
        }
        return -1;
    }
    release_out(c);
    return 1;
}

static void advance(struct jwtd__conn *c);

/* The answer of the current request is formatted: send it, then either
 * close, or go on with the bytes that follow (pipelining). */
static void answer_out(struct jwtd__conn *c)
{
    int rc = flush_out(c);

    if (rc < 0) {
        conn_close(c);
        return;
    }
    if (rc == 0)
        return;
    end_request(c, false);
    if (c->close_after || atomic_load(&c->w->f->stopping)) {
        start_linger(c);
        return;
    }
    /* Keep-alive: what follows this request moves to the front. */
    if (c->in_pos < c->in_len) {
        size_t was = c->in_len;

        memmove(c->in, c->in + c->in_pos, c->in_len - c->in_pos);
        c->in_len -= c->in_pos;
        c->in_pos = 0;
        explicit_bzero(c->in + c->in_len, was - c->in_len);
    } else {
        release_in(c);
    }
    c->state = S_HEAD;
    c->scanned = 0;
    c->head_ms = now_ms();
    c->in_head = c->in_len > 0;
    set_interest(c, EPOLLIN);
    if (c->in_len > 0)
        advance(c);
}

/* After a callback: suspended, answered, or (a bug) neither. */
static void after_app(struct jwtd__conn *c)
{
    if (c->state == S_RUN) {
        set_interest(c, 0);
        return;
    }
    if (!c->answered) {
        conn_close(c);
        return;
    }
    answer_out(c);
}

static bool send_continue(struct jwtd__conn *c)
{
    static const char msg[] = "HTTP/1.1 100 Continue\r\n\r\n";

    /* Small enough for any socket buffer; if it does not go now the
     * client sends its body after its own wait anyway. */
    return send(c->fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL) >= 0 ||
           errno == EAGAIN || errno == EWOULDBLOCK;
}

/* A complete head sits at in[0..head_len); head_len 0: the head
 * outgrew JWTD__HTTP_MAX_HEAD before it ended (431). */
static void start_request(struct jwtd__conn *c, size_t head_len)
{
    struct jwtd__front *f = c->w->f;
    struct request *r = req_get(c->w);
    const char *why = NULL;
    uint64_t announced;
    unsigned status;
    bool body;

    if (r == NULL) {
        conn_close(c);
        return;
    }
    r->app = NULL;
    r->body_left = 0;
    c->rq = r;
    c->answered = false;
    c->close_after = false;
    c->head_len = head_len;
    c->in_pos = head_len;
    c->in_head = false;
    if (head_len == 0) {
        memset(&r->head, 0, offsetof(struct jwtd__head, fields));
        status = 431;
        why = "request header fields too large";
    } else {
        status = jwtd__http_parse_head(c->in, head_len, &r->head, &why);
    }
    if (status != 0) {
        /* Method and target may be half-parsed: show neither. */
        r->head.method_len = r->head.target_len = 0;
        r->head.nfields = 0;
        c->close_after = true;
    }
    c->head_only = status == 0 &&
                   strcmp(c->in + r->head.method, "HEAD") == 0;
    if (status == 0 && !r->head.keep_alive)
        c->close_after = true;
    r->app = f->app.begin(f->app.cls, c, status, why);
    if (r->app == NULL) {
        conn_close(c);
        return;
    }
    body = status == 0 && jwtd__conn_has_body(c, &announced);
    if (c->answered || status != 0) {
        /* Answered before its body: the body's bytes are still on the
         * wire, so the connection cannot be reused. */
        if (body)
            c->close_after = true;
        after_app(c);
        return;
    }
    if (!body) {
        c->state = S_HEAD;      /* run may set S_RUN (suspend) */
        f->app.run(f->app.cls, c, r->app);
        after_app(c);
        return;
    }
    r->body_left = r->head.chunked ? 0 : r->head.content_length;
    jwtd__chunked_init(&r->chunked);
    c->state = S_BODY;
    c->phase_ms = now_ms();
    if (r->head.expect_continue && r->head.minor == 1 &&
        c->in_pos == c->in_len && !send_continue(c)) {
        conn_close(c);
        return;
    }
    advance(c);
}

/* Feeds the buffered body bytes to the application.  Returns true when
 * the body is complete. */
static bool take_body(struct jwtd__conn *c, bool *closed)
{
    struct jwtd__front *f = c->w->f;
    struct request *r = c->rq;

    *closed = false;
    while (c->in_pos < c->in_len) {
        const char *p = c->in + c->in_pos;
        size_t avail = c->in_len - c->in_pos;

        if (!r->head.chunked) {
            size_t n = avail < r->body_left ? avail : (size_t)r->body_left;

            c->in_pos += n;
            r->body_left -= n;
            if (n > 0 && !f->app.body(f->app.cls, c, r->app, p, n)) {
                conn_close(c);
                *closed = true;
                return false;
            }
            /* A login body holds a password: the application has its
             * copy (and wipes it), the reused buffer keeps none. */
            explicit_bzero((char *)p, n);
            if (r->body_left == 0)
                return true;
        } else {
            const char *data;
            size_t used, dlen;
            enum jwtd__chunked_rc rc = jwtd__chunked_step(
                &r->chunked, p, avail, &used, &data, &dlen);

            c->in_pos += used;
            if (rc == JWTD__CHUNKED_BAD) {
                c->close_after = true;
                f->app.fail(f->app.cls, c, r->app, 400,
                            "invalid chunked body");
                after_app(c);
                *closed = true;     /* handled: the caller stops */
                return false;
            }
            if (rc == JWTD__CHUNKED_DATA &&
                !f->app.body(f->app.cls, c, r->app, data, dlen)) {
                conn_close(c);
                *closed = true;
                return false;
            }
            if (rc == JWTD__CHUNKED_DATA)
                explicit_bzero((char *)data, dlen);
            if (rc == JWTD__CHUNKED_DONE)
                return true;
        }
    }
    if (!r->head.chunked && r->body_left == 0)
        return true;
    /* All consumed: the next read lands right after the head. */
    c->in_len = c->in_pos = c->head_len;
    return false;
}

/* Moves a connection on with the bytes it has. */
static void advance(struct jwtd__conn *c)
{
    struct jwtd__front *f = c->w->f;

    if (c->state == S_HEAD) {
        size_t skip, end;

        /* Empty lines before a request line are ignored (RFC 9112 2.2),
         * also when a CR and its LF come in two reads. */
        skip = jwtd__http_skip_empty_lines(c->in, c->in_len);
        if (skip > 0) {
            memmove(c->in, c->in + skip, c->in_len - skip);
            c->in_len -= skip;
            c->scanned = 0;
        }
        if (c->in_len == 0) {
            release_in(c);
            return;
        }
        end = jwtd__http_head_end(c->in, c->in_len, &c->scanned);
        if (end == 0 && c->in_len < JWTD__HTTP_MAX_HEAD)
            return;             /* wait for the rest */
        start_request(c, end <= JWTD__HTTP_MAX_HEAD ? end : 0);
        return;
    }
    if (c->state == S_BODY) {
        bool closed;

        /* Short of room after the head, on_readable grows the buffer
         * before its next read. */
        if (!take_body(c, &closed))
            return;
        c->state = S_HEAD;      /* run may set S_RUN (suspend) */
        f->app.run(f->app.cls, c, c->rq->app);
        after_app(c);
    }
}

static void on_readable(struct jwtd__conn *c)
{
    ssize_t n;

    if (c->state == S_LINGER) {
        char sink[4096];

        n = recv(c->fd, sink, sizeof(sink), 0);
        if (n > 0 && (c->lingered += (size_t)n) <= LINGER_BYTES)
            return;
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        conn_close(c);
        return;
    }
    if (c->state != S_HEAD && c->state != S_BODY)
        return;
    if (c->in == NULL) {
        c->in = buf_get(c->w);
        if (c->in == NULL) {
            conn_close(c);
            return;
        }
        c->in_cap = BUF_SIZE;
        c->in_len = c->in_pos = 0;
        c->scanned = 0;
    }
    if (c->in_cap - c->in_len < 1024 &&
        c->in_cap < JWTD__HTTP_MAX_HEAD + BUF_SIZE) {
        size_t cap = c->in_cap * 2;
        char *p;

        if (cap > JWTD__HTTP_MAX_HEAD + BUF_SIZE)
            cap = JWTD__HTTP_MAX_HEAD + BUF_SIZE;
        /* Not realloc: the old block is wiped before it goes. */
        p = malloc(cap);
        if (p == NULL) {
            conn_close(c);
            return;
        }
        memcpy(p, c->in, c->in_len);
        explicit_bzero(c->in, c->in_len);
        buf_put(c->w, c->in, c->in_cap);
        c->in = p;
        c->in_cap = cap;
    }
    n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        /* The client is gone (or closed its side): a request half read
         * cannot complete. */
        conn_close(c);
        return;
    }
    if (c->state == S_HEAD && !c->in_head) {
        /* The head clock starts with the first byte after the last
         * request and is not reset by empty lines (RFC 9112 2.2 lets
         * them be skipped, not used to stay forever). */
        c->in_head = true;
        c->head_ms = now_ms();
    }
    c->in_len += (size_t)n;
    c->active_ms = now_ms();
    advance(c);
}

/* Resumed requests handed back by other threads. */
static void run_resumed(struct worker *w)
{
    struct jwtd__conn *list, *c;
    uint64_t v;

    if (read(w->wake, &v, sizeof(v)) < 0 && errno != EAGAIN)
        return;
    pthread_mutex_lock(&w->lock);
    list = w->resumed;
    w->resumed = NULL;
    pthread_mutex_unlock(&w->lock);
    while ((c = list) != NULL) {
        list = c->resumed_next;
        c->resumed_next = NULL;
        c->state = S_HEAD;
        c->active_ms = now_ms();
        w->f->app.run(w->f->app.cls, c, c->rq->app);
        after_app(c);
    }
}

static void accept_some(struct worker *w)
{
    struct jwtd__front *f = w->f;
    int k;

    /* Quiesced: the worker loop drops the listener after this round. */
    if (atomic_load(&f->stopping))
        return;
    for (k = 0; k < 4; k++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        struct jwtd__conn *c;
        unsigned char key[17] = {0};
        char peer[INET6_ADDRSTRLEN] = "-";
        int fd = accept4(f->lfd, (struct sockaddr *)&ss, &sl,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        int one = 1;

        if (fd < 0) {
            if ((errno == EMFILE || errno == ENFILE) && w->listening) {
                /* The listener stays readable: out of the loop for a
                 * second, or the worker spins (and logs) until a
                 * descriptor frees. */
                jwtd__log(JWTD__LOG_WARN, "out of file descriptors: "
                          "not accepting for a second");
                epoll_ctl(w->ep, EPOLL_CTL_DEL, f->lfd, NULL);
                w->listening = false;
                w->paused_ms = now_ms();
            }
            return;
        }
        if (atomic_fetch_add(&f->nconns, 1) >= f->lim.max_connections) {
            atomic_fetch_sub(&f->nconns, 1);
            close(fd);
            continue;
        }
        key[0] = (unsigned char)ss.ss_family;
        if (ss.ss_family == AF_INET) {
            memcpy(key + 1, &((struct sockaddr_in *)&ss)->sin_addr, 4);
            inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, peer,
                      sizeof(peer));
        } else if (ss.ss_family == AF_INET6) {
            memcpy(key + 1, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
                      peer, sizeof(peer));
        }
        /* A trusted proxy carries every client: its connections count in
         * the total only.  key[0] = 0 marks them uncounted. */
        if (f->app.unlimited != NULL &&
            f->app.unlimited(f->app.cls, peer))
            key[0] = 0;
        if (key[0] != 0 && !addr_acquire(f, key)) {
            atomic_fetch_sub(&f->nconns, 1);
            close(fd);
            continue;
        }
        c = calloc(1, sizeof(*c));
        if (c == NULL) {
            if (key[0] != 0)
                addr_release(f, key);
            atomic_fetch_sub(&f->nconns, 1);
            close(fd);
            continue;
        }
        c->fd = fd;
        c->w = w;
        memcpy(c->key, key, sizeof(key));
        memcpy(c->peer, peer, sizeof(peer));
        /* Answers leave in one send; no reason to hold them back. */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        c->active_ms = c->head_ms = now_ms();
        c->next = w->conns;
        if (w->conns != NULL)
            w->conns->prev = c;
        w->conns = c;
        set_interest(c, EPOLLIN);
        if (!c->in_epoll)
            conn_close(c);
    }
}

/* Once a second: connections past their deadlines are closed. */
static void expire(struct worker *w, int64_t now)
{
    struct jwtd__front *f = w->f;
    int64_t idle = (int64_t)f->lim.idle_seconds * 1000;
    int64_t head = (int64_t)f->lim.head_seconds * 1000;
    struct jwtd__conn *c = w->conns, *next;

    if (w->paused_ms != 0 && now - w->paused_ms >= 1000 &&
        !atomic_load(&f->stopping)) {
        struct epoll_event ev;

        memset(&ev, 0, sizeof(ev));
        ev.events = EPOLLIN | EPOLLEXCLUSIVE;
        ev.data.ptr = &listen_tag;
        if (epoll_ctl(w->ep, EPOLL_CTL_ADD, f->lfd, &ev) == 0)
            w->listening = true;
        w->paused_ms = 0;
    }

    for (; c != NULL; c = next) {
        bool late = false;

        next = c->next;
        switch (c->state) {
        case S_HEAD:
            /* Bytes of a head are due within head_seconds of its first
             * one however they trickle (slowloris); an empty keep-alive
             * connection within idle_seconds. */
            late = c->in_head ? now - c->head_ms > head
                              : now - c->active_ms > idle;
            break;
        case S_BODY:
        case S_WRITE:
            late = now - c->active_ms > idle || now - c->phase_ms > PHASE_MS;
            break;
        case S_LINGER:
            late = now - c->active_ms > LINGER_MS;
            break;
        default:
            break;              /* S_RUN: the other thread answers */
        }
        if (late) {
            jwtd__log(JWTD__LOG_DEBUG, "connection from %s timed out",
                      c->peer);
            conn_close(c);
        }
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct jwtd__front *f = w->f;
    struct epoll_event ev[64];
    int64_t last_expire = now_ms();

    while (!atomic_load(&f->quit)) {
        int n = epoll_wait(w->ep, ev, 64, 1000), i;
        int64_t now;

        for (i = 0; i < n; i++) {
            void *p = ev[i].data.ptr;
            struct jwtd__conn *c;

            if (p == &listen_tag) {
                accept_some(w);
                continue;
            }
            if (p == &wake_tag) {
                run_resumed(w);
                continue;
            }
            c = p;
            /* Writing: any event (writable, or an error or hang-up that
             * the next send reports) moves the answer on. */
            if (c->state == S_WRITE) {
                answer_out(c);
                continue;
            }
            on_readable(c);
        }
        if (atomic_load(&f->stopping) && w->listening) {
            epoll_ctl(w->ep, EPOLL_CTL_DEL, f->lfd, NULL);
            w->listening = false;
        }
        now = now_ms();
        if (now - last_expire >= 1000) {
            last_expire = now;
            expire(w, now);
        }
    }
    while (w->conns != NULL)
        conn_close(w->conns);
    return NULL;
}

/* ------------------------------------------------------ the API */

void jwtd__conn_suspend(struct jwtd__conn *c)
{
    c->state = S_RUN;
}

void jwtd__conn_resume(struct jwtd__conn *c)
{
    struct worker *w = c->w;
    uint64_t one = 1;

    pthread_mutex_lock(&w->lock);
    c->resumed_next = w->resumed;
    w->resumed = c;
    pthread_mutex_unlock(&w->lock);
    if (write(w->wake, &one, sizeof(one)) < 0 && errno != EAGAIN)
        jwtd__log(JWTD__LOG_ERROR, "cannot wake a worker: %s",
                  strerror(errno));
}

const char *jwtd__conn_method(const struct jwtd__conn *c)
{
    return c->rq != NULL && c->rq->head.method_len > 0
               ? c->in + c->rq->head.method : "";
}

const char *jwtd__conn_target(const struct jwtd__conn *c)
{
    return c->rq != NULL && c->rq->head.target_len > 0
               ? c->in + c->rq->head.target : "";
}

const char *jwtd__conn_peer(const struct jwtd__conn *c)
{
    return c->peer;
}

bool jwtd__conn_has_body(const struct jwtd__conn *c, uint64_t *announced)
{
    const struct jwtd__head *h = &c->rq->head;

    *announced = h->has_length ? h->content_length : 0;
    return h->chunked || *announced > 0;
}

const char *jwtd__hdr(const struct jwtd__conn *c, const char *name)
{
    if (c->rq == NULL)
        return NULL;
    return jwtd__head_field(c->in, &c->rq->head, name);
}

void jwtd__hdr_each(const struct jwtd__conn *c, jwtd__hdr_fn fn, void *cls)
{
    unsigned i;

    if (c->rq == NULL)
        return;
    for (i = 0; i < c->rq->head.nfields; i++) {
        const struct jwtd__field *fl = &c->rq->head.fields[i];

        if (!fn(cls, c->in + fl->name, c->in + fl->value, fl->value_len))
            break;
    }
}

static const char *reason(unsigned status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Status";
    }
}

/* RFC 9110 6.6.1: an IMF-fixdate, written once a second per worker
 * (never through the locale, which could translate the names). */
static const char *http_date(struct worker *w)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu",
                                    "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May",
                                       "Jun", "Jul", "Aug", "Sep", "Oct",
                                       "Nov", "Dec"};
    time_t now = time(NULL);
    struct tm tm;

    if (now != w->date_s && gmtime_r(&now, &tm) != NULL) {
        w->date_s = now;
        snprintf(w->date, sizeof(w->date),
                 "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7],
                 tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900,
                 tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    return w->date;
}

struct out {
    char *p;
    size_t len, cap;
    bool over;
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->over || n > o->cap - o->len) {
        o->over = true;
        return;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
}

static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void put_uint(struct out *o, uint64_t v)
{
    char d[24];
    size_t i = sizeof(d);

    do {
        d[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    put(o, d + i, sizeof(d) - i);
}

/* A header we write ourselves, from our own code only; still, a CR or
 * LF in it would split the answer (response splitting), so such a
 * field is dropped. */
static bool field_ok(const char *name, const char *value)
{
    return strpbrk(name, "\r\n: ") == NULL && name[0] != '\0' &&
           strpbrk(value, "\r\n") == NULL;
}

static void format_answer(struct jwtd__conn *c, struct out *o,
                          unsigned status, const char *const *hdrs,
                          const char *body, size_t len)
{
    bool no_body = status < 200 || status == 204 || status == 304;
    size_t i;

    puts_(o, "HTTP/1.1 ");
    put_uint(o, status);
    put(o, " ", 1);
    puts_(o, reason(status));
    puts_(o, "\r\nDate: ");
    puts_(o, http_date(c->w));
    puts_(o, "\r\n");
    for (i = 0; hdrs != NULL && hdrs[i] != NULL; i += 2) {
        /* Connection is ours to write, once, below. */
        if (strcasecmp(hdrs[i], "Connection") == 0)
            continue;
        if (!field_ok(hdrs[i], hdrs[i + 1])) {
            jwtd__log(JWTD__LOG_ERROR, "response field %s dropped",
                      hdrs[i]);
            continue;
        }
        puts_(o, hdrs[i]);
        puts_(o, ": ");
        puts_(o, hdrs[i + 1]);
        puts_(o, "\r\n");
    }
    if (!no_body) {
        puts_(o, "Content-Length: ");
        put_uint(o, len);
        puts_(o, "\r\n");
    }
    if (c->close_after)
        puts_(o, "Connection: close\r\n");
    else if (c->rq != NULL && c->rq->head.minor == 0)
        puts_(o, "Connection: keep-alive\r\n");
    puts_(o, "\r\n");
    if (!no_body && !c->head_only)
        put(o, body, len);
}

bool jwtd__conn_send(struct jwtd__conn *c, unsigned status,
                     const char *const *hdrs, const char *body, size_t len,
                     bool close)
{
    struct out o;
    size_t i;

    if (c->answered)
        return false;
    for (i = 0; hdrs != NULL && hdrs[i] != NULL; i += 2)
        if (strcasecmp(hdrs[i], "Connection") == 0 &&
            strcasecmp(hdrs[i + 1], "close") == 0)
            close = true;
    if (close || atomic_load(&c->w->f->stopping))
        c->close_after = true;
    o.p = c->w->scratch;
    o.cap = SCRATCH_SIZE;
    o.len = 0;
    o.over = false;
    format_answer(c, &o, status, hdrs, body, len);
    if (o.over) {
        /* A large answer (a JWKS of hundreds of keys): its own memory,
         * sized for the body, every field and the fixed lines. */
        o.len = 0;
        o.over = false;
        o.cap = len + 8192;
        for (i = 0; hdrs != NULL && hdrs[i] != NULL; i++)
            o.cap += strlen(hdrs[i]) + 4;
        o.p = malloc(o.cap);
        if (o.p == NULL)
            return false;
        format_answer(c, &o, status, hdrs, body, len);
        if (o.over) {
            free(o.p);
            return false;
        }
        c->out_owned = true;
    } else {
        c->out_owned = false;
    }
    c->out = o.p;
    c->out_len = o.len;
    c->out_off = 0;
    c->answered = true;
    return true;
}

/* ------------------------------------------------------ start, stop */

static int listen_on(const char *host, unsigned port, char *errbuf,
                     size_t errlen)
{
    struct sockaddr_storage ss;
    struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    socklen_t sl;
    int fd, one = 1;

    memset(&ss, 0, sizeof(ss));
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        sl = sizeof(*in4);
    } else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        sl = sizeof(*in6);
    } else {
        snprintf(errbuf, errlen, "--bind: '%s' is not an IP address", host);
        return -1;
    }
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                0);
    if (fd < 0) {
        snprintf(errbuf, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    /* A restart may bind while the last run's connections sit in
     * TIME_WAIT; a second server on the same port is still refused. */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 1024) != 0) {
        snprintf(errbuf, errlen, "cannot listen on %s port %u (in use, "
                 "or not allowed)", host, port);
        close(fd);
        return -1;
    }
    return fd;
}

static void free_worker(struct worker *w)
{
    if (w == NULL)
        return;
    while (w->nspare_bufs > 0)
        free(w->spare_bufs[--w->nspare_bufs]);
    while (w->spare_reqs != NULL) {
        struct request *r = w->spare_reqs;

        w->spare_reqs = r->next_spare;
        free(r);
    }
    if (w->ep >= 0)
        close(w->ep);
    if (w->wake >= 0)
        close(w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

static struct worker *new_worker(struct jwtd__front *f)
{
    struct worker *w = calloc(1, sizeof(*w));
    struct epoll_event ev;

    if (w == NULL)
        return NULL;
    w->f = f;
    w->ep = w->wake = -1;
    if (pthread_mutex_init(&w->lock, NULL) != 0) {
        free(w);
        return NULL;
    }
    w->ep = epoll_create1(EPOLL_CLOEXEC);
    w->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (w->ep < 0 || w->wake < 0)
        goto fail;
    memset(&ev, 0, sizeof(ev));
    ev.events = EPOLLIN;
    ev.data.ptr = &wake_tag;
    if (epoll_ctl(w->ep, EPOLL_CTL_ADD, w->wake, &ev) != 0)
        goto fail;
    /* One worker woken per new connection, not all of them. */
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    ev.data.ptr = &listen_tag;
    if (epoll_ctl(w->ep, EPOLL_CTL_ADD, f->lfd, &ev) != 0)
        goto fail;
    w->listening = true;
    return w;
fail:
    free_worker(w);
    return NULL;
}

struct jwtd__front *jwtd__front_start(const struct jwtd__front_app *app,
                                      const struct jwtd__front_limits *lim,
                                      const char *bind_to, unsigned port,
                                      char *errbuf, size_t errlen)
{
    struct jwtd__front *f = calloc(1, sizeof(*f));
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    unsigned i;

    if (f == NULL) {
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    f->app = *app;
    f->lim = *lim;
    if (f->lim.threads == 0)
        f->lim.threads = 1;
    atomic_init(&f->stopping, false);
    atomic_init(&f->quit, false);
    atomic_init(&f->nconns, 0);
    if (pthread_mutex_init(&f->addr_lock, NULL) != 0) {
        free(f);
        snprintf(errbuf, errlen, "out of memory");
        return NULL;
    }
    f->lfd = listen_on(bind_to, port, errbuf, errlen);
    if (f->lfd < 0) {
        pthread_mutex_destroy(&f->addr_lock);
        free(f);
        return NULL;
    }
    f->port = port;
    if (getsockname(f->lfd, (struct sockaddr *)&ss, &sl) == 0)
        f->port = ntohs(ss.ss_family == AF_INET6
                            ? ((struct sockaddr_in6 *)&ss)->sin6_port
                            : ((struct sockaddr_in *)&ss)->sin_port);
    f->workers = calloc(f->lim.threads, sizeof(*f->workers));
    if (f->workers == NULL)
        goto fail;
    for (i = 0; i < f->lim.threads; i++) {
        struct worker *w = new_worker(f);

        if (w == NULL)
            goto fail;
        f->workers[f->nworkers++] = w;
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
            goto fail;
        w->started = true;
    }
    return f;
fail:
    snprintf(errbuf, errlen, "cannot start the HTTP workers");
    jwtd__front_stop(f);
    return NULL;
}

unsigned jwtd__front_port(const struct jwtd__front *f)
{
    return f->port;
}

static void wake_all(struct jwtd__front *f)
{
    uint64_t one = 1;
    unsigned i;

    for (i = 0; i < f->nworkers; i++)
        if (write(f->workers[i]->wake, &one, sizeof(one)) < 0 &&
            errno != EAGAIN)
            jwtd__log(JWTD__LOG_ERROR, "cannot wake a worker");
}

void jwtd__front_quiesce(struct jwtd__front *f)
{
    if (f == NULL || atomic_exchange(&f->stopping, true))
        return;
    /* New connections are refused at once, not left in the backlog;
     * each worker drops the listener from its loop when it wakes. */
    shutdown(f->lfd, SHUT_RDWR);
    wake_all(f);
}

void jwtd__front_stop(struct jwtd__front *f)
{
    unsigned i;

    if (f == NULL)
        return;
    atomic_store(&f->stopping, true);
    atomic_store(&f->quit, true);
    wake_all(f);
    for (i = 0; i < f->nworkers; i++)
        if (f->workers[i]->started)
            pthread_join(f->workers[i]->thread, NULL);
    for (i = 0; i < f->nworkers; i++)
        free_worker(f->workers[i]);
    free(f->workers);
    close(f->lfd);
    for (i = 0; i < ADDR_BUCKETS; i++) {
        while (f->addrs[i] != NULL) {
            struct addr_count *a = f->addrs[i];

            f->addrs[i] = a->next;
            free(a);
        }
    }
    pthread_mutex_destroy(&f->addr_lock);
    free(f);
}
