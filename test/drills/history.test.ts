import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { root, runKdrill, tempDir } from '../helpers/kdrill.js';
import { findChromium, openPage } from '../report/chromium.js';

const chromium = findChromium();

// `kdrill history` over real runs: drills/etcd/lose-one-of-three.yaml three times on real etcd
// members in docker (its lab renamed to this test's own), then the history of those runs.
const lab = `kdy-hist${process.pid % 10000}`;
const dir = tempDir('kdrill-history-lab-');
const runs = path.join(dir, 'runs');

afterAll(() => {
  // the drill removes its lab; this only catches a run that died half-way
  const left = execFileSync('docker', ['ps', '-aq', '--filter', `label=dev.kdrill.lab=${lab}`]).toString().trim().split('\n').filter(Boolean);
  if (left.length) execFileSync('docker', ['rm', '-f', ...left]);
  rmSync(dir, { recursive: true, force: true });
});

describe('kdrill history over three real runs of lose-one-of-three', () => {
  it('lists the three runs with their figures; --json parses; --fail-on-regression fails only on a worse last run', async () => {
    const doc = parseDocument(readFileSync(path.join(root, 'drills/etcd/lose-one-of-three.yaml'), 'utf8'));
    doc.setIn(['lab', 'name'], lab);
    const file = path.join(dir, 'lose-one-of-three.yaml');
    writeFileSync(file, doc.toString());
    for (let i = 0; i < 3; i++) {
      const r = await runKdrill(['run', file, '--report-dir', runs, '--progress', 'plain'], { KDRILL_STATE_DIR: path.join(dir, 'state') });
      expect(r.code, `run ${i + 1}\n${r.stdout}\n${r.stderr}`).toBe(0);
    }

    const table = await runKdrill(['history', runs]);
    expect(table.code, table.stderr).toBe(0);
    process.stdout.write(table.stdout);
    expect(table.stdout).toContain('lose-one-of-three (3 runs;');
    const rows = table.stdout.split('\n').filter((l) => /^\s+\d{4}-\d\d-\d\d /.test(l));
    expect(rows).toHaveLength(3);
    // every run: passed, a detection, a write gap and a recovery in ms or s
    for (const row of rows) expect(row).toMatch(/passed\s+\S+\s+\d+(\.\d)?m?s\b.*\d+(\.\d)?m?s\b.*\d+(\.\d)?m?s\b/);

    const json = await runKdrill(['history', runs, '--json']);
    expect(json.code).toBe(0);
    const [drill] = JSON.parse(json.stdout).drills;
    expect(drill.drill).toBe('lose-one-of-three');
    expect(drill.runs).toHaveLength(3);
    for (const r of drill.runs) {
      expect(r.status).toBe('passed');
      expect(r.detectionMs).toBeGreaterThanOrEqual(0);
      expect(r.writeGapMs).toBeGreaterThanOrEqual(0);
      expect(r.recoveryMs).toBeGreaterThan(0);
    }
    // The node's kill and its start are the fault and its recovery, by name, in report.json.
    const last = drill.runs[2];
    const report = JSON.parse(readFileSync(path.join(last.dir, 'report.json'), 'utf8'));
    expect(report.figures.faults).toEqual([expect.objectContaining({ step: "kill a follower's node", action: 'node.kill', recoveredBy: 'bring the node back' })]);

    // Recovery here is ~1 s and varies by a quarter run to run (measured: 945 ms, 1.2 s, 933 ms), on a
    // machine other tests share: 100%, so that only a real slowdown fails…
    const same = await runKdrill(['history', runs, '--fail-on-regression', '100%']);
    expect(same.code, same.stderr).toBe(0);
    // …and a doctored last report whose recovery took ten times the others'
    report.figures.recoveryMs = 10 * Math.max(...drill.runs.map((r: { recoveryMs: number }) => r.recoveryMs));
    writeFileSync(path.join(last.dir, 'report.json'), JSON.stringify(report));
    const worse = await runKdrill(['history', runs, '--fail-on-regression', '100%']);
    expect(worse.code).toBe(1);
    expect(worse.stderr).toMatch(/regression: lose-one-of-three: recovery \S+ is \d+% over the median of the 2 earlier runs/);
    expect(readdirSync(path.join(runs, 'lose-one-of-three'))).toHaveLength(3);

    // --html: one page, opened in headless chromium: a chart per figure, drawn (non-zero size), nothing fetched.
    const html = path.join(dir, 'history.html');
    const page = await runKdrill(['history', runs, '--html', html]);
    expect(page.code, page.stderr).toBe(0);
    if (!chromium) {
      if (process.env.CI) throw new Error('chromium is not installed: the history page cannot be opened (scripts/install-deps.sh installs it)');
      process.stdout.write('  history --html: not opened (no chromium here)\n');
      return;
    }
    const p = await openPage(chromium, html);
    try {
      const charts = await p.evaluate<Array<{ w: number; h: number; marks: number }>>(`[...document.querySelectorAll('svg')].map((s) => { const b = s.getBoundingClientRect(); return { w: b.width, h: b.height, marks: s.querySelectorAll('circle, path, polyline, rect, line').length }; })`);
      expect(charts.length).toBeGreaterThanOrEqual(3);
      for (const c of charts) {
        expect(c.w).toBeGreaterThan(100);
        expect(c.h).toBeGreaterThan(30);
        expect(c.marks).toBeGreaterThan(0);
      }
      expect(await p.evaluate<string>('document.body.textContent')).toContain('lose-one-of-three');
      expect(p.requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it('a breached budget fails the run (exit 1) and says which figure, where, and by how much', async () => {
    const doc = parseDocument(readFileSync(path.join(root, 'drills/etcd/lose-one-of-three.yaml'), 'utf8'));
    doc.setIn(['lab', 'name'], lab);
    doc.set('budgets', doc.createNode({ detection: '30s', recovery: '1ms' }));
    const file = path.join(dir, 'budgets.yaml');
    writeFileSync(file, doc.toString());
    const reportDir = path.join(dir, 'budget-runs');
    const r = await runKdrill(['run', file, '--report-dir', reportDir, '--progress', 'plain'], { KDRILL_STATE_DIR: path.join(dir, 'state') });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
    const drillDir = path.join(reportDir, 'lose-one-of-three');
    const report = JSON.parse(readFileSync(path.join(drillDir, readdirSync(drillDir)[0]!, 'report.json'), 'utf8'));
    expect(report.status).toBe('failed');
    expect(report.reason).toMatch(/^budget: recovery \S+ after "kill a follower's node": over the budget of 1ms$/);
    expect(report.figures.budgets.map((b: { figure: string; ok: boolean }) => [b.figure, b.ok])).toEqual([['detection', true], ['recovery', false]]);
    // every step passed: only the budget failed the run
    expect(report.steps.filter((s: { status: string }) => s.status !== 'passed')).toEqual([]);
  });
});
