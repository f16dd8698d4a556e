import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Layers point one way: cli → drill loading → engine → (actions, invariants, probes) → labs →
 * clients → exec. The engine and the drill loader get modules handed in (src/cli/modules.ts) and
 * import nothing from actions, invariants, probes or labs but types, and the lab contract's
 * capability names (src/labs/types.ts, which itself imports only types).
 */
const root = path.resolve(__dirname, '../..');
const files = (dir: string): string[] =>
  readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));

/** Value imports (not `import type`, not type-only re-exports) of a file, resolved to src/ paths. */
export function valueImports(file: string, text = readFileSync(path.join(root, file), 'utf8')): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)([^;]*?)\s+from\s+'([^']+)'/gm)) {
    // `import { type A, type B } from …` is type-only too.
    if (/^\{[^}]*\}$/.test(m[1]!.trim())) {
      const list = m[1]!.replace(/[{}]/g, '').split(',').map((x) => x.trim()).filter(Boolean);
      if (list.length > 0 && list.every((n) => n.startsWith('type '))) continue;
    }
    if (m[2]!.startsWith('.')) out.push(path.normalize(path.join(path.dirname(file), m[2]!)).replace(/\.js$/, '.ts'));
  }
  for (const m of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) {
    if (m[1]!.startsWith('.')) out.push(path.normalize(path.join(path.dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
  }
  return out;
}

const forbidden = (imp: string) => /^src\/(actions|invariants|probes|labs)\//.test(imp) && imp !== 'src/labs/types.ts';

describe('layers', () => {
  it('finds value imports and ignores type-only ones (the checker itself can fail)', () => {
    const text = [
      "import type { Lab } from '../labs/types.js';",
      "import { type Capability } from '../labs/registry.js';",
      "import { actions } from '../actions/registry.js';",
      "const x = await import('../probes/registry.js');",
    ].join('\n');
    expect(valueImports('src/engine/x.ts', text)).toEqual(['src/actions/registry.ts', 'src/probes/registry.ts']);
  });

  it('src/engine and src/drill import no action, invariant, probe or lab module', () => {
    const bad = [...files('src/engine'), ...files('src/drill')].flatMap((f) => valueImports(f).filter(forbidden).map((i) => `${f} → ${i}`));
    expect(bad).toEqual([]);
  });

  it('src/labs/types.ts, the contract, imports only types', () => {
    expect(valueImports('src/labs/types.ts')).toEqual([]);
  });

  it('exit codes are written in src/cli/exit.ts only', () => {
    const code = (f: string) => readFileSync(path.join(root, f), 'utf8').split('\n').filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l)).join('\n');
    const hits = files('src').filter((f) => f !== 'src/cli/exit.ts' && /\b(exit\s*\(?\s*130|return 130|exitCode:\s*130|process\.exit\(\s*[1-9])/.test(code(f)));
    expect(hits).toEqual([]);
  });
});
