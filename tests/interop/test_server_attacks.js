// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the jwtd authors
//
// The attack suite against the running login server: `jwtd serve` with an
// ES256 key (--key ec.pem), a user alice, and a genuine token from
// POST /api/login.  Every forgery keeps the genuine payload (a live
// session of a real user), so the only thing wrong is how it is signed;
// if the server's verification could be fooled, the answer would be 200.
// Covered: the public key (PEM with and without newline, DER, the JWKS
// text, the JWK x coordinate) used as an HS256 secret (BL-03), alg none
// in several spellings, ECDSA zero, out-of-range, DER and twin
// signatures (BL-04, BL-05, BL-06), a token re-typed as ES384, and keys
// offered by the token itself: embedded jwk, jku and x5u URLs pointing at
// a loopback listener that must see no connection, a path-like kid
// (BL-21, BL-20).  Each must be 401 with error="invalid_token", and the
// server must stay up and stop cleanly on SIGTERM.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { spawn, spawnSync } = require('child_process');

const BIN = process.env.JWTD_BIN;
if (!BIN) {
  console.error('JWTD_BIN must name the jwtd binary');
  process.exit(2);
}

let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) {
    passed++;
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? `: ${detail}` : ''}`);
  }
}

const b64u = (buf) => Buffer.from(buf).toString('base64url');
const enc = (obj) => b64u(JSON.stringify(obj));

// P-256 order n, big-endian.
const N_P256 = Buffer.from(
  'FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551', 'hex');

// r||s (32 + 32 bytes) as a DER ECDSA-Sig-Value.
function derSig(raw) {
  const int = (b) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    b = b.subarray(i);
    if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return Buffer.concat([Buffer.from([0x02, b.length]), b]);
  };
  const body = Buffer.concat([int(raw.subarray(0, 32)),
    int(raw.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function hs256(header, payloadB64, secret) {
  const input = `${enc(header)}.${payloadB64}`;
  const mac = crypto.createHmac('sha256', secret).update(input).digest();
  return `${input}.${b64u(mac)}`;
}

function es256(header, payloadB64, privateKey) {
  const input = `${enc(header)}.${payloadB64}`;
  const sig = crypto.sign('sha256', Buffer.from(input),
    { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64u(sig)}`;
}

function withSig(token, sig) {
  return `${token.slice(0, token.lastIndexOf('.'))}.${b64u(sig)}`;
}

