/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Accessors of a decoded token.  They read what the parse stored and
 * never modify the token, so one token may be read from many threads.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "token.h"

void jwtd_token_free(jwtd_token *tok)
{
    if (tok == NULL)
        return;
    if (tok->entries != tok->entries_inline)
        free(tok->entries);
    free(tok);
}

const char *jwtd_token_header(const jwtd_token *tok, size_t *len)
{
    if (len != NULL)
        *len = tok->header_len;
    return tok->header;
}

const char *jwtd_token_payload(const jwtd_token *tok, size_t *len)
{
    if (len != NULL)
        *len = tok->payload_len;
    return tok->payload;
}

const unsigned char *jwtd_token_signature(const jwtd_token *tok,
                                          size_t *len)
{
    if (len != NULL)
        *len = tok->sig_len;
    return tok->sig;
}

const char *jwtd_token_signature_b64(const jwtd_token *tok, size_t *len)
{
    if (len != NULL)
        *len = tok->sig_b64_len;
    return tok->sig_b64;
}

jwtd_alg jwtd_token_alg(const jwtd_token *tok)
{
    return tok->alg;
}

const char *jwtd_token_kid(const jwtd_token *tok)
{
    return tok->kid;
}

static const struct jwtd__entry *find(const jwtd_token *tok,
                                      const char *name)
{
    size_t n, i;

    if (name == NULL)
        return NULL;
    n = strlen(name);
    for (i = 0; i < tok->nentries; i++) {
        const struct jwtd__entry *e = &tok->entries[i];

        if (e->name_len == n && memcmp(tok->arena + e->name_off, name,
                                       n) == 0)
            return e;
    }
    return NULL;
}

const char *jwtd_token_claim_string(const jwtd_token *tok, const char *name,
                                    size_t *len)
{
    const struct jwtd__entry *e = find(tok, name);

    if (e == NULL || e->type != JWTD__J_STRING)
        return NULL;
    if (len != NULL)
        *len = e->v.str_len;
    return tok->arena + e->name_off + e->name_len + 1;
}

bool jwtd_token_claim_number(const jwtd_token *tok, const char *name,
                             double *value)
{
    const struct jwtd__entry *e = find(tok, name);

    if (e == NULL || e->type != JWTD__J_NUMBER)
        return false;
    if (value != NULL)
        *value = e->v.num;
    return true;
}

static jwtd_err object_check(void *ctx, const jwtd__jevent *ev)
{
    (void)ctx;
    return ev->depth == 0 && ev->type != JWTD__J_OBJECT ? JWTD_ERR_TOKEN
                                                        : JWTD_OK;
}

jwtd_err jwtd_token_complete_json(const jwtd_token *tok, char **json_out)
{
    jwtd__jbuf b = {0};
    bool is_object = tok->payload_parsed;

    if (json_out == NULL)
        return JWTD_ERR_BAD_OPTION;
    *json_out = NULL;
    /* A JWS payload need not be JSON: like jsonwebtoken's decode, keep
     * anything but an object as a string (when it is text at all). */
    if (!is_object)
        is_object = jwtd__json_parse(tok->payload, tok->payload_len,
                                     JWTD__JSON_DEPTH, object_check, NULL,
                                     NULL) == JWTD_OK;
    if (!is_object && !jwtd__utf8_valid(tok->payload, tok->payload_len))
        return JWTD_ERR_BAD_PAYLOAD;
    jwtd__jbuf_puts(&b, "{\"header\":");
    jwtd__jbuf_put(&b, tok->header, tok->header_len);
    jwtd__jbuf_puts(&b, ",\"payload\":");
    if (is_object)
        jwtd__jbuf_put(&b, tok->payload, tok->payload_len);
    else
        jwtd__json_put_string(&b, tok->payload, tok->payload_len);
    jwtd__jbuf_puts(&b, ",\"signature\":");
    jwtd__json_put_string(&b, tok->sig_b64, tok->sig_b64_len);
    jwtd__jbuf_putc(&b, '}');
    *json_out = jwtd__jbuf_finish(&b);
    return *json_out == NULL ? JWTD_ERR_NOMEM : JWTD_OK;
}
