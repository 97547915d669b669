// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the jwtd authors
//
// Turns the raw rows of one bench/run.sh run (lib.tsv, server.tsv,
// flood.tsv, rss.tsv, argon2.tsv in the directory argv[2]) into Markdown
// tables on stdout and the gnuplot data files plot-lib.dat and
// plot-server.dat beside them.  Absolute figures are medians over rounds;
// every ratio is computed within each round (same minute, same machine
// load) and then the median of those per-round ratios is shown, which is
// what makes a noisy shared machine usable.  Each target of issue 6 is
// checked against its ratio and marked met or MISSED.
'use strict';
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
const read = (f) => {
    try {
        return fs.readFileSync(path.join(dir, f), 'utf8').split('\n')
            .filter((l) => l.trim()).map((l) => l.split('\t'));
    } catch (e) {
        return [];
    }
};
const median = (xs) => {
    const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    if (!v.length)
        return NaN;
    const m = v.length >> 1;
    return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const fmt = (x) => {
    if (!Number.isFinite(x))
        return '—';
    if (x >= 1e6)
        return (x / 1e6).toFixed(2) + 'M';
    if (x >= 1e4)
        return (x / 1e3).toFixed(0) + 'k';
    if (x >= 1e3)
        return (x / 1e3).toFixed(1) + 'k';
    return x.toFixed(0);
};
const fr = (x) => Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 1) + 'x' : '—';
const verdict = (ok) => ok === undefined ? '' : ok ? 'met' : '**MISSED**';
const out = [];
const p = (s = '') => out.push(s);

// ------------------------------------------------------------- library
// lib[op][threads][impl][round] = ops/s
const lib = {};
for (const [round, impl0, op0, threads, ops] of read('lib.tsv')) {
    let impl = impl0, op = op0;
    if (op === 'hs256-evpmac') {
        impl = 'openssl-evpmac';
        op = 'hs256-verify';
    }
    lib[op] ??= {};
    lib[op][threads] ??= {};
    lib[op][threads][impl] ??= {};
    lib[op][threads][impl][round] = Number(ops);
}
const IMPLS = ['jwtd', 'libjwt', 'fast-jwt', 'jsonwebtoken', 'jose',
               'fast-jwt+cache', 'openssl-raw', 'openssl-evpmac'];
const OPS = ['hs256-verify', 'hs256-sign', 'es256-verify', 'rs256-verify',
             'eddsa-verify', 'eddsa-sign'];
// Per-round ratio a/b, then the median.  For HS256 the raw limit is the
// faster of the two OpenSSL paths in that round.
const rawOf = (cell, r, op) => {
    const a = cell['openssl-raw']?.[r];
    const b = op.startsWith('hs256') ? cell['openssl-evpmac']?.[r] : NaN;
    return Math.max(a ?? NaN, Number.isFinite(b) ? b : -Infinity);
};
const ratio = (cell, a, b, op) => {
    const rs = Object.keys(cell[a] || {});
    return median(rs.map((r) => {
        const x = cell[a][r];
        const y = b === 'raw' ? rawOf(cell, r, op) : cell[b]?.[r];
        return x / y;
    }));
};

const threadList = [...new Set(Object.values(lib)
    .flatMap((o) => Object.keys(o)))].sort((a, b) => a - b);
const present = IMPLS.filter((i) => Object.values(lib).some((o) =>
    Object.values(o).some((c) => c[i])));
