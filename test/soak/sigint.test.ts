import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { root } from '../helpers/kdrill.js';

// The soak script itself (npm run soak) with fewer interrupts: SIGINT at random moments, the
// restore runs, the lab is removed, a look-alike container without kdrill's label is untouched.
describe('soak: SIGINT at random moments of a drill', () => {
  it('always restores, removes the lab, and leaves a foreign container alone', () => {
    const r = spawnSync(process.execPath, ['bench/soak.mjs', '--runs', '3'], { cwd: root, encoding: 'utf8' });
    process.stdout.write(r.stdout);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^3 passed, 0 failed$/m);
    // Every signal reached a running kdrill, and said where it landed.
    const lines = r.stdout.split('\n').filter((l) => /^ *\d+: SIGINT at /.test(l));
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toMatch(/, in (lab up|steady|steps|step "[^"]+"|restore|restore "[^"]+"|final|start-up( \(before the journal\))?|after the run) → exit (130|0) .* ok$/);
  }, 300_000);
});
