// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the jwtd authors
//
// Shared plumbing of the interop tests: finds the Node peers in
// tests/node_modules, runs the jwtd binary named by JWTD_BIN, counts
// results and prints the closing "N passed, M failed" line.  Differences
// between jwtd and the Node libraries that are not failures (jwtd is
// deliberately stricter, or bytes differ where only the meaning must
// agree) are collected with note() and printed at the end.
'use strict';

const assert = require('assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const NODE_MODULES = path.join(__dirname, '..', 'node_modules');

function peer(name) {
  return require(path.join(NODE_MODULES, name));
}

const BIN = process.env.JWTD_BIN;
if (!BIN) {
  console.error('JWTD_BIN must name the jwtd binary');
  process.exit(2);
}

let passed = 0;
let failed = 0;
const notes = [];
let spawns = 0;

// Runs jwtd with args (and input on stdin).  The environment is the
// test's own minus JWTD_SECRET unless env adds it.
function jwtd(args, input, env) {
  const childEnv = Object.assign({}, process.env);
  delete childEnv.JWTD_SECRET;
  Object.assign(childEnv, env || {});
  spawns++;
  const r = spawnSync(BIN, args, {
    input: input === undefined ? '' : input,
    env: childEnv,
    encoding: 'utf8',
    timeout: 10000,
  });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// Like jwtd() but binary-safe stdout.
function jwtdRaw(args, input) {
  const childEnv = Object.assign({}, process.env);
  delete childEnv.JWTD_SECRET;
  spawns++;
  const r = spawnSync(BIN, args, { input: input || '', env: childEnv,
    timeout: 10000 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr.toString() };
}

function ok(name, fn) {
  try {
    fn();
    passed++;
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n  ${String(e.message).split('\n').join('\n  ')}`);
  }
}

async function okAsync(name, fn) {
  try {
    await fn();
    passed++;
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n  ${String(e.message).split('\n').join('\n  ')}`);
  }
}

function note(text) {
  if (!notes.includes(text)) notes.push(text);
}

// Asserts that a jwtd run succeeded; returns stdout.
function expectOk(r, what) {
  assert.strictEqual(r.code, 0, `${what}: exit ${r.code}, stderr: ${r.err}`);
  return r.out;
}

// Asserts that jwtd rejected a token with exactly `message` on the first
// stderr line and exit 1; returns the stderr lines.
function expectReject(r, message, what) {
  const lines = r.err.split('\n').filter((l) => l !== '' &&
    !l.startsWith('jwtd: warning:'));
  assert.strictEqual(r.code, 1, `${what}: exit ${r.code}, stderr: ${r.err}`);
  assert.strictEqual(lines[0], `jwtd: ${message}`, `${what}: stderr`);
  return lines;
}

function b64url(buf) {
  return Buffer.from(buf).toString('base64url');
}

function tmpdir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jwtd-interop-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function finish() {
  if (notes.length > 0) {
    console.log('Differences from the Node library (not failures):');
    for (const n of notes) console.log(`  - ${n}`);
  }
  console.log(`(${spawns} jwtd runs)`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

module.exports = { peer, jwtd, jwtdRaw, ok, okAsync, note, expectOk,
  expectReject, b64url, tmpdir, finish, assert };
