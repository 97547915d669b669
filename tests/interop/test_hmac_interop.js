// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the jwtd authors
//
// HMAC interoperability between `jwtd token` and Node's jsonwebtoken 9:
// tokens signed by one are verified by the other for HS256/384/512 and
// every claim option, and with a fixed clock the token bytes must be
// identical.  Every rejection gives the same verdict and the same
// message on both sides; where jwtd is deliberately stricter
// (docs/COMPATIBILITY.md) the stricter verdict is asserted by name.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const h = require('./harness');

const { assert, jwtd, ok, note, expectOk, expectReject, b64url } = h;
const jwt = h.peer('jsonwebtoken');

const NOW = 1700000000;
const ALGS = ['HS256', 'HS384', 'HS512'];
// Secrets as long as each hash, so no length warning is expected.
const SECRETS = {
  HS256: 'k'.repeat(32),
  HS384: 'interop-secret-384-'.padEnd(48, 'x'),
  HS512: 'interop-secret-512-'.padEnd(64, 'y'),
};
const dir = h.tmpdir();
const secretFile = path.join(dir, 'hs512.secret');
fs.writeFileSync(secretFile, SECRETS.HS512);

// How the CLI is handed each algorithm's secret: argument, environment
// or file, so all three paths are exercised.
function keyArgs(alg) {
  if (alg === 'HS256') return { args: ['--secret', SECRETS.HS256] };
  if (alg === 'HS384') return { args: [], env: { JWTD_SECRET: SECRETS.HS384 } };
  return { args: ['--key', secretFile] };
}

function cliSign(alg, payload, extra) {
  const k = keyArgs(alg);
  const args = ['token', 'sign', '--alg', alg, ...k.args, ...extra];
  if (payload !== undefined) args.push(payload);
  return jwtd(args, undefined, k.env);
}

function cliVerify(alg, token, extra, algs) {
  const k = keyArgs(alg);
  return jwtd(['token', 'verify', '--alg', algs || alg, ...k.args,
    ...extra, token], undefined, k.env);
}

// ---- sign with jwtd, verify with jsonwebtoken (and compare bytes) ----

const USER = { foo: 'bar', n: 1.5, nested: { a: [1, 2, { b: null }] },
  u: 'é✓' };

// Each case: CLI flags, and the jsonwebtoken options that must give the
// same token when the payload carries iat = NOW.
const SIGN_CASES = [
  { name: 'no options', cli: [], opts: {} },
  { name: 'expiresIn number', cli: ['--expires-in', '3600'],
    opts: { expiresIn: 3600 } },
  { name: 'expiresIn 2h', cli: ['--expires-in', '2h'],
    opts: { expiresIn: '2h' } },
  { name: 'expiresIn 1.5h', cli: ['--expires-in', '1.5h'],
    opts: { expiresIn: '1.5h' } },
  { name: 'expiresIn "90 seconds"', cli: ['--expires-in', '90 seconds'],
    opts: { expiresIn: '90 seconds' } },
  { name: 'expiresIn 1 week', cli: ['--expires-in', '1 week'],
    opts: { expiresIn: '1 week' } },
  { name: 'expiresIn 1y', cli: ['--expires-in', '1y'],
    opts: { expiresIn: '1y' } },
  { name: 'expiresIn 2.5D (case)', cli: ['--expires-in', '2.5D'],
    opts: { expiresIn: '2.5D' } },
  { name: 'expiresIn 1500ms floors', cli: ['--expires-in', '1500ms'],
    opts: { expiresIn: '1500' } },
  { name: 'expiresIn .5m', cli: ['--expires-in', '.5m'],
    opts: { expiresIn: '.5m' } },
  { name: 'expiresIn negative', cli: ['--expires-in', '-10'],
    opts: { expiresIn: -10 } },
  { name: 'notBefore 1h', cli: ['--not-before', '1h'],
    opts: { notBefore: '1h' } },
  { name: 'notBefore 60 and expiresIn', cli: ['--not-before', '60',
    '--expires-in', '10m'], opts: { notBefore: 60, expiresIn: '10m' } },
  { name: 'audience string', cli: ['--aud', 'api'],
    opts: { audience: 'api' } },
  { name: 'audience list', cli: ['--aud', 'api', '--aud', 'web'],
    opts: { audience: ['api', 'web'] } },
  { name: 'issuer subject jwtid', cli: ['--iss', 'jwtd', '--sub', 'u-1',
    '--jti', 'id-7'], opts: { issuer: 'jwtd', subject: 'u-1',
    jwtid: 'id-7' } },
  { name: 'keyid', cli: ['--kid', 'k1'], opts: { keyid: 'k1' } },
  { name: 'extra header', cli: ['--header', '{"typ":"at+jwt","x":1}'],
    opts: { header: { typ: 'at+jwt', x: 1 } } },
  { name: 'everything', cli: ['--expires-in', '15m', '--not-before',
    '-5s', '--aud', 'a', '--aud', 'b', '--iss', 'i', '--sub', 's',
    '--jti', 'j', '--kid', 'k'], opts: { expiresIn: '15m',
    notBefore: '-5s', audience: ['a', 'b'], issuer: 'i', subject: 's',
    jwtid: 'j', keyid: 'k' } },
];

