/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The limit no JWT layer can beat: OpenSSL 3 alone computing the same
 * HMAC-SHA256, or checking the same ECDSA P-256, RSA-2048 or Ed25519
 * signature, over the same signing input as the benchmark tokens, with
 * the key parsed once and every context set up once per thread.  No
 * base64url, no JSON, no claims.  HMAC (RFC 2104) starts each operation
 * from SHA-256 states that already absorbed the key blocks, so the
 * per-token cost is the two compressions of the message plus the outer
 * hash: the fastest OpenSSL 3 path, about 10% ahead of restarting a
 * keyed EVP_MAC context, which op "hs256-evpmac" measures for reference.
 * ECDSA and RSA hash with a SHA-256 fetched once and call EVP_PKEY_verify
 * on a context initialised once (as `openssl speed` does); the JWS r||s
 * signature is turned into DER before timing.  Ed25519 has no pre-hash,
 * so each operation is a one-shot EVP_DigestVerify (or DigestSign) on a
 * reused context.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "harness.h"

enum kind { K_HMAC, K_HMAC_MD, K_PREHASH, K_ED_VERIFY, K_ED_SIGN };

struct shared {
    enum kind kind;
    unsigned char *in;         /* signing input: header.payload */
    size_t in_len;
    unsigned char sig[1024];   /* DER for ECDSA, raw otherwise */
    size_t sig_len;
    unsigned char *secret;
    size_t secret_len;
    EVP_PKEY *pkey;
    int rsa;
};

struct tstate {
    struct shared *sh;
    EVP_MAC *mac;
    EVP_MAC_CTX *mctx;
    EVP_MD_CTX *inner, *outer, *work;
    EVP_PKEY_CTX *pctx;
    EVP_MD *sha256;            /* fetched once: no implicit fetch per op */
    EVP_MD_CTX *dctx;
};

static EVP_PKEY *read_pem(const char *dir, const char *name, int priv)
{
    size_t len;
    char *pem = bench_read(dir, name, &len);
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    EVP_PKEY *pk = priv ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)
                        : PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);

    BIO_free(bio);
    free(pem);
    return pk;
}

/* Splits the fixture token into signing input and decoded signature. */
static int load_token(struct shared *sh, const char *dir, const char *name)
{
    size_t len;
    char *tok = bench_read(dir, name, &len);
    char *dot = strrchr(tok, '.');
    long n;

    if (dot == NULL)
        return -1;
    sh->in_len = (size_t)(dot - tok);
    sh->in = (unsigned char *)tok;
    n = bench_b64url_decode(dot + 1, strlen(dot + 1), sh->sig,
                            sizeof(sh->sig));
    if (n < 0)
        return -1;
    sh->sig_len = (size_t)n;
    return 0;
}

/* JWS carries ECDSA as r||s (RFC 7518 3.4); OpenSSL wants DER. */
static int es_to_der(struct shared *sh)
{
    ECDSA_SIG *s = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sh->sig, 32, NULL);
    BIGNUM *ss = BN_bin2bn(sh->sig + 32, 32, NULL);
    unsigned char *p = sh->sig;
    int n;

    if (s == NULL || r == NULL || ss == NULL || sh->sig_len != 64 ||
        ECDSA_SIG_set0(s, r, ss) != 1)
        return -1;
    n = i2d_ECDSA_SIG(s, &p);
    ECDSA_SIG_free(s);
    if (n <= 0)
        return -1;
    sh->sig_len = (size_t)n;
    return 0;
}

static void *setup(const char *op, const char *dir, int *unsupported)
{
    struct shared *sh = calloc(1, sizeof(*sh));
    int ok = 0;

    if (sh == NULL)
        return NULL;
    if (!strcmp(op, "hs256-verify") || !strcmp(op, "hs256-sign") ||
        !strcmp(op, "hs256-evpmac")) {
        sh->kind = strcmp(op, "hs256-evpmac") ? K_HMAC_MD : K_HMAC;
        sh->secret = (unsigned char *)bench_read(dir, "hs256.key",
                                                 &sh->secret_len);
        ok = load_token(sh, dir, "hs256.jwt") == 0;
    } else if (!strcmp(op, "es256-verify")) {
        sh->kind = K_PREHASH;
        sh->pkey = read_pem(dir, "es256.pub.pem", 0);
        ok = sh->pkey != NULL && load_token(sh, dir, "es256.jwt") == 0 &&
             es_to_der(sh) == 0;
    } else if (!strcmp(op, "rs256-verify")) {
        sh->kind = K_PREHASH;
        sh->rsa = 1;
        sh->pkey = read_pem(dir, "rs256.pub.pem", 0);
        ok = sh->pkey != NULL && load_token(sh, dir, "rs256.jwt") == 0;
    } else if (!strcmp(op, "eddsa-verify")) {
        sh->kind = K_ED_VERIFY;
        sh->pkey = read_pem(dir, "eddsa.pub.pem", 0);
        ok = sh->pkey != NULL && load_token(sh, dir, "eddsa.jwt") == 0;
    } else if (!strcmp(op, "eddsa-sign")) {
        sh->kind = K_ED_SIGN;
        sh->pkey = read_pem(dir, "eddsa.pem", 1);
        ok = sh->pkey != NULL && load_token(sh, dir, "eddsa.jwt") == 0;
    } else {
        *unsupported = 1;
    }
    if (!ok) {
        free(sh);
        return NULL;
    }
    return sh;
}

