-- SPDX-License-Identifier: MIT
-- Copyright (c) 2026 the jwtd authors
--
-- wrk script: every request goes to WRK_PATH with method WRK_METHOD
-- (default POST), the JSON body WRK_BODY and, when WRK_TOKEN is set,
-- "Authorization: Bearer <token>".  No per-response Lua hook, which would
-- slow wrk itself; done() prints machine-readable lines, including the
-- count of non-2xx/3xx answers, so a run that measured errors instead of
-- work is caught by the runner.
local path = os.getenv("WRK_PATH") or "/api/posts"
local body = os.getenv("WRK_BODY") or ""
local token = os.getenv("WRK_TOKEN")

wrk.method = os.getenv("WRK_METHOD") or "POST"
wrk.path = path
if wrk.method == "POST" then
    wrk.body = body
    wrk.headers["Content-Type"] = "application/json"
end
if token and token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. token
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("RESULT rps %.1f\n",
        summary.requests / (summary.duration / 1e6)))
    io.write(string.format("RESULT p50_us %d\nRESULT p99_us %d\n",
        latency:percentile(50), latency:percentile(99)))
    io.write(string.format("RESULT bad_status %d\n", e.status))
    io.write(string.format("RESULT sock_errors %d\n",
        e.connect + e.read + e.write + e.timeout))
end
