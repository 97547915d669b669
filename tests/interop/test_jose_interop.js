// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the jwtd authors
//
// Interoperability between `jwtd token` / `jwtd jws` and Node's jose 5
// (and jsonwebtoken 9 where it supports the algorithm): HS*, RS*, PS*,
// ES* and EdDSA, keys as PEM (PKCS#1, PKCS#8, SPKI, SEC1, X.509
// certificate), JWK and JWKS, tokens made on each side and checked on
// the other.  jose's errors carry codes rather than jsonwebtoken's
// words, so rejections are compared by kind.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const h = require('./harness');

const { assert, jwtd, jwtdRaw, okAsync, note, expectOk, expectReject,
  b64url } = h;
const jose = h.peer('jose');
const jwt = h.peer('jsonwebtoken');

const NOW = 1700000000;
const CLOCK = { currentDate: new Date(NOW * 1000) };
const dir = h.tmpdir();

function write(name, text) {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

// ---- keys: one per family, written in every form jwtd reads ----

const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = {
  ES256: crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  ES384: crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  ES512: crypto.generateKeyPairSync('ec', { namedCurve: 'P-521' }),
};
const ed = crypto.generateKeyPairSync('ed25519');

function pairFor(alg) {
  if (alg.startsWith('RS') || alg.startsWith('PS')) return rsa;
  if (alg.startsWith('ES')) return ec[alg];
  return ed;
}

// A self-signed certificate for a private key, made with openssl(1).
function certFor(name, pair) {
  const keyFile = write(`${name}.key.pem`, pair.privateKey.export(
    { type: 'pkcs8', format: 'pem' }));
  const certFile = path.join(dir, `${name}.crt`);
  const r = spawnSync('openssl', ['req', '-x509', '-new', '-key', keyFile,
    '-subj', '/CN=jwtd interop', '-days', '2', '-out', certFile],
  { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl req: ${r.stderr}`);
  return certFile;
}

const PK_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512', 'EdDSA'];

const files = {};
for (const alg of PK_ALGS) {
  const pair = pairFor(alg);
  const f = {};
  f.pkcs8 = write(`${alg}.pkcs8.pem`, pair.privateKey.export(
    { type: 'pkcs8', format: 'pem' }));
  f.spki = write(`${alg}.spki.pem`, pair.publicKey.export(
    { type: 'spki', format: 'pem' }));
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    f.privNative = write(`${alg}.pkcs1.pem`, pair.privateKey.export(
      { type: 'pkcs1', format: 'pem' }));
    f.pubNative = write(`${alg}.pkcs1.pub.pem`, pair.publicKey.export(
      { type: 'pkcs1', format: 'pem' }));
  } else if (alg.startsWith('ES')) {
    f.privNative = write(`${alg}.sec1.pem`, pair.privateKey.export(
      { type: 'sec1', format: 'pem' }));
  }
  const jwkPub = Object.assign(pair.publicKey.export({ format: 'jwk' }),
    { kid: `kid-${alg}`, alg, use: 'sig' });
  const jwkPriv = Object.assign(pair.privateKey.export({ format: 'jwk' }),
    { kid: `kid-${alg}`, alg });
  f.jwkPub = write(`${alg}.pub.jwk`, JSON.stringify(jwkPub));
  f.jwkPriv = write(`${alg}.jwk`, JSON.stringify(jwkPriv));
  f.jwkPubObj = jwkPub;
  files[alg] = f;
}
files.RS256.cert = certFor('rsa', rsa);
files.ES256.cert = certFor('p256', ec.ES256);
files.EdDSA.cert = certFor('ed', ed);

// A JWKS of every public key, each with its kid and alg.
const jwksFile = write('all.jwks', JSON.stringify({ keys: PK_ALGS.map(
  (a) => files[a].jwkPubObj) }));

const HS_SECRET = 'jose-interop-secret-'.padEnd(64, 'z');
const hsKey = new TextEncoder().encode(HS_SECRET);
const hsFile = write('hs.secret', HS_SECRET);

function sign(args, payload) {
  const a = ['token', 'sign', '--now', String(NOW), ...args];
  if (payload !== undefined) a.push(payload);
  return expectOk(jwtd(a), `jwtd ${a.join(' ')}`).trim();
}

function verify(args, token) {
  return jwtd(['token', 'verify', '--now', String(NOW), ...args, token]);
}

async function joseToken(alg, key, claims, header) {
  return new jose.SignJWT(Object.assign({ data: 'from jose' }, claims))
    .setProtectedHeader(Object.assign({ alg }, header))
    .setIssuedAt(NOW)
    .setExpirationTime(NOW + 600)
    .sign(key);
}

async function main() {
  // ---- HMAC ----
  for (const alg of ['HS256', 'HS384', 'HS512']) {
    await okAsync(`${alg} jwtd sign -> jose jwtVerify`, async () => {
      const token = sign(['--alg', alg, '--key', hsFile, '--expires-in',
        '10m', '--aud', 'api', '--iss', 'jwtd'], '{"x":[1,"two"]}');
      const { payload, protectedHeader } = await jose.jwtVerify(token, hsKey,
        Object.assign({ algorithms: [alg], audience: 'api',
          issuer: 'jwtd' }, CLOCK));
      assert.deepStrictEqual(payload, { x: [1, 'two'], iat: NOW,
        exp: NOW + 600, aud: 'api', iss: 'jwtd' });
      assert.deepStrictEqual(protectedHeader, { alg, typ: 'JWT' });
    });
    await okAsync(`${alg} jose SignJWT -> jwtd verify`, async () => {
      const token = await joseToken(alg, hsKey, { sub: 'u1' });
      const out = expectOk(verify(['--alg', alg, '--secret', HS_SECRET,
        '--sub', 'u1'], token), 'jwtd verify');
      assert.deepStrictEqual(JSON.parse(out), jose.decodeJwt(token));
    });
  }

  // Rejections: jose's error code and jwtd's message for the same token.
  const hsCases = [
    { name: 'expired', claims: { exp: NOW - 1 }, jose: {}, cli: [],
      code: 'ERR_JWT_EXPIRED', msg: 'jwt expired' },
    { name: 'expired within clockTolerance', claims: { exp: NOW - 1 },
      jose: { clockTolerance: 5 }, cli: ['--clock-tolerance', '5'],
      code: null },
    { name: 'not active', claims: { nbf: NOW + 30 }, jose: {}, cli: [],
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', msg: 'jwt not active' },
    { name: 'audience', claims: { aud: ['a', 'b'] }, jose: { audience: 'c' },
      cli: ['--aud', 'c'], code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      msg: 'jwt audience invalid. expected: c' },
    { name: 'issuer', claims: { iss: 'x' }, jose: { issuer: 'y' },
      cli: ['--iss', 'y'], code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      msg: 'jwt issuer invalid. expected: y' },
    { name: 'subject', claims: { sub: 'x' }, jose: { subject: 'y' },
      cli: ['--sub', 'y'], code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      msg: 'jwt subject invalid. expected: y' },
    { name: 'maxAge', claims: { iat: NOW - 7200 },
      jose: { maxTokenAge: '1h' }, cli: ['--max-age', '1h'],
      code: 'ERR_JWT_EXPIRED', msg: 'maxAge exceeded' },
    { name: 'invalid algorithm', alg: 'HS384', claims: {},
      jose: {}, cli: [], code: 'ERR_JOSE_ALG_NOT_ALLOWED',
      msg: 'invalid algorithm' },
  ];
  for (const c of hsCases) {
    await okAsync(`HS verdict vs jose: ${c.name}`, async () => {
      const token = await new jose.SignJWT(Object.assign({ iat: NOW,
        exp: NOW + 600 }, c.claims)).setProtectedHeader({ alg: c.alg ||
        'HS256' }).sign(hsKey);
      let code = null;
      try {
        await jose.jwtVerify(token, hsKey, Object.assign({
          algorithms: ['HS256'] }, CLOCK, c.jose));
      } catch (e) {
        code = e.code;
      }
      assert.strictEqual(code, c.code, 'jose verdict');
      const r = verify(['--alg', 'HS256', '--secret', HS_SECRET, ...c.cli],
        token);
      if (c.code === null) expectOk(r, 'jwtd');
      else expectReject(r, c.msg, 'jwtd');
    });
  }

  await okAsync('HS verdict vs jose: invalid signature', async () => {
    const token = await joseToken('HS256', new TextEncoder().encode(
      'x'.repeat(32)), {});
    await assert.rejects(jose.jwtVerify(token, hsKey, CLOCK),
      { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    expectReject(verify(['--alg', 'HS256', '--secret', HS_SECRET], token),
      'invalid signature', 'jwtd');
  });

  // ---- public-key algorithms ----
  for (const alg of PK_ALGS) {
    const f = files[alg];
    const pair = pairFor(alg);
    const pub = pair.publicKey;

    await okAsync(`${alg} jwtd sign (PKCS#8) -> jose verify`, async () => {
      const token = sign(['--alg', alg, '--key', f.pkcs8, '--expires-in',
        '1h'], '{"n":1}');
      const { payload } = await jose.jwtVerify(token, pub,
        Object.assign({ algorithms: [alg] }, CLOCK));
      assert.deepStrictEqual(payload, { n: 1, iat: NOW, exp: NOW + 3600 });
      if (alg !== 'EdDSA') {
        // jsonwebtoken 9 has no EdDSA; it checks every other one.
        assert.deepStrictEqual(jwt.verify(token, pub,
          { algorithms: [alg], clockTimestamp: NOW }), payload);
      }
    });

    await okAsync(`${alg} jwtd sign (JWK, alg from the key) -> jose`,
      async () => {
        const token = sign(['--key', f.jwkPriv]);
        const { protectedHeader } = await jose.jwtVerify(token, pub,
          Object.assign({ algorithms: [alg] }, CLOCK));
        // The JWK's alg and kid are the defaults.
        assert.deepStrictEqual(protectedHeader, { alg, typ: 'JWT',
          kid: `kid-${alg}` });
      });

    if (f.privNative) {
      await okAsync(`${alg} jwtd sign (${alg.startsWith('ES') ? 'SEC1' :
        'PKCS#1'} PEM) -> jose`, async () => {
        const token = sign(['--alg', alg, '--key', f.privNative]);
        await jose.jwtVerify(token, pub, Object.assign({ algorithms: [alg] },
          CLOCK));
      });
    }

    await okAsync(`${alg} jose sign -> jwtd verify (SPKI, JWK, JWKS)`,
      async () => {
        const token = await joseToken(alg, pair.privateKey, {},
          { kid: `kid-${alg}` });
        const want = jose.decodeJwt(token);
        for (const keyFile of [f.spki, f.jwkPub, jwksFile]) {
          const out = expectOk(verify(['--alg', alg, '--key', keyFile],
            token), `verify with ${path.basename(keyFile)}`);
          assert.deepStrictEqual(JSON.parse(out), want);
        }
      });

    if (f.pubNative || f.cert) {
      await okAsync(`${alg} jose sign -> jwtd verify (${f.cert ?
        'certificate' : 'PKCS#1 public'})`, async () => {
        const token = await joseToken(alg, pair.privateKey, {});
        expectOk(verify(['--alg', alg, '--key', f.cert || f.pubNative],
          token), 'verify');
      });
    }

    await okAsync(`${alg} jws verify: jose CompactSign, binary payload`,
      async () => {
        const bytes = Buffer.from([0, 1, 2, 0xff, 0x0a, 0x41]);
        const jws = await new jose.CompactSign(bytes)
          .setProtectedHeader({ alg }).sign(pair.privateKey);
        // The JWK names its algorithm, so --alg may be left out.
        const r = jwtdRaw(['jws', 'verify', '--key', f.jwkPub, jws]);
        assert.strictEqual(r.code, 0, r.err);
        assert.deepStrictEqual(r.out, bytes);
        const bad = jws.slice(0, -4) + (jws.endsWith('AAAA') ? 'BBBB' :
          'AAAA');
        const rb = jwtdRaw(['jws', 'verify', '--key', f.jwkPub, bad]);
        assert.strictEqual(rb.code, 1, 'tampered JWS accepted');
        assert.strictEqual(rb.out.length, 0);
      });
  }

  await okAsync('RS256 and EdDSA signatures are byte-identical', async () => {
    // PKCS#1 v1.5 and Ed25519 are deterministic, so the whole token must
    // match jsonwebtoken's (RS256) and jose's (EdDSA, same header).
    const t = sign(['--alg', 'RS256', '--key', files.RS256.pkcs8]);
    assert.strictEqual(t, jwt.sign({ iat: NOW }, rsa.privateKey,
      { algorithm: 'RS256' }));
    const e = sign(['--key', files.EdDSA.pkcs8, '--header',
      '{"typ":"JWT"}']);
    const je = await new jose.SignJWT({ iat: NOW })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' }).sign(ed.privateKey);
    assert.strictEqual(e, je);
  });

  await okAsync('jsonwebtoken RS/PS/ES sign -> jwtd verify', async () => {
    for (const alg of PK_ALGS.filter((a) => a !== 'EdDSA')) {
      const token = jwt.sign({ iat: NOW, who: alg }, pairFor(alg).privateKey,
        { algorithm: alg, expiresIn: '5m' });
      const out = expectOk(verify(['--alg', alg, '--key', files[alg].spki],
        token), `${alg} verify`);
      assert.deepStrictEqual(JSON.parse(out), jwt.decode(token));
    }
  });

  await okAsync('JWKS: key chosen by kid; unknown kid rejected', async () => {
    const a = sign(['--key', files.ES256.jwkPriv]);
    const b = sign(['--key', files.RS256.jwkPriv]);
    expectOk(verify(['--alg', 'ES256,RS256', '--key', jwksFile], a), 'a');
    expectOk(verify(['--alg', 'ES256,RS256', '--key', jwksFile], b), 'b');
    const c = await joseToken('ES256', ec.ES256.privateKey, {},
      { kid: 'nobody' });
    const jwks = jose.createLocalJWKSet(JSON.parse(fs.readFileSync(jwksFile)));
    await assert.rejects(jose.jwtVerify(c, jwks, CLOCK),
      { code: 'ERR_JWKS_NO_MATCHING_KEY' });
    expectReject(verify(['--alg', 'ES256', '--key', jwksFile], c),
      'secret or public key must be provided', 'jwtd');
    note('JWKS without the token\'s kid: jose ERR_JWKS_NO_MATCHING_KEY, ' +
      'jwtd "secret or public key must be provided"');
  });

  await okAsync('one key without kid: token and jws verify ignore the kid',
    async () => {
      // As jsonwebtoken and jose do with a single key object.
      const token = await joseToken('ES256', ec.ES256.privateKey, {},
        { kid: 'whatever' });
      expectOk(verify(['--alg', 'ES256', '--key', files.ES256.spki], token),
        'token verify');
      await jose.compactVerify(token, ec.ES256.publicKey);
      const r = jwtd(['jws', 'verify', '--key', files.ES256.spki, token]);
      assert.deepStrictEqual(JSON.parse(expectOk(r, 'jws verify')),
        jose.decodeJwt(token));
    });

  await okAsync('algorithm confusion: HS256 signed with the RSA public key',
    async () => {
      const pem = fs.readFileSync(files.RS256.spki);
      const input = b64url('{"alg":"HS256","typ":"JWT"}') + '.' +
        b64url(`{"iat":${NOW},"admin":true}`);
      const token = input + '.' + b64url(crypto.createHmac('sha256', pem)
        .update(input).digest());
      await assert.rejects(jose.jwtVerify(token, rsa.publicKey,
        Object.assign({ algorithms: ['RS256', 'HS256'] }, CLOCK)));
      expectReject(verify(['--alg', 'RS256,HS256', '--key', files.RS256.spki],
        token), 'invalid algorithm', 'jwtd');
      // Naming only HS256 with an RSA key is a mistake in the invocation.
      const r = verify(['--alg', 'HS256', '--key', files.RS256.spki], token);
      assert.strictEqual(r.code, 2, r.err);
    });

  await okAsync('jws verify: RSA key without --alg is a usage error',
    async () => {
      const token = sign(['--alg', 'RS256', '--key', files.RS256.pkcs8]);
      const r = jwtd(['jws', 'verify', '--key', files.RS256.spki, token]);
      assert.strictEqual(r.code, 2);
      assert.match(r.err, /^jwtd: the key does not name its algorithm; give --alg\n/);
      const r2 = jwtd(['jws', 'verify', '--key', files.RS256.spki, '--alg',
        'RS256', token]);
      assert.strictEqual(r2.code, 0, r2.err);
      assert.deepStrictEqual(JSON.parse(r2.out), { iat: NOW });
      // An EC key names its curve's algorithm.
      const e = sign(['--key', files.ES384.pkcs8]);
      expectOk(jwtd(['jws', 'verify', '--key', files.ES384.spki, e]), 'ES384');
    });

  await okAsync('signing with a public key is a usage error', async () => {
    const r = jwtd(['token', 'sign', '--key', files.ES256.spki]);
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /private key/);
  });

  await okAsync('ES256 key cannot sign ES384', async () => {
    const r = jwtd(['token', 'sign', '--alg', 'ES384', '--key',
      files.ES256.pkcs8]);
    assert.strictEqual(r.code, 2);
    assert.strictEqual(r.err.split('\n')[0],
      'jwtd: the key cannot sign with ES384');
  });
}

main().then(h.finish, (e) => {
  console.log(`FAIL unexpected: ${e.stack}`);
  process.exit(1);
});