static EVP_MD_CTX *hmac_half(const struct shared *sh, unsigned char pad)
{
    unsigned char block[64];
    EVP_MD_CTX *c = EVP_MD_CTX_new();

    memset(block, 0, sizeof(block));
    if (sh->secret_len > sizeof(block))
        return NULL; /* the fixture secret is 32 bytes */
    memcpy(block, sh->secret, sh->secret_len);
    for (size_t i = 0; i < sizeof(block); i++)
        block[i] ^= pad;
    if (c == NULL || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1 ||
        EVP_DigestUpdate(c, block, sizeof(block)) != 1)
        return NULL;
    return c;
}

static void *thread_init(void *p)
{
    struct shared *sh = p;
    struct tstate *t = calloc(1, sizeof(*t));
    OSSL_PARAM params[2];

    if (t == NULL)
        return NULL;
    t->sh = sh;
    switch (sh->kind) {
    case K_HMAC:
        params[0] = OSSL_PARAM_construct_utf8_string(
            OSSL_MAC_PARAM_DIGEST, "SHA256", 0);
        params[1] = OSSL_PARAM_construct_end();
        t->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        t->mctx = t->mac ? EVP_MAC_CTX_new(t->mac) : NULL;
        if (t->mctx == NULL ||
            EVP_MAC_init(t->mctx, sh->secret, sh->secret_len, params) != 1)
            return NULL;
        break;
    case K_HMAC_MD:
        t->inner = hmac_half(sh, 0x36);
        t->outer = hmac_half(sh, 0x5c);
        t->work = EVP_MD_CTX_new();
        if (t->inner == NULL || t->outer == NULL || t->work == NULL)
            return NULL;
        break;
    case K_PREHASH:
        t->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
        t->pctx = EVP_PKEY_CTX_new(sh->pkey, NULL);
        if (t->sha256 == NULL || t->pctx == NULL ||
            EVP_PKEY_verify_init(t->pctx) != 1 ||
            EVP_PKEY_CTX_set_signature_md(t->pctx, t->sha256) != 1)
            return NULL;
        if (sh->rsa && EVP_PKEY_CTX_set_rsa_padding(t->pctx,
                                                    RSA_PKCS1_PADDING) != 1)
            return NULL;
        break;
    case K_ED_VERIFY:
    case K_ED_SIGN:
        t->dctx = EVP_MD_CTX_new();
        if (t->dctx == NULL)
            return NULL;
        break;
    }
    return t;
}

static int run(void *p)
{
    struct tstate *t = p;
    struct shared *sh = t->sh;
    unsigned char md[64], sig[128];
    unsigned int mdlen;
    size_t n;

    switch (sh->kind) {
    case K_HMAC:
        if (EVP_MAC_init(t->mctx, NULL, 0, NULL) != 1 ||
            EVP_MAC_update(t->mctx, sh->in, sh->in_len) != 1 ||
            EVP_MAC_final(t->mctx, md, &n, sizeof(md)) != 1)
            return -1;
        return n == sh->sig_len && CRYPTO_memcmp(md, sh->sig, n) == 0 ? 0
                                                                      : -1;
    case K_HMAC_MD:
        if (EVP_MD_CTX_copy_ex(t->work, t->inner) != 1 ||
            EVP_DigestUpdate(t->work, sh->in, sh->in_len) != 1 ||
            EVP_DigestFinal_ex(t->work, md, &mdlen) != 1 ||
            EVP_MD_CTX_copy_ex(t->work, t->outer) != 1 ||
            EVP_DigestUpdate(t->work, md, mdlen) != 1 ||
            EVP_DigestFinal_ex(t->work, md, &mdlen) != 1)
            return -1;
        return CRYPTO_memcmp(md, sh->sig, mdlen) == 0 ? 0 : -1;
    case K_PREHASH:
        if (EVP_Digest(sh->in, sh->in_len, md, &mdlen, t->sha256,
                       NULL) != 1)
            return -1;
        return EVP_PKEY_verify(t->pctx, sh->sig, sh->sig_len, md,
                               mdlen) == 1 ? 0 : -1;
    case K_ED_VERIFY:
        if (EVP_DigestVerifyInit(t->dctx, NULL, NULL, NULL,
                                 sh->pkey) != 1)
            return -1;
        return EVP_DigestVerify(t->dctx, sh->sig, sh->sig_len, sh->in,
                                sh->in_len) == 1 ? 0 : -1;
    case K_ED_SIGN:
        n = sizeof(sig);
        if (EVP_DigestSignInit(t->dctx, NULL, NULL, NULL, sh->pkey) != 1 ||
            EVP_DigestSign(t->dctx, sig, &n, sh->in, sh->in_len) != 1)
            return -1;
        /* Ed25519 is deterministic (RFC 8032 5.1.6). */
        return n == sh->sig_len && memcmp(sig, sh->sig, n) == 0 ? 0 : -1;
    }
    return -1;
}

static void thread_free(void *p)
{
    struct tstate *t = p;

    if (t == NULL)
        return;
    EVP_MAC_CTX_free(t->mctx);
    EVP_MAC_free(t->mac);
    EVP_MD_CTX_free(t->inner);
    EVP_MD_CTX_free(t->outer);
    EVP_MD_CTX_free(t->work);
    EVP_PKEY_CTX_free(t->pctx);
    EVP_MD_free(t->sha256);
    EVP_MD_CTX_free(t->dctx);
    free(t);
}

static void teardown(void *p)
{
    struct shared *sh = p;

    EVP_PKEY_free(sh->pkey);
    free(sh->in);
    free(sh->secret);
    free(sh);
}

int main(int argc, char **argv)
{
    static const struct bench_impl impl = {
        "openssl-raw", setup, thread_init, run, thread_free, teardown
    };

    return bench_main(argc, argv, &impl);
}
