/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The timing harness every C benchmark in bench/lib shares.  A benchmark
 * names itself and supplies four callbacks (set-up on the shared fixtures,
 * per-thread state, one operation, clean-up); the harness runs the
 * operation on N threads for a warm-up and then a measured window, with
 * no lock between threads (each publishes its own count in its own cache
 * line), and prints one tab-separated line:
 *
 *     impl  op  threads  ops_per_second
 *
 * Usage: bench_x OP FIXTURE_DIR [THREADS [SECONDS [WARMUP]]].  Exit 3
 * means the implementation does not offer OP; the runner skips it.
 * With BENCH_ITERS=N in the environment it runs exactly N operations on
 * the main thread instead, untimed (for callgrind).
 */
#ifndef BENCH_HARNESS_H
#define BENCH_HARNESS_H

#include <stddef.h>

struct bench_impl {
    const char *name;
    /* Prepares OP from the fixtures in dir; NULL when OP is not offered
     * (*unsupported set) or set-up failed (message on stderr). */
    void *(*setup)(const char *op, const char *dir, int *unsupported);
    /* Per-thread state (may return shared itself); NULL on failure. */
    void *(*thread_init)(void *shared);
    /* One operation; 0 when it gave the expected result. */
    int (*run)(void *thread_state);
    void (*thread_free)(void *thread_state);
    void (*teardown)(void *shared);
};

int bench_main(int argc, char **argv, const struct bench_impl *impl);

/* The whole of dir/name, NUL-terminated, in a malloc'd buffer; exits the
 * program when the file cannot be read (a fixture is missing). */
char *bench_read(const char *dir, const char *name, size_t *len);

/* Decodes unpadded base64url; returns the decoded length or -1. */
long bench_b64url_decode(const char *in, size_t len, unsigned char *out,
                         size_t cap);

#endif /* BENCH_HARNESS_H */
