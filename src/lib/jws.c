/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Compact JWS verification (RFC 7515) for payloads that are not JWT
 * claims: the same strict parse, algorithm and key rules and crit check
 * as jwtd_verify, but the payload may be any bytes and no claim is read.
 */
#include "internal.h"
#include "token.h"

jwtd_err jwtd_jws_verify(const char *token, size_t len,
                         const jwtd_keyring *ring,
                         const jwtd_alg *algorithms, size_t algorithm_count,
                         jwtd_token **out, jwtd_error *err)
{
    jwtd_token *tok = NULL;
    jwtd_err rc;

    if (out != NULL)
        *out = NULL;
    if (algorithm_count > 0 && algorithms == NULL)
        return jwtd__fail(err, JWTD_ERR_BAD_OPTION, "list without items");
    rc = jwtd__token_parse(token, len, 0, false, NULL, &tok, err);
    if (rc != JWTD_OK)
        return rc;
    rc = jwtd__ring_signature(tok, token, ring, algorithms, algorithm_count,
                              err);
    if (rc == JWTD_OK)
        rc = jwtd__check_crit(tok, err);
    if (rc != JWTD_OK || out == NULL) {
        jwtd_token_free(tok);
        return rc;
    }
    *out = tok;
    return JWTD_OK;
}
