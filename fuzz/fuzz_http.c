/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * libFuzzer target for the server's pure request parsers (src/server/
 * http.h): the Authorization header (bearer.c), the login body as JSON
 * and as a form (http_body.c), the log sanitiser (http_log.c) and the
 * JSON string writer used for responses (http_json.c).  These read
 * bytes straight off the network before any authentication.  Checked
 * beyond "no crash": a parsed bearer token lies inside the header value
 * and has no white space, login fields are all-or-nothing, and a
 * sanitised log line stays within its buffer and printable ASCII.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/http.h"

static void bearer(const char *v, size_t len)
{
    const char *tok = NULL;
    size_t tlen = 0, i;

    if (jwtd__bearer_parse(v, len, &tok, &tlen) != JWTD__BEARER_OK)
        return;
    if (tok < v || tlen == 0 || tok + tlen > v + len)
        abort();
    for (i = 0; i < tlen; i++) {
        if (tok[i] == ' ' || tok[i] == '\t')
            abort();
    }
}

static void login(const char *body, size_t len, bool json)
{
    struct jwtd__login_form f;
    enum jwtd__form_rc rc;

    memset(&f, 0, sizeof(f));
    rc = json ? jwtd__parse_login_json(body, len, &f)
              : jwtd__parse_login_urlencoded(body, len, &f);
    if (rc != JWTD__FORM_OK && (f.username != NULL || f.password != NULL))
        abort(); /* a refused body must leave nothing behind */
    jwtd__login_form_clear(&f);
}

static void sanitize(const char *text, size_t len)
{
    char out[96];
    size_t i, n;

    memset(out, 'Z', sizeof(out));
    jwtd__log_sanitize(text, len, out, sizeof(out));
    n = strnlen(out, sizeof(out));
    if (n == sizeof(out))
        abort();
    for (i = 0; i < n; i++) {
        if (out[i] < 0x20 || out[i] > 0x7e)
            abort();
    }
}

static void json_str(const char *text, size_t len)
{
    struct jwtd__buf b;
    char *s;

    memset(&b, 0, sizeof(b));
    jwtd__buf_json_str(&b, text, len);
    s = jwtd__buf_take(&b);
    if (s != NULL && (s[0] != '"' || strlen(s) < 2))
        abort();
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;

    bearer(text, size);
    login(text, size, true);
    login(text, size, false);
    sanitize(text, size);
    json_str(text, size);
    return 0;
}
