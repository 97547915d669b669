/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The shared timing loop of the C benchmarks (see harness.h).  Threads
 * never touch a shared counter: each writes its own padded slot with a
 * relaxed atomic store after every operation (cheap, as no other thread
 * writes that cache line), and the main thread reads the slots at the
 * start and the end of the measured window.
 */
#include "harness.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_THREADS 64
#define PUBLISH_EVERY 1

struct slot {
    _Atomic unsigned long long ops;
    _Atomic int failed;
    char pad[64 - sizeof(unsigned long long) - sizeof(int)];
};

struct worker {
    const struct bench_impl *impl;
    void *shared;
    struct slot *slot;
    pthread_t tid;
};

static _Atomic int stop_flag;

static double now_sec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_sec(double s)
{
    struct timespec ts;

    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    void *ts = w->impl->thread_init(w->shared);
    unsigned long long n = 0;

    if (ts == NULL) {
        atomic_store(&w->slot->failed, 1);
        return NULL;
    }
    while (!atomic_load_explicit(&stop_flag, memory_order_relaxed)) {
        for (int i = 0; i < PUBLISH_EVERY; i++) {
            if (w->impl->run(ts) != 0) {
                atomic_store(&w->slot->failed, 1);
                goto out;
            }
        }
        n += PUBLISH_EVERY;
        atomic_store_explicit(&w->slot->ops, n, memory_order_relaxed);
    }
out:
    if (w->impl->thread_free != NULL)
        w->impl->thread_free(ts);
    return NULL;
}

static unsigned long long total(struct slot *slots, int n)
{
    unsigned long long t = 0;

    for (int i = 0; i < n; i++)
        t += atomic_load_explicit(&slots[i].ops, memory_order_relaxed);
    return t;
}

static double arg_num(const char *s, double dflt)
{
    char *end;
    double v;

    if (s == NULL)
        return dflt;
    v = strtod(s, &end);
    if (end == s || *end != '\0' || v <= 0) {
        fprintf(stderr, "bad number: %s\n", s);
        exit(2);
    }
    return v;
}

int bench_main(int argc, char **argv, const struct bench_impl *impl)
{
    static _Alignas(64) struct slot slots[MAX_THREADS];
    struct worker workers[MAX_THREADS];
    int unsupported = 0, nthreads, rc = 1, failed = 0;
    double secs, warm, t0, t1;
    unsigned long long c0, c1;
    void *shared;

    if (argc < 3) {
        fprintf(stderr, "usage: %s OP FIXTURE_DIR [THREADS [SECONDS "
                "[WARMUP]]]\n", argv[0]);
        return 2;
    }
    nthreads = (int)arg_num(argc > 3 ? argv[3] : NULL, 1);
    secs = arg_num(argc > 4 ? argv[4] : NULL, 1.0);
    warm = arg_num(argc > 5 ? argv[5] : NULL, 0.2);
    if (nthreads > MAX_THREADS)
        nthreads = MAX_THREADS;
    shared = impl->setup(argv[1], argv[2], &unsupported);
    if (shared == NULL) {
        if (unsupported) {
            fprintf(stderr, "%s: %s not offered\n", impl->name, argv[1]);
            return 3;
        }
        fprintf(stderr, "%s: set-up of %s failed\n", impl->name, argv[1]);
        return 1;
    }
    /* One untimed call proves the operation gives the expected result
     * before anything is measured. */
    {
        void *ts = impl->thread_init(shared);

        if (ts == NULL || impl->run(ts) != 0) {
            fprintf(stderr, "%s: %s gave a wrong result\n", impl->name,
                    argv[1]);
            goto out;
        }
        if (impl->thread_free != NULL)
            impl->thread_free(ts);
    }
    /* BENCH_ITERS=N: exactly N operations on this thread, untimed, for a
     * deterministic instruction count under callgrind. */
    if (getenv("BENCH_ITERS") != NULL) {
        long n = strtol(getenv("BENCH_ITERS"), NULL, 10);
        void *ts = impl->thread_init(shared);

        for (long i = 0; i < n; i++) {
            if (ts == NULL || impl->run(ts) != 0)
                goto out;
        }
        if (impl->thread_free != NULL)
            impl->thread_free(ts);
        printf("%s\t%s\titers\t%ld\n", impl->name, argv[1], n);
        rc = 0;
        goto out;
    }
    for (int i = 0; i < nthreads; i++) {
        workers[i].impl = impl;
        workers[i].shared = shared;
        workers[i].slot = &slots[i];
        if (pthread_create(&workers[i].tid, NULL, worker_main,
                           &workers[i]) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            exit(1);
        }
    }
    sleep_sec(warm);
    c0 = total(slots, nthreads);
    t0 = now_sec();
    sleep_sec(secs);
    c1 = total(slots, nthreads);
    t1 = now_sec();
    atomic_store(&stop_flag, 1);
    for (int i = 0; i < nthreads; i++) {
        pthread_join(workers[i].tid, NULL);
        failed |= atomic_load(&slots[i].failed);
    }
    if (failed) {
        fprintf(stderr, "%s: %s failed during the run\n", impl->name,
                argv[1]);
        goto out;
    }
    printf("%s\t%s\t%d\t%.0f\n", impl->name, argv[1], nthreads,
           (double)(c1 - c0) / (t1 - t0));
    rc = 0;
out:
    if (impl->teardown != NULL)
        impl->teardown(shared);
    return rc;
}

char *bench_read(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    FILE *f;
    char *buf;
    long n;

    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
        sizeof(path)) {
        fprintf(stderr, "path too long\n");
        exit(1);
    }
    f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "cannot read fixture %s\n", path);
        exit(1);
    }
    buf = malloc((size_t)n + 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "cannot read fixture %s\n", path);
        exit(1);
    }
    fclose(f);
    buf[n] = '\0';
    if (len != NULL)
        *len = (size_t)n;
    return buf;
}

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

long bench_b64url_decode(const char *in, size_t len, unsigned char *out,
                         size_t cap)
{
    unsigned long acc = 0;
    int bits = 0;
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        int v = b64val((unsigned char)in[i]);

        if (v < 0)
            return -1;
        acc = (acc << 6) | (unsigned long)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n == cap)
                return -1;
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    return (long)n;
}
