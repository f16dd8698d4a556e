import { describe, expect, it } from 'vitest';
import { parseDrill } from '../../src/drill/loader.js';
import { drillProblems } from '../helpers/problems.js';
import { modules } from '../../src/cli/modules.js';

const drill = (budgets: string) => `apiVersion: kdrill/v1
kind: Drill
metadata: {name: t}
lab: {provider: local}
budgets: ${budgets}
steps:
  - name: a
    action: exec
    with: {run: ["true"]}
`;

const problems = (text: string): string[] => drillProblems(text);

describe('loader: drill budgets', () => {
  it('durations in ms, counts as they are', () => {
    const d = parseDrill(drill('{detection: 5s, writeGap: 3s, recovery: 1m, rpoKeys: 20, rpoRevisions: 0}'), 'd.yaml', { modules });
    expect(d.budgets).toEqual({ detectionMs: 5000, writeGapMs: 3000, recoveryMs: 60_000, rpoKeys: 20, rpoRevisions: 0 });
    expect(parseDrill(drill('{}'), 'd.yaml', { modules }).budgets).toEqual({});
  });

  it.each([
    ['{detection: 5}', 'd.yaml:5:22: budgets.detection: expected a duration such as 500ms, 10s or 2m, got 5'],
    ['{recovery: soon}', 'd.yaml:5:21: budgets.recovery: expected a duration such as 500ms, 10s or 2m, got "soon"'],
    ['{rpoKeys: -1}', 'd.yaml:5:20: budgets.rpoKeys must be 0 or more keys, got -1'],
    ['{rpoKeys: 1.5}', 'd.yaml:5:20: budgets.rpoKeys must be a whole number of keys, got 1.5'],
  ])('%s: a problem at its place', (budgets, problem) => {
    expect(problems(drill(budgets))).toEqual([problem]);
  });

  it('an unknown budget is named', () => {
    expect(problems(drill('{rto: 5s}')).join('\n')).toMatch(/^d\.yaml:5:\d+: budgets.*rto/);
  });
});
