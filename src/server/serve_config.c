/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Merging the settings of `jwtd serve` from its four sources, highest
 * first: flags (--port 5000 or --port=5000), JWTD_* environment
 * variables (JWTD_PORT, JWTD_EXPIRES_IN, ...), the config file named by
 * --config or JWTD_CONFIG (inih: `key = value`, keys spelled like the
 * long flags, '#' or ';' comments, sections ignored), then the defaults.
 * An unknown flag or file key is an error, not a silent no-op, so a
 * typo cannot leave a setting at its default unnoticed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "server/serve_config.h"
#include "server/store.h"

const char jwtd__serve_usage[] =
    "usage: jwtd serve [options]\n"
    "\n"
    "Runs the login server.  Every option may also come from the\n"
    "environment (JWTD_PORT, JWTD_BIND, ...) or from the config file\n"
    "(`port = 5000` lines); flags win over the environment, which wins\n"
    "over the file.\n"
    "\n"
    "  --port N           TCP port (default 5000; 0 picks a free one)\n"
    "  --bind ADDR        IPv4 or IPv6 address (default 127.0.0.1)\n"
    "  --db FILE          user and key store (default jwtd.db)\n"
    "  --config FILE      config file of key = value lines\n"
    "  --expires-in SPAN  token lifetime: 3600 (seconds), 15m, 1h, 2 days\n"
    "                     (default 1h)\n"
    "  --issuer ISS       iss claim to sign and require\n"
    "  --audience AUD     aud claim to sign and require\n"
    "  --key FILE         sign and verify with this key (secret, PEM, JWK\n"
    "                     or JWKS) instead of the stored one\n"
    "  --alg ALG          algorithm of the stored signing key (HS256,\n"
    "                     ES256, EdDSA, ...): when the active key has\n"
    "                     another, a new one is made active at start\n"
    "  --log-level LEVEL  error, warn, info (default) or debug\n"
    "  --refresh-expires-in SPAN  refresh token lifetime (default 14d)\n"
    "  --refresh-grace SEC  seconds a rotated refresh token may be\n"
    "                     repeated for the same successor (default 10)\n"
    "  --cookie-mode      login sets the refresh token as an HttpOnly\n"
    "                     cookie with a CSRF cookie (for browsers)\n"
    "  --insecure-cookies omit Secure from cookies (plain-HTTP dev only)\n"
    "  --trusted-proxy LIST  proxy addresses or CIDRs whose\n"
    "                     X-Forwarded-For is believed (default none)\n"
    "  --login-max-failures N  failed logins per user and address\n"
    "                     before a lockout (default 5)\n"
    "  --login-lockout SPAN  first lockout, doubling (default 1m)\n"
    "  --login-lockout-max SPAN  longest lockout (default 15m)\n"
    "  -h, --help         this text\n";

struct opt_def {
    const char *name;      /* flag and file key, without "--" */
    const char *env;
    const char *def;       /* default, or NULL */
    bool is_switch;        /* a bare flag means "true" */
};

static const struct opt_def defs[JWTD__OPT__COUNT] = {
    [JWTD__OPT_PORT] = {"port", "JWTD_PORT", "5000"},
    [JWTD__OPT_BIND] = {"bind", "JWTD_BIND", "127.0.0.1"},
    [JWTD__OPT_DB] = {"db", "JWTD_DB", "jwtd.db"},
    [JWTD__OPT_CONFIG] = {"config", "JWTD_CONFIG", NULL},
    [JWTD__OPT_EXPIRES_IN] = {"expires-in", "JWTD_EXPIRES_IN", "1h"},
    [JWTD__OPT_ISSUER] = {"issuer", "JWTD_ISSUER", NULL},
    [JWTD__OPT_AUDIENCE] = {"audience", "JWTD_AUDIENCE", NULL},
    [JWTD__OPT_KEY] = {"key", "JWTD_KEY", NULL},
    [JWTD__OPT_LOG_LEVEL] = {"log-level", "JWTD_LOG_LEVEL", "info"},
    [JWTD__OPT_REFRESH_EXPIRES_IN] = {"refresh-expires-in",
                                      "JWTD_REFRESH_EXPIRES_IN", "14d"},
    [JWTD__OPT_REFRESH_GRACE] = {"refresh-grace", "JWTD_REFRESH_GRACE",
                                 "10"},
    [JWTD__OPT_COOKIE_MODE] = {"cookie-mode", "JWTD_COOKIE_MODE", "false",
                               true},
    [JWTD__OPT_INSECURE_COOKIES] = {"insecure-cookies",
                                    "JWTD_INSECURE_COOKIES", "false", true},
    [JWTD__OPT_TRUSTED_PROXY] = {"trusted-proxy", "JWTD_TRUSTED_PROXY",
                                 NULL},
    [JWTD__OPT_LOGIN_MAX_FAILURES] = {"login-max-failures",
                                      "JWTD_LOGIN_MAX_FAILURES", "5"},
    [JWTD__OPT_LOGIN_LOCKOUT] = {"login-lockout", "JWTD_LOGIN_LOCKOUT",
                                 "1m"},
    [JWTD__OPT_LOGIN_LOCKOUT_MAX] = {"login-lockout-max",
                                     "JWTD_LOGIN_LOCKOUT_MAX", "15m"},
    [JWTD__OPT_ALG] = {"alg", "JWTD_ALG", NULL},
};