for (const alg of ALGS) {
  for (const c of SIGN_CASES) {
    ok(`${alg} jwtd sign -> jsonwebtoken verify: ${c.name}`, () => {
      const r = cliSign(alg, JSON.stringify(USER), ['--now', String(NOW),
        ...c.cli]);
      const token = expectOk(r, 'jwtd sign').trim();
      assert.strictEqual(r.err, '', 'no warning expected');
      const got = jwt.verify(token, SECRETS[alg], { algorithms: [alg],
        clockTimestamp: NOW, ignoreNotBefore: true,
        ignoreExpiration: true });
      const want = jwt.sign(Object.assign({}, USER, { iat: NOW }),
        SECRETS[alg], Object.assign({ algorithm: alg }, c.opts));
      assert.deepStrictEqual(got, jwt.decode(want), 'payload');
      assert.strictEqual(token, want, 'token bytes differ from jsonwebtoken');
    });
  }
}

ok('noTimestamp: no iat, exp from --now', () => {
  const r = cliSign('HS256', '{"a":1}', ['--now', String(NOW),
    '--no-timestamp', '--expires-in', '1h']);
  const token = expectOk(r, 'sign').trim();
  const want = jwt.sign({ a: 1, iat: NOW }, SECRETS.HS256,
    { noTimestamp: true, expiresIn: '1h' });
  assert.strictEqual(token, want);
  assert.deepStrictEqual(jwt.decode(token), { a: 1, exp: NOW + 3600 });
});

ok('payload iat is kept and spans count from it', () => {
  const p = JSON.stringify({ iat: NOW - 100, x: true });
  const token = expectOk(cliSign('HS256', p, ['--now', String(NOW),
    '--expires-in', '60']), 'sign').trim();
  const want = jwt.sign({ iat: NOW - 100, x: true }, SECRETS.HS256,
    { expiresIn: 60 });
  assert.strictEqual(token, want);
  assert.strictEqual(jwt.decode(token).exp, NOW - 40);
});

ok('no payload signs {} with the default algorithm HS256', () => {
  const token = expectOk(jwtd(['token', 'sign', '--secret', SECRETS.HS256,
    '--now', String(NOW)]), 'sign').trim();
  assert.strictEqual(token, jwt.sign({ iat: NOW }, SECRETS.HS256));
  assert.strictEqual(jwt.decode(token, { complete: true }).header.alg,
    'HS256');
});

ok('payload from stdin, spaces and all', () => {
  const r = jwtd(['token', 'sign', '--secret', SECRETS.HS256, '--now',
    String(NOW), '-'], '{ "a" : [1, 2],\n "b": "c" }\n');
  const token = expectOk(r, 'sign').trim();
  const got = jwt.verify(token, SECRETS.HS256, { clockTimestamp: NOW });
  assert.deepStrictEqual(got, { a: [1, 2], b: 'c', iat: NOW });
  const want = jwt.sign({ a: [1, 2], b: 'c', iat: NOW }, SECRETS.HS256);
  // jwtd writes the payload compactly, as JSON.stringify does.
  assert.strictEqual(token, want);
});