if (present.length) {
    p('### Library: operations per second (median of rounds)');
    p();
    p('| op | threads | ' + present.join(' | ') +
      ' | jwtd/libjwt | jwtd/fast-jwt | jwtd/raw |');
    p('|---|---|' + present.map(() => '---:|').join('') + '---:|---:|---:|');
    const plot = [];
    for (const op of OPS) {
        for (const t of threadList) {
            const cell = lib[op]?.[t];
            if (!cell)
                continue;
            const med = present.map((i) => median(Object.values(cell[i] ||
                                                                {})));
            p(`| ${op} | ${t} | ` + med.map(fmt).join(' | ') + ' | ' +
              [ratio(cell, 'jwtd', 'libjwt', op),
               ratio(cell, 'jwtd', 'fast-jwt', op),
               ratio(cell, 'jwtd', 'raw', op)].map(fr).join(' | ') + ' |');
            plot.push([`${op} t${t}`, ...med]);
        }
    }
    p();
    fs.writeFileSync(path.join(dir, 'plot-lib.dat'),
        'label ' + present.join(' ') + '\n' + plot.map((row) =>
            row.map((v, i) => i === 0 ? `"${v}"` :
                Number.isFinite(v) ? Math.round(v) : '-').join(' ')).join('\n') +
        '\n');

    p('### Library targets (per-round ratios, median)');
    p();
    p('| target | measured | verdict |');
    p('|---|---:|---|');
    const one = '1';
    for (const op of ['hs256-verify', 'hs256-sign']) {
        const c = lib[op]?.[one];
        if (!c || !c.jwtd)
            continue;
        const a = ratio(c, 'jwtd', 'libjwt', op);
        const b = ratio(c, 'jwtd', 'fast-jwt', op);
        const r = ratio(c, 'jwtd', 'raw', op);
        p(`| ${op} ≥ 5x libjwt (1 thread) | ${fr(a)} | ${verdict(a >= 5)} |`);
        p(`| ${op} ≥ 5x fast-jwt (1 thread) | ${fr(b)} | ` +
          `${verdict(b >= 5)} |`);
        p(`| ${op} ≥ 1/3 raw HMAC-SHA256 (1 thread) | ${fr(r)} | ` +
          `${verdict(r >= 1 / 3)} |`);
        const tmax = threadList[threadList.length - 1];
        const cm = lib[op]?.[tmax];
        if (tmax !== one && cm?.jwtd && cm['openssl-raw']) {
            // Scaling: jwtd's all-core gain over one core, next to what
            // raw OpenSSL gains on the same machine in the same run.
            const sj = median(Object.keys(cm.jwtd).map((r) =>
                cm.jwtd[r] / c.jwtd[r]));
            const so = median(Object.keys(cm['openssl-raw']).map((r) =>
                cm['openssl-raw'][r] / c['openssl-raw'][r]));
            p(`| ${op} scaling 1 → ${tmax} threads (raw OpenSSL: ` +
              `${fr(so)}) | ${fr(sj)} | ${verdict(sj >= 0.9 * so)} |`);
        }
    }
    for (const op of ['es256-verify', 'rs256-verify', 'eddsa-verify']) {
        const c = lib[op]?.[one];
        if (!c || !c.jwtd)
            continue;
        const r = ratio(c, 'jwtd', 'raw', op);
        p(`| ${op} ≥ 95% of OpenSSL raw verify | ${(r * 100).toFixed(0)}% | ` +
          `${verdict(r >= 0.95)} |`);
    }
    p();
}

