// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the jwtd authors
//
// The Node peers on the shared benchmark tokens and keys: jsonwebtoken 9,
// jose 5 and fast-jwt, each verifying with the same checks as the C
// benchmarks (alg allow-list, exp, iss 'jwtd-bench', aud 'bench') and
// signing the same payload with a one-day expiry.  Keys are parsed once
// (a KeyObject, or fast-jwt's own factory, which keeps its parsed key).
// fast-jwt's verified-token cache is off, as is its default; the op
// "hs256-verify-cache" turns it on and is labelled so.  jose is
// promise-based, so its loop awaits each call, as its users must.
//
// Usage: node bench_lib.js IMPL OP FIXTURE_DIR [THREADS [SECS [WARMUP]]]
// prints "impl<TAB>op<TAB>threads<TAB>ops_per_second" as the C
// harness does; exit 3 when IMPL does not offer OP.  THREADS > 1 runs one
// worker_thread per thread, each with its own loop, and sums them.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { Worker, isMainThread, parentPort, workerData } =
    require('worker_threads');

const ALG = { hs256: 'HS256', es256: 'ES256', rs256: 'RS256',
              eddsa: 'EdDSA' };
const ISS = 'jwtd-bench';
const AUD = 'bench';

function fixtures(dir, op) {
    const [fam, what] = op.split('-');
    const rd = (f) => fs.readFileSync(path.join(dir, f));
    const f = { alg: ALG[fam], what, cache: op.endsWith('-cache'),
                payload: JSON.parse(rd('payload.json')) };
    if (!f.alg)
        return null;
    f.token = rd(`${fam}.jwt`).toString();
    if (fam === 'hs256') {
        f.secretBuf = rd('hs256.key');
        f.pub = f.priv = crypto.createSecretKey(f.secretBuf);
        f.pubPem = f.privPem = f.secretBuf;
    } else {
        f.pubPem = rd(`${fam}.pub.pem`).toString();
        f.privPem = rd(`${fam}.pem`).toString();
        f.pub = crypto.createPublicKey(f.pubPem);
        f.priv = crypto.createPrivateKey(f.privPem);
    }
    return f;
}

// Returns { fn, async } performing one operation and throwing on a
// wrong result, or null when the implementation does not offer it.
function makeOp(impl, f) {
    const { alg, what } = f;
    const check = (claims) => {
        if (!claims || claims.aud !== AUD || claims.user.id !== 1)
            throw new Error('wrong claims');
    };
    const checkTok = (t) => {
        if (typeof t !== 'string' || t.length < 100)
            throw new Error('wrong token');
    };
    if (impl === 'jsonwebtoken') {
        const jwt = require('jsonwebtoken');
        if (alg === 'EdDSA' || f.cache)
            return null;
        if (what === 'verify') {
            const o = { algorithms: [alg], audience: AUD, issuer: ISS };
            return { fn: () => check(jwt.verify(f.token, f.pub, o)) };
        }
        const o = { algorithm: alg, expiresIn: '1d' };
        return { fn: () => checkTok(jwt.sign(f.payload, f.priv, o)) };
    }
    if (impl === 'fast-jwt') {
        const { createVerifier, createSigner } = require('fast-jwt');
        if (what === 'verify') {
            const v = createVerifier({ key: f.pubPem, algorithms: [alg],
                                       allowedAud: AUD, allowedIss: ISS,
                                       cache: f.cache ? 1000 : false });
            return { fn: () => check(v(f.token)) };
        }
        if (f.cache)
            return null;
        const s = createSigner({ key: f.privPem, algorithm: alg,
                                 expiresIn: 86400000 });
        return { fn: () => checkTok(s(f.payload)) };
    }
    if (impl === 'jose') {
        const jose = require('jose');
        if (f.cache)
            return null;
        if (what === 'verify') {
            const o = { algorithms: [alg], audience: AUD, issuer: ISS };
            return { async: true, fn: async () =>
                check((await jose.jwtVerify(f.token, f.pub, o)).payload) };
        }
        return { async: true, fn: async () => checkTok(
            await new jose.SignJWT(f.payload)
                .setProtectedHeader({ alg, typ: 'JWT' })
                .setIssuedAt().setExpirationTime('1d').sign(f.priv)) };
    }
    throw new Error(`unknown implementation ${impl}`);
}

const now = () => Number(process.hrtime.bigint()) / 1e9;

// Runs op for warm + secs seconds; returns operations per second in the
// measured window.
async function loop(op, secs, warm) {
    const BATCH = 32;
    let n = 0, t0 = 0, n0 = 0;
    const start = now();
    for (;;) {
        if (op.async) {
            for (let i = 0; i < BATCH; i++)
                await op.fn();
        } else {
            for (let i = 0; i < BATCH; i++)
                op.fn();
        }
        n += BATCH;
        const t = now();
        if (t0 === 0 && t - start >= warm) {
            t0 = t;
            n0 = n;
        } else if (t0 !== 0 && t - t0 >= secs) {
            return (n - n0) / (t - t0);
        }
    }
}

async function main() {
    if (!isMainThread) {
        const { impl, opName, dir, secs, warm } = workerData;
        const op = makeOp(impl, fixtures(dir, opName));
        parentPort.postMessage(await loop(op, secs, warm));
        return;
    }
    const [impl, opName, dir] = process.argv.slice(2, 5);
    const threads = Number(process.argv[5] || 1);
    const secs = Number(process.argv[6] || 1);
    const warm = Number(process.argv[7] || 0.2);
    if (!impl || !opName || !dir) {
        console.error('usage: bench_lib.js IMPL OP DIR [THREADS [SECS ' +
                      '[WARMUP]]]');
        process.exit(2);
    }
    const f = fixtures(dir, opName);
    const op = f && makeOp(impl, f);
    if (!op) {
        console.error(`${impl}: ${opName} not offered`);
        process.exit(3);
    }
    await op.fn(); // proves the result is right before timing
    let rate;
    if (threads <= 1) {
        rate = await loop(op, secs, warm);
    } else {
        const runs = [];
        for (let i = 0; i < threads; i++) {
            runs.push(new Promise((resolve, reject) => {
                const w = new Worker(__filename, { workerData:
                    { impl, opName, dir, secs, warm } });
                w.on('message', resolve);
                w.on('error', reject);
            }));
        }
        rate = (await Promise.all(runs)).reduce((a, b) => a + b, 0);
    }
    const label = f.cache ? `${impl}+cache` : impl;
    const opLabel = opName.replace(/-cache$/, '');
    console.log(`${label}\t${opLabel}\t${threads}\t${Math.round(rate)}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
