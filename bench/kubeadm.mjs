// The kubeadm lab (issue 13): how long after a power cut kdrill sees it (from the end of the power
// driver's command to the end of the first expectation that holds: etcd.quorum 2 of 3), over
// BENCH_KUBEADM_RUNS runs of drills/kubeadm/cp-host-loss.yaml on kdrill's kubeadm test hosts
// (scripts/kubeadm-test-hosts.mjs: real sshd and etcd, power driver `docker`), over ssh.
// Target: p95 ≤ 300 ms.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { journalOf } from './journal.mjs';

const root = path.resolve(import.meta.dirname, '..');
const runs = Number(process.env.BENCH_KUBEADM_RUNS ?? 10);
const prefix = `kdh-bench${process.pid % 10000}`;
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]; };
const script = (args) => spawnSync(process.execPath, [path.join(root, 'scripts/kubeadm-test-hosts.mjs'), ...args], { cwd: root, encoding: 'utf8' });

const up = script(['up', prefix, '--quiet']);
if (up.status !== 0) {
  console.log(`kubeadm lab: skipped (the test hosts did not come up: ${up.stderr.trim().split('\n').at(-1)})`);
} else {
  const inventory = up.stdout.trim();
  try {
    const seen = [];
    const walls = [];
    for (let i = 0; i < runs; i++) {
      const dir = mkdtempSync(path.join(tmpdir(), 'kdrill-bench-kubeadm-'));
      const t = performance.now();
      const r = spawnSync(process.execPath, ['bin/kdrill.js', 'run', 'drills/kubeadm/cp-host-loss.yaml', '--set', `inventory=${inventory}`, '--report-dir', path.join(dir, 'runs'), '--progress', 'plain'], {
        cwd: root, env: { ...process.env, CI: 'true', KDRILL_STATE_DIR: path.join(dir, 'state') }, encoding: 'utf8',
      });
      walls.push(performance.now() - t);
      if (r.status !== 0) { console.log(`run ${i + 1}: exit ${r.status}\n${r.stdout.slice(-1500)}`); process.exitCode = 1; continue; }
      const events = journalOf(path.join(dir, 'runs'));
      for (const [k, e] of events.entries()) {
        if (e.type !== 'step.start' || e.action !== 'node.poweroff') continue;
        const rest = events.slice(k + 1);
        const cut = rest.find((c) => c.type === 'command' && c.argv[0] === 'docker' && c.argv[1] === 'stop');
        const first = rest.find((c) => c.type === 'check.end' && c.source === 'expect');
        if (cut && first?.ok) seen.push(first.ms - cut.ms);
      }
    }
    console.log(`\nkubeadm lab: drills/kubeadm/cp-host-loss.yaml on 3 test hosts over ssh, ${runs} runs`);
    console.log(`${'wall time per run'.padEnd(34)} median ${(pct(walls, 50) / 1000).toFixed(2)} s   max ${(Math.max(...walls) / 1000).toFixed(2)} s`);
    if (seen.length) console.log(`${'power cut seen after'.padEnd(34)} p50 ${Math.round(pct(seen, 50))} ms   p95 ${Math.round(pct(seen, 95))} ms over ${seen.length} cuts  (target p95 ≤ 300 ms: ${pct(seen, 95) <= 300 ? 'met' : 'MISSED'})`);
  } finally {
    script(['down', prefix]);
  }
}
