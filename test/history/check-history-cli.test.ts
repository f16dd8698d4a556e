import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runKdrill, tempDir } from '../helpers/kdrill.js';

// `kdrill check-history <run dir>` on hand-made run folders (the real ones: test/probes/etcd/history-drill.test.ts).
describe('kdrill check-history', () => {
  const folder = (history: string, check: string): string => {
    const dir = tempDir('kdrill-chk-');
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'history.jsonl'), history);
    writeFileSync(path.join(dir, 'history-check.json'), check);
    return dir;
  };
  const op = (o: object) => JSON.stringify({ client: 'w1', key: 'k', op: 'put', value: 'v1', call: 0, return: 10, outcome: 'ok', ...o });

  it('a stale read: exit 1 with the smallest illegal sub-history; an unknown outcome written as null return', async () => {
    const dir = folder([op({}), op({ client: 'w2', value: 'v2', call: 20, return: 30 }), op({ client: 'w3', op: 'get', value: 'v1', call: 40, return: 50 }),
      op({ client: 'w4', value: 'v3', call: 60, return: null, outcome: 'unknown' })].join('\n') + '\n', '{"final": {"k": "v3"}}');
    const r = await runKdrill(['check-history', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('not linearizable: key k: these 3 operations have no legal order');
    expect(r.stdout).toContain('client w3: get k → "v1", ok, 40.0 → 50.0 ms');
  });

  it('a line that is not an operation: exit 2, the file and line named; nothing checked', async () => {
    const dir = folder(`${op({})}\n${op({ outcome: 'maybe' })}\n`, '{"final": {}}');
    const r = await runKdrill(['check-history', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, 'history.jsonl')}:2: not an operation: outcome`);
    const bad = folder(`${op({})}\n{not json\n`, '{"final": {}}');
    expect((await runKdrill(['check-history', bad])).stderr).toContain(`${path.join(bad, 'history.jsonl')}:2: not JSON`);
  });

  it('a control character in a key reaches the terminal escaped', async () => {
    const key = 'k\u001b[31m';
    const dir = folder(`${op({ key })}\n`, JSON.stringify({ final: { [key]: null } }));
    const r = await runKdrill(['check-history', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('\u001b');
  });
});
