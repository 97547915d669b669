/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * What a running server does when its store watcher (sync.h) reports a
 * change (issues 4 and 8): rebuild the key snapshot when the stored
 * keys differ from the ones it holds and swap it in, prune keys retired
 * longer than a token lives, feed revocations made by other processes
 * into the in-memory denylist, drop user records another process
 * changed from the user cache.  (Login outcomes are no longer
 * announced: the throttle's counters live in the store itself,
 * throttle_store.h.)  Runs on the watcher thread only.  A store that
 * cannot be read leaves everything as it was: the keys held keep
 * verifying, the denylist stays as last known, and the next full
 * resync (after a reconnection, or on the timer) catches up.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server/auth.h"
#include "server/serve_sync.h"

static void reload_keys(struct jwtd__serve_sync *ss, int64_t now)
{
    unsigned ticket;
    const struct jwtd__keyset *cur;
    struct jwtd__keyset *next = NULL;
    char err[256] = "";
    char *fp;
    jwtd__store_rc rc;

    if (!ss->store_keys)
        return;
    /* Only this thread swaps, so the fingerprint read here stays the
     * current one until the swap below. */
    cur = jwtd__keyholder_acquire(ss->srv->keys, &ticket);
    fp = strdup(cur->fingerprint);
    jwtd__keyholder_release(ss->srv->keys, ticket);
    if (fp == NULL)
        return;
    rc = jwtd__keyset_load(ss->srv->store, ss->keep_s, now, fp, &next, err,
                           sizeof(err));
    free(fp);
    if (rc != JWTD__STORE_OK) {
        jwtd__log(JWTD__LOG_WARN, "sync: keys not reloaded: %s", err);
        return;
    }
    if (next == NULL)
        return;
    jwtd__log(JWTD__LOG_INFO, "sync: keys changed: signing with %s (%s), "
              "%zu keys verify", jwtd_key_kid(next->sign_key),
              jwtd_alg_name(next->sign_alg), jwtd_keyring_count(next->ring));
    jwtd__keyholder_swap(ss->srv->keys, next);
}

static void reload_revocations(struct jwtd__serve_sync *ss, int64_t now)
{
    if (ss->srv->sessions != NULL &&
        jwtd__sessions_reload(ss->srv->sessions, now) != JWTD__SESS_OK)
        jwtd__log(JWTD__LOG_WARN, "sync: revocations not read; the "
                  "denylist stays as last known");
}

/* "user <id>": passwd, disable or del somewhere. */
static void note_user(struct jwtd__serve_sync *ss, const char *p)
{
    int64_t id = 0;

    for (; *p >= '0' && *p <= '9' && id < (int64_t)1e17; p++)
        id = id * 10 + (*p - '0');
    if (*p == '\0' && ss->srv->users != NULL)
        jwtd__user_cache_forget(ss->srv->users, id);
}

/* "revoke <32 hex> <unix seconds>" from another instance. */
static void note_revoke(struct jwtd__serve_sync *ss, const char *p,
                        int64_t now)
{
    char sid[JWTD__SID_LEN + 1];
    int64_t at = 0;
    size_t i;

    for (i = 0; i < JWTD__SID_LEN; i++) {
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
            return;
        sid[i] = p[i];
    }
    sid[JWTD__SID_LEN] = '\0';
    if (p[i++] != ' ')
        return;
    for (; p[i] >= '0' && p[i] <= '9' && at < (int64_t)1e15; i++)
        at = at * 10 + (p[i] - '0');
    if (p[i] != '\0' || at == 0 || ss->srv->sessions == NULL)
        return;
    if (!jwtd__sessions_deny(ss->srv->sessions, sid, at, now))
        jwtd__log(JWTD__LOG_ERROR, "sync: out of memory for the denylist");
}

static void on_event(void *arg, enum jwtd__sync_event ev,
                     const char *payload)
{
    struct jwtd__serve_sync *ss = arg;
    int64_t now = (int64_t)time(NULL);

    switch (ev) {
    case JWTD__SYNC_FULL:
        /* Notifications may have been missed (a reconnection): users
         * are read again. */
        if (ss->srv->users != NULL)
            jwtd__user_cache_clear(ss->srv->users);
        reload_keys(ss, now);
        if (ss->store_keys &&
            jwtd__store_key_prune(ss->srv->store, now - ss->keep_s - 60) ==
                JWTD__STORE_OK)
            reload_keys(ss, now);
        /* Everything revoked while a token of that session could still
         * be alive. */
        reload_revocations(ss, now);
        break;
    case JWTD__SYNC_CHANGED:
        /* SQLite says only that something changed. */
        if (ss->srv->users != NULL)
            jwtd__user_cache_clear(ss->srv->users);
        reload_keys(ss, now);
        reload_revocations(ss, now);
        break;
    case JWTD__SYNC_NOTIFY:
        if (strcmp(payload, JWTD__SYNC_KEYS) == 0)
            reload_keys(ss, now);
        else if (strncmp(payload, JWTD__SYNC_REVOKE " ",
                         sizeof(JWTD__SYNC_REVOKE)) == 0)
            note_revoke(ss, payload + sizeof(JWTD__SYNC_REVOKE), now);
        else if (strncmp(payload, "user ", 5) == 0)
            note_user(ss, payload + 5);
        /* "fail" and "ok" from instances of before issue 8 are
         * ignored: login counters now live in the store. */
        break;
    case JWTD__SYNC_LOST:
        jwtd__log(JWTD__LOG_WARN, "sync: lost the database; verifying with "
                  "the keys held, denylist as last known");
        break;
    }
}

bool jwtd__serve_sync_start(struct jwtd__serve_sync *ss,
                            struct jwtd__srv *srv, const char *target,
                            bool store_keys, int64_t keep_s, char *errbuf,
                            size_t errlen)
{
    struct jwtd__sync_config cfg;

    memset(ss, 0, sizeof(*ss));
    ss->srv = srv;
    ss->store_keys = store_keys;
    ss->keep_s = keep_s;
    memset(&cfg, 0, sizeof(cfg));
    cfg.target = target;
    cfg.poll_ms = JWTD__SYNC_POLL_MS;
    cfg.resync_s = JWTD__SYNC_RESYNC_S;
    cfg.on_event = on_event;
    cfg.arg = ss;
    ss->sync = jwtd__sync_start(&cfg, errbuf, errlen);
    return ss->sync != NULL;
}

void jwtd__serve_sync_stop(struct jwtd__serve_sync *ss)
{
    jwtd__sync_stop(ss->sync);
    ss->sync = NULL;
}