// ---- sign with jsonwebtoken, verify with jwtd ----

for (const alg of ALGS) {
  for (const c of SIGN_CASES) {
    ok(`${alg} jsonwebtoken sign -> jwtd verify: ${c.name}`, () => {
      const token = jwt.sign(Object.assign({}, USER, { iat: NOW }),
        SECRETS[alg], Object.assign({ algorithm: alg }, c.opts));
      const extra = ['--now', String(NOW), '--ignore-exp', '--ignore-nbf'];
      if (c.opts.audience) extra.push('--aud', [].concat(c.opts.audience)[0]);
      if (c.opts.issuer) extra.push('--iss', c.opts.issuer);
      if (c.opts.subject) extra.push('--sub', c.opts.subject);
      if (c.opts.jwtid) extra.push('--jti', c.opts.jwtid);
      const out = expectOk(cliVerify(alg, token, extra), 'jwtd verify');
      assert.deepStrictEqual(JSON.parse(out), jwt.decode(token));
      // The payload is printed exactly as it was signed.
      assert.strictEqual(out, Buffer.from(token.split('.')[1], 'base64url')
        .toString() + '\n');
    });
  }
}

ok('--complete matches jsonwebtoken complete: true', () => {
  const token = jwt.sign({ a: 1, iat: NOW }, SECRETS.HS256, { keyid: 'k' });
  const out = expectOk(cliVerify('HS256', token, ['--now', String(NOW),
    '--complete']), 'verify');
  assert.deepStrictEqual(JSON.parse(out), jwt.verify(token, SECRETS.HS256,
    { complete: true, clockTimestamp: NOW }));
});

ok('decode and decode --complete match jsonwebtoken decode', () => {
  const token = jwt.sign({ a: 'x', iat: NOW }, 'other secret');
  const out = expectOk(jwtd(['token', 'decode', token]), 'decode');
  assert.deepStrictEqual(JSON.parse(out), jwt.decode(token));
  const full = expectOk(jwtd(['token', 'decode', '--complete', '-'],
    token + '\n'), 'decode --complete');
  assert.deepStrictEqual(JSON.parse(full), jwt.decode(token,
    { complete: true }));
});

// ---- the same verdict and message on both sides ----

function jwtVerdict(token, secret, opts) {
  try {
    return { ok: true, payload: jwt.verify(token, secret, opts) };
  } catch (e) {
    return { ok: false, error: e };
  }
}

// Signs an arbitrary header and payload text with HMAC, as an attacker or
// a sloppy issuer would.
function handMade(headerText, payloadText, secret, alg) {
  const hash = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' }[
    alg || 'HS256'];
  const input = b64url(headerText) + '.' + b64url(payloadText);
  return input + '.' + b64url(crypto.createHmac(hash, secret)
    .update(input).digest());
}

// The same over segments given as text, e.g. non-canonical base64url.
function signSegments(h64, p64, secret) {
  const input = h64 + '.' + p64;
  return input + '.' + b64url(crypto.createHmac('sha256', secret)
    .update(input).digest());
}

const S = SECRETS.HS256;
const base = (p, o) => jwt.sign(Object.assign({ iat: NOW }, p), S, o);

