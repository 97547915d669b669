/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The performance engineer's own driver for the library's hot paths: one
 * operation run N times on the calling thread (or on T threads sharing
 * one key, to show that nothing inside serialises), printing operations
 * per second.  It also runs OpenSSL 3 alone on the same signing input
 * (HMAC-SHA256 from pre-keyed digest states and from a re-initialised
 * EVP_MAC_CTX; ECDSA/RSA/Ed25519 verify with a context set up once), so
 * that the ratios the targets are written in come from one process on
 * one machine.  Under valgrind --tool=callgrind a small N gives
 * deterministic instruction counts.
 *
 * Usage: perf_verify OP FIXTURE_DIR [N [THREADS]]
 *        perf_verify OP1,OP2 FIXTURE_DIR [N]
 * The second form alternates the two operations in chunks of N/500 on
 * one thread and times each apart in thread CPU time, so both see the
 * same machine load: the fair way to get a ratio on a shared machine.
 * OP: hs256-verify hs256-sign es256-verify rs256-verify eddsa-verify
 *     eddsa-sign raw-hmac-md raw-hmac-mac raw-es256 raw-rs256 raw-eddsa
 * Fixtures are bench/scripts/make_fixtures.sh's.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "jwtd/jwtd.h"

struct fix {
    const char *op;
    jwtd_alg alg;
    bool sign;
    bool raw;
    jwtd_key *key;
    char *token;
    size_t token_len;
    char *payload;
    size_t payload_len;
    jwtd_verify_opts vopts;
    jwtd_sign_opts sopts;
    /* raw OpenSSL */
    EVP_PKEY *pkey;
    unsigned char *secret;
    size_t secret_len;
    unsigned char sig[1024];
    size_t sig_len;
    size_t in_len;
    long iters;
};

static const char *const audience[] = {"bench"};
static const char *const issuer[] = {"jwtd-bench"};

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[512];
    FILE *f;
    char *buf;
    long n;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    buf = malloc((size_t)n + 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    buf[n] = '\0';
    /* Tokens end with a newline in some fixture sets. */
    while (n > 0 && (buf[n - 1] == '\n') && strstr(name, ".jwt"))
        buf[--n] = '\0';
    *len = (size_t)n;
    return buf;
}

static long b64url_decode(const char *in, size_t len, unsigned char *out)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
                             "tuvwxyz0123456789-_";
    unsigned long v = 0;
    int bits = 0;
    long n = 0;
    size_t i;

    for (i = 0; i < len; i++) {
        const char *p = memchr(al, in[i], 64);

        if (p == NULL || in[i] == '\0')
            return -1;
        v = v << 6 | (unsigned long)(p - al);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[n++] = (unsigned char)(v >> bits);
        }
    }
    return n;
}

static EVP_PKEY *read_pem(const char *dir, const char *name, int priv)
{
    size_t len;
    char *pem = slurp(dir, name, &len);
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    EVP_PKEY *pk = priv ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL)
                        : PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);

    BIO_free(bio);
    free(pem);
    return pk;
}

static void setup(struct fix *f, const char *op, const char *dir)
{
    const char *fam = NULL;
    char name[64];
    size_t len;
    char *data, *dot;
    jwtd_error err;
    jwtd_err rc;

    f->op = op;
    if (strstr(op, "hs256") || strstr(op, "hmac")) {
        f->alg = JWTD_ALG_HS256;
        fam = "hs256";
    } else if (strstr(op, "es256")) {
        f->alg = JWTD_ALG_ES256;
        fam = "es256";
    } else if (strstr(op, "rs256")) {
        f->alg = JWTD_ALG_RS256;
        fam = "rs256";
    } else if (strstr(op, "eddsa")) {
        f->alg = JWTD_ALG_EDDSA;
        fam = "eddsa";
    } else {
        fprintf(stderr, "unknown op %s\n", op);
        exit(2);
    }
    f->sign = strstr(op, "-sign") != NULL;
    f->raw = strncmp(op, "raw-", 4) == 0;
    snprintf(name, sizeof(name), "%s.jwt", fam);
    f->token = slurp(dir, name, &f->token_len);
    f->payload = slurp(dir, "payload.json", &f->payload_len);
    dot = strrchr(f->token, '.');
    f->in_len = (size_t)(dot - f->token);
    f->sig_len = (size_t)b64url_decode(dot + 1, strlen(dot + 1), f->sig);
    if (f->alg == JWTD_ALG_HS256) {
        data = slurp(dir, "hs256.key", &len);
        f->secret = (unsigned char *)data;
        f->secret_len = len;
        rc = jwtd_key_from_secret(data, len, &f->key);
    } else {
        snprintf(name, sizeof(name), "%s%s", fam,
                 f->sign ? ".pem" : ".pub.pem");
        data = slurp(dir, name, &len);
        rc = jwtd_key_from_pem(data, len, &f->key, &err);
        free(data);
        f->pkey = read_pem(dir, name, f->sign);
    }
    if (rc != JWTD_OK) {
        fprintf(stderr, "key: %s\n", jwtd_strerror(rc));
        exit(2);
    }
    jwtd_verify_opts_init(&f->vopts);
    f->vopts.algorithms = &f->alg;
    f->vopts.algorithm_count = 1;
    f->vopts.audience = audience;
    f->vopts.audience_count = 1;
    f->vopts.issuer = issuer;
    f->vopts.issuer_count = 1;
    jwtd_sign_opts_init(&f->sopts);
    f->sopts.alg = f->alg;
    f->sopts.expires_in = "1d";
}

