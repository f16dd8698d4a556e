import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDrill, parseDrill } from '../../src/drill/loader.js';
import { InvalidDrillError, type Problem } from '../../src/engine/errors.js';
import { modules } from '../../src/cli/modules.js';

const head = `apiVersion: kdrill/v1
kind: Drill
metadata: {name: t}
lab: {provider: local}
`;

function problems(text: string, set?: Record<string, string>): Problem[] {
  try {
    parseDrill(text, 'd.yaml', { modules, set });
  } catch (err) {
    if (err instanceof InvalidDrillError) return err.problems;
    throw err;
  }
  return [];
}

function where(text: string, set?: Record<string, string>): string[] {
  return problems(text, set).map((p) => `${p.line}:${p.col}: ${p.message}`);
}

describe('loader: a valid drill', () => {
  it('resolves params, durations and defaults', () => {
    const d = parseDrill(`${head}params: {n: 3, word: hi}
steps:
  - name: a
    action: exec
    with: {run: [echo, "\${params.word}-\${params.n}"]}
    timeout: 2m
    expect:
      - command: {run: [true], within: 500ms, for: 1s}
restore:
  - name: b
    action: sleep
    with: {duration: 10ms}
`, 'x/d.yaml', { modules, set: { n: '5' } });
    expect(d.params).toEqual({ n: 5, word: 'hi' });
    expect(d.steps[0]!.params).toMatchObject({ run: ['echo', 'hi-5'], exitCode: 0 });
    expect(d.steps[0]!.timeoutMs).toBe(120_000);
    expect(d.steps[0]!.expect[0]).toMatchObject({ name: 'command', withinMs: 500, forMs: 1000 });
    expect(d.steps[0]!.line).toBe(7);
    expect(d.restore[0]!.name).toBe('b');
    expect(d.dir).toBe(path.resolve('x'));
  });

  it('keeps the type of a param used as a whole value', () => {
    const d = parseDrill(`${head}params: {ms: 5}
steps:
  - {name: a, action: exec, with: {run: [true], exitCode: "\${params.ms}"}}
`, 'd.yaml', { modules });
    expect((d.steps[0]!.params as { exitCode: number }).exitCode).toBe(5);
  });

  it('turns wait.until into checks', () => {
    const d = parseDrill(`${head}steps:
  - name: w
    action: wait
    with: {until: [{command: {run: [true], within: 2s}}]}
`, 'd.yaml', { modules });
    expect((d.steps[0]!.params as { until: unknown[] }).until[0]).toMatchObject({ name: 'command', withinMs: 2000 });
  });
});