function startServer(dir) {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ['serve', '--port', '0', '--db',
      path.join(dir, 'j.db'), '--key', path.join(dir, 'ec.pem'),
      '--log-level', 'debug'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => reject(new Error(`no banner: ${log}`)),
      10000);
    child.stderr.on('data', (d) => {
      log += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ` +
      log)));
  });
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jwtd-attacks-'));
  const server = { child: null };
  const connections = [];
  const listener = net.createServer((s) => {
    connections.push(s.remoteAddress);
    s.destroy();
  });
  try {
    const { privateKey } = crypto.generateKeyPairSync('ec',
      { namedCurve: 'P-256' });
    fs.writeFileSync(path.join(dir, 'ec.pem'),
      privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const add = spawnSync(BIN, ['user', 'add', 'alice', '--db',
      path.join(dir, 'j.db')], { input: 'Correct-Horse-42\n' });
    if (add.status !== 0) throw new Error(`user add: ${add.stderr}`);
    await new Promise((r) => listener.listen(0, '127.0.0.1', r));
    const lport = listener.address().port;

    const s = await startServer(dir);
    server.child = s.child;
    const base = `http://127.0.0.1:${s.port}`;
    const me = async (token) => {
      const r = await fetch(`${base}/api/me`,
        { headers: { Authorization: `Bearer ${token}` } });
      await r.text();
      return { status: r.status,
        www: r.headers.get('www-authenticate') || '' };
    };

    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'alice',
        password: 'Correct-Horse-42' }),
    });
    const { token } = await login.json();
    check('login', login.status === 200 && typeof token === 'string');
    const good = await me(token);
    check('genuine token accepted', good.status === 200,
      `status ${good.status}`);

    const payload = token.split('.')[1];
    const realSig = Buffer.from(token.split('.')[2], 'base64url');
    check('server signature is r||s', realSig.length === 64,
      `${realSig.length} bytes`);
    const jwksRes = await fetch(`${base}/.well-known/jwks.json`);
    const jwksText = await jwksRes.text();
    const jwk = JSON.parse(jwksText).keys[0];
    const pub = crypto.createPublicKey({ key: jwk, format: 'jwk' });
    const pem = pub.export({ type: 'spki', format: 'pem' });
    const der = pub.export({ type: 'spki', format: 'der' });
    const attacker = crypto.generateKeyPairSync('ec',
      { namedCurve: 'P-256' });
    const attackerJwk = attacker.publicKey.export({ format: 'jwk' });
    const HS = { alg: 'HS256', typ: 'JWT' };

    const forgeries = {
      'HS256 keyed with the public PEM': hs256(HS, payload, pem),
      'HS256 keyed with the PEM, no newline':
        hs256(HS, payload, pem.trimEnd()),
      'HS256 keyed with the DER SPKI': hs256(HS, payload, der),
      'HS256 keyed with the JWKS text': hs256(HS, payload, jwksText),
      'HS256 keyed with the JWK x': hs256(HS, payload,
        Buffer.from(jwk.x, 'base64url')),
      'alg none': `${enc({ alg: 'none' })}.${payload}.`,
      'alg None': `${enc({ alg: 'None' })}.${payload}.`,
      'alg NONE with the real signature':
        `${enc({ alg: 'NONE' })}.${payload}.${token.split('.')[2]}`,
      'ES256 all-zero signature': withSig(token, Buffer.alloc(64)),
      'ES256 r = n': withSig(token,
        Buffer.concat([N_P256, realSig.subarray(32)])),
      'ES256 s = 0': withSig(token,
        Buffer.concat([realSig.subarray(0, 32), Buffer.alloc(32)])),
      'ES256 DER signature': withSig(token, derSig(realSig)),
      'ES256 signature + AAAA': `${token}AAAA`,
      'ES256 signature one byte short':
        withSig(token, realSig.subarray(0, 63)),
      'same signature under ES384':
        `${enc({ alg: 'ES384', typ: 'JWT' })}.${payload}.` +
        token.split('.')[2],
      'embedded jwk, attacker-signed': es256({ alg: 'ES256',
        jwk: attackerJwk }, payload, attacker.privateKey),
      'jku to a loopback listener': es256({ alg: 'ES256',
        jku: `http://127.0.0.1:${lport}/jwks.json` }, payload,
      attacker.privateKey),
      'x5u to a loopback listener': es256({ alg: 'ES256',
        x5u: `http://127.0.0.1:${lport}/c.pem` }, payload,
      attacker.privateKey),
      'kid path, attacker-signed': es256({ alg: 'ES256',
        kid: '../../../../etc/passwd' }, payload, attacker.privateKey),
      'kid SQL, attacker-signed': es256({ alg: 'ES256',
        kid: "x' OR '1'='1" }, payload, attacker.privateKey),
    };
    // A non-canonical twin of the real signature: 64 bytes take 86
    // characters whose last one has 2 spare bits.
    const alpha =
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alpha.indexOf(token[token.length - 1]);
    forgeries['ES256 non-canonical twin'] =
      token.slice(0, -1) + alpha[last | 1];

    for (const [name, forged] of Object.entries(forgeries)) {
      const r = await me(forged);
      check(name, r.status === 401 && /error="invalid_token"/.test(r.www),
        `status ${r.status}, WWW-Authenticate ${r.www}`);
    }
    check('no connection to the jku/x5u listener', connections.length === 0,
      `${connections.length} connections`);
    const again = await me(token);
    check('server still serves the genuine token', again.status === 200,
      `status ${again.status}`);

    server.child.removeAllListeners('exit');
    const exited = new Promise((r) => {
      const t = setTimeout(() => r({ code: 'timeout' }), 15000);
      server.child.on('exit', (code) => {
        clearTimeout(t);
        r({ code });
      });
    });
    server.child.kill('SIGTERM');
    const { code } = await exited;
    if (code === 'timeout') server.child.kill('SIGKILL');
    check('SIGTERM exits 0', code === 0, `exit ${code}`);
    server.child = null;
  } finally {
    if (server.child) server.child.kill('SIGKILL');
    listener.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.log(`FAIL ${e.stack || e}`);
  process.exit(1);
});
