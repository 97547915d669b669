// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the jwtd authors
//
// Signs the shared benchmark tokens (one per algorithm) into the fixture
// directory given as argv[2], and writes payload.json, the claims every
// signer benchmark signs.  The payload is the Express tutorial's mock user
// with an issuer and audience added, so verifiers exercise full claim
// checks (alg allow-list, exp, iss, aud).
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const jwt = require('jsonwebtoken');
const jose = require('jose');

async function main() {
    const dir = process.argv[2];
    const rd = (f) => fs.readFileSync(path.join(dir, f));
    const payload = {
        user: { id: 1, username: 'brad', email: 'brad@gmail.com' },
        iss: 'jwtd-bench',
        aud: 'bench',
    };
    fs.writeFileSync(path.join(dir, 'payload.json'), JSON.stringify(payload));
    const opts = { expiresIn: '1d' };
    const hs = crypto.createSecretKey(rd('hs256.key'));
    const es = crypto.createPrivateKey(rd('es256.pem'));
    const rs = crypto.createPrivateKey(rd('rs256.pem'));
    const ed = crypto.createPrivateKey(rd('eddsa.pem'));
    const w = (f, t) => fs.writeFileSync(path.join(dir, f), t);
    w('hs256.jwt', jwt.sign(payload, hs, { ...opts, algorithm: 'HS256' }));
    w('es256.jwt', jwt.sign(payload, es, { ...opts, algorithm: 'ES256' }));
    w('rs256.jwt', jwt.sign(payload, rs, { ...opts, algorithm: 'RS256' }));
    const now = Math.floor(Date.now() / 1000);
    w('eddsa.jwt', await new jose.SignJWT(payload)
        .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
        .setIssuedAt(now).setExpirationTime(now + 86400).sign(ed));
}

main().catch((e) => { console.error(e); process.exit(1); });
