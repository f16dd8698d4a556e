import { findDrills } from '../../drill/discover.js';
import { loadDrill } from '../../drill/loader.js';
import { InvalidDrillError } from '../../engine/errors.js';
import { visible } from '../../report/escape.js';
import { EXIT, printWarnings, problemLines } from '../exit.js';
import { modules } from '../modules.js';

/** Checks every drill and prints every problem as path:line:col; exit 2 when any is found. */
export async function validateCommand(paths: string[]): Promise<number> {
  const files = findDrills(paths);
  if (files.length === 0) {
    process.stderr.write(`${visible(`kdrill: no drill files found in ${paths.join(', ')}`)}\n`);
    return EXIT.invalid;
  }
  let bad = 0;
  for (const file of files) {
    try {
      const d = loadDrill(file, { modules });
      process.stdout.write(`${visible(`ok    ${file} (${d.steps.length} steps, ${d.restore.length} restore)`)}\n`);
      printWarnings(d.warnings);
    } catch (err) {
      if (!(err instanceof InvalidDrillError)) throw err;
      bad++;
      process.stderr.write(`${problemLines(err)}\n`);
    }
  }
  process.stdout.write(`${files.length - bad} valid, ${bad} invalid\n`);
  return bad > 0 ? EXIT.invalid : EXIT.passed;
}
