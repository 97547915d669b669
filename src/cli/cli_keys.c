/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Key material for the token and jws commands: --key FILE (PEM, JWK,
 * JWKS or raw bytes, through jwtd_keyring_load), --secret TEXT,
 * --secret-file FILE and the JWTD_SECRET environment variable, which
 * keeps a secret out of ps.  Raw secrets are used byte for byte, as Node
 * uses what fs.readFileSync returns; what might surprise (a trailing
 * newline, a secret shorter than the hash) is accepted with a warning.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli/cli_args.h"

/* A raw secret file whose last byte is a newline almost always came from
 * an editor or echo; Node keeps that byte and so do we, but say so. */
static void warn_newline(const char *path, const char *data, size_t len)
{
    if (len > 0 && data[len - 1] == '\n')
        jwtd__cli_msg("warning: '%s' ends in a newline, which is kept as "
                      "part of the secret (as Node would keep it)", path);
}

static bool looks_like_json(const char *data, size_t len)
{
    size_t i = 0;

    while (i < len && (data[i] == ' ' || data[i] == '\t' ||
                       data[i] == '\n' || data[i] == '\r'))
        i++;
    return i < len && data[i] == '{';
}

/* Adds a key made from raw secret bytes to a new ring in keys. */
static int ring_of_secret(const char *cmd, const char *data, size_t len,
                          struct jwtd__cli_keys *keys)
{
    jwtd_key *key = NULL;
    jwtd_err e;

    if (len == 0)
        return jwtd__cli_usage_error(cmd, "the secret is empty");
    e = jwtd_key_from_secret(data, len, &key);
    if (e == JWTD_OK)
        e = jwtd_keyring_new(&keys->ring);
    if (e == JWTD_OK) {
        e = jwtd_keyring_add(keys->ring, key);
        key = NULL;
    }
    jwtd_key_free(key);
    if (e != JWTD_OK) {
        jwtd__cli_msg("cannot set up the secret: %s", jwtd_strerror(e));
        return JWTD__EXIT_REJECT;
    }
    keys->raw_secret_len = len;
    return 0;
}

static int load_key_file(const char *cmd, const char *path,
                         struct jwtd__cli_keys *keys)
{
    char *data = NULL;
    size_t len = 0;
    jwtd_error err;
    const jwtd_key *key;
    int rc;

    rc = jwtd__cli_read_file(path, JWTD__CLI_MAX_INPUT, &data, &len);
    if (rc != 0)
        goto out;
    if (len == 0) {
        rc = jwtd__cli_usage_error(cmd, "--key '%s' is empty", path);
        goto out;
    }
    memset(&err, 0, sizeof(err));
    if (jwtd_keyring_load(data, len, &keys->ring, &err) != JWTD_OK) {
        keys->ring = NULL;
        rc = jwtd__cli_usage_error(cmd, "--key '%s': %s", path,
                                   err.message[0] != '\0'
                                       ? err.message
                                       : jwtd_strerror(err.kind));
        goto out;
    }
    if (jwtd_keyring_count(keys->ring) == 0) {
        rc = jwtd__cli_usage_error(cmd, "--key '%s' holds no key", path);
        goto out;
    }
    key = jwtd_keyring_at(keys->ring, 0);
    if (jwtd_keyring_count(keys->ring) == 1 &&
        jwtd_key_get_type(key) == JWTD_KEY_HMAC &&
        !looks_like_json(data, len)) {
        keys->raw_secret_len = len;
        warn_newline(path, data, len);
    }
    rc = 0;
out:
    if (data != NULL) {
        OPENSSL_cleanse(data, len);
        free(data);
    }
    return rc;
}

int jwtd__cli_load_keys(const char *cmd, struct jwtd__cli_keysrc *src,
                        bool allow_secret, struct jwtd__cli_keys *keys)
{
    const char *env;
    char *data = NULL;
    size_t len = 0;
    int rc;

    keys->ring = NULL;
    keys->raw_secret_len = 0;
    if (src->given > 1)
        return jwtd__cli_usage_error(cmd, "give only one of --key, "
                                     "--secret and --secret-file");
    if (src->key_file != NULL)
        return load_key_file(cmd, src->key_file, keys);
    if (!allow_secret || src->given == 0) {
        env = allow_secret ? getenv("JWTD_SECRET") : NULL;
        if (env == NULL || env[0] == '\0')
            return jwtd__cli_usage_error(cmd, allow_secret
                ? "a key is needed: --key FILE, --secret TEXT, "
                  "--secret-file FILE or JWTD_SECRET"
                : "a key is needed: --key FILE");
        return ring_of_secret(cmd, env, strlen(env), keys);
    }
    if (src->secret != NULL) {
        len = strlen(src->secret);
        rc = ring_of_secret(cmd, src->secret, len, keys);
        /* The library holds its own copy now; wipe the one in argv so it
         * lingers in fewer places (it was visible to ps until here). */
        OPENSSL_cleanse(src->secret, len);
        return rc;
    }
    rc = jwtd__cli_read_file(src->secret_file, JWTD__CLI_MAX_INPUT, &data,
                             &len);
    if (rc != 0)
        return rc;
    if (len > 0)
        warn_newline(src->secret_file, data, len);
    rc = ring_of_secret(cmd, data, len, keys);
    OPENSSL_cleanse(data, len);
    free(data);
    return rc;
}

void jwtd__cli_keys_free(struct jwtd__cli_keys *keys)
{
    jwtd_keyring_free(keys->ring);
    keys->ring = NULL;
}

static bool alg_is_hs(jwtd_alg a)
{
    return a == JWTD_ALG_HS256 || a == JWTD_ALG_HS384 || a == JWTD_ALG_HS512;
}

static bool alg_is_rsa(jwtd_alg a)
{
    return (a >= JWTD_ALG_RS256 && a <= JWTD_ALG_RS512) ||
           (a >= JWTD_ALG_PS256 && a <= JWTD_ALG_PS512);
}

bool jwtd__cli_key_fits(const jwtd_key *key, jwtd_alg alg)
{
    jwtd_alg bound = jwtd_key_alg(key);

    if (bound != JWTD_ALG_UNKNOWN)
        return bound == alg;
    switch (jwtd_key_get_type(key)) {
    case JWTD_KEY_HMAC:
        return alg_is_hs(alg);
    case JWTD_KEY_RSA:
        return alg_is_rsa(alg);
    case JWTD_KEY_RSA_PSS:
        return alg >= JWTD_ALG_PS256 && alg <= JWTD_ALG_PS512;
    case JWTD_KEY_EC:
        /* An unbound EC key's default is its curve's algorithm. */
        return alg == jwtd_key_default_alg(key);
    case JWTD_KEY_ED25519:
        return alg == JWTD_ALG_EDDSA;
    }
    return false;
}

void jwtd__cli_warn_short_secret(jwtd_alg alg, size_t len)
{
    size_t want;

    switch (alg) {
    case JWTD_ALG_HS256:
        want = 32;
        break;
    case JWTD_ALG_HS384:
        want = 48;
        break;
    case JWTD_ALG_HS512:
        want = 64;
        break;
    default:
        return;
    }
    /* RFC 7518 3.2: a key of the same size as the hash output or larger
     * MUST be used.  Node accepts shorter ones, so jwtd warns only. */
    if (len > 0 && len < want)
        jwtd__cli_msg("warning: the %s secret is %zu bytes; RFC 7518 3.2 "
                      "asks for at least %zu", jwtd_alg_name(alg), len, want);
}