// -------------------------------------------------------------- server
const srv = {};
for (const [round, server, scen, rps, p50, p99, bad] of read('server.tsv')) {
    const k = `${server} ${scen}`;
    srv[k] ??= { rps: {}, p50: {}, p99: {}, bad: 0 };
    srv[k].rps[round] = Number(rps);
    srv[k].p50[round] = Number(p50);
    srv[k].p99[round] = Number(p99);
    srv[k].bad += Number(bad);
}
const sratio = (a, b, f = 'rps') => {
    if (!srv[a] || !srv[b])
        return NaN;
    return median(Object.keys(srv[a][f]).map((r) =>
        srv[a][f][r] / srv[b][f][r]));
};
// argon[round] = argon2id verifications per second on all cores.
const argon = {};
let argonThreads = '';
for (const [round, , , t, ops] of read('argon2.tsv')) {
    argon[round] = Number(ops);
    argonThreads = t;
}
if (Object.keys(srv).length) {
    p('### Server: wrk over loopback (median of rounds)');
    p();
    p('| server | scenario | req/s | p50 | p99 | non-2xx or socket errors |');
    p('|---|---|---:|---:|---:|---:|');
    const plot = [];
    for (const k of Object.keys(srv).sort()) {
        const [server, scen] = k.split(' ');
        const s = srv[k];
        const rps = median(Object.values(s.rps));
        p(`| ${server} | ${scen} | ${fmt(rps)} | ` +
          `${(median(Object.values(s.p50)) / 1000).toFixed(2)} ms | ` +
          `${(median(Object.values(s.p99)) / 1000).toFixed(2)} ms | ` +
          `${s.bad} |`);
        plot.push([`"${server} ${scen}"`, Math.round(rps)]);
    }
    p();
    fs.writeFileSync(path.join(dir, 'plot-server.dat'),
        '# label req/s\n' + plot.map((r) => r.join(' ')).join('\n') + '\n');
    p('### Server targets');
    p();
    p('| target | measured | verdict |');
    p('|---|---:|---|');
    if (srv['jwtd protected']) {
        const a = sratio('jwtd protected', 'nginx protected');
        const b = sratio('jwtd protected', 'express protected');
        const c = sratio('jwtd protected', 'nginx protected', 'p99');
        p(`| protected ≥ 1/2 nginx fixed 200 | ${fr(a)} | ` +
          `${verdict(a >= 0.5)} |`);
        p(`| protected ≥ 50x Express | ${fr(b)} | ${verdict(b >= 50)} |`);
        p(`| protected p99 ≤ nginx p99 (ratio jwtd/nginx) | ${fr(c)} | ` +
          `${verdict(c <= 1)} |`);
    }
    if (srv['jwtd login'] && Object.keys(argon).length) {
        // Login can approach argon2id's own rate but not pass it (a ratio
        // over 1 is the noise of two measurements a few seconds apart);
        // well under half of it would mean something else dominates.
        const lr = srv['jwtd login'].rps;
        const r = median(Object.keys(lr).map((k) => lr[k] / argon[k]));
        p(`| login bounded by argon2id (alone: ` +
          `${fmt(median(Object.values(argon)))}/s on ${argonThreads} ` +
          `threads) | ${(r * 100).toFixed(0)}% of it | ` +
          `${verdict(r >= 0.5)} |`);
    }
}
const fl = {};
for (const [round, , scen, rps] of read('flood.tsv')) {
    fl[scen] ??= {};
    fl[scen][round] = Number(rps);
}
if (fl['protected-quiet'] && fl['protected-flood']) {
    // Starvation is about the bad case: the verdict takes the worst
    // round, and every round's ratio is shown.
    const rs = Object.keys(fl['protected-flood']).map((k) =>
        fl['protected-flood'][k] / fl['protected-quiet'][k]);
    const worst = Math.min(...rs);
    p(`| protected route during a login flood ≥ 1/2 of normal, worst ` +
      `round (per round: ${rs.map(fr).join(', ')}; logins meanwhile ` +
      `${fmt(median(Object.values(fl['login-flood'] || {})))}/s) | ` +
      `${fr(worst)} | ${verdict(worst >= 0.5)} |`);
}
const rss = {};
for (const [name, before, during, held] of read('rss.tsv'))
    rss[name] = { before: Number(before), during: Number(during),
                  held: Number(held) };
if (rss.jwtd && rss.express) {
    const r = rss.jwtd.during / rss.express.during;
    p(`| RSS under 1,000 keep-alive connections ≤ 1/5 of Express | ` +
      `${fr(r)} | ${verdict(r <= 0.2)} |`);
}
p();
if (Object.keys(rss).length) {
    p('### Memory: RSS of the whole server (all its processes)');
    p();
    p('| server | idle | 1,000 keep-alive connections open | answered |');
    p('|---|---:|---:|---:|');
    for (const [n, v] of Object.entries(rss))
        p(`| ${n} | ${(v.before / 1024).toFixed(1)} MiB | ` +
          `${(v.during / 1024).toFixed(1)} MiB | ${v.held} |`);
    p();
}
process.stdout.write(out.join('\n') + '\n');
