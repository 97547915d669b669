// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the jwtd authors
//
// Sessions driven by Node's fetch, as a browser-side or Node client would
// use them (issue 7): the access token's sid verifies with jsonwebtoken;
// five refreshes of one token fired at once all get the same successor
// (SV-05); a replay after the grace window ends the family; logout with
// scope "all" ends every session; and in cookie mode a client that keeps
// the cookies and echoes the CSRF cookie in X-CSRF-Token can refresh and
// log out, while the same request from another Origin is refused (SV-11).
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

function post(base, p, body, headers) {
  return fetch(`${base}${p}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(headers || {}) },
    body: JSON.stringify(body || {}),
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function bodyMode(base, secret) {
  const r0 = await post(base, '/api/login',
    { username: 'alice', password: 'Correct-Horse-42' });
  const l = await r0.json();
  await h.okAsync('access token carries sid and verifies', async () => {
    const p = jwt.verify(l.token, secret, { algorithms: ['HS256'] });
    assert.match(p.sid, /^[0-9a-f]{32}$/);
    assert.strictEqual(p.name, 'alice');
  });
  await h.okAsync('five refreshes at once get one successor', async () => {
    const rs = await Promise.all([1, 2, 3, 4, 5].map(() =>
      post(base, '/api/refresh', { refresh_token: l.refresh_token })));
    const bodies = await Promise.all(rs.map((r) => r.json()));
    assert.deepStrictEqual(rs.map((r) => r.status), [200, 200, 200, 200,
      200]);
    const set = new Set(bodies.map((b) => b.refresh_token));
    assert.strictEqual(set.size, 1);
    const [next] = set;
    assert.notStrictEqual(next, l.refresh_token);
    const again = await post(base, '/api/refresh', { refresh_token: next });
    assert.strictEqual(again.status, 200);
  });
  await h.okAsync('replay after the grace window ends the family',
    async () => {
      await sleep(2200);
      const r = await post(base, '/api/refresh',
        { refresh_token: l.refresh_token });
      assert.strictEqual(r.status, 401);
      assert.strictEqual((await r.json()).error, 'invalid_grant');
      const m = await fetch(`${base}/api/me`,
        { headers: { Authorization: `Bearer ${l.token}` } });
      assert.strictEqual(m.status, 401);
    });
  await h.okAsync('logout scope all ends every session', async () => {
    const a = await (await post(base, '/api/login',
      { username: 'alice', password: 'Correct-Horse-42' })).json();
    const b = await (await post(base, '/api/login',
      { username: 'alice', password: 'Correct-Horse-42' })).json();
    const out = await post(base, '/api/logout', { scope: 'all' },
      { Authorization: `Bearer ${a.token}` });
    assert.strictEqual(out.status, 204);
    const rb = await post(base, '/api/refresh',
      { refresh_token: b.refresh_token });
    assert.strictEqual(rb.status, 401);
    const mb = await fetch(`${base}/api/me`,
      { headers: { Authorization: `Bearer ${b.token}` } });
    assert.strictEqual(mb.status, 401);
  });
}

// A minimal cookie jar: name -> value from Set-Cookie, Max-Age=0 drops.
function absorb(jar, res) {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair.indexOf('=');
    const name = pair.slice(0, i);
    if (/Max-Age=0(;|$)/.test(c)) jar.delete(name);
    else jar.set(name, pair.slice(i + 1));
  }
}

function cookieHeader(jar) {
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

async function cookieMode(base) {
  const jar = new Map();
  const l = await post(base, '/api/login',
    { username: 'alice', password: 'Correct-Horse-42' });
  absorb(jar, l);
  const body = await l.json();
  await h.okAsync('cookie login: no refresh token in the body', async () => {
    assert.strictEqual(l.status, 200);
    assert.strictEqual(body.refresh_token, undefined);
    assert.strictEqual(body.csrf_token, jar.get('jwtd_csrf'));
    assert.deepStrictEqual([...jar.keys()].sort(),
      ['jwtd_access', 'jwtd_csrf', 'jwtd_refresh']);
  });
  await h.okAsync('refresh from another origin is refused', async () => {
    const r = await post(base, '/api/refresh', {}, {
      Cookie: cookieHeader(jar), 'X-CSRF-Token': jar.get('jwtd_csrf'),
      Origin: 'https://evil.example' });
    assert.strictEqual(r.status, 403);
    assert.deepStrictEqual(r.headers.getSetCookie(), []);
  });
  await h.okAsync('refresh with the CSRF header rotates the cookie',
    async () => {
      const old = jar.get('jwtd_refresh');
      const r = await post(base, '/api/refresh', {}, {
        Cookie: cookieHeader(jar), 'X-CSRF-Token': jar.get('jwtd_csrf'),
        Origin: base });
      assert.strictEqual(r.status, 200);
      absorb(jar, r);
      assert.notStrictEqual(jar.get('jwtd_refresh'), old);
      const me = await fetch(`${base}/api/me`, { headers: {
        Cookie: cookieHeader(jar), 'X-CSRF-Token': jar.get('jwtd_csrf') } });
      assert.strictEqual(me.status, 200);
    });
  await h.okAsync('logout clears the jar and ends the session', async () => {
    const saved = cookieHeader(jar);
    const csrf = jar.get('jwtd_csrf');
    const r = await post(base, '/api/logout', {}, {
      Cookie: saved, 'X-CSRF-Token': csrf });
    assert.strictEqual(r.status, 204);
    absorb(jar, r);
    assert.strictEqual(jar.size, 0);
    const again = await post(base, '/api/refresh', {}, {
      Cookie: saved, 'X-CSRF-Token': csrf });
    assert.strictEqual(again.status, 401);
  });
}

(async () => {
  const secret = crypto.randomBytes(32).toString('base64url');
  const keyFile = path.join(dir, 'k');
  fs.writeFileSync(keyFile, secret);
  const db = path.join(dir, 's.db');
  h.expectOk(h.jwtd(['user', 'add', 'alice', '--db', db],
    'Correct-Horse-42\n'), 'user add');
  const base = await startServer(['--db', db, '--key', keyFile,
    '--refresh-grace', '1']);
  await bodyMode(base, secret);
  const db2 = path.join(dir, 'c.db');
  h.expectOk(h.jwtd(['user', 'add', 'alice', '--db', db2],
    'Correct-Horse-42\n'), 'user add');
  const base2 = await startServer(['--db', db2, '--key', keyFile,
    '--cookie-mode', '--insecure-cookies']);
  await cookieMode(base2);
  h.finish();
})().catch((e) => {
  console.log(`FAIL ${e.stack}`);
  process.exit(1);
});
