/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The server side of the store watcher (serve_sync.c): started by
 * `jwtd serve` once the HTTP daemon runs, stopped before it stops.
 */
#ifndef JWTD_SERVER_SERVE_SYNC_H
#define JWTD_SERVER_SERVE_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/http.h"
#include "server/sync.h"

/* SQLite poll period and full resync period. */
#define JWTD__SYNC_POLL_MS 250
#define JWTD__SYNC_RESYNC_S 30
/* Users whose records protected routes keep in memory. */
#define JWTD__USER_CACHE_SLOTS 4096

struct jwtd__serve_sync {
    struct jwtd__srv *srv;   /* borrowed; outlives the watcher */
    jwtd__sync *sync;
    bool store_keys;         /* false with --key FILE: keys are fixed */
    int64_t keep_s;          /* a retired key verifies this long */
};

bool jwtd__serve_sync_start(struct jwtd__serve_sync *ss,
                            struct jwtd__srv *srv, const char *target,
                            bool store_keys, int64_t keep_s, char *errbuf,
                            size_t errlen);
void jwtd__serve_sync_stop(struct jwtd__serve_sync *ss);

#endif /* JWTD_SERVER_SERVE_SYNC_H */
