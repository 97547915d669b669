/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Building and queueing responses with the headers every answer of the
 * server carries: X-Content-Type-Options: nosniff, Referrer-Policy, and
 * for anything that holds a token or user data Cache-Control: no-store
 * with Pragma: no-cache (RFC 6749 5.1, bug case SV-12).  The 401
 * challenge follows RFC 6750 section 3: no error code when the request
 * had no credentials, error="invalid_token" when a token was presented
 * and failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/http.h"

unsigned jwtd__respond(struct jwtd__conn *conn, struct jwtd__req *req,
                       unsigned status, const char *content_type,
                       const char *body, size_t len, unsigned flags,
                       const char *const *extra_headers)
{
    const char *hdrs[48];
    size_t n = 0, i;

    if (content_type != NULL) {
        hdrs[n++] = "Content-Type";
        hdrs[n++] = content_type;
    }
    hdrs[n++] = "X-Content-Type-Options";
    hdrs[n++] = "nosniff";
    hdrs[n++] = "Referrer-Policy";
    hdrs[n++] = "no-referrer";
    if (flags & JWTD__RESP_NO_STORE) {
        hdrs[n++] = "Cache-Control";
        hdrs[n++] = "no-store";
        hdrs[n++] = "Pragma";
        hdrs[n++] = "no-cache";
    }
    for (i = 0; extra_headers != NULL && extra_headers[i] != NULL &&
                n + 3 < sizeof(hdrs) / sizeof(hdrs[0]); i += 2) {
        hdrs[n++] = extra_headers[i];
        hdrs[n++] = extra_headers[i + 1];
    }
    hdrs[n] = NULL;
    if (!jwtd__conn_send(conn, status, hdrs, body, len,
                         (flags & JWTD__RESP_CLOSE) != 0)) {
        jwtd__log(JWTD__LOG_ERROR, "response %u not queued", status);
        return 500;
    }
    req->status = status;
    req->answered = true;
    return status;
}

unsigned jwtd__respond_json(struct jwtd__conn *conn,
                            struct jwtd__req *req, unsigned status,
                            char *json, unsigned flags)
{
    unsigned rc;

    if (json == NULL)
        return jwtd__respond_error(conn, req, 500, "server_error",
                                   "out of memory", NULL);
    rc = jwtd__respond(conn, req, status, "application/json", json,
                       strlen(json), flags, NULL);
    free(json);
    return rc;
}

/* {"error":code,"error_description":desc}, or NULL when out of memory. */
static char *error_body(const char *code, const char *desc)
{
    struct jwtd__buf b = {0};

    jwtd__buf_puts(&b, "{\"error\":");
    jwtd__buf_json_str(&b, code, strlen(code));
    if (desc != NULL) {
        jwtd__buf_puts(&b, ",\"error_description\":");
        jwtd__buf_json_str(&b, desc, strlen(desc));
    }
    jwtd__buf_puts(&b, "}");
    return jwtd__buf_take(&b);
}

unsigned jwtd__respond_error(struct jwtd__conn *conn,
                             struct jwtd__req *req, unsigned status,
                             const char *code, const char *desc,
                             const char *const *extra_headers)
{
    static const char nomem[] = "{\"error\":\"server_error\"}";
    char *body = error_body(code, desc);
    unsigned rc;

    if (body == NULL)
        return jwtd__respond(conn, req, 500, "application/json", nomem,
                             sizeof(nomem) - 1, JWTD__RESP_NO_STORE, NULL);
    rc = jwtd__respond(conn, req, status, "application/json", body,
                       strlen(body), JWTD__RESP_NO_STORE, extra_headers);
    free(body);
    return rc;
}

/* Copies desc into out as the inside of a quoted-string (RFC 9110
 * 5.6.4); RFC 6750 3 allows only %x20-21 / %x23-5B / %x5D-7E in
 * error_description, so anything else becomes a space. */
static void quote_desc(const char *desc, char *out, size_t out_size)
{
    size_t i, o = 0;

    for (i = 0; desc[i] != '\0' && o + 1 < out_size; i++) {
        unsigned char c = (unsigned char)desc[i];

        out[o++] = (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
                       ? ' ' : (char)c;
    }
    out[o] = '\0';
}

unsigned jwtd__respond_unauthorized(struct jwtd__conn *conn,
                                    struct jwtd__req *req,
                                    const char *desc)
{
    char challenge[400];
    char quoted[300];
    const char *hdrs[3] = {"WWW-Authenticate", challenge, NULL};

    if (desc == NULL) {
        memcpy(challenge, "Bearer realm=\"jwtd\"",
               sizeof("Bearer realm=\"jwtd\""));
        return jwtd__respond_error(conn, req, 401, "unauthorized",
                                   "authentication required", hdrs);
    }
    quote_desc(desc, quoted, sizeof(quoted));
    snprintf(challenge, sizeof(challenge),
             "Bearer realm=\"jwtd\", error=\"invalid_token\", "
             "error_description=\"%s\"", quoted);
    return jwtd__respond_error(conn, req, 401, "invalid_token", desc, hdrs);
}
