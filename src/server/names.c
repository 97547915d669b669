/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * The one canonical form of a user name.  Creation, login, throttling and
 * the token's claims all go through jwtd__name_canonical, so 'ALICE',
 * 'Alice' and fullwidth 'ａｌｉｃｅ' are one account and one throttling
 * key (bug case SV-03).  The form is Unicode NFKC followed by full case
 * folding (and NFKC again, which case folding can disturb), computed with
 * libunistring.  Names that would look alike but differ invisibly are
 * refused rather than silently repaired: control and format characters
 * (which include the zero-width ones and bidirectional overrides),
 * unassigned code points (whose normalisation may change in a later
 * Unicode version), line and paragraph separators, and white space at
 * either end.
 */
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "server/auth.h"

/* Input longer than this is refused before any Unicode work: NFKC can
 * grow a string, but a name that needs more than four bytes of input per
 * canonical byte is not one anyone types. */
#define NAME_INPUT_MAX (4 * JWTD__NAME_MAX)

/* Characters that may not appear anywhere in a name. */
static bool forbidden(ucs4_t c)
{
    /* Listed for clarity; all are general category Cf as well. */
    if ((c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF)
        return true;
    return uc_is_general_category(c, UC_CATEGORY_Cc) ||
           uc_is_general_category(c, UC_CATEGORY_Cf) ||
           uc_is_general_category(c, UC_CATEGORY_Cn) ||
           uc_is_general_category(c, UC_CATEGORY_Cs) ||
           uc_is_general_category(c, UC_CATEGORY_Zl) ||
           uc_is_general_category(c, UC_CATEGORY_Zp);
}

/* Checks every character and the white space at both ends of s[0..n),
 * which must be valid UTF-8. */
static bool acceptable(const uint8_t *s, size_t n)
{
    const uint8_t *p = s, *end = s + n;
    ucs4_t c = 0, first = 0;
    int len;

    if (n == 0)
        return false;
    while (p < end) {
        len = u8_mbtouc(&c, p, (size_t)(end - p));
        if (len <= 0 || forbidden(c))
            return false;
        if (p == s)
            first = c;
        p += len;
    }
    /* c is now the last character. */
    return !uc_is_property_white_space(first) &&
           !uc_is_property_white_space(c);
}

bool jwtd__name_canonical(const char *name, size_t len, char *out,
                          size_t out_size)
{
    const uint8_t *in = (const uint8_t *)name;
    uint8_t *nfkc = NULL, *folded = NULL;
    size_t nfkc_len = 0, folded_len = 0;
    bool ok = false;

    if (name == NULL || out == NULL || out_size == 0)
        return false;
    out[0] = '\0';
    if (len == 0 || len > NAME_INPUT_MAX)
        return false;
    /* u8_check also refuses surrogates and overlong forms; an embedded
     * NUL is valid UTF-8 but Cc, so acceptable() refuses it. */
    if (u8_check(in, len) != NULL || !acceptable(in, len))
        goto out;
    nfkc = u8_normalize(UNINORM_NFKC, in, len, NULL, &nfkc_len);
    if (nfkc == NULL)
        goto out;
    folded = u8_casefold(nfkc, nfkc_len, NULL, UNINORM_NFKC, NULL,
                         &folded_len);
    if (folded == NULL)
        goto out;
    /* NFKC maps some characters to white space or controls (for example
     * U+00A0 to a space), so the result is checked again. */
    if (folded_len > JWTD__NAME_MAX || folded_len >= out_size ||
        !acceptable(folded, folded_len))
        goto out;
    memcpy(out, folded, folded_len);
    out[folded_len] = '\0';
    ok = true;
out:
    free(nfkc);
    free(folded);
    return ok;
}