/* The store's error-buffer writer, under a short local name. */
#define set_err jwtd__store_set_err

static int find_opt(const char *name, size_t len)
{
    int i;

    for (i = 0; i < JWTD__OPT__COUNT; i++) {
        if (strlen(defs[i].name) == len &&
            memcmp(defs[i].name, name, len) == 0)
            return i;
    }
    return -1;
}

static bool set_value(char **slot, const char *value)
{
    char *copy = strdup(value);

    if (copy == NULL)
        return false;
    free(*slot);
    *slot = copy;
    return true;
}

static void clear_layer(char **layer)
{
    int i;

    for (i = 0; i < JWTD__OPT__COUNT; i++) {
        free(layer[i]);
        layer[i] = NULL;
    }
}

static bool parse_flags(char **layer, bool *help, int argc, char **argv,
                        char *errbuf, size_t errlen)
{
    int i;

    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *eq, *value;
        size_t nlen;
        int opt;

        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            *help = true;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0) {
            set_err(errbuf, errlen, "unexpected argument '%s'", arg);
            return false;
        }
        eq = strchr(arg + 2, '=');
        nlen = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        opt = find_opt(arg + 2, nlen);
        if (opt < 0) {
            set_err(errbuf, errlen, "unknown option '%.*s'",
                    (int)(nlen + 2), arg);
            return false;
        }
        if (eq != NULL) {
            value = eq + 1;
        } else if (defs[opt].is_switch) {
            value = "true";
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            set_err(errbuf, errlen, "option '%s' needs a value", arg);
            return false;
        }
        if (!set_value(&layer[opt], value)) {
            set_err(errbuf, errlen, "out of memory");
            return false;
        }
    }
    return true;
}

static bool read_env(char **layer, char *errbuf, size_t errlen)
{
    int i;

    for (i = 0; i < JWTD__OPT__COUNT; i++) {
        const char *v = getenv(defs[i].env);

        if (v != NULL && *v != '\0' && !set_value(&layer[i], v)) {
            set_err(errbuf, errlen, "out of memory");
            return false;
        }
    }
    return true;
}

struct file_ctx {
    char **layer;
    char bad_key[64];
};

static int on_ini(void *user, const char *section, const char *name,
                  const char *value)
{
    struct file_ctx *fc = user;
    int opt = find_opt(name, strlen(name));

    (void)section;
    /* A config file naming another config file would be a loop. */
    if (opt < 0 || opt == JWTD__OPT_CONFIG) {
        snprintf(fc->bad_key, sizeof(fc->bad_key), "%s", name);
        return 0;
    }
    return set_value(&fc->layer[opt], value) ? 1 : 0;
}

static bool read_file(char **layer, const char *path, char *errbuf,
                      size_t errlen)
{
    struct file_ctx fc;
    int rc;

    memset(&fc, 0, sizeof(fc));
    fc.layer = layer;
    rc = ini_parse(path, on_ini, &fc);
    if (rc == -1) {
        set_err(errbuf, errlen, "cannot open config file '%s'", path);
        return false;
    }
    if (rc != 0) {
        if (fc.bad_key[0] != '\0')
            set_err(errbuf, errlen, "%s:%d: unknown setting '%s'", path, rc,
                    fc.bad_key);
        else
            set_err(errbuf, errlen, "%s:%d: cannot read this line", path,
                    rc);
        return false;
    }
    return true;
}

bool jwtd__serve_config_load(struct jwtd__serve_config *cfg, int argc,
                             char **argv, char *errbuf, size_t errlen)
{
    char *flags[JWTD__OPT__COUNT] = {0};
    char *env[JWTD__OPT__COUNT] = {0};
    char *file[JWTD__OPT__COUNT] = {0};
    const char *config_path;
    bool ok = false;
    int i;

    memset(cfg, 0, sizeof(*cfg));
    if (!parse_flags(flags, &cfg->help, argc, argv, errbuf, errlen))
        goto out;
    if (cfg->help) {
        ok = true;
        goto out;
    }
    if (!read_env(env, errbuf, errlen))
        goto out;
    config_path = flags[JWTD__OPT_CONFIG] ? flags[JWTD__OPT_CONFIG]
                                          : env[JWTD__OPT_CONFIG];
    if (config_path != NULL && !read_file(file, config_path, errbuf, errlen))
        goto out;
    for (i = 0; i < JWTD__OPT__COUNT; i++) {
        const char *v = flags[i] ? flags[i]
                      : env[i]   ? env[i]
                      : file[i]  ? file[i]
                                 : defs[i].def;

        if (v != NULL && !set_value(&cfg->value[i], v)) {
            set_err(errbuf, errlen, "out of memory");
            goto out;
        }
    }
    ok = true;
out:
    clear_layer(flags);
    clear_layer(env);
    clear_layer(file);
    if (!ok)
        jwtd__serve_config_clear(cfg);
    return ok;
}

void jwtd__serve_config_clear(struct jwtd__serve_config *cfg)
{
    clear_layer(cfg->value);
}

bool jwtd__serve_bool(const char *value, bool *out)
{
    static const char *const yes[] = {"true", "1", "yes", "on"};
    static const char *const no[] = {"false", "0", "no", "off"};
    size_t i;

    *out = false;
    if (value == NULL)
        return true;
    for (i = 0; i < 4; i++) {
        if (strcmp(value, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcmp(value, no[i]) == 0)
            return true;
    }
    return false;
}
