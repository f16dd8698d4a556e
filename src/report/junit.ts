import { displayPath } from './format.js';
import type { FailureReport, RunReport, StepReport } from './types.js';
import { attrs, xmlText } from './xml.js';

const secs = (ms: number) => (ms / 1000).toFixed(3);

/** "check: message" then the expected/observed pair, the way a CI test view shows a failed assertion. */
export function failureText(f: Pick<FailureReport, 'message' | 'expected' | 'observed'>): string {
  const lines = [f.message];
  if (f.expected !== undefined) lines.push(`  expected: ${f.expected}`);
  if (f.observed !== undefined) lines.push(`  observed: ${f.observed}`);
  return lines.join('\n');
}

interface Case {
  name: string;
  ms: number;
  line?: number;
  /** <failure>, <error> or <skipped>, already rendered. */
  body: string;
  kind: 'passed' | 'failure' | 'error' | 'skipped';
  out?: string;
}

function stepCase(r: RunReport, s: StepReport): Case {
  const name = s.phase === 'restore' ? `restore: ${s.name}` : s.name;
  const base = { name, ms: s.durationMs, line: s.line, out: s.output };
  const failures = r.failures.filter((f) => f.step === s.name && (f.kind === (s.phase === 'restore' ? 'restore' : 'step') || s.phase === 'steady' || s.phase === 'final'));
  switch (s.status) {
    case 'passed':
      return { ...base, kind: 'passed', body: '' };
    case 'not run':
      return { ...base, kind: 'skipped', body: `<skipped${attrs({ message: 'not run' })}/>` };
    case 'skipped':
      return { ...base, kind: 'skipped', body: `<skipped${attrs({ message: s.error ?? 'skipped' })}/>` };
    case 'interrupted':
      return { ...base, kind: 'error', body: `<error${attrs({ message: 'interrupted', type: 'interrupted' })}>${xmlText(s.error ?? 'the step was interrupted before it finished')}</error>` };
    default: {
      const type = s.status === 'timeout' ? 'timeout' : s.error?.startsWith('aborted by guard: ') ? 'guard' : failures.some((f) => f.check) ? 'expectation' : 'action';
      const list = failures.length > 0 ? failures : [{ message: s.error ?? s.status }];
      const text = list.map(failureText).join('\n\n');
      return { ...base, kind: 'failure', body: `<failure${attrs({ message: list[0]!.message, type })}>${xmlText(text)}</failure>` };
    }
  }
}

/** junit.xml: one <testsuite> per drill, one <testcase> per step (restore steps included). */
export function renderJunit(r: RunReport, cwd = process.cwd()): string {
  const cases: Case[] = r.steps.map((s) => stepCase(r, s));
  for (const p of r.probes) {
    const f = r.failures.find((x) => x.kind === 'probe' && x.check === p.probe);
    cases.push({
      name: `probe: ${p.probe}`, ms: 0, kind: f ? 'failure' : 'passed',
      body: f ? `<failure${attrs({ message: f.message, type: 'probe' })}>${xmlText(failureText(f))}</failure>` : '',
      out: p.message,
    });
  }
  for (const g of r.guards) {
    const f = r.failures.find((x) => x.kind === 'guard' && x.check === g.guard);
    cases.push({
      name: `guard: ${g.guard}`, ms: 0, line: g.line, kind: f ? 'failure' : 'passed',
      body: f ? `<failure${attrs({ message: f.message, type: 'guard' })}>${xmlText(failureText(f))}</failure>` : '',
      out: g.polls !== undefined ? `${g.polls} poll${g.polls === 1 ? '' : 's'}` : undefined,
    });
  }
  // A CI that reads only JUnit must see a breached budget fail the run: one testcase per budget verdict.
  for (const b of r.figures?.budgets ?? []) {
    cases.push({
      name: `budget: ${b.figure}${b.step ? ` (${b.step})` : ''}`, ms: 0, kind: b.ok ? 'passed' : 'failure',
      body: b.ok ? '' : `<failure${attrs({ message: b.message, type: 'budget' })}>${xmlText(b.message)}</failure>`,
      out: b.message,
    });
  }
  for (const f of r.failures.filter((x) => x.kind === 'lab' || x.kind === 'interrupted')) {
    cases.push({ name: f.kind === 'lab' ? 'lab' : 'run', ms: 0, kind: 'error', body: `<error${attrs({ message: f.message, type: f.kind })}>${xmlText(f.message)}</error>` });
  }
  const count = (k: Case['kind']) => cases.filter((c) => c.kind === k).length;
  const file = r.drill.file ? displayPath(r.drill.file, cwd) : undefined;
  const suite = {
    name: r.drill.name, tests: cases.length, failures: count('failure'), errors: count('error'), skipped: count('skipped'),
    time: secs(r.durationMs), timestamp: r.startedAt, file,
  };
  const props = [['status', r.status], ['title', r.drill.title], ['reason', r.reason], ...Object.entries(r.params).map(([k, v]) => [`param.${k}`, v])]
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `      <property${attrs({ name: k, value: v })}/>`);
  const body = cases.map((c) => {
    const inner = [c.body, c.out ? `<system-out>${xmlText(c.out)}</system-out>` : ''].filter(Boolean).join('\n        ');
    const open = `    <testcase${attrs({ name: c.name, classname: r.drill.name, time: secs(c.ms), file, line: c.line })}`;
    return inner ? `${open}>\n        ${inner}\n    </testcase>` : `${open}/>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'kdrill', tests: suite.tests, failures: suite.failures, errors: suite.errors, skipped: suite.skipped, time: suite.time })}>`,
    `  <testsuite${attrs(suite)}>`,
    '    <properties>', ...props, '    </properties>',
    ...body,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
