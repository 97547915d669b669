// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the jwtd authors
//
// Raw-socket client of test_http_front.sh, for what bash's /dev/tcp
// cannot do: writes of chosen sizes and pace, source addresses, many
// connections, timings.  `node front.js MODE PORT ARGS...`; every mode
// is bounded in time and prints one line.  Statuses are the codes of
// every "HTTP/1.1 NNN " status line received, in order; "closed" is 1
// when the server closed the connection.
'use strict';
const net = require('net');
const fs = require('fs');

const [mode, portText, ...args] = process.argv.slice(2);
const port = Number(portText);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function statuses(text) {
  return (text.match(/HTTP\/1\.1 \d\d\d /g) || [])
    .map((s) => s.slice(9, 12)).join(' ');
}

// A connection that keeps what it receives and when it closed.
function open(opts) {
  const s = net.connect(Object.assign({ port, host: '127.0.0.1' }, opts));
  const c = { s, got: Buffer.alloc(0), closed: false, closedAt: 0,
              connected: false };
  s.setNoDelay(true);
  s.on('connect', () => { c.connected = true; });
  s.on('data', (d) => { c.got = Buffer.concat([c.got, d]); });
  s.on('error', () => {});
  s.on('close', () => { c.closed = true; c.closedAt = Date.now(); });
  return c;
}

async function until(pred, ms) {
  const end = Date.now() + ms;
  while (!pred() && Date.now() < end)
    await sleep(10);
}

function report(c) {
  process.stdout.write(`${statuses(c.got.toString('latin1'))}|` +
                       `${c.closed ? 1 : 0}\n`);
}

