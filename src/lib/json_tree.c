/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Bounded JSON trees for key documents.  JWKs and JWKS are small and read
 * once, so YAJL's tree API is used for them; this file puts around it the
 * limits a hostile document needs (size, depth, comments, NUL escapes,
 * duplicate member names) before and after YAJL sees it.  The token path
 * does not use this: it has its own event parser.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "key_pkey.h"

#define MAX_DEPTH 8

/* One pass over the raw text, outside YAJL: depth of nesting, comments
 * (YAJL's tree parser allows them, JSON does not) and \u0000. */
static bool prescan(const char *s, size_t len)
{
    size_t i;
    int depth = 0;
    bool in_str = false;

    for (i = 0; i < len; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\') {
                if (i + 5 < len && s[i + 1] == 'u' && s[i + 2] == '0' &&
                    s[i + 3] == '0' && s[i + 4] == '0' && s[i + 5] == '0')
                    return false;
                i++;
            } else if (c == '"') {
                in_str = false;
            }
            continue;
        }
        if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            if (++depth > MAX_DEPTH)
                return false;
        } else if (c == '}' || c == ']') {
            depth--;
        } else if (c == '/' || c == '\0') {
            return false;
        }
    }
    return true;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether an object has two members of one name.  A document of up to
 * JWTD__MAX_KEY_DOC bytes can hold some 70,000 members, so the names are
 * sorted and neighbours compared (n log n) rather than each checked
 * against all earlier ones: the quadratic scan took seconds of CPU for a
 * 1 MiB document.  *nomem is set when the sort array cannot be had. */
static bool object_has_duplicate(yajl_val v, bool *nomem)
{
    size_t i, n = v->u.object.len;
    const char **names;
    bool dup = false;

    if (n < 2)
        return false;
    names = malloc(n * sizeof(*names));
    if (names == NULL) {
        *nomem = true;
        return true;
    }
    memcpy(names, v->u.object.keys, n * sizeof(*names));
    qsort(names, n, sizeof(*names), cmp_names);
    for (i = 1; i < n && !dup; i++)
        dup = strcmp(names[i - 1], names[i]) == 0;
    free(names);
    return dup;
}

/* Duplicate member names anywhere in the tree; recursion is bounded by
 * MAX_DEPTH. */
static bool has_duplicates(yajl_val v, bool *nomem)
{
    size_t i;

    if (YAJL_IS_OBJECT(v)) {
        if (object_has_duplicate(v, nomem))
            return true;
        for (i = 0; i < v->u.object.len; i++)
            if (has_duplicates(v->u.object.values[i], nomem))
                return true;
    } else if (YAJL_IS_ARRAY(v)) {
        for (i = 0; i < v->u.array.len; i++)
            if (has_duplicates(v->u.array.values[i], nomem))
                return true;
    }
    return false;
}

jwtd_err jwtd__json_tree(const char *json, size_t len, yajl_val *out,
                         jwtd_error *err)
{
    jwtd_err rc = JWTD_ERR_BAD_KEY;
    char *copy = NULL;
    yajl_val tree = NULL;
    bool nomem = false;

    *out = NULL;
    if (json == NULL || len == 0 || len > JWTD__MAX_KEY_DOC)
        return jwtd__fail(err, JWTD_ERR_BAD_KEY, "key document empty or "
                          "larger than %u bytes", JWTD__MAX_KEY_DOC);
    if (!prescan(json, len))
        return jwtd__fail(err, JWTD_ERR_BAD_KEY, "key document is not "
                          "plain JSON (comment, NUL or nesting over %d)",
                          MAX_DEPTH);
    /* yajl_tree_parse wants NUL-terminated text. */
    copy = malloc(len + 1);
    if (copy == NULL)
        return jwtd__fail(err, JWTD_ERR_NOMEM, NULL);
    memcpy(copy, json, len);
    copy[len] = '\0';
    tree = yajl_tree_parse(copy, NULL, 0);
    if (tree == NULL) {
        rc = jwtd__fail(err, JWTD_ERR_BAD_KEY, "key document is not valid "
                        "JSON");
        goto out;
    }
    if (has_duplicates(tree, &nomem)) {
        rc = nomem ? jwtd__fail(err, JWTD_ERR_NOMEM, NULL)
                   : jwtd__fail(err, JWTD_ERR_BAD_KEY, "duplicate member "
                                "name in key document");
        goto out;
    }
    *out = tree;
    tree = NULL;
    rc = JWTD_OK;
out:
    yajl_tree_free(tree);
    /* The copy may hold private key members. */
    OPENSSL_cleanse(copy, len + 1);
    free(copy);
    return rc;
}

yajl_val jwtd__json_get(yajl_val obj, const char *name)
{
    size_t i;

    if (!YAJL_IS_OBJECT(obj))
        return NULL;
    for (i = 0; i < obj->u.object.len; i++)
        if (strcmp(obj->u.object.keys[i], name) == 0)
            return obj->u.object.values[i];
    return NULL;
}
