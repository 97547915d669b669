#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Copyright (c) 2026 the jwtd authors
#
# A login flood does not starve the protected routes (issue 6): argon2id
# runs on the password threads (login_pool.h), not on the HTTP
# workers.  A node client with a keep-alive agent counts GET /api/me
# answers for 2 s alone, then for 3 s while 16 clients post wrong
# passwords; the second rate must be at least half the first (a quarter
# under sanitizers).  Then
# clients that hang up while their login is being checked, and a SIGTERM
# in the middle of a flood, must neither crash nor hang the server; a
# burst past the queue is refused at once with 503.
DIR=$(cd "$(dirname "$0")" && pwd)
. "$DIR/server_lib.sh"

add_user alice 'Correct-Horse-42'
start_server --login-max-failures 1000
login alice 'Correct-Horse-42'
check "login" "$code" 200

cat >"$TMP/flood.js" <<'JS'
const http = require("http");
const [port, token, mode] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const body = JSON.stringify({ username: "alice", password: "wrong-pw" });

function req(opts, data) {
    return new Promise((resolve) => {
        const r = http.request({ host: "127.0.0.1", port, agent, ...opts },
            (res) => { res.resume(); res.on("end", () => resolve(res.statusCode)); });
        r.on("error", () => resolve(0));
        r.setTimeout(10000, () => r.destroy());
        r.end(data);
    });
}
const me = () => req({ path: "/api/me",
                       headers: { Authorization: "Bearer " + token } });
const bad = () => req({ method: "POST", path: "/api/login",
                        headers: { "Content-Type": "application/json" } }, body);

// Sequential GET /api/me for ms milliseconds (at most 100,000); the
// count of 200 answers and of anything else.
async function measure(ms) {
    const end = Date.now() + ms;
    let ok = 0, other = 0;
    for (let i = 0; i < 100000 && Date.now() < end; i++)
        (await me()) === 200 ? ok++ : other++;
    return { ok, other, secs: ms / 1000 };
}

async function flood(ms, statuses, slowest) {
    const end = Date.now() + ms;
    for (let i = 0; i < 2000 && Date.now() < end; i++) {
        const t = Date.now();
        const s = await bad();
        statuses[s] = (statuses[s] || 0) + 1;
        slowest.ms = Math.max(slowest.ms, Date.now() - t);
    }
}

(async () => {
    if (mode === "measure") {
        await measure(300);                         // warm-up
        const normal = await measure(2000);
        const statuses = {}, slowest = { ms: 0 };
        const clients = [];
        for (let c = 0; c < 16; c++) clients.push(flood(3400, statuses, slowest));
        await new Promise((r) => setTimeout(r, 200));
        const during = await measure(3000);
        await Promise.all(clients);
        console.log(JSON.stringify({ normal, during, statuses, slowest: slowest.ms }));
    } else {
        // Flood until killed (for the SIGTERM case).
        const statuses = {}, slowest = { ms: 0 };
        const clients = [];
        for (let c = 0; c < 16; c++) clients.push(flood(5000, statuses, slowest));
        await Promise.all(clients);
    }
    agent.destroy();
})();
JS

# Under ASan+UBSan the workers pay for instrumentation that argon2id
# (libsodium, not instrumented) does not, so the bar there is a quarter;
# before the password threads the ratio was 0.00 to 0.01 either way.
div=2
grep -q __asan_init "$BIN" && div=4
out=$(node "$TMP/flood.js" "$PORT" "$token" measure)
echo "flood: $out"
res=$(node -e '
    const r = JSON.parse(process.argv[1]);
    const n = r.normal.ok / r.normal.secs, d = r.during.ok / r.during.secs;
    const codes = Object.keys(r.statuses).filter((k) => k !== "401" && k !== "503");
    console.log([r.normal.other, r.during.other, d >= n / +process.argv[2] ? "enough" : "starved",
                 (r.statuses["401"] || 0) > 0 ? "denied" : "none",
                 codes.join(",") || "-"].join(" "));
    console.error("protected rate " + n.toFixed(0) + "/s alone, " + d.toFixed(0) +
                  "/s during the flood (ratio " + (d / n).toFixed(2) + ")");
' "$out" "$div")
check "protected route during a login flood (non-200 alone, non-200 during, rate, logins, other codes)" \
    "$res" "0 0 enough denied -"
kill -0 "$SERVER_PID" 2>/dev/null
check "server alive after the flood" "$?" 0

# 120 logins at once: the queue holds 64 jobs, so some are refused at
# once with 503 and Retry-After: 1 (the worker never waits for room);
# the others get their 401.
burst=$(node -e '
    const http = require("http");
    const body = JSON.stringify({ username: "alice", password: "wrong-pw" });
    const seen = {};
    let left = 120;
    for (let i = 0; i < 120; i++) {
        const r = http.request({ host: "127.0.0.1", port: +process.argv[1],
            method: "POST", path: "/api/login", agent: false,
            headers: { "Content-Type": "application/json" } }, (res) => {
            const k = res.statusCode + "/" + (res.headers["retry-after"] || "-");
            seen[k] = (seen[k] || 0) + 1;
            res.resume();
            res.on("end", () => { if (--left === 0) done(); });
        });
        r.on("error", () => { seen.error = (seen.error || 0) + 1;
                              if (--left === 0) done(); });
        r.end(body);
    }
    function done() {
        console.log(Object.keys(seen).sort().join(" "));
        console.error("burst: " + JSON.stringify(seen));
        process.exit(0);
    }
    setTimeout(() => { console.log("timeout"); process.exit(1); }, 15000);
' "$PORT")
check "120 logins at once: 401s and immediate 503s" "$burst" "401/- 503/1"

# Clients that hang up while their password is being checked: the
# suspended request must be completed without a crash.
node -e '
    const net = require("net");
    const body = JSON.stringify({ username: "alice", password: "wrong-pw" });
    let left = 24;
    for (let i = 0; i < 24; i++) {
        const s = net.connect(+process.argv[1], "127.0.0.1", () => {
            s.write("POST /api/login HTTP/1.1\r\nHost: x\r\n" +
                    "Content-Type: application/json\r\nContent-Length: " +
                    body.length + "\r\n\r\n" + body);
            setTimeout(() => { s.destroy(); if (--left === 0) process.exit(0); },
                       i % 3 === 0 ? 0 : 5 * i);
        });
        s.on("error", () => {});
    }
    setTimeout(() => process.exit(1), 10000);
' "$PORT"
check "hung-up clients sent" "$?" 0
sleep 0.5
http GET /healthz
check "healthz after hung-up logins" "$code" 200
login alice 'Correct-Horse-42'
check "login after hung-up logins" "$code" 200

# SIGTERM in the middle of a flood: queued logins are failed, running
# ones finish, every connection is closed, the server exits 0.
node "$TMP/flood.js" "$PORT" "$token" flood &
flood_pid=$!
sleep 1
stop_server
check "SIGTERM during a flood exits 0" "$server_rc" 0
kill "$flood_pid" 2>/dev/null
wait "$flood_pid" 2>/dev/null
check "no sanitizer report" "$(grep -c 'Sanitizer' "$LOG")" 0

summary
