/* SPDX-License-Identifier: MIT
 * Placeholder so the library links while public-key algorithms are being
 * written; replaced by the real implementation before anything ships. */
#include "internal.h"

jwtd_err jwtd__pkey_sign(const jwtd_key *key, jwtd_alg alg,
                         const unsigned char *in, size_t in_len,
                         unsigned char *sig, size_t *sig_len)
{
    (void)key; (void)alg; (void)in; (void)in_len; (void)sig; (void)sig_len;
    return JWTD_ERR_ALGORITHM;
}

jwtd_err jwtd__pkey_verify(const jwtd_key *key, jwtd_alg alg,
                           const unsigned char *in, size_t in_len,
                           const unsigned char *sig, size_t sig_len)
{
    (void)key; (void)alg; (void)in; (void)in_len; (void)sig; (void)sig_len;
    return JWTD_ERR_SIGNATURE;
}
