import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReports } from '../../src/report/write.js';
import { passedRun, probeRun } from './runs.js';
import { parseXml } from './xml-check.js';

const temp = () => mkdtempSync(path.join(tmpdir(), 'kdrill-reports-'));

describe('writeReports', () => {
  it('report.json, junit.xml, summary.md, report.html; timeline.svg only when a probe sampled', () => {
    const dir = temp();
    const { report, files } = writeReports(dir, passedRun(), {});
    expect(files.map((f) => path.basename(f))).toEqual(['report.json', 'junit.xml', 'summary.md', 'report.html']);
    expect(JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'))).toMatchObject({ reportVersion: 1, status: report.status, drill: report.drill });
    expect(existsSync(path.join(dir, 'timeline.svg'))).toBe(false);

    const dir2 = temp();
    const printed: string[] = [];
    const summaryFile = path.join(dir2, 'gh-summary.md');
    const r2 = writeReports(dir2, probeRun(2000), { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile }, (l) => printed.push(l));
    expect(r2.files.map((f) => path.basename(f))).toEqual(['report.json', 'junit.xml', 'timeline.svg', 'summary.md', 'report.html']);
    // report.html draws the same picture inline (it loads no file).
    expect(readFileSync(path.join(dir2, 'report.html'), 'utf8')).toContain(readFileSync(path.join(dir2, 'timeline.svg'), 'utf8').trim());
    parseXml(readFileSync(path.join(dir2, 'timeline.svg'), 'utf8'));
    parseXml(readFileSync(path.join(dir2, 'junit.xml'), 'utf8'));
    expect(readFileSync(path.join(dir2, 'summary.md'), 'utf8')).toContain('![availability timeline](timeline.svg)');
    // The step summary gets the Markdown without a link it could not resolve.
    const gh = readFileSync(summaryFile, 'utf8');
    expect(gh).toContain('### etcd.writes');
    expect(gh).not.toContain('timeline.svg');
    expect(printed).toEqual([expect.stringMatching(/^::error file=.*title=cp-node-loss%3A probe::etcd writes: .*over the budget/)]);
  });
});
