/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Internal contract between the library's modules: the key structure and
 * the signature primitives that the token layer calls.  Nothing here is
 * part of the public API.
 */
#ifndef JWTD_INTERNAL_H
#define JWTD_INTERNAL_H

#include <openssl/evp.h>

#include "jwtd/jwtd.h"

/* Largest signature any supported algorithm produces: RSA up to 8192
 * bits (1024 bytes); ES512 is 132 bytes. */
#define JWTD__MAX_SIG 1024u
/* Largest RSA modulus accepted, in bits. */
#define JWTD__MAX_RSA_BITS 8192

/* What a JWK's "use" said (RFC 7517 4.2). */
enum jwtd__use { JWTD__USE_ANY = 0, JWTD__USE_SIG, JWTD__USE_ENC };

/* key_ops bits (RFC 7517 4.3); 0 means the member was absent. */
enum {
    JWTD__OP_SIGN = 1u << 0,
    JWTD__OP_VERIFY = 1u << 1,
    JWTD__OP_OTHER = 1u << 2 /* encrypt, wrapKey, ...: never signing */
};

struct jwtd_key {
    jwtd_key_type type;
    /* JWTD_KEY_HMAC: the secret, malloc'd, wiped on free. */
    unsigned char *secret;
    size_t secret_len;
    /* JWTD_KEY_HMAC: for HS256, HS384 and HS512, digest states that have
     * absorbed the key block XOR ipad ([0]) and XOR opad ([1]), made once
     * by jwtd__hmac_prepare (RFC 2104 2).  Only ever copied from, so a
     * key shared by many threads needs no lock (alg_hmac.c). */
    EVP_MD_CTX *hmac_pad[3][2];
    /* JWTD_KEY_HMAC: for the same three digests, a fresh state (no data
     * absorbed, nothing secret).  Copied over a thread's working context
     * after each MAC, to wipe it without freeing it (alg_hmac.c). */
    EVP_MD_CTX *hmac_blank[3];
    /* Every other type: the OpenSSL key (public or private). */
    EVP_PKEY *pkey;
    /* Every other type: verify contexts set up once and reused, taken
     * and given back with atomic exchanges (alg_pkey.c); NULL for HMAC
     * or when it could not be allocated (each verify then sets up its
     * own context). */
    struct jwtd__pkey_pool *pool;
    bool is_private;
    int bits;          /* RSA modulus size */
    int curve_nid;     /* EC: NID_X9_62_prime256v1, NID_secp384r1, ... */
    char *kid;         /* NULL when none */
    jwtd_alg alg;      /* bound algorithm or JWTD_ALG_UNKNOWN */
    enum jwtd__use use;
    unsigned ops;
};

/* Allocates a zeroed key of the given type (alg unbound).  NULL when out
 * of memory. */
jwtd_key *jwtd__key_new(jwtd_key_type type);

/* Whether key may be used for alg, for signing or verifying: family,
 * curve, RSA size (2048 bits unless allow_insecure), JWK alg/use/key_ops.
 * Returns JWTD_OK, or JWTD_ERR_ALGORITHM for a token-driven mismatch
 * (verify) / JWTD_ERR_BAD_KEY for a signer's mistake, with the detail in
 * err when err is not NULL. */
jwtd_err jwtd__key_fits(const jwtd_key *key, jwtd_alg alg, bool signing,
                        bool allow_insecure, jwtd_error *err);

/* Signature primitives over the JWS signing input.  sig must hold
 * JWTD__MAX_SIG bytes; ECDSA signatures are the fixed-size r||s form of
 * RFC 7518 3.4.  The caller has already checked jwtd__key_fits. */
jwtd_err jwtd__sign_raw(const jwtd_key *key, jwtd_alg alg,
                        const unsigned char *in, size_t in_len,
                        unsigned char *sig, size_t *sig_len);
/* JWTD_OK when sig is a valid signature of in, else JWTD_ERR_SIGNATURE.
 * Length is checked first; MACs are compared in constant time. */
jwtd_err jwtd__verify_raw(const jwtd_key *key, jwtd_alg alg,
                          const unsigned char *in, size_t in_len,
                          const unsigned char *sig, size_t sig_len);

/* Fills key->hmac_pad and key->hmac_blank from key->secret;
 * JWTD_ERR_NOMEM or JWTD_ERR_INTERNAL on failure.  jwtd__hmac_release
 * frees the states (OpenSSL wipes them); both accept a key with none. */
jwtd_err jwtd__hmac_prepare(jwtd_key *key);
void jwtd__hmac_release(jwtd_key *key);

/* Allocates and frees key->pool (alg_pkey.c); the pool is empty until
 * verifications fill it, and the free releases every context in it. */
struct jwtd__pkey_pool *jwtd__pkey_pool_new(void);
void jwtd__pkey_pool_free(struct jwtd__pkey_pool *pool);

/* HMAC half (alg_hmac.c) and public-key half (alg_pkey.c) of the above. */
jwtd_err jwtd__hmac_sign(const jwtd_key *key, jwtd_alg alg,
                         const unsigned char *in, size_t in_len,
                         unsigned char *sig, size_t *sig_len);
jwtd_err jwtd__hmac_verify(const jwtd_key *key, jwtd_alg alg,
                           const unsigned char *in, size_t in_len,
                           const unsigned char *sig, size_t sig_len);
jwtd_err jwtd__pkey_sign(const jwtd_key *key, jwtd_alg alg,
                         const unsigned char *in, size_t in_len,
                         unsigned char *sig, size_t *sig_len);
jwtd_err jwtd__pkey_verify(const jwtd_key *key, jwtd_alg alg,
                           const unsigned char *in, size_t in_len,
                           const unsigned char *sig, size_t sig_len);

/* Fills err (when not NULL) with kind and its fixed message, or with a
 * printf-style detail message when fmt is not NULL.  Returns kind. */
jwtd_err jwtd__fail(jwtd_error *err, jwtd_err kind, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif /* JWTD_INTERNAL_H */
