// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the jwtd authors
//
// `jwtd serve` and the Node peers agree on tokens: a token the server
// issues verifies with jsonwebtoken (and, for RS256, with jose through the
// server's own JWKS), and a token jsonwebtoken signs with the server's key
// is accepted by the server's protected routes.  Two servers: one with a
// shared HMAC secret and --issuer/--audience, one with an RSA private key
// in PEM.  Each runs on a free loopback port (--port 0) and is killed on
// exit.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const h = require('./harness');

const jwt = h.peer('jsonwebtoken');
const { assert } = h;

const dir = h.tmpdir();
const children = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

function addUser(db, name, password, roles) {
  const args = ['user', 'add', name, '--db', db];
  if (roles) args.push('--roles', roles);
  h.expectOk(h.jwtd(args, `${password}\n`), `user add ${name}`);
}

// Starts jwtd serve with args; resolves with its base URL once the banner
// names the port (at most 10 s).
function startServer(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.JWTD_BIN,
      ['serve', '--port', '0', ...args], { stdio: ['ignore', 'ignore',
        'pipe'] });
    children.push(child);
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no banner: ${err}`)),
      10000);
    child.stderr.on('data', (d) => {
      err += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

async function login(base, username, password) {
  const r = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  assert.strictEqual(r.status, 200, 'login status');
  return (await r.json()).token;
}

async function me(base, token) {
  const r = await fetch(`${base}/api/me`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return { status: r.status, body: await r.json() };
}

async function hmacServer() {
  const db = path.join(dir, 'hs.db');
  const secret = crypto.randomBytes(32).toString('base64url');
  const keyFile = path.join(dir, 'hs.key');
  fs.writeFileSync(keyFile, secret);
  addUser(db, 'alice', 'Correct-Horse-42', 'editor');
  const base = await startServer(['--db', db, '--key', keyFile,
    '--issuer', 'https://jwtd.test', '--audience', 'api', '--expires-in',
    '15m']);
  const token = await login(base, 'alice', 'Correct-Horse-42');

  h.ok('server HS256 token verifies with jsonwebtoken', () => {
    const c = jwt.verify(token, secret, { algorithms: ['HS256'],
      issuer: 'https://jwtd.test', audience: 'api' });
    assert.strictEqual(c.name, 'alice');
    assert.deepStrictEqual(c.roles, ['editor']);
    assert.strictEqual(c.exp - c.iat, 900);
    assert.match(c.sub, /^[1-9][0-9]*$/);
    assert.match(c.jti, /^[0-9a-f]{32}$/);
  });
  h.ok('jsonwebtoken refuses it with another audience', () => {
    assert.throws(() => jwt.verify(token, secret, { audience: 'other' }),
      /jwt audience invalid/);
  });

  const sub = jwt.decode(token).sub;
  const good = jwt.sign({ sub, name: 'alice' }, secret, {
    expiresIn: '5m', issuer: 'https://jwtd.test', audience: 'api' });
  await h.okAsync('jsonwebtoken HS256 token accepted by the server',
    async () => {
      const r = await me(base, good);
      assert.strictEqual(r.status, 200);
      assert.deepStrictEqual(r.body, { sub, name: 'alice',
        roles: ['editor'] });
    });
  const noAud = jwt.sign({ sub }, secret, { expiresIn: '5m',
    issuer: 'https://jwtd.test' });
  await h.okAsync('server requires the configured audience', async () => {
    const r = await me(base, noAud);
    assert.strictEqual(r.status, 401);
    assert.strictEqual(r.body.error_description,
      'jwt audience invalid. expected: api');
  });
  const wrongIss = jwt.sign({ sub }, secret, { expiresIn: '5m',
    issuer: 'https://evil.test', audience: 'api' });
  await h.okAsync('server requires the configured issuer', async () => {
    const r = await me(base, wrongIss);
    assert.strictEqual(r.status, 401);
    assert.strictEqual(r.body.error_description,
      'jwt issuer invalid. expected: https://jwtd.test');
  });
  const otherKey = jwt.sign({ sub }, 'another-secret-0123456789abcdef!',
    { expiresIn: '5m', issuer: 'https://jwtd.test', audience: 'api' });
  await h.okAsync('token under another secret refused', async () => {
    const r = await me(base, otherKey);
    assert.strictEqual(r.status, 401);
    assert.strictEqual(r.body.error_description, 'invalid signature');
  });
}

async function rsaServer() {
  const db = path.join(dir, 'rs.db');
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa',
    { modulusLength: 2048 });
  const keyFile = path.join(dir, 'rs.pem');
  fs.writeFileSync(keyFile, privateKey.export({ type: 'pkcs8',
    format: 'pem' }));
  addUser(db, 'bob', 'Bob-Pass-1234');
  const base = await startServer(['--db', db, '--key', keyFile]);
  const token = await login(base, 'bob', 'Bob-Pass-1234');

  h.ok('server RS256 token verifies with jsonwebtoken', () => {
    const c = jwt.verify(token, publicKey, { algorithms: ['RS256'] });
    assert.strictEqual(c.name, 'bob');
    assert.deepStrictEqual(c.roles, []);
    assert.strictEqual(c.exp - c.iat, 3600);
  });

  let jwks;
  await h.okAsync('JWKS lists the public key only', async () => {
    const r = await fetch(`${base}/.well-known/jwks.json`);
    assert.strictEqual(r.status, 200);
    assert.strictEqual(r.headers.get('cache-control'),
      'public, max-age=300');
    jwks = await r.json();
    assert.strictEqual(jwks.keys.length, 1);
    assert.strictEqual(jwks.keys[0].kty, 'RSA');
    assert.strictEqual(jwks.keys[0].d, undefined);
  });
  await h.okAsync('server token verifies with jose through the JWKS',
    async () => {
      const jose = await import(path.join(__dirname, '..', 'node_modules',
        'jose', 'dist', 'node', 'esm', 'index.js'));
      const set = jose.createLocalJWKSet(jwks);
      const { payload } = await jose.jwtVerify(token, set,
        { algorithms: ['RS256'] });
      assert.strictEqual(payload.name, 'bob');
    });

  const sub = jwt.decode(token).sub;
  const good = jwt.sign({ sub }, privateKey, { algorithm: 'RS256',
    expiresIn: '5m' });
  await h.okAsync('jsonwebtoken RS256 token accepted by the server',
    async () => {
      const r = await me(base, good);
      assert.strictEqual(r.status, 200);
      assert.strictEqual(r.body.name, 'bob');
    });
  // BL-03: HS256 keyed with the public key's PEM must not pass.
  const pem = publicKey.export({ type: 'spki', format: 'pem' });
  const header = h.b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = h.b64url(JSON.stringify({ sub,
    iat: Math.floor(Date.now() / 1000) }));
  const mac = crypto.createHmac('sha256', pem)
    .update(`${header}.${body}`).digest('base64url');
  await h.okAsync('HS256 keyed with the public PEM refused (BL-03)',
    async () => {
      const r = await me(base, `${header}.${body}.${mac}`);
      assert.strictEqual(r.status, 401);
      assert.strictEqual(r.body.error_description, 'invalid algorithm');
    });
}

(async () => {
  await hmacServer();
  await rsaServer();
  h.finish();
})().catch((e) => {
  console.log(`FAIL ${e.stack}`);
  process.exit(1);
});
