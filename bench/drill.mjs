// Drill figures for lose-one-of-three (issue 3): wall time lab up → lab down, kdrill's own share
// (its CPU time: waiting on docker or etcd costs none), and how long after the fault kdrill saw it
// (from the end of the fault's docker command to the end of the first expectation that holds).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const drill = process.env.BENCH_DRILL ?? 'drills/etcd/lose-one-of-three.yaml';
const runs = Number(process.env.BENCH_RUNS ?? 5);
const faultActions = new Set(['node.stop', 'node.kill', 'node.pause', 'node.partition']);

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]; };
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;

console.log(`\n${drill}: ${runs} runs`);
const walls = [], shares = [], cpus = [], seen = [], labUp = [];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kdrill-bench-'));
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['bin/kdrill.js', 'run', drill, '--report-dir', dir, '--progress', 'plain'], {
    cwd: root, env: { ...process.env, CI: 'true', KDRILL_STATE_DIR: path.join(dir, 'state') }, encoding: 'utf8',
  });
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  const drillDir = path.join(dir, readdirSync(dir).find((d) => d !== 'state'));
  const runDir = path.join(drillDir, readdirSync(drillDir)[0]);
  const events = readFileSync(path.join(runDir, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  if (r.status !== 0) { console.log(`run ${i + 1}: exit ${r.status}\n${r.stdout.slice(-2000)}`); process.exitCode = 1; continue; }
  const cpu = events.find((e) => e.type === 'measure' && e.name === 'kdrill.cpu').value;
  const busy = events.find((e) => e.type === 'measure' && e.name === 'kdrill.busy').value;
  const up = events.find((e) => e.type === 'lab.up').ms;
  // For each fault step: from the end of its docker command to the first expectation that held.
  for (const [k, e] of events.entries()) {
    if (e.type !== 'step.start' || !faultActions.has(e.action)) continue;
    const rest = events.slice(k + 1);
    const fault = rest.find((c) => c.type === 'command' && /^docker (stop|kill|pause|network)$/.test(c.argv.slice(0, 2).join(' ')));
    const first = rest.find((c) => c.type === 'check.end' && c.source === 'expect');
    if (fault && first?.ok) seen.push(first.ms - fault.ms);
  }
  walls.push(wall); shares.push(busy / 100); cpus.push(cpu / wall); labUp.push(up);
  console.log(`run ${i + 1}: wall ${fmt(wall)}, lab up ${fmt(up)}, kdrill busy ${busy} % of the run (CPU ${cpu} ms, ${(100 * cpu / wall).toFixed(1)} % of wall incl. start-up)`);
}
if (walls.length) {
  console.log(`wall time (lab up → lab down)   median ${fmt(pct(walls, 50))}  max ${fmt(Math.max(...walls))}  (target < 20 s: ${pct(walls, 50) < 20000 ? 'met' : 'MISSED'})`);
  console.log(`kdrill's own share (event loop busy, not waiting on docker/etcd)  median ${(100 * pct(shares, 50)).toFixed(1)} %  (target < 5 %: ${pct(shares, 50) < 0.05 ? 'met' : 'MISSED'})`);
  console.log(`kdrill's CPU time / wall (incl. start-up and spawning docker)   median ${(100 * pct(cpus, 50)).toFixed(1)} %`);
  if (seen.length) console.log(`fault seen after                p50 ${Math.round(pct(seen, 50))} ms  p95 ${Math.round(pct(seen, 95))} ms over ${seen.length} faults  (target p95 ≤ 250 ms: ${pct(seen, 95) <= 250 ? 'met' : 'MISSED'})`);
}
