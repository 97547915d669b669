/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Internal helpers shared by the public-key loaders (PEM, JWK, key
 * generation): turning an OpenSSL key into a jwtd_key after checking that
 * its type, curve and size are ones JWS may use, and the strict base64url
 * and JSON string writers the JWK code needs.
 */
#ifndef JWTD_KEY_PKEY_H
#define JWTD_KEY_PKEY_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>
#include <yajl/yajl_tree.h>

#include "internal.h"

/* Largest key document (PEM text, JWK or JWKS JSON) accepted, in bytes.
 * An 8192-bit RSA private JWK is under 12 KiB; a JWKS of many keys or a
 * PEM certificate chain stays well below this. */
#define JWTD__MAX_KEY_DOC (1024u * 1024u)

/* Wraps pkey in a new jwtd_key after checking that it is RSA (at most
 * JWTD__MAX_RSA_BITS), RSA-PSS, EC on a named P-256/P-384/P-521 curve, or
 * Ed25519, and sets type, bits, curve_nid and is_private.  Takes
 * ownership of pkey in every case (freed on failure).  Fills err with
 * JWTD_ERR_BAD_KEY and a reason when the key is refused. */
jwtd_err jwtd__key_from_evp(EVP_PKEY *pkey, bool is_private, jwtd_key **out,
                            jwtd_error *err);

/* Strict base64url (RFC 7515 2, RFC 4648 5) without padding and with
 * zero unused bits; *out is malloc'd (caller frees, wiping if secret).
 * Returns false on any deviation or when out of memory (*out NULL). */
bool jwtd__b64u_decode_strict(const char *in, size_t len,
                              unsigned char **out, size_t *out_len);

/* A growing text buffer for writing JSON. */
struct jwtd__kbuf {
    char *data;
    size_t len;
    size_t cap;
    bool failed;  /* an allocation failed; data is then NULL */
};

void jwtd__kbuf_add(struct jwtd__kbuf *b, const char *s, size_t len);
void jwtd__kbuf_str(struct jwtd__kbuf *b, const char *s);
/* s as a quoted JSON string with the escapes RFC 8259 7 requires. */
void jwtd__kbuf_json_str(struct jwtd__kbuf *b, const char *s, size_t len);
/* bytes as unpadded base64url, quoted. */
void jwtd__kbuf_b64u(struct jwtd__kbuf *b, const unsigned char *p, size_t n);
/* Wipes and frees the buffer's contents. */
void jwtd__kbuf_wipe(struct jwtd__kbuf *b);

/* Parses a key document (JWK or JWKS) into a YAJL tree after bounding
 * it: at most JWTD__MAX_KEY_DOC bytes, nesting depth 8, no comments, no
 * \u0000 escape (YAJL's tree keeps NUL-terminated strings, so one would
 * silently cut a name short), and no object with two members of the same
 * name (RFC 8259 4 leaves duplicates undefined; RFC 7517 4 asks that a
 * JWK have none).  *out is freed with yajl_tree_free. */
jwtd_err jwtd__json_tree(const char *json, size_t len, yajl_val *out,
                         jwtd_error *err);

/* The member name of object obj, or NULL. */
yajl_val jwtd__json_get(yajl_val obj, const char *name);

/* A key from one parsed JWK object.  *unsupported is set when the JWK is
 * well-formed but of a kind jwtd does not implement (another kty, curve
 * or a non-JWS alg), so that a JWKS may skip it. */
jwtd_err jwtd__key_from_jwk_val(yajl_val obj, jwtd_key **out,
                                bool *unsupported, jwtd_error *err);

#endif /* JWTD_KEY_PKEY_H */
