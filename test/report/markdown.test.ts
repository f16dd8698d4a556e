import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { summarize } from '../../src/report/summarize.js';
import { failedExpectationRun, interruptedRun, outline, passedRun, probeRun, Run } from './runs.js';

const md = (events: ReturnType<typeof passedRun>, timeline?: string) => renderMarkdown(summarize(events), { timeline, cwd: '/repo' });

describe('summary.md', () => {
  it('title, a clear status word, the drill and its lab', () => {
    const text = md(passedRun());
    expect(text.split('\n')[0]).toBe('# Lose 1 of 3 control-plane nodes');
    expect(text).toContain('**Status: PASSED**');
    expect(text).toContain('`drills/etcd/cp-node-loss.yaml`');
    expect(text).toContain('etcd "lab1", created by this run, removed');
    expect(text).not.toMatch(/[\u{1F300}-\u{1FAFF}\u2705\u274C]/u);
  });

  it('a lab an earlier run left, adopted: said so, not "created by this run"', () => {
    const events = passedRun().map((e) => (e.type === 'lab.up' ? { ...e, adopted: 'left by an earlier run: 3 of 3 members running' } : e));
    const text = md(events);
    expect(text).toContain('etcd "lab1", adopted (left by an earlier run: 3 of 3 members running), removed');
    expect(text).not.toContain('created by this run');
  });

  it('a steps table row per step: phase, step, status, duration, checks', () => {
    const rows = md(failedExpectationRun()).split('\n').filter((l) => l.startsWith('| steps') || l.startsWith('| restore'));
    expect(rows).toEqual([
      '| steps | 1. stop a node (`node.stop`) | **failed** | 900ms | etcd.quorum **FAILED** |',
      '| steps | 2. write a key (`etcd.put`) | **not run** |  |  |',
      '| restore | 1. start the node (`exec`) | passed | 1.2s | command ok |',
      '| restore | 2. undo two (`exec`) | passed | 1.2s | command ok |',
    ]);
  });

  it('failures with expected and observed', () => {
    const text = md(failedExpectationRun());
    expect(text).toContain('**Status: FAILED** — step "stop a node"');
    expect(text).toContain('- step "stop a node" (line 20): etcd.quorum: 1 of 3 members healthy');
    expect(text).toContain('  - expected: `healthy >= 2`');
    expect(text).toContain('  - observed: `healthy = 1`');
  });

  it('measures table, kdrill\'s own CPU as a footnote', () => {
    const text = md(passedRun());
    expect(text).toContain('| stop a node | stop.duration | 812 ms |');
    // kdrill's own CPU is a footnote, not a figure of the lab
    expect(text).not.toContain('| kdrill.cpu |');
    expect(text).toContain('<sub>kdrill itself: CPU 42 ms</sub>');
  });

  it('probe results per step, the budget, and the timeline link', () => {
    const text = md(probeRun(2000), 'timeline.svg');
    expect(text).toContain('### etcd.writes: **over budget / FAILED**');
    expect(text).toContain('longest 2.5s, total 2.8s; budget 2.0s at a stretch');
    expect(text).toContain('| stop a node | 2.5s | 2.5s |');
    expect(text).toContain('| write a key | 300ms | 300ms |');
    expect(text).toContain('![availability timeline](timeline.svg)');
    expect(md(probeRun(2000))).not.toContain('timeline.svg');
  });

  it('a probe without samples (etcd.history): its verdict and its message line by line, no attempts line', () => {
    const events = passedRun();
    const end = events.pop()!;
    events.push({ type: 'probe.summary', probe: 'etcd.history', ok: false, ms: end.ms, message: '12 operations by 2 clients on 1 keys: not linearizable: key k: these 2 operations have no legal order:\n  client a: put k = "v1", ok, 0.0 → 10.0 ms', windows: [], perStep: [] } as never, end);
    const text = md(events);
    expect(text).toContain('### etcd.history: **FAILED**\n\n- 12 operations by 2 clients on 1 keys: not linearizable: key k: these 2 operations have no legal order:\n- client a: put k = "v1", ok, 0.0 → 10.0 ms\n');
    expect(text).not.toContain('0 of 0 attempts');
  });

  it('an interrupted run names the restore steps that did not run', () => {
    const text = md(interruptedRun());
    expect(text).toContain('**Status: INTERRUPTED**');
    expect(text).toMatch(/## Restore steps that did not run\n\n.*\n\n- start the node\n- undo two/);
  });

  it('a pipe or a newline in a value does not break the table', () => {
    const r = new Run().start().phase('steps').passStep('steps', 0, 'a | b\nc');
    const row = md(r.end('passed')).split('\n').find((l) => l.startsWith('| steps'))!;
    expect(row).toBe('| steps | 1. a \\| b<br>c (`exec`) | passed | 1.2s | command ok |');
  });

  it.each([
    ['an image (a tracking pixel)', '![x](https://evil.example/p.png)', '\\!\\[x\\](https://evil.example/p.png)'],
    ['HTML', '<img src=x onerror=alert(1)>', '\\<img src=x onerror=alert(1)\\>'],
    ['a heading, a list and a fake status on new lines', '# x\n- **Status: PASSED**', '\\# x<br>- \\*\\*Status: PASSED\\*\\*'],
    ['a formula and an entity', '$\\huge x$ &lt;', '\\$\\\\huge x\\$ \\&lt;'],
    ['a list marker at the start', '- x', '\\- x'],
    ['control characters, bidi', 'a\u001b]0;t\u0007\u202eb', 'a\\\\x1b\\]0;t\\\\x07\\\\u202eb'],
  ])('drill text shows as text, not Markdown or HTML: %s', (_, hostile, shown) => {
    const r = new Run();
    r.emit({ type: 'drill.start', drill: { name: 'n', title: hostile, file: '/repo/x.yaml' }, runId: 'r1', runDir: '/tmp/r1', params: { p: `${hostile}\`|` }, dryRun: false }, 0);
    r.phase('steps').stepStart('steps', 0, hostile).stepEnd('steps', 0, hostile, 'failed', 5, { error: hostile });
    const text = md(r.end('failed', hostile));
    expect(text.split('\n')[0]).toBe(`# ${shown}`);
    expect(text).toContain(`**Status: FAILED** — ${shown}`);
    expect(text).toContain(`| steps | 1. ${shown.replace(/\|/g, '\\|')} (\`exec\`) |`);
    expect(text).toContain(`- step "${shown}" (line 10): ${shown}`);
    // the param in a code span: a longer fence around the backtick, the pipe escaped for the table
    expect(text).toMatch(/\| Params \| `` p=.*`\\\| `` \|/);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  });
});
