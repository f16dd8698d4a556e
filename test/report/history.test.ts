import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fmtChange, median, parsePercent, regressions, trendOf, type HistoryRun } from '../../src/report/history.js';
import { renderHistoryHtml } from '../../src/report/history-html.js';
import { readHistory } from '../../src/report/history-read.js';
import { runKdrill, tempDir } from '../helpers/kdrill.js';
import { passedRun } from './runs.js';

const run = (i: number, f: Partial<HistoryRun> = {}): HistoryRun => ({ drill: 'd', dir: `runs/d/${i}`, startedAt: `2026-01-0${i}T00:00:00.000Z`, status: 'passed', durationMs: 1000, ...f });
const runsOf = (key: keyof HistoryRun, values: Array<number | undefined>) => values.map((v, i) => run(i + 1, { [key]: v }));

describe('history math', () => {
  it.each([
    [[], undefined],
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ])('median of %j is %s', (values, m) => expect(median(values)).toBe(m));

  it.each([
    ['25%', 0.25], ['25', 0.25], ['12.5%', 0.125], ['0%', 0], ['-5%', undefined], ['abc', undefined], ['25%%', undefined],
  ])('percentage %s', (text, value) => expect(parsePercent(text)).toBe(value));

  it.each([
    // [figure, values oldest first, limit, the regression messages]
    ['recoveryMs', [3000, 3200, 2800, 4100], 0.25, ['d: recovery 4.1s is 37% over the median of the 3 earlier runs (3.0s), more than 25%']],
    ['recoveryMs', [3000, 3200, 2800, 3700], 0.25, []], // +23%: within
    ['recoveryMs', [3000, 3200, 2800, 2000], 0.25, []], // better
    ['detectionMs', [200, 210, 700], 0.25, []], // +241%, but 495 ms: under the 500 ms of noise
    ['detectionMs', [200, 210, 705], 0.25, ['d: detection 705ms is 244% over the median of the 2 earlier runs (205ms), more than 25%']],
    ['writeGapMs', [0, 0, 1500], 0.25, ['d: write gap 1.5s is over the median of the 2 earlier runs (0ms), more than 25%']],
    ['rpoKeys', [0, 0, 0], 0.25, []],
    ['rpoKeys', [4, undefined, 9], 0.25, ['d: RPO keys 9 keys is 125% over the median of the 1 earlier run (4 keys), more than 25%']],
    ['recoveryMs', [3000, 3000, undefined], 0.25, []], // the last run has no recovery (it failed before): nothing to judge
    ['recoveryMs', [4000], 0.25, []], // no earlier run
  ] as const)('%s %j, limit %s', (key, values, limit, messages) => {
    expect(regressions(runsOf(key, [...values]), limit).map((r) => r.message)).toEqual(messages);
  });

  it('the trend of each run is against the runs before it, shown as a change', () => {
    const runs = runsOf('recoveryMs', [1000, 2000, 1500, 1500]);
    expect([0, 1, 2, 3].map((i) => fmtChange(trendOf(runs, i, 'recoveryMs')))).toEqual(['', '(+100%)', '(±0%)', '(±0%)']);
    expect(trendOf(runs, 3, 'recoveryMs')).toEqual({ figure: 'recoveryMs', value: 1500, median: 1500, earlier: 3, change: 0 });
  });
});

describe('reading a runs folder', () => {
  const dir = tempDir('kdrill-history-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const put = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  const report = (startedAt: string, figures: object) => JSON.stringify({ reportVersion: 1, drill: { name: 'lose-one', file: 'x' }, status: 'passed', durationMs: 9000, startedAt, figures });
  put('lose-one/b/report.json', report('2026-01-02T00:00:00.000Z', { faults: [], recoveryMs: 11_000, budgets: [] }));
  put('lose-one/a/report.json', report('2026-01-01T00:00:00.000Z', { faults: [], recoveryMs: 10_000, budgets: [] }));
  put('lose-one/c/report.json', '{"drill": {"name": "lose-one"'); // cut short while written
  put('lose-one/d/report.json', '{"drill": "<script>", "status": 3}');
  put('lose-one/e/notes.txt', 'no report here');
  // a run killed before its reports: its journal is read instead
  put('hello/k/journal.jsonl', `${passedRun().map((e) => JSON.stringify(e)).join('\n')}\n{"type":"drill.e`);

  it('every good run, oldest first, and a warning for each broken folder', () => {
    const h = readHistory(dir);
    expect([...h.drills.keys()].sort()).toEqual(['cp-node-loss', 'lose-one']);
    expect(h.drills.get('lose-one')!.map((r) => [path.basename(r.dir), r.recoveryMs])).toEqual([['a', 10_000], ['b', 11_000]]);
    expect(h.warnings.map((w) => w.replace(dir, '<dir>'))).toEqual([
      '<dir>/hello/k: no report.json: read from journal.jsonl (passed)',
      expect.stringMatching(/^<dir>\/lose-one\/c: skipped: report.json is not JSON/),
      '<dir>/lose-one/d: skipped: report.json is not a kdrill run report (no drill name, status or duration)',
      '<dir>/lose-one/e: skipped: no report.json nor journal.jsonl (not a run folder)',
    ]);
  });

  it('a folder that is not there is a usage error', () => {
    expect(() => readHistory(path.join(dir, 'nope'))).toThrow(/nope: no such folder/);
  });

  it('kdrill history: a table, --json, --html, and the exit code of --fail-on-regression', async () => {
    const table = await runKdrill(['history', dir]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/lose-one \(2 runs;/);
    expect(table.stdout).toMatch(/11s \(\+10%\)/);
    expect(table.stderr).toMatch(/lose-one\/c: skipped/);

    const json = await runKdrill(['history', dir, '--json', '--fail-on-regression', '5%']);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.drills.find((d: { drill: string }) => d.drill === 'lose-one').runs).toHaveLength(2);
    expect(parsed.regressions.map((r: { message: string }) => r.message)).toEqual(['lose-one: recovery 11s is 10% over the median of the 1 earlier run (10s), more than 5%']);
    expect(json.stderr).toContain('regression: lose-one: recovery 11s is 10% over');

    expect((await runKdrill(['history', dir, '--fail-on-regression', '25%'])).code).toBe(0);
    expect((await runKdrill(['history', dir, '--fail-on-regression', 'lots'])).code).toBe(2);
    expect((await runKdrill(['history', path.join(dir, 'nope')])).code).toBe(2);
    const page = path.join(dir, 'history.html');
    expect((await runKdrill(['history', dir, '--html', page])).code).toBe(0);
    expect(readFileSync(page, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<h2>lose-one <small>2 runs<\/small><\/h2>/);
    const cannot = await runKdrill(['history', dir, '--html', path.join(dir, 'nope', 'h.html')]);
    expect(cannot.code).toBe(2);
    expect(cannot.stderr).toMatch(/--html .*h\.html: cannot write it/);
  });
});

describe('history page', () => {
  it('escapes what comes from reports and loads nothing from outside', () => {
    const runs = [run(1, { drill: '<img src=x onerror=alert(1)>', recoveryMs: 1000, status: '<b>' }), run(2, { drill: '<img src=x onerror=alert(1)>', recoveryMs: 2000 })];
    const html = renderHistoryHtml(new Map([[runs[0]!.drill, runs]]), [], ['a "warning" \u001b[2J'], 'now');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain('\\x1b[2J');
    expect(html).not.toMatch(/(src|href)="?(https?:)?\/\//);
    expect(html).not.toContain('<script');
    // one chart per figure that the runs have: recovery only here
    expect(html.match(/<svg /g)).toHaveLength(1);
  });
});
