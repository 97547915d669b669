/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Algorithm names as they appear in a JWS "alg" header (RFC 7518 3.1).
 * Lookup is exact and case-sensitive, with the length given, so a name
 * carrying a NUL byte or trailing text never matches.
 */
#include <string.h>

#include "internal.h"

static const char *const names[JWTD_ALG__COUNT] = {
    [JWTD_ALG_NONE] = "none",
    [JWTD_ALG_HS256] = "HS256", [JWTD_ALG_HS384] = "HS384",
    [JWTD_ALG_HS512] = "HS512",
    [JWTD_ALG_RS256] = "RS256", [JWTD_ALG_RS384] = "RS384",
    [JWTD_ALG_RS512] = "RS512",
    [JWTD_ALG_PS256] = "PS256", [JWTD_ALG_PS384] = "PS384",
    [JWTD_ALG_PS512] = "PS512",
    [JWTD_ALG_ES256] = "ES256", [JWTD_ALG_ES384] = "ES384",
    [JWTD_ALG_ES512] = "ES512",
    [JWTD_ALG_EDDSA] = "EdDSA",
};

jwtd_alg jwtd_alg_from_name(const char *name, size_t len)
{
    int i;

    if (name == NULL)
        return JWTD_ALG_UNKNOWN;
    for (i = 0; i < JWTD_ALG__COUNT; i++) {
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
            return (jwtd_alg)i;
    }
    return JWTD_ALG_UNKNOWN;
}

const char *jwtd_alg_name(jwtd_alg alg)
{
    if ((int)alg < 0 || alg >= JWTD_ALG__COUNT)
        return "unknown";
    return names[alg];
}
