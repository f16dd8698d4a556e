import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalOf, runKdrill, spawnKdrill, tempDir, waitForJournal } from '../helpers/kdrill.js';

/**
 * Guards in a real kdrill process on the local lab (no docker): an http.get guard against a real HTTP
 * server of this test, which answers 503 once the file its `down` query names exists (a drill's step
 * creates it: "the storefront goes down").
 */
let server: http.Server;
let base = '';
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const flag = new URL(req.url!, 'http://x').searchParams.get('down')!;
    if (existsSync(flag)) res.writeHead(503).end('storefront down');
    else res.end('storefront up');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function drill(dir: string, guardInterval: string, steps: string[]): { file: string; flag: string; log: string; runs: string } {
  const flag = path.join(dir, 'down');
  const log = path.join(dir, 'log');
  const file = path.join(dir, 'guarded.yaml');
  writeFileSync(file, [
    'apiVersion: kdrill/v1', 'kind: Drill', 'metadata: {name: guarded}',
    'guards:',
    `  - http.get: {url: "${base}/health?down=${flag}", bodyMatches: "up$", interval: ${guardInterval}}`,
    'steps:', ...steps.map((s) => s.replaceAll('FLAG', flag).replaceAll('LOG', log)),
    'restore:',
    `  - {name: storefront back, action: exec, with: {run: [rm, -f, ${flag}]}}`,
    `  - {name: restore ran, action: exec, with: {run: [sh, -c, 'echo restore >> "$0"', ${log}]}}`,
    '',
  ].join('\n'));
  return { file, flag, log, runs: path.join(dir, 'runs') };
}
const lines = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n') : []);

describe('guards (real kdrill, local lab, real HTTP server)', () => {
  it('a guard that breaches mid-way aborts the running step at once; later steps do not run; the restore runs; exit 1 naming the guard', async () => {
    const d = drill(tempDir('kdg-guards-'), '100ms', [
      "  - {name: first, action: exec, with: {run: [sh, -c, 'echo first >> \"$0\"', LOG]}}",
      '  - {name: the storefront goes down, action: exec, with: {run: [touch, FLAG]}}',
      '  - {name: a long step, action: exec, with: {run: [sleep, "30"]}}',
      "  - {name: never, action: exec, with: {run: [sh, -c, 'echo never >> \"$0\"', LOG]}}",
    ]);
    const t0 = performance.now();
    const r = await runKdrill(['run', d.file, '--report-dir', d.runs]);
    const took = performance.now() - t0;
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(took).toBeLessThan(10_000); // not the 30 s of the long step
    expect(lines(d.log)).toEqual(['first', 'restore']);
    expect(existsSync(d.flag)).toBe(false);
    const { events, runDir } = journalOf(d.runs);
    const breach = events.find((e) => e.type === 'guard.breach')!;
    expect(breach).toMatchObject({ guard: 'http.get', source: 'guard', line: 5, message: `GET ${base}/health?down=${d.flag} answered 503`, expected: 'status 200', observed: 'status 503' });
    const end = events.at(-1)!;
    expect(end).toMatchObject({ type: 'drill.end', status: 'failed', exitCode: 1, reason: `aborted by guard: http.get — GET ${base}/health?down=${d.flag} answered 503` });
    expect(r.stdout).toContain('aborted by guard: http.get');
    // The step running at the breach was stopped, not waited for.
    const aborted = events.find((e) => e.type === 'step.end' && e.name === breach.step)!;
    expect(aborted).toMatchObject({ status: 'failed', error: end.reason });
    expect(aborted.ms - breach.ms).toBeLessThan(500);
    expect(events.some((e) => e.type === 'step.start' && e.name === 'never')).toBe(false);
    // Guards stop before the restore and breach once.
    expect(events.filter((e) => e.type === 'guard.breach')).toHaveLength(1);
    const guardEnd = events.findIndex((e) => e.type === 'guard.end');
    expect(guardEnd).toBeLessThan(events.findIndex((e) => e.type === 'phase.start' && e.phase === 'restore'));
    expect(events[guardEnd]).toMatchObject({ guard: 'http.get', breached: true });
    // The reports say so.
    const report = JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    expect(report.guards).toEqual([expect.objectContaining({ guard: 'http.get', breached: true, step: breach.step })]);
    expect(report.failures).toContainEqual(expect.objectContaining({ kind: 'guard', check: 'http.get' }));
    expect(readFileSync(path.join(runDir, 'junit.xml'), 'utf8')).toMatch(/<testcase name="guard: http.get"[^>]*>\s*<failure message="aborted by guard: http.get — GET [^"]* answered 503 \(during step &quot;[^"]*&quot;\)" type="guard">/);
    expect(readFileSync(path.join(runDir, 'summary.md'), 'utf8')).toMatch(/\*\*Status: FAILED\*\* — aborted by guard: http\.get — GET .* answered 503[\s\S]*## Guards[\s\S]*\| http\.get \| \d+ \| \*\*BREACHED\*\* during/);
  });

  it('a guard that breaches before the first step: no step runs, the restore does', async () => {
    const dir = tempDir('kdg-guards-');
    const d = drill(dir, '1s', ["  - {name: first, action: exec, with: {run: [sh, -c, 'echo first >> \"$0\"', LOG]}}"]);
    writeFileSync(d.flag, '');
    const r = await runKdrill(['run', d.file, '--report-dir', d.runs]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(lines(d.log)).toEqual(['restore']);
    const { events } = journalOf(d.runs);
    expect(events.some((e) => e.type === 'step.start' && e.phase === 'steps')).toBe(false);
    expect(events.find((e) => e.type === 'guard.breach')).not.toHaveProperty('step');
    expect(events.at(-1)!.reason).toMatch(/^aborted by guard: http\.get — GET .* answered 503$/);
  });

  it('a guard that holds: the drill passes and the guard polled during the steps', async () => {
    const d = drill(tempDir('kdg-guards-'), '100ms', ['  - {name: a while, action: sleep, with: {duration: 1s}}']);
    const r = await runKdrill(['run', d.file, '--report-dir', d.runs]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const end = journalOf(d.runs).events.find((e) => e.type === 'guard.end')!;
    expect(end).toMatchObject({ guard: 'http.get', breached: false });
    expect(end.polls).toBeGreaterThanOrEqual(8);
  });

  it("Ctrl-C during a guard's first poll ends it at once: exit 130, the restore runs", async () => {
    const dir = tempDir('kdg-guards-');
    const log = path.join(dir, 'log');
    const file = path.join(dir, 'slow-guard.yaml');
    writeFileSync(file, [
      'apiVersion: kdrill/v1', 'kind: Drill', 'metadata: {name: slow-guard}',
      'guards:', '  - command: {run: [sleep, "20"], timeout: 30s}',
      'steps:', "  - {name: first, action: exec, with: {run: [sh, -c, 'echo first >> \"$0\"', " + log + "]}}",
      'restore:', "  - {name: restore ran, action: exec, with: {run: [sh, -c, 'echo restore >> \"$0\"', " + log + "]}}", '',
    ].join('\n'));
    const runs = path.join(dir, 'runs');
    const k = spawnKdrill(['run', file, '--report-dir', runs]);
    await waitForJournal(runs, (ev) => ev.some((e) => e.type === 'phase.start' && e.phase === 'lab'));
    await new Promise((r) => setTimeout(r, 500));
    const t0 = performance.now();
    k.child.kill('SIGINT');
    const r = await k.done;
    expect(r.code, r.stdout + r.stderr).toBe(130);
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(lines(log)).toEqual(['restore']);
  });
});
