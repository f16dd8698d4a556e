#!/usr/bin/env node
// Soak: SIGINT at random moments of a drill. Every time, kdrill must run the restore and remove the
// lab it created (exit 130), and a container WITHOUT kdrill's label — named and labelled like one
// of the lab's kind nodes — must be left untouched.
// The moments are drawn over the drill's own duration, measured first by one run without a
// signal, and drawn again when kdrill exited first (bench/draw.mjs), so that every run is really
// interrupted. Each line says where the signal landed (from the run's journal).
// With --keep, the drill runs on a kept lab (keep: true, one lab for every run): after each exit 130
// the lab must be at its steady state (every member running and healthy, no alarm), not removed.
// `npm run soak [-- --runs 10 --drill drills/etcd/lose-one-of-three.yaml --keep]`
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { withLab } from './drill-copy.mjs';
import { interruptOnce } from './draw.mjs';
import { journalOf } from './journal.mjs';

const root = path.resolve(import.meta.dirname, '..');
const arg = (name, def) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : def);
const runs = Number(arg('--runs', 10));
const keep = process.argv.includes('--keep');
const source = arg('--drill', 'drills/etcd/lose-one-of-three.yaml');
const parsed = parse(readFileSync(path.join(root, source), 'utf8'));
// The lab's fields may name params (`name: "${params.lab}"`): their defaults, as the loader substitutes them.
const lab = JSON.parse(JSON.stringify(parsed.lab).replace(/\$\{params\.([A-Za-z0-9_-]+)\}/g, (_, k) => String(parsed.params?.[k] ?? '')));
/** With --keep, a copy of the drill with `keep: true`. */
const drill = keep ? withLab(source, { keep: true }, 'kdrill-soak-kept-') : source;
const docker = (...a) => execFileSync('docker', a, { encoding: 'utf8' }).trim();
const owned = () => docker('ps', '-a', '--filter', `label=dev.kdrill.lab=${lab.name}`, '--format', '{{.Names}}');
const members = () => docker('ps', '-a', '--filter', `label=dev.kdrill.lab=${lab.name}`, '--filter', 'label=io.x-k8s.kind.role=control-plane', '--format', '{{.Names}} {{.State}}').split('\n').filter(Boolean);
const ETCDCTL = ['etcdctl', '--endpoints=https://127.0.0.1:2379', '--cacert=/etc/kubernetes/pki/etcd/ca.crt', '--cert=/etc/kubernetes/pki/etcd/server.crt', '--key=/etc/kubernetes/pki/etcd/server.key'];
/** A kept lab's steady state: every member running and healthy, no alarm; '' when it holds, else what is wrong. */
function keptLabState() {
  const m = members();
  const expected = Number(lab.members ?? 3);
  const notRunning = m.filter((l) => !l.endsWith(' running'));
  if (m.length !== expected || notRunning.length) return `members: ${m.join(', ') || 'none'}`;
  const first = m[0].split(' ')[0];
  const q = (args) => { try { return execFileSync('docker', ['exec', first, ...ETCDCTL, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }); } catch (e) { return `${e.stdout ?? ''}${e.stderr ?? ''}`; } };
  const healthy = (q(['endpoint', 'health', '--cluster', '-w', 'json']).match(/"health":true/g) ?? []).length;
  const alarms = q(['alarm', 'list']).trim();
  if (healthy !== expected) return `${healthy} of ${expected} members healthy`;
  if (alarms) return `alarms: ${alarms}`;
  return '';
}

const bystander = `${lab.name}-control-plane9`;
execFileSync('docker', ['rm', '-f', bystander], { stdio: 'ignore' });
docker('run', '-d', '--name', bystander, '--label', `io.x-k8s.kind.cluster=${lab.name}`, '--label', 'io.x-k8s.kind.role=control-plane',
  '--entrypoint', 'sleep', lab.image ?? 'kdrill/etcd:3.4.23', '3600');
const before = docker('inspect', '-f', '{{.Id}} {{.State.StartedAt}} {{.State.Running}}', bystander);

