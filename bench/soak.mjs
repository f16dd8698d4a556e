#!/usr/bin/env node
// Soak: SIGINT at random moments of a drill. Every time, kdrill must run the restore and remove the
// lab it created (exit 130, or 0 when the drill had already finished), and a container WITHOUT
// kdrill's label — named and labelled like one of the lab's kind nodes — must be left untouched.
// `npm run soak [-- --runs 10 --drill drills/etcd/lose-one-of-three.yaml]`
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';

const root = path.resolve(import.meta.dirname, '..');
const arg = (name, def) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : def);
const runs = Number(arg('--runs', 10));
const drill = arg('--drill', 'drills/etcd/lose-one-of-three.yaml');
const lab = parse(readFileSync(path.join(root, drill), 'utf8')).lab;
const docker = (...a) => execFileSync('docker', a, { encoding: 'utf8' }).trim();
const owned = () => docker('ps', '-a', '--filter', `label=dev.kdrill.lab=${lab.name}`, '--format', '{{.Names}}');

const bystander = `${lab.name}-control-plane9`;
docker('rm', '-f', bystander);
docker('run', '-d', '--name', bystander, '--label', `io.x-k8s.kind.cluster=${lab.name}`, '--label', 'io.x-k8s.kind.role=control-plane',
  '--entrypoint', 'sleep', lab.image ?? 'kdrill/etcd:3.4.23', '3600');
const before = docker('inspect', '-f', '{{.Id}} {{.State.StartedAt}} {{.State.Running}}', bystander);

function once(delayMs) {
  return new Promise((resolve) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kdrill-soak-'));
    const child = spawn(process.execPath, ['bin/kdrill.js', 'run', drill, '--report-dir', dir, '--progress', 'plain'], {
      cwd: root, env: { ...process.env, CI: 'true', KDRILL_STATE_DIR: path.join(dir, 'state') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGINT'), delayMs);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
}

let failures = 0;
const maxDelay = Number(arg('--max-delay-ms', 15000));
for (let i = 1; i <= runs; i++) {
  const delay = Math.round(300 + Math.random() * (maxDelay - 300));
  const started = Date.now();
  const { code, out } = await once(delay);
  const left = owned();
  const now = docker('inspect', '-f', '{{.Id}} {{.State.StartedAt}} {{.State.Running}}', bystander);
  const ok = (code === 130 || code === 0) && left === '' && now === before;
  if (!ok) failures++;
  console.log(`${String(i).padStart(2)}: SIGINT at ${(delay / 1000).toFixed(1)} s → exit ${code} in ${((Date.now() - started) / 1000).toFixed(1)} s; lab containers left: ${left || 'none'}; bystander ${now === before ? 'untouched' : 'CHANGED'} ${ok ? 'ok' : 'FAIL'}`);
  if (!ok) console.log(out.split('\n').slice(-25).join('\n'));
}
docker('rm', '-f', bystander);
console.log(`${runs - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
