import { findDrills } from '../../drill/discover.js';
import { loadDrill } from '../../drill/loader.js';
import { InvalidDrillError } from '../../engine/errors.js';
import { visible } from '../../report/escape.js';
import { EXIT } from '../exit.js';
import { modules } from '../modules.js';

export async function listCommand(dir: string): Promise<number> {
  const rows: string[][] = [['NAME', 'LAB', 'STEPS', 'TITLE', 'FILE']];
  let bad = 0;
  for (const file of findDrills([dir])) {
    try {
      const d = loadDrill(file, { modules });
      rows.push([d.name, d.lab.provider, `${d.steps.length}+${d.restore.length}`, d.title ?? '', file]);
    } catch (err) {
      if (!(err instanceof InvalidDrillError)) throw err;
      bad++;
      rows.push(['(invalid)', '', '', `${err.problems.length} problem(s): kdrill validate ${file}`, file]);
    }
  }
  // Escaped before the widths are taken, so the columns line up with what is shown.
  const shown = rows.map((r) => r.map(visible));
  const widths = shown[0]!.map((_, i) => Math.max(...shown.map((r) => r[i]!.length)));
  for (const r of shown) process.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`);
  return bad > 0 ? EXIT.invalid : EXIT.passed;
}
