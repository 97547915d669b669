/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * HS256, HS384 and HS512 (RFC 7518 3.2): HMAC (RFC 2104) built from
 * OpenSSL 3's digests.  Setting up a key costs two compressions and a
 * provider fetch, more than the MAC of a whole token, so the key is set
 * up once, when the jwtd_key is made: for each digest, one state that has
 * absorbed K XOR ipad and one that has absorbed K XOR opad.  Each MAC
 * copies those states into the calling thread's working context and
 * finishes there; the key's states are only read, so any number of
 * threads may share the key with no lock.  The verifier recomputes the MAC
 * and compares it in constant time after an explicit length check, so
 * neither a short signature nor the position of the first wrong byte is
 * observable (BL-09).
 *
 * Each thread computes its MACs in one working context of its own, made
 * on first use and freed when the thread ends.  A context made and freed
 * per MAC took and dropped a reference on OpenSSL's shared SHA-256
 * method each time: two atomic operations on one cache line that every
 * thread verifying tokens wrote, which cost a quarter of each thread's
 * speed with two threads.  After each MAC the working context is
 * overwritten with a fresh state, so no MAC (for a forged token, a valid
 * signature the caller never had) stays in memory.
 */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "internal.h"

/* Largest block of the three digests (SHA-384/512: 128 bytes). */
#define MAX_BLOCK 128

static const EVP_MD *digest(int i)
{
    return i == 0 ? EVP_sha256() : i == 1 ? EVP_sha384() : EVP_sha512();
}

/* Index into key->hmac_pad, or -1 for anything but HS*. */
static int hs_index(jwtd_alg alg, size_t *mac_len)
{
    switch (alg) {
    case JWTD_ALG_HS256:
        *mac_len = 32;
        return 0;
    case JWTD_ALG_HS384:
        *mac_len = 48;
        return 1;
    case JWTD_ALG_HS512:
        *mac_len = 64;
        return 2;
    default:
        *mac_len = 0;
        return -1;
    }
}

void jwtd__hmac_release(jwtd_key *key)
{
    int i;

    for (i = 0; i < 3; i++) {
        /* EVP_MD_CTX_free wipes the digest state (OPENSSL_clear_free). */
        EVP_MD_CTX_free(key->hmac_pad[i][0]);
        EVP_MD_CTX_free(key->hmac_pad[i][1]);
        EVP_MD_CTX_free(key->hmac_blank[i]);
        key->hmac_pad[i][0] = key->hmac_pad[i][1] = NULL;
        key->hmac_blank[i] = NULL;
    }
}

/* A digest state that has absorbed the block k0 XOR pad. */
static jwtd_err pad_state(const EVP_MD *md, const unsigned char *k0,
                          size_t block, unsigned char pad, EVP_MD_CTX **out)
{
    unsigned char x[MAX_BLOCK];
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    jwtd_err rc = JWTD_ERR_INTERNAL;
    size_t i;

    *out = NULL;
    if (ctx == NULL)
        return JWTD_ERR_NOMEM;
    for (i = 0; i < block; i++)
        x[i] = k0[i] ^ pad;
    if (EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
        EVP_DigestUpdate(ctx, x, block) == 1) {
        *out = ctx;
        ctx = NULL;
        rc = JWTD_OK;
    }
    OPENSSL_cleanse(x, sizeof(x));
    EVP_MD_CTX_free(ctx);
    return rc;
}

jwtd_err jwtd__hmac_prepare(jwtd_key *key)
{
    unsigned char k0[MAX_BLOCK];
    unsigned int n;
    jwtd_err rc = JWTD_OK;
    int i, block;

    for (i = 0; i < 3 && rc == JWTD_OK; i++) {
        const EVP_MD *md = digest(i);

        block = EVP_MD_get_block_size(md);
        if (block <= 0 || block > MAX_BLOCK) {
            rc = JWTD_ERR_INTERNAL;
            break;
        }
        /* RFC 2104 2: a key longer than the block is hashed first; the
         * key is then padded with zeros to the block size. */
        memset(k0, 0, sizeof(k0));
        if (key->secret_len > (size_t)block) {
            if (EVP_Digest(key->secret, key->secret_len, k0, &n, md,
                           NULL) != 1) {
                rc = JWTD_ERR_INTERNAL;
                break;
            }
        } else if (key->secret_len > 0) {
            memcpy(k0, key->secret, key->secret_len);
        }
        rc = pad_state(md, k0, (size_t)block, 0x36, &key->hmac_pad[i][0]);
        if (rc == JWTD_OK)
            rc = pad_state(md, k0, (size_t)block, 0x5c,
                           &key->hmac_pad[i][1]);
        if (rc == JWTD_OK) {
            key->hmac_blank[i] = EVP_MD_CTX_new();
            if (key->hmac_blank[i] == NULL)
                rc = JWTD_ERR_NOMEM;
            else if (EVP_DigestInit_ex(key->hmac_blank[i], md, NULL) != 1)
                rc = JWTD_ERR_INTERNAL;
        }
    }
    OPENSSL_cleanse(k0, sizeof(k0));
    if (rc != JWTD_OK)
        jwtd__hmac_release(key);
    return rc;
}

