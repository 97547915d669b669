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

static jwtd_alg alg_of(const jwtd_key *k)
{
    jwtd_alg a = jwtd_key_alg(k);

    return a != JWTD_ALG_UNKNOWN ? a : jwtd_key_default_alg(k);
}

/* Loads the keys: from --key, or from the store (after first run made
 * one).  Picks the signing key and the verification allow-list. */
static bool load_keys(struct jwtd__srv *srv, const char *key_path,
                      char *errbuf, size_t errlen)
{
    char *active_kid = NULL;
    size_t i, j, n;
    bool ok = false;

    if (key_path != NULL) {
        jwtd_error err;
        size_t len = 0;
        char *data = read_key_file(key_path, &len, errbuf, errlen);

        if (data == NULL)
            return false;
        memset(&err, 0, sizeof(err));
        if (jwtd_keyring_load(data, len, &srv->ring, &err) != JWTD_OK)
            snprintf(errbuf, errlen, "--key: %s", err.message);
        /* The file may hold a secret. */
        memset(data, 0, len);
        free(data);
        if (srv->ring == NULL)
            return false;
    } else if (jwtd__keys_load(srv->store, &srv->ring, &active_kid, errbuf,
                               errlen) != JWTD__STORE_OK) {
        return false;
    }
    n = jwtd_keyring_count(srv->ring);
    if (active_kid != NULL)
        srv->sign_key = jwtd_keyring_find(srv->ring, active_kid,
                                          strlen(active_kid));
    for (i = 0; srv->sign_key == NULL && i < n; i++) {
        const jwtd_key *k = jwtd_keyring_at(srv->ring, i);

        if (jwtd_key_get_type(k) == JWTD_KEY_HMAC || jwtd_key_is_private(k))
            srv->sign_key = k;
    }
    if (srv->sign_key == NULL) {
        snprintf(errbuf, errlen, "no key that can sign (a secret or a "
                 "private key) in %s", key_path ? key_path : "the store");
        goto out;
    }
    srv->sign_alg = alg_of(srv->sign_key);
    /* The allow-list is the algorithms of our own keys, nothing the
     * token could choose (RFC 8725 3.1). */
    for (i = 0; i < n; i++) {
        jwtd_alg a = alg_of(jwtd_keyring_at(srv->ring, i));

        for (j = 0; j < srv->alg_count && srv->algs[j] != a; j++)
            ;
        if (j == srv->alg_count && a != JWTD_ALG_UNKNOWN &&
            a != JWTD_ALG_NONE && srv->alg_count < JWTD_ALG__COUNT)
            srv->algs[srv->alg_count++] = a;
    }
    if (jwtd_keyring_to_jwks(srv->ring, &srv->jwks) != JWTD_OK) {
        snprintf(errbuf, errlen, "cannot build the JWKS");
        goto out;
    }
    ok = true;
out:
    free(active_kid);
    return ok;
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
static unsigned connection_limit(void)
{
    struct rlimit rl;
    rlim_t want = JWTD__HTTP_MAX_CONNECTIONS + 64;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1000;
    if (rl.rlim_cur < want && rl.rlim_max != rl.rlim_cur) {
        rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
        (void)getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur >= want)
        return JWTD__HTTP_MAX_CONNECTIONS;
    return rl.rlim_cur > 128 ? (unsigned)(rl.rlim_cur - 64) : 64;
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
    if (admin_created && isatty(STDOUT_FILENO))
        fprintf(stderr, "  The password of 'admin' was printed above, "
                "once; change it with 'jwtd user passwd admin'.\n");
    else if (stat(pwfile, &sb) == 0)
        fprintf(stderr, "  The first password of 'admin' is in %s "
                "(readable only by you).\n", pwfile);
    else
        fprintf(stderr, "  Add users with 'jwtd user add NAME --db %s'.\n",
                db);
    fprintf(stderr, "  Press Ctrl-C to stop.\n");
}

static void srv_clear(struct jwtd__srv *srv)
{
    jwtd__sessions_free(srv->sessions);
    jwtd__throttle_free(srv->throttle);
    jwtd_keyring_free(srv->ring);
    free(srv->jwks);
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
         jwtd__firstrun_key(srv.store, JWTD_ALG_HS256, stderr, errbuf,
                            sizeof(errbuf)) != JWTD__STORE_OK)) {
        jwtd__log(JWTD__LOG_ERROR, "first run: %s", errbuf);
        goto out;
    }
    if (!load_keys(&srv, v[JWTD__OPT_KEY], errbuf, sizeof(errbuf))) {
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
    srv.throttle = jwtd__throttle_new(&policy);
    if (srv.sessions == NULL || srv.throttle == NULL) {
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
                            connection_limit(), errbuf, sizeof(errbuf));
    if (http == NULL) {
        jwtd__log(JWTD__LOG_ERROR, "%s", errbuf);
        goto out;
    }
    banner(v[JWTD__OPT_BIND], jwtd__http_port(http), threads,
           v[JWTD__OPT_DB], admin_created);
    jwtd__log(JWTD__LOG_INFO, "started alg=%s keys=%zu expires_in=%llds "
              "refresh_expires_in=%llds grace=%llds cookie_mode=%d "
              "revoked_sessions=%zu", jwtd_alg_name(srv.sign_alg),
              jwtd_keyring_count(srv.ring), (long long)srv.expires_s,
              (long long)sess_cfg.refresh_lifetime_s,
              (long long)sess_cfg.grace_s, srv.cookie_mode ? 1 : 0,
              jwtd__sessions_denied_count(srv.sessions));
    while (sigwait(&sigs, &sig) != 0)
        ;
    jwtd__log(JWTD__LOG_INFO, "signal %d: shutting down", sig);
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
