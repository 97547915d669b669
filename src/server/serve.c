/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * `jwtd serve`: reads the settings, opens the store (creating the first
 * admin and a signing key on a new one), loads the keys, starts the HTTP
 * server and waits for SIGINT or SIGTERM; then it stops accepting, lets
 * the requests in flight finish and closes the store cleanly.  The
 * banner tells a newcomer where to sign in and where the first admin
 * password is.  Exit codes: 0 after a clean shutdown, 1 when the server
 * cannot start, 2 for a usage or configuration mistake.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "server/firstrun.h"
#include "server/http.h"
#include "server/password.h"
#include "server/serve_config.h"
#include "server/serve_sync.h"

/* The largest key file read for --key. */
#define MAX_KEY_FILE (1024 * 1024)

static int usage_error(const char *msg)
{
    fprintf(stderr, "jwtd serve: %s\n(try 'jwtd serve --help')\n", msg);
    return 2;
}

static bool parse_port(const char *s, unsigned *port)
{
    unsigned long v = 0;
    size_t i;

    if (s[0] == '\0' || strlen(s) > 5)
        return false;
    for (i = 0; s[i] != '\0'; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v > 65535)
        return false;
    *port = (unsigned)v;
    return true;
}

/* Reads a whole key file of at most MAX_KEY_FILE bytes. */
static char *read_key_file(const char *path, size_t *len, char *errbuf,
                           size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n;

    if (f == NULL) {
        snprintf(errbuf, errlen, "--key: cannot open '%s': %s", path,
                 strerror(errno));
        return NULL;
    }
    buf = malloc(MAX_KEY_FILE + 1);
    if (buf == NULL) {
        snprintf(errbuf, errlen, "out of memory");
        goto out;
    }
    n = fread(buf, 1, MAX_KEY_FILE + 1, f);
    if (ferror(f) || n > MAX_KEY_FILE) {
        snprintf(errbuf, errlen, "--key: '%s' is unreadable or over 1 MiB",
                 path);
        free(buf);
        buf = NULL;
        goto out;
    }
    buf[n] = '\0';
    *len = n;
out:
    fclose(f);
    return buf;
}

/* Gives every key of a --key file a kid: a token must always name its
 * key (issue 4), and a file's own kid is kept.  RFC 7638's thumbprint
 * is stable, so instances given the same file agree on it. */
static bool name_file_keys(jwtd_keyring *ring, char *errbuf, size_t errlen)
{
    char tp[JWTD__THUMBPRINT_SIZE];
    size_t i;

    for (i = 0; i < jwtd_keyring_count(ring); i++) {
        /* The ring hands out const keys; naming one before anything
         * else can see the ring is safe (lookups compare kids on each
         * call, nothing is indexed). */
        jwtd_key *k = (jwtd_key *)jwtd_keyring_at(ring, i);

        if (jwtd_key_kid(k) != NULL)
            continue;
        if (!jwtd__key_thumbprint(k, tp) ||
            jwtd_key_set_kid(k, tp) != JWTD_OK) {
            snprintf(errbuf, errlen, "--key: cannot compute a kid for "
                     "key %zu", i + 1);
            return false;
        }
    }
    return true;
}

/* Loads the keys into the first snapshot: from --key, or from the
 * store (after first run made one).  keep_s is how long a retired
 * stored key keeps verifying. */
static bool load_keys(struct jwtd__srv *srv, const char *key_path,
                      int64_t keep_s, char *errbuf, size_t errlen)
{
    struct jwtd__keyset *ks = NULL;

    if (key_path != NULL) {
        jwtd_keyring *ring = NULL;
        jwtd_error err;
        size_t len = 0;
        char *data = read_key_file(key_path, &len, errbuf, errlen);

        if (data == NULL)
            return false;
        memset(&err, 0, sizeof(err));
        if (jwtd_keyring_load(data, len, &ring, &err) != JWTD_OK)
            snprintf(errbuf, errlen, "--key: %s", err.message);
        /* The file may hold a secret. */
        memset(data, 0, len);
        free(data);
        if (ring == NULL)
            return false;
        if (!name_file_keys(ring, errbuf, errlen)) {
            jwtd_keyring_free(ring);
            return false;
        }
        ks = jwtd__keyset_new(ring, NULL, errbuf, errlen);
    } else if (jwtd__keyset_load(srv->store, keep_s, (int64_t)time(NULL),
                                 NULL, &ks, errbuf, errlen) !=
               JWTD__STORE_OK) {
        return false;
    }
    if (ks == NULL)
        return false;
    srv->keys = jwtd__keyholder_new(ks);
    if (srv->keys == NULL) {
        snprintf(errbuf, errlen, "out of memory");
        return false;
    }
    return true;
}