static int run_jwtd(const struct fix *f)
{
    jwtd_error err;
    jwtd_token *tok = NULL;
    char *out = NULL;
    size_t len = 0;
    const char *aud;
    int rc = -1;

    if (f->sign) {
        if (jwtd_sign(f->payload, f->payload_len, f->key, &f->sopts, &out,
                      &err) == JWTD_OK && strlen(out) > 100)
            rc = 0;
        free(out);
        return rc;
    }
    if (jwtd_verify(f->token, f->token_len, f->key, &f->vopts, &tok,
                    &err) != JWTD_OK) {
        fprintf(stderr, "verify: %s\n", err.message);
        return -1;
    }
    aud = jwtd_token_claim_string(tok, "aud", &len);
    if (aud != NULL && len == 5 && memcmp(aud, "bench", 5) == 0)
        rc = 0;
    jwtd_token_free(tok);
    return rc;
}

static EVP_MD_CTX *hmac_half(const struct fix *f, unsigned char pad)
{
    unsigned char block[64] = {0};
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    size_t i;

    memcpy(block, f->secret, f->secret_len);
    for (i = 0; i < sizeof(block); i++)
        block[i] ^= pad;
    if (c == NULL || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1 ||
        EVP_DigestUpdate(c, block, sizeof(block)) != 1)
        exit(2);
    return c;
}

