import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const IS_DRILL = /^apiVersion:\s*["']?kdrill\//m;

/**
 * Drill files under the given paths. A file named explicitly is always a drill; in a folder, a YAML
 * file is one when it declares `apiVersion: kdrill/…` (manifests and kind configs live beside drills).
 */
export function findDrills(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      out.push(p); // let the loader report "cannot read"
      continue;
    }
    if (st.isFile()) out.push(p);
    else walk(p, out);
  }
  return out;
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) walk(full, out);
    } else if (/\.ya?ml$/.test(entry.name) && IS_DRILL.test(readFileSync(full, 'utf8'))) {
      out.push(full);
    }
  }
}
