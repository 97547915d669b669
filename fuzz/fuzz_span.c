/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * libFuzzer target for time spans (jwtd_span_parse and the internal
 * jwtd__span_apply that sign and maxAge use): every text either fails
 * with JWTD_ERR_BAD_SPAN or gives a finite number of milliseconds, and
 * applying an accepted span never yields a NaN.  Spans come from
 * command lines, configuration files and API callers.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "span.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    double ms = 0, at = 0;
    jwtd_err rc;
    int secs;

    for (secs = 0; secs < 2; secs++) {
        rc = jwtd_span_parse(text, size, secs != 0, &ms);
        if (rc != JWTD_OK && rc != JWTD_ERR_BAD_SPAN)
            abort();
        if (rc == JWTD_OK && !isfinite(ms))
            abort(); /* a span jwtd accepts is a usable number */
        rc = jwtd__span_apply(text, size, secs != 0, 1700000000.0, &at);
        if (rc == JWTD_OK && isnan(at))
            abort();
    }
    return 0;
}