// Each: token, jsonwebtoken options, CLI flags, expected message (null
// when both must accept).
const VERDICT_CASES = [
  { name: 'expired', token: base({}, { expiresIn: -10 }), opts: {},
    cli: [], msg: 'jwt expired' },
  { name: 'expired exactly at exp', token: base({}, { expiresIn: 0 }),
    opts: {}, cli: [], msg: 'jwt expired' },
  { name: 'clockTolerance lets an expired token pass',
    token: base({}, { expiresIn: -10 }), opts: { clockTolerance: 11 },
    cli: ['--clock-tolerance', '11'], msg: null },
  { name: 'clockTolerance one short', token: base({}, { expiresIn: -10 }),
    opts: { clockTolerance: 10 }, cli: ['--clock-tolerance', '10'],
    msg: 'jwt expired' },
  { name: 'fractional clockTolerance', token: base({}, { expiresIn: -10 }),
    opts: { clockTolerance: 10.5 }, cli: ['--clock-tolerance', '10.5'],
    msg: null },
  { name: 'ignoreExpiration', token: base({}, { expiresIn: -10 }),
    opts: { ignoreExpiration: true }, cli: ['--ignore-exp'], msg: null },
  { name: 'fractional exp', token: base({ exp: NOW + 0.5 }), opts: {},
    cli: [], msg: null },
  { name: 'not active', token: base({}, { notBefore: 60 }), opts: {},
    cli: [], msg: 'jwt not active' },
  { name: 'not active within clockTolerance',
    token: base({}, { notBefore: 60 }), opts: { clockTolerance: 60 },
    cli: ['--clock-tolerance', '60'], msg: null },
  { name: 'ignoreNotBefore', token: base({}, { notBefore: 60 }),
    opts: { ignoreNotBefore: true }, cli: ['--ignore-nbf'], msg: null },
  { name: 'audience mismatch', token: base({}, { audience: 'a' }),
    opts: { audience: 'b' }, cli: ['--aud', 'b'],
    msg: 'jwt audience invalid. expected: b' },
  { name: 'audience mismatch, two expected',
    token: base({}, { audience: 'a' }), opts: { audience: ['b', 'c'] },
    cli: ['--aud', 'b', '--aud', 'c'],
    msg: 'jwt audience invalid. expected: b or c' },
  { name: 'audience array matches one', token: base({},
    { audience: ['x', 'a'] }), opts: { audience: 'a' }, cli: ['--aud', 'a'],
    msg: null },
  { name: 'audience missing', token: base({}), opts: { audience: 'a' },
    cli: ['--aud', 'a'], msg: 'jwt audience invalid. expected: a' },
  { name: 'issuer mismatch', token: base({}, { issuer: 'i1' }),
    opts: { issuer: 'i2' }, cli: ['--iss', 'i2'],
    msg: 'jwt issuer invalid. expected: i2' },
  { name: 'issuer missing', token: base({}), opts: { issuer: 'i2' },
    cli: ['--iss', 'i2'], msg: 'jwt issuer invalid. expected: i2' },
  { name: 'issuer one of two', token: base({}, { issuer: 'i2' }),
    opts: { issuer: ['i1', 'i2'] }, cli: ['--iss', 'i1', '--iss', 'i2'],
    msg: null },
  { name: 'subject mismatch', token: base({}, { subject: 's1' }),
    opts: { subject: 's2' }, cli: ['--sub', 's2'],
    msg: 'jwt subject invalid. expected: s2' },
  { name: 'jwtid mismatch', token: base({}, { jwtid: 'j1' }),
    opts: { jwtid: 'j2' }, cli: ['--jti', 'j2'],
    msg: 'jwt jwtid invalid. expected: j2' },
  { name: 'invalid signature (other secret)',
    token: jwt.sign({ iat: NOW }, 'x'.repeat(32)), opts: {}, cli: [],
    msg: 'invalid signature' },
  { name: 'invalid signature (payload changed)', token: (() => {
    const p = base({ admin: false }).split('.');
    p[1] = b64url('{"admin":true,"iat":' + NOW + '}');
    return p.join('.');
  })(), opts: {}, cli: [], msg: 'invalid signature' },
  { name: 'invalid algorithm', token: jwt.sign({ iat: NOW }, S,
    { algorithm: 'HS512' }), opts: { algorithms: ['HS256'] }, cli: [],
    msg: 'invalid algorithm' },
  { name: 'alg none refused', token: b64url('{"alg":"none","typ":"JWT"}') +
    '.' + b64url('{"iat":' + NOW + '}') + '.', opts: {}, cli: [],
    msg: 'jwt signature is required' },
  { name: 'malformed: two segments', token: 'abc.def', opts: {}, cli: [],
    msg: 'jwt malformed' },
  { name: 'malformed: four segments', token: base({}) + '.x', opts: {},
    cli: [], msg: 'jwt malformed' },
  { name: 'signature missing', token: base({}).replace(/[^.]*$/, ''),
    opts: {}, cli: [], msg: 'jwt signature is required' },
  { name: 'maxAge exceeded', token: base({ iat: NOW - 3600 }),
    opts: { maxAge: '30m' }, cli: ['--max-age', '30m'],
    msg: 'maxAge exceeded' },
  { name: 'maxAge in seconds', token: base({ iat: NOW - 3600 }),
    opts: { maxAge: 1800 }, cli: ['--max-age', '1800'],
    msg: 'maxAge exceeded' },
  { name: 'maxAge not exceeded', token: base({ iat: NOW - 3600 }),
    opts: { maxAge: '2h' }, cli: ['--max-age', '2h'], msg: null },
  { name: 'maxAge within clockTolerance', token: base({ iat: NOW - 3600 }),
    opts: { maxAge: '59m', clockTolerance: 61 },
    cli: ['--max-age', '59m', '--clock-tolerance', '61'], msg: null },
  { name: 'maxAge without iat', token: jwt.sign({ a: 1 }, S,
    { noTimestamp: true }), opts: { maxAge: '1h' }, cli: ['--max-age', '1h'],
    msg: 'iat required when maxAge is specified' },
  { name: 'exp of the wrong type', token: handMade('{"alg":"HS256","typ":"JWT"}',
    `{"iat":${NOW},"exp":"${NOW + 60}"}`, S),
    opts: {}, cli: [], msg: 'invalid exp value' },
  { name: 'nbf of the wrong type', token: handMade('{"alg":"HS256","typ":"JWT"}',
    `{"iat":${NOW},"nbf":true}`, S), opts: {},
    cli: [], msg: 'invalid nbf value' },
];