/* The thread's working context (see the top of the file). */
static pthread_once_t work_once = PTHREAD_ONCE_INIT;
static pthread_key_t work_key;
static bool work_key_ok;
static _Thread_local EVP_MD_CTX *work_ctx;

static void work_free(void *ctx)
{
    EVP_MD_CTX_free(ctx);
}

static void work_key_make(void)
{
    work_key_ok = pthread_key_create(&work_key, work_free) == 0;
}

/* This thread's working context, or NULL when none can be had (the
 * caller then makes one for the call). */
static EVP_MD_CTX *thread_work_ctx(void)
{
    EVP_MD_CTX *ctx = work_ctx;

    if (ctx != NULL)
        return ctx;
    if (pthread_once(&work_once, work_key_make) != 0 || !work_key_ok)
        return NULL;
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL)
        return NULL;
    /* The key's destructor frees the context when the thread ends. */
    if (pthread_setspecific(work_key, ctx) != 0) {
        EVP_MD_CTX_free(ctx);
        return NULL;
    }
    work_ctx = ctx;
    return ctx;
}

/* HMAC(K, in) = H((K ^ opad) || H((K ^ ipad) || in)), from the key's
 * prepared states.  mac must hold EVP_MAX_MD_SIZE bytes. */
static jwtd_err hmac(const jwtd_key *key, int i, const unsigned char *in,
                     size_t in_len, unsigned char *mac, size_t want)
{
    EVP_MD_CTX *ctx, *own = NULL;
    unsigned int n = 0;
    jwtd_err rc = JWTD_ERR_INTERNAL;

    if (key->hmac_pad[i][0] == NULL || key->hmac_pad[i][1] == NULL ||
        key->hmac_blank[i] == NULL)
        return JWTD_ERR_INTERNAL;
    ctx = thread_work_ctx();
    if (ctx == NULL) {
        ctx = own = EVP_MD_CTX_new();
        if (ctx == NULL)
            return JWTD_ERR_NOMEM;
    }
    if (EVP_MD_CTX_copy_ex(ctx, key->hmac_pad[i][0]) == 1 &&
        EVP_DigestUpdate(ctx, in, in_len) == 1 &&
        EVP_DigestFinal_ex(ctx, mac, &n) == 1 && n == want &&
        EVP_MD_CTX_copy_ex(ctx, key->hmac_pad[i][1]) == 1 &&
        EVP_DigestUpdate(ctx, mac, n) == 1 &&
        EVP_DigestFinal_ex(ctx, mac, &n) == 1 && n == want)
        rc = JWTD_OK;
    if (own != NULL) {
        EVP_MD_CTX_free(own);
    } else if (EVP_MD_CTX_copy_ex(ctx, key->hmac_blank[i]) != 1) {
        /* The copy frees (and OpenSSL wipes) the old state before it
         * can fail; reset the context all the same. */
        EVP_MD_CTX_reset(ctx);
    }
    return rc;
}

jwtd_err jwtd__hmac_sign(const jwtd_key *key, jwtd_alg alg,
                         const unsigned char *in, size_t in_len,
                         unsigned char *sig, size_t *sig_len)
{
    size_t want;
    int i = hs_index(alg, &want);
    jwtd_err rc;

    *sig_len = 0;
    if (i < 0 || key == NULL || key->type != JWTD_KEY_HMAC)
        return JWTD_ERR_ALGORITHM;
    /* Straight into sig (JWTD__MAX_SIG >= EVP_MAX_MD_SIZE bytes): the MAC
     * is the token's public signature, and the inner hash that passes
     * through sig first is overwritten by it, byte for byte.  Only a
     * failure can leave the inner hash there; it is wiped then. */
    rc = hmac(key, i, in, in_len, sig, want);
    if (rc == JWTD_OK)
        *sig_len = want;
    else
        OPENSSL_cleanse(sig, EVP_MAX_MD_SIZE);
    return rc;
}

jwtd_err jwtd__hmac_verify(const jwtd_key *key, jwtd_alg alg,
                           const unsigned char *in, size_t in_len,
                           const unsigned char *sig, size_t sig_len)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t want;
    int i = hs_index(alg, &want);
    jwtd_err rc;

    if (i < 0 || key == NULL || key->type != JWTD_KEY_HMAC)
        return JWTD_ERR_ALGORITHM;
    /* RFC 7515 5.2 step 6 / RFC 7518 3.2: the MAC must be exactly the
     * digest's length; a shorter one is not a truncated match. */
    if (sig_len != want)
        return JWTD_ERR_SIGNATURE;
    rc = hmac(key, i, in, in_len, mac, want);
    /* Constant time: memcmp would stop at the first difference. */
    if (rc == JWTD_OK)
        rc = CRYPTO_memcmp(mac, sig, want) == 0 ? JWTD_OK
                                                : JWTD_ERR_SIGNATURE;
    OPENSSL_cleanse(mac, sizeof(mac));
    return rc;
}