/** Runs the drill; SIGINT after delayMs (none when undefined). */
function once(delayMs) {
  return new Promise((resolve) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kdrill-soak-'));
    const started = Date.now();
    const child = spawn(process.execPath, ['bin/kdrill.js', 'run', drill, '--report-dir', path.join(dir, 'runs'), '--progress', 'plain'], {
      cwd: root, env: { ...process.env, CI: 'true', KDRILL_STATE_DIR: path.join(dir, 'state') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let signalledAt;
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = delayMs === undefined ? undefined : setTimeout(() => { signalledAt = Date.now(); child.kill('SIGINT'); }, delayMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // A SIGINT in Node's own bootstrap, before bin/kdrill.js runs a line, kills the process (a shell
      // shows $? = 130 for it): nothing of kdrill's had run. Counted as the 130 a shell would see.
      if (code === null && signal === 'SIGINT') out += '\n(killed by SIGINT during Node\'s start-up: a shell reports exit 130)';
      resolve({ code: code ?? (signal === 'SIGINT' ? 130 : null), out, ms: Date.now() - started, signalledAt, journal: journalOf(path.join(dir, 'runs')) });
    });
  });
}

/** Where the run was when the signal came: the last phase or step the journal had begun. */
function landedIn(journal, at) {
  let where = 'start-up (before the journal)';
  for (const e of journal) {
    if (Date.parse(e.t) > at) break;
    if (e.type === 'drill.start') where = 'start-up';
    if (e.type === 'phase.start') where = e.phase === 'lab' ? 'lab up' : e.phase;
    if (e.type === 'step.start') where = `${e.phase === 'restore' ? 'restore' : 'step'} "${e.name}"`;
    if (e.type === 'lab.down' || e.type === 'drill.end') where = 'after the run';
  }
  return where;
}

const baseline = await once(undefined);
if (baseline.code !== 0 || (keep ? keptLabState() !== '' : owned() !== '')) {
  console.log(`the drill does not pass without a signal (exit ${baseline.code}):\n${baseline.out.split('\n').slice(-25).join('\n')}`);
  process.exit(1);
}
console.log(`${drill}: ${(baseline.ms / 1000).toFixed(1)} s without a signal; ${runs} SIGINTs drawn over that time`);

let failures = 0;
const where = new Map();
for (let i = 1; i <= runs; i++) {
  const { run: r, delay, draws } = await interruptOnce(once, baseline.ms);
  const left = keep ? keptLabState() : owned();
  const now = docker('inspect', '-f', '{{.Id}} {{.State.StartedAt}} {{.State.Running}}', bystander);
  // Every draw came after kdrill had exited: this run was not interrupted at all.
  const landed = r.signalledAt === undefined ? 'nothing (kdrill had exited: not interrupted)' : landedIn(r.journal, r.signalledAt);
  const end = r.journal.find((e) => e.type === 'drill.end');
  // Exit 130 with the journal saying "interrupted"; exit 0 only for a signal after the run ended.
  const exitOk = r.signalledAt !== undefined
    && ((r.code === 130 && (end === undefined || end.status === 'interrupted')) || (r.code === 0 && landed === 'after the run'));
  const ok = exitOk && left === '' && now === before;
  if (!ok) failures++;
  const phase = landed.replace(/ ".*"/, '');
  where.set(phase, (where.get(phase) ?? 0) + 1);
  const labSaid = keep ? `kept lab: ${left || 'at its steady state'}` : `lab containers left: ${left || 'none'}`;
  console.log(`${String(i).padStart(2)}: SIGINT at ${(delay / 1000).toFixed(1)} s${draws > 1 ? ` (draw ${draws})` : ''}, in ${landed} → exit ${r.code} in ${(r.ms / 1000).toFixed(1)} s; ${labSaid}; bystander ${now === before ? 'untouched' : 'CHANGED'} ${ok ? 'ok' : 'FAIL'}`);
  if (!ok) console.log(r.out.split('\n').slice(-25).join('\n'));
}
docker('rm', '-f', bystander);
if (keep) {
  const ids = owned().split('\n').filter(Boolean);
  if (ids.length) docker('rm', '-f', '-v', ...ids);
  try { docker('network', 'rm', `kdrill-${lab.name}`); } catch { /* in use or gone */ }
}
console.log(`landed in: ${[...where].map(([k, n]) => `${k} ${n}`).join(', ')}`);
console.log(`${runs - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