/* --alg (issue 4): the stored active key must be of this algorithm; when
 * it is not, a new key is generated and made active now, the old one
 * retired and still verifying.  Several instances starting together
 * may each rotate once; all end on a key of the asked algorithm. */
static bool want_alg(jwtd__store *st, jwtd_alg want, char *errbuf,
                     size_t errlen)
{
    char kid[JWTD__KID_SIZE];
    jwtd_alg have;

    if (jwtd__keys_active_alg(st, &have) != JWTD__STORE_OK) {
        snprintf(errbuf, errlen, "cannot read the active key");
        return false;
    }
    if (have == want)
        return true;
    if (jwtd__keys_generate(st, want, kid, errbuf, errlen) !=
        JWTD__STORE_OK)
        return false;
    jwtd__log(JWTD__LOG_INFO, "--alg %s: generated key %s and made it "
              "active (the %s key is retired, still verifying)",
              jwtd_alg_name(want), kid, jwtd_alg_name(have));
    return true;
}

/* Reads --expires-in as whole seconds when it is only digits (DESIGN.md:
 * "--expires-in 3600" is an hour), else with ms's rules. */
static bool set_expiry(struct jwtd__srv *srv, const char *text)
{
    double ms;

    if (jwtd_span_parse(text, strlen(text), true, &ms) != JWTD_OK ||
        !isfinite(ms) || ms < 1000.0 || ms > 1e13)
        return false;
    srv->expires_in = strdup(text);
    srv->expires_s = (int64_t)floor(ms / 1000.0);
    return srv->expires_in != NULL;
}

/* A span setting in whole seconds (digits alone are seconds, else ms's
 * rules), within [min_s, max_s]. */
static bool span_seconds(const char *text, int64_t min_s, int64_t max_s,
                         int64_t *out)
{
    double ms;

    if (text == NULL ||
        jwtd_span_parse(text, strlen(text), true, &ms) != JWTD_OK ||
        !isfinite(ms) || ms < (double)min_s * 1000.0 ||
        ms > (double)max_s * 1000.0)
        return false;
    *out = (int64_t)floor(ms / 1000.0);
    return true;
}