describe('loader: every problem, with its place', () => {
  const table: Array<[string, string, string[]]> = [
    ['bad YAML', `${head}steps: [\n  - {name: a`, ['6:13: YAML: Flow map in block collection must be sufficiently indented']],
    ['wrong envelope', `apiVersion: kdrill/v2\nkind: Drill\nmetadata: {name: t}\nlab: {provider: local}\nsteps: [{name: a, action: sleep, with: {duration: 1s}}]\n`, ['1:13: apiVersion must be kdrill/v1, got "kdrill/v2"']],
    ['unknown top-level key', `${head}stepz: []\nsteps: [{name: a, action: sleep, with: {duration: 1s}}]\n`, ['5:1: unknown key "stepz"']],
    ['unknown action, did you mean', `${head}steps:\n  - name: a\n    action: slep\n    with: {duration: 1s}\n`, ['7:13: steps[0].action: unknown action "slep"; did you mean "sleep"?']],
    ['wrong param type', `${head}steps:\n  - name: a\n    action: exec\n    with: {run: echo}\n`, ['8:17: steps[0].with.run must be a list, got "echo"']],
    ['unknown param key in with', `${head}steps:\n  - name: a\n    action: sleep\n    with: {duration: 1s, durashun: 2s}\n`, ['8:26: steps[0].with: unknown key "durashun"']],
    ['undefined param', `${head}params: {node: x}\nsteps:\n  - name: a\n    action: exec\n    with: {run: [echo, "\${params.nod}"]}\n`, ['9:24: steps[0].with.run[1]: undefined param: "nod"; did you mean "node"?']],
    ['bad duration', `${head}steps:\n  - name: a\n    action: sleep\n    with: {duration: 1s}\n    timeout: 5 minutes\n`, ['9:14: steps[0].timeout: expected a duration']],
    ['bad within', `${head}steps:\n  - name: a\n    action: sleep\n    with: {duration: 1s}\n    expect: [{command: {run: [true], within: soon}}]\n`, ['9:46: steps[0].expect[0].command.within: expected a duration']],
    ['unknown invariant', `${head}invariants: [{etcd.quorom: {}}]\nsteps: [{name: a, action: sleep, with: {duration: 1s}}]\n`, ['5:15: invariants[0].etcd.quorom: unknown invariant "etcd.quorom"']],
    ['duplicate step names', `${head}steps:\n  - {name: a, action: sleep, with: {duration: 1s}}\n  - {name: a, action: sleep, with: {duration: 1s}}\n`, ['7:5: steps: duplicate step name "a"']],
    ['unknown lab provider', `apiVersion: kdrill/v1\nkind: Drill\nmetadata: {name: t}\nlab: {provider: locall}\nsteps: [{name: a, action: sleep, with: {duration: 1s}}]\n`, ['4:17: lab.provider: unknown lab provider "locall"; did you mean "local"?']],
    ['missing folder', `${head}steps:\n  - name: a\n    action: exec\n    with: {run: [true], cwd: ./no/such/dir}\n`, ['8:30: steps[0].with.cwd: folder not found:']],
    ['--set of an unknown param', `${head}params: {node: x}\nsteps: [{name: a, action: sleep, with: {duration: 1s}}]\n`, ['5:1: params: --set nodes: unknown param "nodes"; did you mean "node"?']],
  ];
  it.each(table)('%s', (_name, text, expected) => {
    const got = where(text, _name.startsWith('--set') ? { nodes: 'y' } : undefined);
    for (const e of expected) expect(got.some((g) => g.startsWith(e)), `expected a problem starting "${e}", got:\n${got.join('\n')}`).toBe(true);
  });

  it('refuses the all-at-once defrag before anything runs, unless unsafe: true', () => {
    const drill = (w: string) => `apiVersion: kdrill/v1\nkind: Drill\nmetadata: {name: t}\nlab: {provider: etcd}\nsteps:\n  - name: a\n    action: etcd.defrag\n    with: ${w}\n`;
    expect(where(drill('{all: true}'))).toEqual([expect.stringMatching(/^8:17: steps\[0\]\.with\.all: all: true defragments every member at once/)]);
    expect(where(drill('{all: true, unsafe: true}'))).toEqual([]);
    expect(where(drill('{}'))).toEqual([]);
  });

  it('reports all problems at once, in file order', () => {
    const got = where(`${head}steps:\n  - {name: a, action: slep}\n  - {name: b, action: sleep, with: {duration: forever}}\n  - {name: c, action: exec, with: {run: ["\${params.x}"]}}\n`);
    expect(got).toHaveLength(3);
    expect(got.map((g) => Number(g.split(':')[0]))).toEqual([6, 7, 8]);
  });

  it('reads a file and names it in every problem', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kdrill-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, `${head}steps: [{name: a, action: nope}]\n`);
    try {
      loadDrill(file, { modules });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:27: steps\\[0\\]\\.action: unknown action "nope"`));
    }
  });
});

describe('warnings: a step that leaves something changed, in a drill without a restore', () => {
  const etcdHead = `apiVersion: kdrill/v1
kind: Drill
metadata: {name: w}
lab: {provider: etcd, name: w}
steps:
  - {name: kill one, action: node.kill, with: {node: control-plane2}}
  - {name: write, action: etcd.put, with: {key: a, value: b}}
`;
  it('warns at the step, naming what it leaves behind; the drill still loads', () => {
    const d = parseDrill(etcdHead, 'w.yaml', { modules });
    expect(d.warnings).toEqual([{ file: 'w.yaml', line: 6, col: 5, message: 'steps "kill one": node.kill leaves a killed node behind and this drill has no restore section: after a failure or a Ctrl-C, a kept or adopted lab (keep: true) stays that way' }]);
  });
  it('says nothing when the drill has a restore', () => {
    const d = parseDrill(`${etcdHead}restore:\n  - {name: back, action: node.start, with: {node: control-plane2}}\n`, 'w.yaml', { modules });
    expect(d.warnings).toEqual([]);
  });
});


describe('a key written twice', () => {
  it('is named, at the second one, in the operator\'s words', () => {
    const text = 'apiVersion: kdrill/v1\nkind: Drill\nmetadata: {name: d}\nsteps:\n  - name: a\n    action: sleep\n    name: b\n';
    try {
      parseDrill(text, 'd.yaml', { modules });
      expect.unreachable();
    } catch (err) {
      expect((err as InvalidDrillError).problems).toEqual([{ file: 'd.yaml', line: 7, col: 5, message: 'YAML: the key "name" appears twice in the same mapping (each key once; the later one would replace the first)' }]);
    }
  });
});
