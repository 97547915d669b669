/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The settings of `jwtd serve` and where they come from: command-line
 * flags, then JWTD_* environment variables, then the config file (inih,
 * `key = value` lines named like the long flags), then the defaults.
 */
#ifndef JWTD_SERVER_SERVE_CONFIG_H
#define JWTD_SERVER_SERVE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* The settings, each a string or NULL when that layer does not set it.
 * The order matches the table in serve_config.c.  A switch (such as
 * --cookie-mode) given as a bare flag reads "true"; jwtd__serve_bool
 * reads its value from any layer. */
enum jwtd__serve_opt {
    JWTD__OPT_PORT = 0,
    JWTD__OPT_BIND,
    JWTD__OPT_DB,
    JWTD__OPT_CONFIG,
    JWTD__OPT_EXPIRES_IN,
    JWTD__OPT_ISSUER,
    JWTD__OPT_AUDIENCE,
    JWTD__OPT_KEY,
    JWTD__OPT_LOG_LEVEL,
    JWTD__OPT_REFRESH_EXPIRES_IN,
    JWTD__OPT_REFRESH_GRACE,
    JWTD__OPT_COOKIE_MODE,
    JWTD__OPT_INSECURE_COOKIES,
    JWTD__OPT_TRUSTED_PROXY,
    JWTD__OPT_LOGIN_MAX_FAILURES,
    JWTD__OPT_LOGIN_LOCKOUT,
    JWTD__OPT_LOGIN_LOCKOUT_MAX,
    JWTD__OPT_ALG,
    JWTD__OPT__COUNT
};

struct jwtd__serve_config {
    char *value[JWTD__OPT__COUNT];   /* owned, merged result */
    bool help;
};

/* Reads argv (after "serve"), the environment and the config file, and
 * fills cfg with the merged values (defaults included).  Returns false
 * with a message in errbuf on a usage or config-file error. */
bool jwtd__serve_config_load(struct jwtd__serve_config *cfg, int argc,
                             char **argv, char *errbuf, size_t errlen);
void jwtd__serve_config_clear(struct jwtd__serve_config *cfg);

/* A switch's value: "true", "1", "yes", "on" are true; "false", "0",
 * "no", "off" and NULL are false; anything else fails. */
bool jwtd__serve_bool(const char *value, bool *out);

/* The usage text. */
extern const char jwtd__serve_usage[];

#endif /* JWTD_SERVER_SERVE_CONFIG_H */
