import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalOf, runKdrill, tempDir } from '../helpers/kdrill.js';
import { chromium, requireChromiumInCi, skipBrowser } from './browser.js';
import { openPage, type Page } from './chromium.js';

/**
 * report.html of a real run (the kdrill binary, the `local` lab: no docker), opened in headless
 * chromium: it renders, a failed check is shown as failed (in words and in colour), text from the
 * drill and from a command stays text, and the page asks for nothing but itself.
 */
requireChromiumInCi();

const dir = tempDir('kdrill-html-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const drill = path.join(dir, 'drill', 'fails-one-check.yaml');
mkdirSync(path.dirname(drill), { recursive: true });
// A title, a step name, an explanation and a command output meant to break out of the page.
writeFileSync(drill, `apiVersion: kdrill/v1
kind: Drill
metadata:
  name: fails-one-check
  title: "One check fails </title><script>document.title='owned'</script> & \\"quotes\\""
lab: {provider: local}
invariants:
  - command: {run: ["true"]}
steps:
  - name: "print markup <img src=x onerror=\\"document.title='owned'\\">"
    action: exec
    with: {run: [sh, -c, 'printf "%s\\n" "</pre><script>document.title=1</script> & \\x1b]0;t\\x07"']}
    explain: "Explains <b>why</b> & how: the page shows this as text."
    expect:
      - command: {run: [test, -f, /nonexistent/kdrill-html-check], within: 300ms}
restore:
  - name: undo
    action: exec
    with: {run: ["true"]}
`);

describe.skipIf(skipBrowser)('report.html in headless chromium: a run that fails one check', () => {
  let page: Page;
  let runDir: string;
  beforeAll(async () => {
    const r = await runKdrill(['run', drill, '--report-dir', path.join(dir, 'runs')]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    runDir = journalOf(path.join(dir, 'runs')).runDir;
    page = await openPage(chromium!, path.join(runDir, 'report.html'));
  }, 60_000);
  afterAll(() => page?.close());

  it('renders: the verdict, the lab, the kdrill version and the drill file’s sha256', async () => {
    const facts = await page.evaluate<Record<string, string>>(`Object.fromEntries([...document.querySelectorAll('table.facts tr')].map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]))`);
    const verdict = await page.evaluate<{ text: string; h: number }>(`(() => { const v = document.getElementById('verdict'); return { text: v.textContent, h: v.getBoundingClientRect().height }; })()`);
    expect(verdict.text).toMatch(/^FAILED — step "print markup/);
    expect(verdict.h).toBeGreaterThan(10);
    const report = JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    expect(facts['Drill file sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(facts['Drill file sha256']).toBe(report.drill.sha256);
    expect(facts['kdrill version']).toBe(JSON.parse(readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8')).version);
    expect(facts.Lab).toMatch(/^local “local”, reused/);
  });

  it('shows the failed check as failed, with expected and observed, and the passed ones as passed', async () => {
    const rows = await page.evaluate<Array<{ phase: string; check: string; result: string; color: string; bg: string; expected: string; observed: string; visible: boolean }>>(`
      [...document.querySelectorAll('tr.check')].map((tr) => ({
        phase: tr.closest('section').dataset.phase, check: tr.dataset.check, result: tr.querySelector('.result').textContent,
        color: getComputedStyle(tr.querySelector('.result')).color, bg: getComputedStyle(tr.cells[0]).backgroundColor,
        expected: tr.cells[2].textContent, observed: tr.cells[3].textContent, visible: tr.getBoundingClientRect().height > 0,
      }))`);
    const failed = rows.filter((r) => r.result.includes('FAILED'));
    expect(failed).toEqual([{ phase: 'steps', check: 'command', result: '✖ FAILED', color: 'rgb(180, 35, 24)', bg: 'rgb(253, 236, 234)', expected: 'exit code 0', observed: 'exit code 1', visible: true }]);
    const passed = rows.filter((r) => !r.result.includes('FAILED'));
    expect(passed.map((r) => [r.phase, r.result, r.color])).toEqual([['steady', '✔ passed', 'rgb(31, 122, 53)'], ['steps', '✔ passed', 'rgb(31, 122, 53)']]);
    const step = await page.evaluate<string>(`document.querySelector('section.step[data-phase="steps"] .badge').textContent`);
    expect(step).toBe('FAILED');
  });

  it('lists the commands that ran, with exit codes: the failing check’s four attempts as one row', async () => {
    const cmds = await page.evaluate<string[][]>(`[...document.querySelectorAll('section.step[data-phase="steps"] tr.command')].map((tr) => [...tr.cells].slice(1).map((c) => c.textContent))`);
    expect(cmds[0]!.slice(0, 2)).toEqual([`sh -c 'printf "%s\\n" "</pre><script>document.title=1</script> & \\x1b]0;t\\x07"'`, '0']);
    expect(cmds[1]![0]).toBe('test -f /nonexistent/kdrill-html-check');
    expect(cmds[1]![1]).toBe('1');
    expect(cmds[1]![2]).toMatch(/^×\d+, until \+/);
  });

  it('keeps drill text and command output as text: no script, no element of theirs, nothing loaded', async () => {
    const doc = await page.evaluate<{ title: string; scripts: number; imgs: number; h1: string; explain: string; output: string }>(`({
      title: document.title, scripts: document.scripts.length, imgs: document.images.length, h1: document.querySelector('h1').textContent,
      explain: document.querySelector('.explain').textContent, output: document.querySelector('pre.output').textContent })`);
    expect(doc.title).toBe(`FAILED: One check fails </title><script>document.title='owned'</script> & "quotes"`);
    expect(doc.h1).toBe(`One check fails </title><script>document.title='owned'</script> & "quotes"`);
    expect([doc.scripts, doc.imgs]).toEqual([0, 0]);
    expect(doc.explain).toBe('Explains <b>why</b> & how: the page shows this as text.');
    expect(doc.output).toBe('</pre><script>document.title=1</script> & \\x1b]0;t\\x07');
    expect(page.requests).toEqual([expect.stringMatching(/^file:\/\/.*\/report\.html$/)]);
  });

  it('prints to PDF, on the A4 pages its print style asks for', async () => {
    const pdf = await page.pdf();
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
    // The page's own @page rule (A4: 595 × 842 points) decides the paper, not the browser's default (Letter).
    const boxes = [...pdf.toString('latin1').matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)].map((m) => [Math.round(Number(m[1])), Math.round(Number(m[2]))]);
    expect(boxes.length).toBeGreaterThan(0);
    expect(new Set(boxes.map(String))).toEqual(new Set(['595,842']));
  });
});