for (const c of VERDICT_CASES) {
  ok(`verdict: ${c.name}`, () => {
    const node = jwtVerdict(c.token, S, Object.assign({ clockTimestamp: NOW,
      algorithms: ['HS256'] }, c.opts));
    const r = jwtd(['token', 'verify', '--alg', 'HS256', '--secret', S,
      '--now', String(NOW), ...c.cli, c.token]);
    if (c.msg === null) {
      assert.ok(node.ok, `jsonwebtoken rejected: ${node.error &&
        node.error.message}`);
      assert.deepStrictEqual(JSON.parse(expectOk(r, 'jwtd')), node.payload);
      return;
    }
    assert.ok(!node.ok, 'jsonwebtoken accepted');
    assert.strictEqual(node.error.message, c.msg, 'jsonwebtoken message');
    const lines = expectReject(r, c.msg, 'jwtd');
    if (node.error.name === 'TokenExpiredError' && c.msg === 'jwt expired') {
      assert.strictEqual(lines[1],
        `jwtd: expiredAt: ${node.error.expiredAt.toISOString()}`);
    }
    if (node.error.name === 'NotBeforeError') {
      assert.strictEqual(lines[1],
        `jwtd: date: ${node.error.date.toISOString()}`);
    }
  });
}

ok('verdict: empty token', () => {
  assert.throws(() => jwt.verify('', S), { message: 'jwt must be provided' });
  expectReject(jwtd(['token', 'verify', '--alg', 'HS256', '--secret', S,
    '']), 'jwt must be provided', 'jwtd');
});

// Header that is not JSON: jsonwebtoken's decode gives up and says
// "invalid token"; a payload that is not JSON makes JSON.parse throw.
ok('verdict: header is not JSON', () => {
  const t = handMade('not json', '{}', S);
  assert.throws(() => jwt.verify(t, S), { message: 'invalid token' });
  expectReject(jwtd(['token', 'verify', '--alg', 'HS256', '--secret', S, t]),
    'invalid token', 'jwtd');
});

