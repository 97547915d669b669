/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 the jwtd authors
 *
 * Applying a time span to a timestamp as jsonwebtoken's lib/timespan.js
 * does, for sign (exp, nbf) and verify (maxAge).
 */
#ifndef JWTD_SPAN_H
#define JWTD_SPAN_H

#include <stdbool.h>
#include <stddef.h>

#include "jwtd/jwtd.h"

/* *out = the time span text after timestamp, in seconds: for a span that
 * ms reads, floor(timestamp + ms / 1000); for whole seconds (digits with
 * digits_are_seconds, a JavaScript number) timestamp + n, unrounded.
 * JWTD_ERR_BAD_SPAN when the text is not a span. */
jwtd_err jwtd__span_apply(const char *text, size_t len,
                          bool digits_are_seconds, double timestamp,
                          double *out);

#endif /* JWTD_SPAN_H */