/* OpenSSL alone, contexts set up once per thread. */
static long run_raw(const struct fix *f)
{
    unsigned char md[64], der[160], *p = der;
    unsigned int mdlen;
    size_t n;
    long i, bad = 0;
    const unsigned char *in = (const unsigned char *)f->token;
    const unsigned char *sig = f->sig;
    size_t sig_len = f->sig_len;
    EVP_MD_CTX *inner = NULL, *outer = NULL, *work = EVP_MD_CTX_new();
    EVP_MAC *mac = NULL;
    EVP_MAC_CTX *mctx = NULL;
    EVP_PKEY_CTX *pctx = NULL;
    OSSL_PARAM params[2];

    if (strcmp(f->op, "raw-hmac-md") == 0) {
        inner = hmac_half(f, 0x36);
        outer = hmac_half(f, 0x5c);
    } else if (strcmp(f->op, "raw-hmac-mac") == 0) {
        params[0] = OSSL_PARAM_construct_utf8_string(
            OSSL_MAC_PARAM_DIGEST, "SHA256", 0);
        params[1] = OSSL_PARAM_construct_end();
        mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
        mctx = EVP_MAC_CTX_new(mac);
        if (EVP_MAC_init(mctx, f->secret, f->secret_len, params) != 1)
            exit(2);
    } else if (f->alg == JWTD_ALG_ES256 || f->alg == JWTD_ALG_RS256) {
        if (f->alg == JWTD_ALG_ES256) {
            ECDSA_SIG *es = ECDSA_SIG_new();

            ECDSA_SIG_set0(es, BN_bin2bn(f->sig, 32, NULL),
                           BN_bin2bn(f->sig + 32, 32, NULL));
            sig_len = (size_t)i2d_ECDSA_SIG(es, &p);
            sig = der;
            ECDSA_SIG_free(es);
        }
        pctx = EVP_PKEY_CTX_new(f->pkey, NULL);
        if (pctx == NULL || EVP_PKEY_verify_init(pctx) != 1 ||
            EVP_PKEY_CTX_set_signature_md(pctx, EVP_sha256()) != 1)
            exit(2);
        if (f->alg == JWTD_ALG_RS256 &&
            EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
            exit(2);
    }
    for (i = 0; i < f->iters; i++) {
        if (inner != NULL) {
            if (EVP_MD_CTX_copy_ex(work, inner) != 1 ||
                EVP_DigestUpdate(work, in, f->in_len) != 1 ||
                EVP_DigestFinal_ex(work, md, &mdlen) != 1 ||
                EVP_MD_CTX_copy_ex(work, outer) != 1 ||
                EVP_DigestUpdate(work, md, mdlen) != 1 ||
                EVP_DigestFinal_ex(work, md, &mdlen) != 1 ||
                CRYPTO_memcmp(md, sig, 32) != 0)
                bad++;
        } else if (mctx != NULL) {
            if (EVP_MAC_init(mctx, NULL, 0, NULL) != 1 ||
                EVP_MAC_update(mctx, in, f->in_len) != 1 ||
                EVP_MAC_final(mctx, md, &n, sizeof(md)) != 1 ||
                CRYPTO_memcmp(md, sig, 32) != 0)
                bad++;
        } else if (pctx != NULL) {
            if (EVP_Digest(in, f->in_len, md, &mdlen, EVP_sha256(),
                           NULL) != 1 ||
                EVP_PKEY_verify(pctx, sig, sig_len, md, mdlen) != 1)
                bad++;
        } else {
            if (EVP_DigestVerifyInit(work, NULL, NULL, NULL, f->pkey) != 1
                || EVP_DigestVerify(work, sig, sig_len, in,
                                    f->in_len) != 1)
                bad++;
        }
    }
    EVP_MD_CTX_free(inner);
    EVP_MD_CTX_free(outer);
    EVP_MD_CTX_free(work);
    EVP_MAC_CTX_free(mctx);
    EVP_MAC_free(mac);
    EVP_PKEY_CTX_free(pctx);
    return bad;
}

static void *worker(void *p)
{
    const struct fix *f = p;
    long i, bad = 0;

    if (f->raw)
        bad = run_raw(f);
    else
        for (i = 0; i < f->iters; i++)
            bad += run_jwtd(f) != 0;
    return (void *)bad;
}

/* This thread's CPU time: time spent preempted by the machine's other
 * load does not count, which steadies ratios on a shared machine. */
static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* OP1,OP2: alternating chunks, each timed apart. */
static int paired(char *ops, const char *dir, long n)
{
    struct fix f[2];
    char *comma = strchr(ops, ',');
    double spent[2] = {0, 0}, t0;
    long done, bad = 0, chunk = n / 500 > 0 ? n / 500 : 1;
    int k;

    *comma = '\0';
    memset(f, 0, sizeof(f));
    setup(&f[0], ops, dir);
    setup(&f[1], comma + 1, dir);
    for (k = 0; k < 2; k++) {
        f[k].iters = chunk;
        if (!f[k].raw && run_jwtd(&f[k]) != 0)
            return 1;
    }
    for (done = 0; done < n; done += chunk) {
        for (k = 0; k < 2; k++) {
            t0 = now_s();
            bad += (long)worker(&f[k]);
            spent[k] += now_s() - t0;
        }
    }
    for (k = 0; k < 2; k++)
        printf("%s\t1\t%.0f\n", f[k].op, (double)done / spent[k]);
    printf("ratio %s/%s\t%.3f\n", f[0].op, f[1].op, spent[1] / spent[0]);
    return bad == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    struct fix f;
    struct timespec t0, t1, c0, c1;
    pthread_t th[16];
    int threads = 1, t;
    long bad = 0;
    void *r;
    double secs, cpu;

    if (argc < 3) {
        fprintf(stderr, "usage: perf_verify OP FIXTURE_DIR [N [THREADS]]\n");
        return 2;
    }
    if (strchr(argv[1], ',') != NULL)
        return paired(argv[1], argv[2], argc > 3 ? atol(argv[3]) : 200000);
    memset(&f, 0, sizeof(f));
    setup(&f, argv[1], argv[2]);
    f.iters = argc > 3 ? atol(argv[3]) : 200000;
    threads = argc > 4 ? (int)strtol(argv[4], NULL, 10) : 1;
    if (threads < 1 || threads > 16 || f.iters < 1)
        return 2;
    /* One untimed round so lazy set-up inside OpenSSL is not counted. */
    if (!f.raw && run_jwtd(&f) != 0)
        return 1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (t = 0; t < threads; t++)
        if (pthread_create(&th[t], NULL, worker, &f) != 0)
            return 2;
    for (t = 0; t < threads; t++) {
        pthread_join(th[t], &r);
        bad += (long)r;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    secs = (double)(t1.tv_sec - t0.tv_sec) +
           (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    cpu = (double)(c1.tv_sec - c0.tv_sec) +
          (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
    /* Wall-clock rate, then operations per CPU-second: on a machine
     * shared with other load the second shows whether threads slow each
     * other down (a lock or a contended cache line), the first does not. */
    printf("%s\t%d\t%.0f\t%.0f/cpu-s\n", f.op, threads,
           (double)f.iters * threads / secs,
           (double)f.iters * threads / cpu);
    if (bad != 0) {
        fprintf(stderr, "%ld operations failed\n", bad);
        return 1;
    }
    jwtd_key_free(f.key);
    EVP_PKEY_free(f.pkey);
    free(f.token);
    free(f.payload);
    free(f.secret);
    return 0;
}