ok('verdict: padded base64url', () => {
  const t = base({}) + '=';
  assert.throws(() => jwt.verify(t, S), { message: 'invalid token' });
  expectReject(jwtd(['token', 'verify', '--alg', 'HS256', '--secret', S, t]),
    'invalid token', 'jwtd');
});

ok('verdict: payload is not JSON', () => {
  const t = handMade('{"alg":"HS256","typ":"JWT"}', 'nope', S);
  let nodeMsg = null;
  try { jwt.verify(t, S); } catch (e) { nodeMsg = e.message; }
  assert.ok(nodeMsg !== null, 'jsonwebtoken accepted');
  expectReject(jwtd(['token', 'verify', '--alg', 'HS256', '--secret', S, t]),
    'invalid token', 'jwtd');
  note(`payload that is not JSON: jsonwebtoken throws JSON.parse's ` +
    `SyntaxError ("${nodeMsg}"), jwtd says "invalid token"`);
});

// ---- where jwtd is deliberately stricter (docs/COMPATIBILITY.md) ----

function stricter(name, msg, token, cliExtra, nodeOpts) {
  ok(`stricter: ${name}`, () => {
    const node = jwtVerdict(token, S, Object.assign({ clockTimestamp: NOW },
      nodeOpts));
    assert.ok(node.ok, `jsonwebtoken now rejects it too: ${node.error &&
      node.error.message}`);
    const r = jwtd(['token', 'verify', '--alg', 'HS256', '--secret', S,
      '--now', String(NOW), ...cliExtra, token]);
    expectReject(r, msg, 'jwtd');
    note(`stricter, ${name}: jsonwebtoken accepts, jwtd says "${msg}"`);
  });
}

const H = '{"alg":"HS256","typ":"JWT"}';
stricter('duplicate key in the payload', 'invalid token',
  handMade(H, '{"sub":"a","sub":"admin"}', S), [], {});
stricter('duplicate key in the header', 'invalid token',
  handMade('{"alg":"HS256","alg":"HS256"}', '{}', S), [], {});
stricter('unknown crit header', 'unsupported crit header',
  handMade('{"alg":"HS256","crit":["exp2"],"exp2":1}', '{}', S), [], {});
stricter('non-canonical trailing bits in the payload segment',
  'invalid token', signSegments(b64url(H), 'e31', S), [], {});
stricter('exp that is not a finite number', 'invalid exp value',
  handMade(H, '{"exp":1e400}', S), [], {});
stricter('iat in the future with maxAge', 'jwt issued in the future',
  base({ iat: NOW + 3600 }), ['--max-age', '1h'], { maxAge: '1h' });

// ---- secrets as Node reads them ----

ok('--key file with a trailing newline: kept, with a warning', () => {
  const f = path.join(dir, 'nl.secret');
  fs.writeFileSync(f, SECRETS.HS256 + '\n');
  const r = jwtd(['token', 'sign', '--key', f, '--now', String(NOW)]);
  const token = expectOk(r, 'sign').trim();
  assert.match(r.err, /^jwtd: warning: .*newline/);
  // Node's fs.readFileSync keeps the newline too.
  jwt.verify(token, fs.readFileSync(f));
  assert.throws(() => jwt.verify(token, SECRETS.HS256),
    { message: 'invalid signature' });
});

ok('short secret: accepted with a warning', () => {
  const r = jwtd(['token', 'sign', '--secret', 'short', '--alg', 'HS384',
    '--now', String(NOW)]);
  const token = expectOk(r, 'sign').trim();
  assert.strictEqual(r.err, 'jwtd: warning: the HS384 secret is 5 bytes; ' +
    'RFC 7518 3.2 asks for at least 48\n');
  assert.strictEqual(token, jwt.sign({ iat: NOW }, 'short',
    { algorithm: 'HS384' }));
  const v = jwtd(['token', 'verify', '--alg', 'HS384', '--secret', 'short',
    '--now', String(NOW), token]);
  expectOk(v, 'verify');
  assert.match(v.err, /secret is 5 bytes/);
});

h.finish();