const modes = {
  // pieces PORT DELAY_MS FILE...: each file's bytes in its own write,
  // DELAY_MS apart; then reads until close or 3 s.
  async pieces() {
    const [delay, ...files] = args;
    const c = open();
    await until(() => c.connected, 2000);
    for (let i = 0; i < files.length; i++) {
      if (i > 0)
        await sleep(Number(delay));
      c.s.write(fs.readFileSync(files[i]));
    }
    await until(() => c.closed, 3000);
    report(c);
    c.s.destroy();
  },
  // halfclose PORT FILE: sends FILE, shuts down its own sending side at
  // once, and reads until the server closes or 3 s pass.
  async halfclose() {
    const c = open({ allowHalfOpen: true });
    await until(() => c.connected, 2000);
    c.s.end(fs.readFileSync(args[0]));
    await until(() => c.closed, 3000);
    report(c);
    c.s.destroy();
  },
  // slowread PORT FILE MS: sends FILE, reads nothing for MS ms (the
  // server's answers back up into its write buffer), then reads until
  // close or 5 s; prints "N|closed|bytes", N the number of answers.
  async slowread() {
    const c = open();
    c.s.pause();
    await until(() => c.connected, 2000);
    c.s.write(fs.readFileSync(args[0]));
    await sleep(Number(args[1]));
    c.s.resume();
    await until(() => c.closed, 5000);
    const n = statuses(c.got.toString('latin1')).split(' ').length;
    process.stdout.write(`${n}|${c.closed ? 1 : 0}|${c.got.length}\n`);
    c.s.destroy();
  },
  // splits PORT FILE WANT: FILE in two writes 15 ms apart, cut after
  // every byte k in turn (10 connections at a time); prints the cuts
  // whose "statuses|closed" was not WANT, with what they got, or "ok".
  async splits() {
    const data = fs.readFileSync(args[0]);
    const bad = [];
    const one = async (k) => {
      const c = open();
      await until(() => c.connected, 2000);
      c.s.write(data.subarray(0, k));
      await sleep(15);
      c.s.write(data.subarray(k));
      await until(() => c.closed, 3000);
      const got = `${statuses(c.got.toString('latin1'))}|${c.closed ? 1 : 0}`;
      if (got !== args[1])
        bad.push(`${k}:${got}`);
      c.s.destroy();
    };
    for (let k = 1; k < data.length; k += 10) {
      const batch = [];
      for (let j = k; j < k + 10 && j < data.length; j++)
        batch.push(one(j));
      await Promise.all(batch);
    }
    process.stdout.write((bad.length ? bad.join(' ') : 'ok') + '\n');
  },
  // bytes PORT FILE: the file one byte per write (2 ms apart).
  async bytes() {
    const data = fs.readFileSync(args[0]);
    const c = open();
    await until(() => c.connected, 2000);
    for (let i = 0; i < data.length && !c.closed; i++) {
      c.s.write(data.subarray(i, i + 1));
      await sleep(2);
    }
    await until(() => c.closed, 3000);
    report(c);
    c.s.destroy();
  },
  // linger PORT FILE [fast]: the head in FILE, then 512 KiB of body in
  // 32 KiB writes 60 ms apart, or ("fast") as much as the socket takes
  // for 1.5 s, reading all along; statuses|closed.  (Past the server's
  // linger cap it resets the connection: the answer is still in the
  // client's kernel, but Node drops it at the first EPIPE.)
  async linger() {
    const c = open();
    await until(() => c.connected, 2000);
    c.s.write(fs.readFileSync(args[0]));
    const chunk = Buffer.alloc(32768, 'a');
    const fast = args[1] === 'fast';
    const end = Date.now() + 1500;
    for (let i = 0; (fast ? Date.now() < end : i < 16) && !c.closed &&
                    !c.s.destroyed; i++) {
      if (fast) {
        if (!c.s.write(chunk))
          await new Promise((r) => { c.s.once('drain', r); setTimeout(r, 50); });
      } else {
        c.s.write(chunk);
        await sleep(60);
      }
    }
    await until(() => c.closed, 3000);
    report(c);
    c.s.destroy();
  },
  // conns PORT ADDR N WAIT_MS: N connections from source address ADDR,
  // held WAIT_MS; prints how many the server left open.
  async conns() {
    const [addr, n, wait] = args;
    const cs = [];
    for (let i = 0; i < Number(n); i++)
      cs.push(open({ localAddress: addr }));
    await sleep(Number(wait));
    const openCount = cs.filter((c) => c.connected && !c.closed).length;
    process.stdout.write(`${openCount}\n`);
    cs.forEach((c) => c.s.destroy());
  },
  // hold PORT ADDR N SECONDS: N idle connections from ADDR, held open
  // (in the background of the caller) for SECONDS; prints how many
  // were open once all had connected, then how many at the end.
  async hold() {
    const [addr, n, secs] = args;
    const cs = [];
    for (let i = 0; i < Number(n); i++)
      cs.push(open({ localAddress: addr }));
    await until(() => cs.every((c) => c.connected || c.closed), 3000);
    await sleep(300);
    const at1 = cs.filter((c) => c.connected && !c.closed).length;
    fs.writeFileSync(args[3] ? args[3] : '/dev/null', `${at1}\n`);
    await sleep(Number(secs) * 1000 - 1000);
    const atEnd = cs.filter((c) => c.connected && !c.closed).length;
    process.stdout.write(`${at1} ${atEnd}\n`);
    cs.forEach((c) => c.s.destroy());
  },
  // abort PORT FILE WHEN: sends FILE and destroys the connection (RST
  // when unread data is pending) after WHEN ms without reading.
  async abort() {
    const c = open();
    await until(() => c.connected, 2000);
    c.s.write(fs.readFileSync(args[0]));
    await sleep(Number(args[1]));
    c.s.resetAndDestroy ? c.s.resetAndDestroy() : c.s.destroy();
    process.stdout.write('sent\n');
  },
  // inflight PORT FILE N: N connections send FILE at once; prints the
  // statuses of each, in order, once all closed or 8 s passed.
  async inflight() {
    const data = fs.readFileSync(args[0]);
    const cs = [];
    for (let i = 0; i < Number(args[1]); i++)
      cs.push(open());
    await until(() => cs.every((c) => c.connected), 2000);
    cs.forEach((c) => c.s.write(data));
    process.stdout.write('sent\n');
    await until(() => cs.every((c) => c.closed), 8000);
    process.stdout.write(cs.map((c) => statuses(c.got.toString('latin1')) +
                                 '|' + (c.closed ? 1 : 0)).join(' ') +
                         '\n');
    cs.forEach((c) => c.s.destroy());
  },
  // mix PORT MS SEED: 40 clients for MS ms, each connection a random
  // batch of valid and byte-mutated requests (logins, chunked bodies,
  // 100-continue, HEAD, 413s) written in random pieces, then read,
  // half-closed or reset at a random moment; a new one replaces each
  // that closes.  Prints "connections answers".  The PRNG is seeded so
  // that a failure can be replayed (timing aside).
  async mix() {
    let seed = Number(args[1]) >>> 0;
    const rnd = (n) => {     // mulberry32
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
    };
    const B = '{"username":"alice","password":"Correct-Horse-42"}';
    const L = 'POST /api/login HTTP/1.1\r\nHost: t\r\n' +
              'Content-Type: application/json\r\n';
    const corpus = [
      'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n',
      'HEAD /app.js HTTP/1.1\r\nHost: t\r\n\r\n',
      'GET /app.js HTTP/1.1\r\nHost: t\r\n\r\n',
      `${L}Content-Length: ${B.length}\r\n\r\n${B}`,
      `${L}Transfer-Encoding: chunked\r\n\r\n5;x=1\r\n${B.slice(0, 5)}` +
        `\r\n2d\r\n${B.slice(5)}\r\n0\r\nT: 1\r\n\r\n`,
      `${L}Expect: 100-continue\r\nContent-Length: ${B.length}\r\n\r\n${B}`,
      'GET /nope HTTP/1.0\r\nConnection: keep-alive\r\n\r\n',
      'POST /api/logout HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n',
      'GET /.well-known/jwks.json HTTP/1.1\r\nHost: t\r\n\r\n',
      '\r\n\r\nGET /healthz HTTP/1.1\nHost: t\n\n',
      `${L}Content-Length: 20000\r\n\r\n${'a'.repeat(3000)}`,
    ];
    const mutate = (text) => {
      const b = Buffer.from(text, 'latin1');
      for (let k = rnd(4); k > 0; k--) {
        const p = rnd(b.length), op = rnd(3);
        b[p] = op === 0 ? rnd(256)
             : op === 1 ? [13, 10, 0, 32, 58, 59, 9][rnd(7)] : 0x30 + rnd(10);
      }
      return b;
    };
    const end = Date.now() + Number(args[0]);
    let conns = 0, answers = 0, live = 0;
    const one = () => {
      if (Date.now() > end)
        return;
      conns++;
      live++;
      const c = open();
      const parts = [];
      for (let k = 1 + rnd(6); k > 0; k--) {
        const r = corpus[rnd(corpus.length)];
        parts.push(rnd(4) === 0 ? mutate(r) : Buffer.from(r, 'latin1'));
      }
      const data = Buffer.concat(parts);
      const how = rnd(5), pauses = [], sizes = [];
      for (let off = 0; off < data.length;) {
        const n = how === 0 ? 1 + rnd(3) : 1 + rnd(data.length);
        sizes.push(n);
        pauses.push(rnd(3) === 0 ? rnd(20) : 0);
        off += n;
      }
      const endAfter = how === 1 ? rnd(50) : 300 + rnd(500);
      c.s.on('close', () => {
        answers += statuses(c.got.toString('latin1')).split(' ')
          .filter((x) => x).length;
        live--;
        one();
      });
      c.s.on('connect', async () => {
        let off = 0;
        for (let i = 0; i < sizes.length && !c.s.destroyed; i++) {
          c.s.write(data.subarray(off, off + sizes[i]));
          off += sizes[i];
          if (pauses[i])
            await sleep(pauses[i]);
        }
        if (how === 2)
          c.s.end();
        setTimeout(() => (how === 1 ? c.s.resetAndDestroy()
                                    : c.s.destroy()), endAfter);
      });
    };
    for (let i = 0; i < 40; i++)
      one();
    await until(() => Date.now() > end && live === 0, Number(args[0]) + 3000);
    process.stdout.write(`${conns} ${answers}\n`);
  },
  // slow PORT: the timeout checks, run side by side (about 17 s):
  //   trickle: a head one byte every 500 ms, cut T ms after its first
  //   byte; crlf: empty lines every 2 s; idle: a keep-alive connection
  //   after one answer; silent: a connection that never sends.
  async slow() {
    const out = {};
    const head = Buffer.from('GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ' +
                             'a'.repeat(100));
    const trickle = open();
    const crlf = open();
    const idle = open();
    const silent = open();
    const t0 = Date.now();
    let answeredAt = 0;
    await until(() => trickle.connected && crlf.connected &&
                idle.connected && silent.connected, 2000);
    const started = Date.now();
    idle.s.write('GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n');
    idle.s.on('data', () => { if (!answeredAt) answeredAt = Date.now(); });
    let i = 0;
    const tTimer = setInterval(() => {
      if (!trickle.closed && i < head.length)
        trickle.s.write(head.subarray(i, ++i));
    }, 500);
    trickle.s.write(head.subarray(0, ++i));
    crlf.s.write('\r\n');
    const cTimer = setInterval(() => {
      if (!crlf.closed)
        crlf.s.write('\r\n');
    }, 2000);
    await until(() => trickle.closed && crlf.closed && idle.closed &&
                silent.closed, 18500);
    clearInterval(tTimer);
    clearInterval(cTimer);
    const t = (c, from) => (c.closed ? String(c.closedAt - from) : 'open');
    out.trickle = t(trickle, started);
    out.trickleGot = statuses(trickle.got.toString('latin1'));
    out.crlf = t(crlf, started);
    out.idle = answeredAt ? t(idle, answeredAt) : 'no answer';
    out.idleGot = statuses(idle.got.toString('latin1'));
    out.silent = t(silent, t0);
    process.stdout.write(JSON.stringify(out) + '\n');
    [trickle, crlf, idle, silent].forEach((c) => c.s.destroy());
  },
};

if (!modes[mode]) {
  process.stderr.write(`front.js: unknown mode ${mode}\n`);
  process.exit(2);
}
modes[mode]().then(() => process.exit(0));
