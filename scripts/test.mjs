#!/usr/bin/env node
// `npm test`: vitest's five projects (vitest.config.ts) in four queues side by side:
//   unit (no lab, files in parallel), then late (the campaigns, the give-up exercise, kdrill lab on kind)
//   lab (real docker / etcd / PostgreSQL, one file at a time; the history probe's drills)
//   kind (the kind stand-in's kind-shaped clusters, run-drills, one file at a time)
//   kubeadm (the kubeadm test hosts, the exercises, one file at a time)
// The machine mostly waits on docker and etcd during the lab tests (measured: 3.7 min of CPU in a
// 13 min run; 4.5 min of CPU in an 11.5 min run with two queues), so the queues run side by side. Arguments go to every
// vitest; a JSON report (--outputFile.json=F) is written per queue and merged into F.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const vitest = path.join(import.meta.dirname, '..', 'node_modules', 'vitest', 'vitest.mjs');
const args = process.argv.slice(2);
const outArg = args.find((a) => a.startsWith('--outputFile.json='));
const out = outArg?.slice('--outputFile.json='.length);
const passed = args.filter((a) => a !== outArg);

function run(project) {
  const json = out ? [`--outputFile.json=${out}.${project}`] : [];
  const child = spawn(process.execPath, [vitest, 'run', '--project', project, '--passWithNoTests', ...passed, ...json], { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
    let rest = '';
    from.on('data', (d) => {
      const lines = (rest + d).split('\n');
      rest = lines.pop();
      for (const l of lines) to.write(`[${project}] ${l}\n`);
    });
    from.on('end', () => rest && to.write(`[${project}] ${rest}\n`));
  }
  return new Promise((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

// Four queues side by side; `late` after `unit` (which runs its files in parallel and ends first).
const queues = [['unit', 'late'], ['lab'], ['kind'], ['kubeadm']];
const codes = (await Promise.all(queues.map(async (projects) => {
  const done = [];
  for (const p of projects) done.push(await run(p));
  return done;
}))).flat();
const code = codes.some((c) => c !== 0) ? 1 : 0;

if (out) {
  const parts = queues.flat().map((p) => `${out}.${p}`).filter(existsSync).map((f) => {
    const r = JSON.parse(readFileSync(f, 'utf8'));
    rmSync(f);
    return r;
  });
  const sum = (k) => parts.reduce((n, r) => n + (r[k] ?? 0), 0);
  const merged = {
    ...parts[0],
    numTotalTestSuites: sum('numTotalTestSuites'), numPassedTestSuites: sum('numPassedTestSuites'), numFailedTestSuites: sum('numFailedTestSuites'),
    numPendingTestSuites: sum('numPendingTestSuites'), numTotalTests: sum('numTotalTests'), numPassedTests: sum('numPassedTests'),
    numFailedTests: sum('numFailedTests'), numPendingTests: sum('numPendingTests'), numTodoTests: sum('numTodoTests'),
    startTime: Math.min(...parts.map((r) => r.startTime)), success: code === 0 && parts.every((r) => r.success),
    testResults: parts.flatMap((r) => r.testResults),
  };
  writeFileSync(out, JSON.stringify(merged));
}
process.exit(code);
