import { discover } from '../../drill/discover.js';
import { parseDrill } from '../../drill/loader.js';
import { InvalidDrillError } from '../../engine/errors.js';
import { visible } from '../../report/escape.js';
import { EXIT } from '../exit.js';
import { modules } from '../modules.js';

export async function listCommand(dir: string): Promise<number> {
  const rows: string[][] = [['NAME', 'LAB', 'STEPS', 'TITLE', 'FILE']];
  let bad = 0;
  let skipped = 0;
  for (const f of discover([dir])) {
    if (f.kind === 'skipped' || f.kind === 'inventory') {
      skipped++;
      continue;
    }
    try {
      if (f.kind === 'invalid') throw f.error;
      const d = parseDrill(f.yaml, f.file, { modules });
      rows.push([d.name, d.lab.provider, `${d.steps.length}+${d.restore.length}`, d.title ?? '', f.file]);
    } catch (err) {
      if (!(err instanceof InvalidDrillError)) throw err;
      bad++;
      rows.push(['(invalid)', '', '', `${err.problems.length} problem(s): kdrill validate ${f.file}`, f.file]);
    }
  }
  // Escaped before the widths are taken, so the columns line up with what is shown.
  const shown = rows.map((r) => r.map(visible));
  const widths = shown[0]!.map((_, i) => Math.max(...shown.map((r) => r[i]!.length)));
  for (const r of shown) process.stdout.write(`${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`);
  if (skipped) process.stderr.write(`${visible(`(${skipped} other files skipped: kdrill validate ${dir} names them and says why)`)}\n`);
  return bad > 0 ? EXIT.invalid : EXIT.passed;
}
