import { findDrills } from '../../drill/discover.js';
import { loadDrill } from '../../drill/loader.js';
import { InvalidDrillError } from '../../engine/errors.js';
import { EXIT } from '../exit.js';
import { modules } from '../modules.js';

/** Checks every drill and prints every problem as path:line:col; exit 2 when any is found. */
export async function validateCommand(paths: string[]): Promise<number> {
  const files = findDrills(paths);
  if (files.length === 0) {
    process.stderr.write(`kdrill: no drill files found in ${paths.join(', ')}\n`);
    return EXIT.invalid;
  }
  let bad = 0;
  for (const file of files) {
    try {
      const d = loadDrill(file, { modules });
      process.stdout.write(`ok    ${file} (${d.steps.length} steps, ${d.restore.length} restore)\n`);
      for (const w of d.warnings) process.stderr.write(`${w.file}:${w.line}:${w.col}: warning: ${w.message}\n`);
    } catch (err) {
      if (!(err instanceof InvalidDrillError)) throw err;
      bad++;
      process.stderr.write(`${err.message}\n`);
    }
  }
  process.stdout.write(`${files.length - bad} valid, ${bad} invalid\n`);
  return bad > 0 ? EXIT.invalid : EXIT.passed;
}
