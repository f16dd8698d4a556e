import { describe, expect, it } from 'vitest';
import { checkHistory } from '../../src/history/linearizable.js';
import { simulate, staleRead } from './simulate.js';

const seeds = Array.from({ length: 300 }, (_, i) => i + 1);
const shape = (seed: number) => ({ clients: 2 + (seed % 5), ops: 10 + (seed % 40), keys: 1 + (seed % 3), unknownRate: 0.15 });

describe('checkHistory on generated histories (a simulated linearizable register, seeded)', () => {
  it('accepts every simulated history, with unknown writes applied or not', () => {
    for (const seed of seeds) {
      const { history, final } = simulate(seed, shape(seed));
      const v = checkHistory(history, { final });
      expect({ seed, lines: v.lines }).toEqual({ seed, lines: [`linearizable: ${history.length} operations on ${v.keys} keys`, '0 acknowledged writes lost'] });
    }
  });

  it('flags every history with one read made stale, and shows that read', () => {
    let mutated = 0;
    for (const seed of seeds) {
      const { history } = simulate(seed, shape(seed));
      const bad = staleRead(history, seed);
      if (!bad) continue;
      mutated++;
      const v = checkHistory(bad);
      expect({ seed, result: v.result }).toEqual({ seed, result: 'illegal' });
      expect(v.illegal!.minimal).toBe(true);
      const changed = bad.find((o, i) => o !== history[i])!;
      expect(v.illegal!.operations).toContain(changed);
    }
    expect(mutated).toBeGreaterThan(seeds.length / 2);
  });

  it('flags a lost acknowledged write: a final read of a value certainly replaced since', () => {
    let mutated = 0;
    for (const seed of seeds) {
      const { history, final } = simulate(seed, shape(seed));
      const acked = history.filter((o) => o.op === 'put' && o.outcome === 'ok');
      const old = acked.find((w) => acked.some((w2) => w2.key === w.key && w2.call > w.return));
      if (!old) continue;
      mutated++;
      const v = checkHistory(history, { final: new Map([...final, [old.key, old.value]]) });
      const replacedBy = acked.filter((w2) => w2.key === old.key && w2.call > old.return);
      expect({ seed, ok: v.ok }).toEqual({ seed, ok: false });
      for (const w2 of replacedBy) expect(v.lost).toContain(w2);
    }
    expect(mutated).toBeGreaterThan(seeds.length / 2);
  });

  it('checks 10,000 operations from 8 clients on 10 keys in well under its budget', () => {
    const { history, final } = simulate(42, { clients: 8, ops: 10_000, keys: 10 });
    const start = performance.now();
    const v = checkHistory(history, { final, budgetMs: 10_000 });
    const ms = performance.now() - start;
    expect(v.result).toBe('linearizable');
    expect(ms).toBeLessThan(2_000);
  });

  it('shrinks one stale read among 10,000 operations on one key to the 3 operations that show it', () => {
    const { history } = simulate(7, { clients: 8, ops: 10_000, keys: 1 });
    const bad = [...staleRead(history.slice(0, 3000), 5)!, ...history.slice(3000)];
    const v = checkHistory(bad, { budgetMs: 10_000 });
    expect(v.illegal!.minimal).toBe(true);
    expect(v.illegal!.operations.map((o) => o.op)).toEqual(['put', 'put', 'get']);
  });
});
