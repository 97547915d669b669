/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The protected routes: POST /api/posts, the example route of the
 * tutorial jwtd replaces ({"message","authData"} with the verified
 * claims exactly as they were signed), and GET /api/me with the user as
 * the store has it now.  Both answer only after jwtd__authenticate, and
 * both carry user data, so neither may be cached (SV-12).
 */
#include <stdlib.h>
#include <string.h>

#include "server/http.h"

unsigned jwtd__route_posts(const struct jwtd__srv *srv,
                           struct jwtd__conn *conn,
                           struct jwtd__req *req)
{
    struct jwtd__auth auth;
    struct jwtd__buf b = {0};
    const char *payload;
    size_t len;
    unsigned rc = jwtd__authenticate(srv, conn, req, &auth);

    if (rc != 0)
        return rc;
    /* The payload's original bytes, already validated as one JSON
     * object by jwtd_verify_ring. */
    payload = jwtd_token_payload(auth.token, &len);
    jwtd__buf_puts(&b, "{\"message\":\"Post created...\",\"authData\":");
    jwtd__buf_put(&b, payload, len);
    jwtd__buf_puts(&b, "}");
    jwtd__auth_clear(&auth);
    return jwtd__respond_json(conn, req, 200, jwtd__buf_take(&b),
                              JWTD__RESP_NO_STORE);
}

unsigned jwtd__route_me(const struct jwtd__srv *srv,
                        struct jwtd__conn *conn, struct jwtd__req *req)
{
    struct jwtd__auth auth;
    struct jwtd__buf b = {0};
    unsigned rc = jwtd__authenticate(srv, conn, req, &auth);

    if (rc != 0)
        return rc;
    jwtd__buf_puts(&b, "{\"sub\":\"");
    jwtd__buf_int(&b, auth.user.id);
    jwtd__buf_puts(&b, "\",\"name\":");
    jwtd__buf_json_str(&b, auth.user.name, strlen(auth.user.name));
    jwtd__buf_puts(&b, ",\"roles\":");
    jwtd__buf_roles(&b, auth.user.roles);
    jwtd__buf_puts(&b, "}");
    jwtd__auth_clear(&auth);
    return jwtd__respond_json(conn, req, 200, jwtd__buf_take(&b),
                              JWTD__RESP_NO_STORE);
}