/* A count of 1 to max, digits only. */
static bool parse_count(const char *s, unsigned max, unsigned *out)
{
    unsigned long v = 0;
    size_t i;

    if (s == NULL || s[0] == '\0' || strlen(s) > 9)
        return false;
    for (i = 0; s[i] != '\0'; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (v < 1 || v > max)
        return false;
    *out = (unsigned)v;
    return true;
}

/* The issue 7 settings: refresh lifetime and grace, cookies, trusted
 * proxies and the login throttle.  Returns NULL or a usage message. */
static const char *session_settings(struct jwtd__srv *srv,
                                    const char *const *v,
                                    struct jwtd__sessions_config *sc,
                                    struct jwtd__throttle_policy *tp)
{
    bool insecure = false;

    sc->access_lifetime_s = srv->expires_s;
    if (!span_seconds(v[JWTD__OPT_REFRESH_EXPIRES_IN], 60,
                      (int64_t)366 * 86400, &sc->refresh_lifetime_s))
        return "--refresh-expires-in must be a time span from 1 minute to "
               "1 year: 14d, 12h, 86400";
    if (!span_seconds(v[JWTD__OPT_REFRESH_GRACE], 0, 300, &sc->grace_s))
        return "--refresh-grace must be 0 to 300 seconds";
    if (!jwtd__serve_bool(v[JWTD__OPT_COOKIE_MODE], &srv->cookie_mode))
        return "--cookie-mode takes true or false";
    if (!jwtd__serve_bool(v[JWTD__OPT_INSECURE_COOKIES], &insecure))
        return "--insecure-cookies takes true or false";
    srv->secure_cookies = !insecure;
    if (!jwtd__proxies_parse(v[JWTD__OPT_TRUSTED_PROXY], &srv->proxies))
        return "--trusted-proxy must be a comma-separated list of up to 32 "
               "IP addresses or CIDR ranges";
    jwtd__throttle_policy_default(tp);
    if (!parse_count(v[JWTD__OPT_LOGIN_MAX_FAILURES], 1000,
                     &tp->max_failures))
        return "--login-max-failures must be a number from 1 to 1000";
    if (!span_seconds(v[JWTD__OPT_LOGIN_LOCKOUT], 1, 86400, &tp->lockout_s))
        return "--login-lockout must be a time span from 1 second to "
               "1 day";
    if (!span_seconds(v[JWTD__OPT_LOGIN_LOCKOUT_MAX], 1, 7 * 86400,
                      &tp->lockout_max_s) ||
        tp->lockout_max_s < tp->lockout_s)
        return "--login-lockout-max must be a time span of at least "
               "--login-lockout and at most 7 days";
    return NULL;
}

/* As many connections as the open-file limit allows, up to the cap. */
/* Descriptors open now (the store's files and connections, the log):
 * what the connection limit must leave room for. */
static unsigned open_descriptors(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    unsigned n = 0;

    if (d == NULL)
        return 64;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n > 0 ? n - 1 : 0;   /* not the directory's own */
}

/* Connections the front may hold: the open-file limit (raised as far as
 * allowed) less what is open already, two per worker (epoll, eventfd)
 * and a margin for what opens later (SQLite journals, PostgreSQL
 * reconnections).  Should it still run out, the front pauses accepting
 * for a second rather than spin (http_front.c). */
static unsigned connection_limit(unsigned threads)
{
    struct rlimit rl;
    rlim_t want = JWTD__HTTP_MAX_CONNECTIONS + 64, reserved;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1000;
    if (rl.rlim_cur < want && rl.rlim_max != rl.rlim_cur) {
        rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
        (void)getrlimit(RLIMIT_NOFILE, &rl);
    }
    reserved = (rlim_t)open_descriptors() + 2u * threads + 32u;
    if (rl.rlim_cur >= reserved + JWTD__HTTP_MAX_CONNECTIONS)
        return JWTD__HTTP_MAX_CONNECTIONS;
    return rl.rlim_cur > reserved ? (unsigned)(rl.rlim_cur - reserved) : 1;
}

static void banner(const char *bind, unsigned port, unsigned threads,
                   const char *db, bool admin_created)
{
    char host[80];
    char pwfile[1024];
    struct stat sb;

    if (strchr(bind, ':') != NULL)
        snprintf(host, sizeof(host), "[%s]", bind);
    else if (strcmp(bind, "0.0.0.0") == 0)
        snprintf(host, sizeof(host), "127.0.0.1");
    else
        snprintf(host, sizeof(host), "%s", bind);
    (void)jwtd__admin_password_path(db, pwfile, sizeof(pwfile));
    fprintf(stderr,
            "jwtd %s listening on http://%s:%u/ (%u worker threads)\n"
            "  Sign in on that page, or from a shell:\n"
            "    curl -s http://%s:%u/api/login "
            "-H 'Content-Type: application/json' \\\n"
            "      -d '{\"username\":\"admin\",\"password\":\"...\"}'\n",
            JWTD_VERSION, host, port, threads, host, port);
    if (stat(pwfile, &sb) == 0)
        fprintf(stderr, "  The first password of 'admin' is in %s "
                "(readable only by you).\n", pwfile);
    else
        fprintf(stderr, "  Add users with 'jwtd user add NAME --db %s'.\n",
                db);
    fprintf(stderr, "  Press Ctrl-C to stop.\n");
}

static void log_keys(jwtd__keyholder *keys)
{
    unsigned ticket;
    const struct jwtd__keyset *ks = jwtd__keyholder_acquire(keys, &ticket);

    jwtd__log(JWTD__LOG_INFO, "started alg=%s kid=%s keys=%zu",
              jwtd_alg_name(ks->sign_alg), jwtd_key_kid(ks->sign_key),
              jwtd_keyring_count(ks->ring));
    jwtd__keyholder_release(keys, ticket);
}

static void srv_clear(struct jwtd__srv *srv)
{
    jwtd__sessions_free(srv->sessions);
    jwtd__tstore_close(srv->throttle);
    jwtd__keyholder_free(srv->keys);
    jwtd__user_cache_free(srv->users);
    free(srv->expires_in);
    free(srv->issuer);
    free(srv->audience);
    jwtd__store_close(srv->store);
    memset(srv, 0, sizeof(*srv));
}

static unsigned worker_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    if (n < 1)
        return 1;
    return n > 64 ? 64 : (unsigned)n;
}

