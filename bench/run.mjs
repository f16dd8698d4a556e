#!/usr/bin/env node
// Performance figures, measured (not asserted by timed tests). `npm run bench [-- --only cli|drill|ssh|kubeadm|checker] [--access direct,published]`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

function time(argv, runs = 10) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(argv[0], argv.slice(1), { cwd: root, stdio: 'ignore' });
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0 && r.status !== 2) throw new Error(`${argv.join(' ')} exited ${r.status}`);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)], min: ms[0], max: ms.at(-1) };
}

function row(name, t, target) {
  const verdict = target === undefined ? '' : t.median <= target ? `  (target ≤ ${target} ms: met)` : `  (target ≤ ${target} ms: MISSED)`;
  console.log(`${name.padEnd(34)} median ${t.median.toFixed(0).padStart(5)} ms   min ${t.min.toFixed(0).padStart(5)}   max ${t.max.toFixed(0).padStart(5)}${verdict}`);
}

if (!existsSync(path.join(root, 'dist/cli/index.js'))) {
  console.error('build first: npm run build');
  process.exit(1);
}

if (!only || only === 'cli') {
  console.log('CLI start-up (10 runs each)');
  row('node -e 0 (for scale)', time([process.execPath, '-e', '0']));
  row('kdrill --help', time([process.execPath, 'bin/kdrill.js', '--help']), 250);
  row('kdrill validate drills/', time([process.execPath, 'bin/kdrill.js', 'validate', 'drills/']), 500);
}

if (!only || only === 'drill') {
  const drillBench = path.join(root, 'bench/drill.mjs');
  if (existsSync(drillBench)) await import(drillBench);
}

if (!only || only === 'ssh') await import(path.join(root, 'bench/ssh.mjs'));

if (!only || only === 'kubeadm') await import(path.join(root, 'bench/kubeadm.mjs'));

if (!only || only === 'checker') await import(path.join(root, 'bench/checker.mjs'));
