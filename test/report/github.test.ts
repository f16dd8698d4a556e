import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, githubAnnotations, githubStepSummary, MAX_ANNOTATIONS, writeGithubOutputs } from '../../src/report/github.js';
import { summarize } from '../../src/report/summarize.js';
import { failedExpectationRun, passedRun, Run } from './runs.js';

describe('GitHub Actions outputs', () => {
  it.each([
    ['plain', 'plain', 'plain'],
    ['100%', '100%25', '100%25'],
    ['a\nb', 'a%0Ab', 'a%0Ab'],
    ['a\r\nb', 'a%0D%0Ab', 'a%0D%0Ab'],
    ['drill: step, x', 'drill: step, x', 'drill%3A step%2C x'],
    ['%0A literally', '%250A literally', '%250A literally'],
  ])('escapes %j: data %j, property %j', (input, data, property) => {
    expect(escapeData(input)).toBe(data);
    expect(escapeProperty(input)).toBe(property);
  });

  it('one ::error per failed check, at the step\'s line, file relative to the workspace', () => {
    const lines = githubAnnotations(summarize(failedExpectationRun()), { GITHUB_WORKSPACE: '/repo' });
    expect(lines).toEqual([
      '::error file=drills/etcd/cp-node-loss.yaml,line=20,title=cp-node-loss%3A stop a node::etcd.quorum: 1 of 3 members healthy, quorum is 2: lost (4 attempts in 400ms)%0A  expected: healthy >= 2%0A  observed: healthy = 1',
    ]);
  });

  it('at most 10 annotations', () => {
    const r = new Run().start().phase('steps');
    for (let i = 0; i < 14; i++) r.stepStart('steps', i, `step ${i}`).stepEnd('steps', i, `step ${i}`, 'failed', 5, { error: `boom ${i}` });
    const lines = githubAnnotations(summarize(r.end('failed')));
    expect(MAX_ANNOTATIONS).toBe(10);
    expect(lines).toHaveLength(10);
    expect(lines[9]).toMatch(/::boom 9$/);
  });

  it('nothing unless GITHUB_ACTIONS=true; then the summary is appended and annotations printed', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kdrill-gh-'));
    const file = path.join(dir, 'step-summary.md');
    writeFileSync(file, 'earlier step\n');
    const printed: string[] = [];
    const report = summarize(failedExpectationRun());
    expect(githubStepSummary('# x', { GITHUB_STEP_SUMMARY: file })).toBeUndefined();
    expect(writeGithubOutputs(report, '# x\n', { GITHUB_STEP_SUMMARY: file, CI: 'true' }, (l) => printed.push(l))).toEqual([]);
    expect(printed).toEqual([]);
    writeGithubOutputs(report, '# the summary\n', { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: file }, (l) => printed.push(l));
    expect(readFileSync(file, 'utf8')).toBe('earlier step\n# the summary\n\n');
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^::error /);
    expect(githubAnnotations(summarize(passedRun()))).toEqual([]);
  });

  it('control characters in an annotation are shown, and its new lines stay inside it', () => {
    const r = new Run().start().phase('steps');
    const name = 'a\n::error file=x::boom \u001b]52;c;SGk=\u0007';
    r.stepStart('steps', 0, name).stepEnd('steps', 0, name, 'failed', 5, { error: 'out:\n::warning::x\r\u001b[2J\u202e' });
    const [line] = githubAnnotations(summarize(r.end('failed')));
    expect(line).toBe('::error file=/repo/drills/etcd/cp-node-loss.yaml,line=10,title=cp-node-loss%3A a\\n%3A%3Aerror file=x%3A%3Aboom \\x1b]52;c;SGk=\\x07::out:%0A\\x3a:warning::x\\r\\x1b[2J\\u202e');
    // eslint-disable-next-line no-control-regex
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
  });
});