/* Everything after the settings are read; returns the exit code. */
static int run(const struct jwtd__serve_config *cfg)
{
    const char *const *v = (const char *const *)cfg->value;
    struct jwtd__srv srv;
    struct jwtd__http *http = NULL;
    enum jwtd__log_level level;
    char errbuf[512] = "";
    struct jwtd__sessions_config sess_cfg;
    struct jwtd__throttle_policy policy;
    jwtd__sstore *sstore = NULL;
    const char *usage;
    unsigned port, threads = worker_threads();
    bool admin_created = false;
    struct jwtd__serve_sync watch;
    jwtd_alg alg = JWTD_ALG_HS256;
    int64_t keep_s;
    sigset_t sigs;
    int sig = 0, rc = 1;

    memset(&srv, 0, sizeof(srv));
    if (!parse_port(v[JWTD__OPT_PORT], &port))
        return usage_error("--port must be a number from 0 to 65535");
    if (!jwtd__log_parse_level(v[JWTD__OPT_LOG_LEVEL], &level))
        return usage_error("--log-level must be error, warn, info or debug");
    jwtd__log_set_level(level);
    if (!set_expiry(&srv, v[JWTD__OPT_EXPIRES_IN])) {
        free(srv.expires_in);
        return usage_error("--expires-in must be a time span of at least "
                           "1 second: 3600, 15m, 1h, 2 days");
    }
    /* A retired key verifies while a token it signed can live: the
     * token lifetime plus a minute of clock difference between
     * instances. */
    keep_s = srv.expires_s + 60;
    if (v[JWTD__OPT_ALG] != NULL) {
        alg = jwtd_alg_from_name(v[JWTD__OPT_ALG],
                                 strlen(v[JWTD__OPT_ALG]));
        if (alg == JWTD_ALG_UNKNOWN || alg == JWTD_ALG_NONE) {
            free(srv.expires_in);
            return usage_error("--alg must be HS256, HS384, HS512, RS256, "
                               "RS384, RS512, PS256, PS384, PS512, ES256, "
                               "ES384, ES512 or EdDSA");
        }
        if (v[JWTD__OPT_KEY] != NULL) {
            free(srv.expires_in);
            return usage_error("--alg chooses the stored key; it does not "
                               "go with --key");
        }
    }
    usage = session_settings(&srv, v, &sess_cfg, &policy);
    if (usage != NULL) {
        free(srv.expires_in);
        return usage_error(usage);
    }
    if (v[JWTD__OPT_ISSUER] != NULL)
        srv.issuer = strdup(v[JWTD__OPT_ISSUER]);
    if (v[JWTD__OPT_AUDIENCE] != NULL)
        srv.audience = strdup(v[JWTD__OPT_AUDIENCE]);

    if (jwtd__store_open(v[JWTD__OPT_DB], &srv.store, errbuf,
                         sizeof(errbuf)) != JWTD__STORE_OK) {
        jwtd__log(JWTD__LOG_ERROR, "cannot open store %s: %s",
                  v[JWTD__OPT_DB], errbuf);
        goto out;
    }
    /* First run: the admin user always; a stored key only when the
     * operator did not bring one with --key. */
    if (jwtd__firstrun_admin(srv.store, v[JWTD__OPT_DB], stderr,
                             &admin_created, errbuf, sizeof(errbuf)) !=
            JWTD__STORE_OK ||
        (v[JWTD__OPT_KEY] == NULL &&
         jwtd__firstrun_key(srv.store, alg, stderr, errbuf,
                            sizeof(errbuf)) != JWTD__STORE_OK)) {
        jwtd__log(JWTD__LOG_ERROR, "first run: %s", errbuf);
        goto out;
    }
    if (v[JWTD__OPT_KEY] == NULL && v[JWTD__OPT_ALG] != NULL &&
        !want_alg(srv.store, alg, errbuf, sizeof(errbuf))) {
        jwtd__log(JWTD__LOG_ERROR, "--alg: %s", errbuf);
        goto out;
    }
    if (!load_keys(&srv, v[JWTD__OPT_KEY], keep_s, errbuf,
                   sizeof(errbuf))) {
        jwtd__log(JWTD__LOG_ERROR, "keys: %s", errbuf);
        rc = v[JWTD__OPT_KEY] != NULL ? 2 : 1;
        goto out;
    }
    /* Sessions: their tables beside the store's, the denylist loaded
     * before the first request can be answered. */
    if (jwtd__sstore_open(v[JWTD__OPT_DB], &sstore, errbuf,
                          sizeof(errbuf)) != JWTD__STORE_OK) {
        jwtd__log(JWTD__LOG_ERROR, "%s", errbuf);
        goto out;
    }
    srv.sessions = jwtd__sessions_new(sstore, &sess_cfg,
                                      (int64_t)time(NULL));
    /* The login throttle's counters: in the store too, so every
     * process sharing it, and this one after a restart, sees them. */
    if (jwtd__tstore_open(v[JWTD__OPT_DB], &policy, &srv.throttle, errbuf,
                          sizeof(errbuf)) != JWTD__STORE_OK) {
        jwtd__log(JWTD__LOG_ERROR, "%s", errbuf);
        goto out;
    }
    /* The user records of protected routes are kept in memory.  On
     * PostgreSQL the watcher drops them when any process changes one
     * and an entry lives at most one resync period, the bound on
     * staleness should a notification be lost.  On SQLite every
     * look-up checks the WAL index's change stamp first (a read, no
     * lock), so a change by `jwtd user` shows on the very next request
     * while the store read and its file locks leave the protected path
     * (issue 6). */
    if ((srv.users = jwtd__user_cache_new(JWTD__USER_CACHE_SLOTS,
                                          JWTD__SYNC_RESYNC_S)) == NULL) {
        jwtd__log(JWTD__LOG_ERROR, "out of memory");
        goto out;
    }
    if (!jwtd__store_is_pg(v[JWTD__OPT_DB]))
        jwtd__user_cache_follow_stamp(srv.users);
    if (srv.sessions == NULL) {
        jwtd__log(JWTD__LOG_ERROR, "cannot load the sessions");
        goto out;
    }
    /* Make the dummy hash now so the first login of a missing user is
     * not slower than the others (SV-02). */
    jwtd__password_prepare_dummy();

    /* SIGINT and SIGTERM are taken by sigwait below; blocking them
     * before the workers start keeps them out of the worker threads. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    http = jwtd__http_start(&srv, v[JWTD__OPT_BIND], port, threads,
                            connection_limit(threads), errbuf,
                            sizeof(errbuf));
    if (http == NULL) {
        jwtd__log(JWTD__LOG_ERROR, "%s", errbuf);
        goto out;
    }
    /* The store watcher (issues 4 and 8): key changes and revocations
     * made by other processes reach this one within a second.  Its
     * thread inherits the blocked signals. */
    if (!jwtd__serve_sync_start(&watch, &srv, v[JWTD__OPT_DB],
                                v[JWTD__OPT_KEY] == NULL, keep_s, errbuf,
                                sizeof(errbuf))) {
        jwtd__log(JWTD__LOG_ERROR, "%s", errbuf);
        jwtd__http_stop(http);
        goto out;
    }
    banner(v[JWTD__OPT_BIND], jwtd__http_port(http), threads,
           v[JWTD__OPT_DB], admin_created);
    log_keys(srv.keys);
    jwtd__log(JWTD__LOG_INFO, "started expires_in=%llds "
              "refresh_expires_in=%llds grace=%llds cookie_mode=%d "
              "revoked_sessions=%zu", (long long)srv.expires_s,
              (long long)sess_cfg.refresh_lifetime_s,
              (long long)sess_cfg.grace_s, srv.cookie_mode ? 1 : 0,
              jwtd__sessions_denied_count(srv.sessions));
    while (sigwait(&sigs, &sig) != 0)
        ;
    jwtd__log(JWTD__LOG_INFO, "signal %d: shutting down", sig);
    jwtd__serve_sync_stop(&watch);
    jwtd__http_stop(http);
    jwtd__log(JWTD__LOG_INFO, "stopped");
    rc = 0;
out:
    srv_clear(&srv);
    return rc;
}

int jwtd__cmd_serve(int argc, char **argv)
{
    struct jwtd__serve_config cfg;
    char errbuf[512] = "";
    int rc;

    if (!jwtd__serve_config_load(&cfg, argc, argv, errbuf, sizeof(errbuf)))
        return usage_error(errbuf);
    if (cfg.help) {
        fputs(jwtd__serve_usage, stdout);
        jwtd__serve_config_clear(&cfg);
        return 0;
    }
    rc = run(&cfg);
    jwtd__serve_config_clear(&cfg);
    return rc;
}
