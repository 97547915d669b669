/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Error kinds, their fixed messages (jsonwebtoken's exact words where it
 * has them) and the helper every module uses to fill a caller's
 * jwtd_error.  The tables are constant, so this file has no state.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const char *const messages[JWTD_ERR__COUNT] = {
    [JWTD_OK] = "ok",
    [JWTD_ERR_MISSING] = "jwt must be provided",
    [JWTD_ERR_MALFORMED] = "jwt malformed",
    [JWTD_ERR_SIG_REQUIRED] = "jwt signature is required",
    [JWTD_ERR_SIGNATURE] = "invalid signature",
    [JWTD_ERR_ALGORITHM] = "invalid algorithm",
    [JWTD_ERR_TOKEN] = "invalid token",
    [JWTD_ERR_EXPIRED] = "jwt expired",
    [JWTD_ERR_NOT_ACTIVE] = "jwt not active",
    [JWTD_ERR_AUDIENCE] = "jwt audience invalid",
    [JWTD_ERR_ISSUER] = "jwt issuer invalid",
    [JWTD_ERR_SUBJECT] = "jwt subject invalid",
    [JWTD_ERR_JWTID] = "jwt jwtid invalid",
    [JWTD_ERR_NONCE] = "jwt nonce invalid",
    [JWTD_ERR_MAX_AGE] = "maxAge exceeded",
    [JWTD_ERR_IAT_REQUIRED] = "iat required when maxAge is specified",
    [JWTD_ERR_IAT_FUTURE] = "jwt issued in the future",
    [JWTD_ERR_INVALID_EXP] = "invalid exp value",
    [JWTD_ERR_INVALID_NBF] = "invalid nbf value",
    [JWTD_ERR_INVALID_IAT] = "invalid iat value",
    [JWTD_ERR_CRIT] = "unsupported crit header",
    [JWTD_ERR_TOO_LARGE] = "jwt too large",
    [JWTD_ERR_NO_KEY] = "secret or public key must be provided",
    [JWTD_ERR_BAD_SPAN] = "invalid time span",
    [JWTD_ERR_BAD_OPTION] = "invalid option",
    [JWTD_ERR_BAD_PAYLOAD] = "invalid payload",
    [JWTD_ERR_BAD_KEY] = "invalid key",
    [JWTD_ERR_NOMEM] = "out of memory",
    [JWTD_ERR_INTERNAL] = "internal error",
};

const char *jwtd_strerror(jwtd_err kind)
{
    if ((int)kind < 0 || kind >= JWTD_ERR__COUNT)
        return "unknown error";
    return messages[kind];
}

const char *jwtd_error_name(jwtd_err kind)
{
    switch (kind) {
    case JWTD_OK:
        return "OK";
    case JWTD_ERR_EXPIRED:
    case JWTD_ERR_MAX_AGE:
        return "TokenExpiredError";
    case JWTD_ERR_NOT_ACTIVE:
        return "NotBeforeError";
    case JWTD_ERR_BAD_SPAN:
    case JWTD_ERR_BAD_OPTION:
    case JWTD_ERR_BAD_PAYLOAD:
    case JWTD_ERR_BAD_KEY:
    case JWTD_ERR_NOMEM:
    case JWTD_ERR_INTERNAL:
    case JWTD_ERR__COUNT:
        return "Error";
    default:
        return "JsonWebTokenError";
    }
}

jwtd_err jwtd__fail(jwtd_error *err, jwtd_err kind, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return kind;
    err->kind = kind;
    err->expired_at = 0;
    err->date = 0;
    if (fmt == NULL) {
        snprintf(err->message, sizeof(err->message), "%s",
                 jwtd_strerror(kind));
        return kind;
    }
    va_start(ap, fmt);
    /* A detail longer than the buffer is cut, never overrun. */
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
    return kind;
}
