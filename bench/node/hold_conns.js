// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the jwtd authors
//
// Opens COUNT keep-alive connections to a loopback server, makes one
// request on each (POST PATH with the bearer TOKEN), and holds them all
// open; once every connection has its answer (or after 20 s) it writes
// the number of answered connections to READY_FILE and waits to be
// killed, so the caller can read the server's RSS meanwhile.  Sockets are
// spread over source addresses 127.0.0.1 to 127.0.0.4 so a per-address
// connection cap does not decide the result.
//
// Usage: node hold_conns.js PORT PATH TOKEN COUNT READY_FILE
'use strict';
const net = require('net');
const fs = require('fs');

const [port, path, token, countText, ready] = process.argv.slice(2);
const count = Number(countText);
const socks = [];
let answered = 0, done = false;

function finish() {
    if (done)
        return;
    done = true;
    fs.writeFileSync(ready, String(answered));
}

const req = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
    (token ? `Authorization: Bearer ${token}\r\n` : '') +
    'Content-Type: application/json\r\nContent-Length: 0\r\n' +
    'Connection: keep-alive\r\n\r\n';

let opened = 0;
function openOne(i) {
    const s = net.connect({ host: '127.0.0.1', port: Number(port),
                            localAddress: `127.0.0.${1 + (i % 4)}` });
    let got = false;
    s.on('connect', () => s.write(req));
    s.on('data', () => {
        if (!got) {
            got = true;
            if (++answered === count)
                finish();
        }
    });
    s.on('error', () => {});
    socks.push(s);
}
// Open in batches so the server's accept queue is not the test.
const timer = setInterval(() => {
    for (let k = 0; k < 100 && opened < count; k++)
        openOne(opened++);
    if (opened >= count)
        clearInterval(timer);
}, 20);
setTimeout(finish, 20000);
setInterval(() => {}, 1000); // stay alive until killed
