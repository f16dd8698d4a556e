import { discover } from '../../drill/discover.js';
import { parseDrill } from '../../drill/loader.js';
import { InvalidDrillError } from '../../engine/errors.js';
import { visible } from '../../report/escape.js';
import { EXIT, printWarnings, problemLines } from '../exit.js';
import { modules } from '../modules.js';
import { inventorySummary, parseInventory } from '../../labs/kubeadm/inventory.js';

/**
 * Checks every drill and prints every problem as path:line:col; exit 2 when any is found. YAML files
 * that are not drills (kind configs, manifests) are named on stderr with the reason, and not counted.
 * A kdrill inventory (kind: Inventory) is checked as one and counted with the drills.
 */
export async function validateCommand(paths: string[]): Promise<number> {
  const found = discover(paths);
  let good = 0;
  let bad = 0;
  let skipped = 0;
  for (const f of found) {
    if (f.kind === 'skipped') {
      skipped++;
      process.stderr.write(`${visible(`skipped: ${f.file}: ${f.reason}`)}\n`);
      continue;
    }
    if (f.kind === 'inventory') {
      // Key files are checked when a drill names the inventory: Vagrant makes them at `vagrant up`.
      const { inventory, problems } = parseInventory(f.text, f.file);
      if (inventory) {
        good++;
        process.stdout.write(`${visible(`ok    ${f.file} (${inventorySummary(inventory)})`)}\n`);
      } else {
        bad++;
        process.stderr.write(`${problemLines(new InvalidDrillError(problems))}\n`);
      }
      continue;
    }
    try {
      if (f.kind === 'invalid') throw f.error;
      const d = parseDrill(f.yaml, f.file, { modules });
      good++;
      process.stdout.write(`${visible(`ok    ${f.file} (${d.steps.length} steps, ${d.restore.length} restore)`)}\n`);
      printWarnings(d.warnings);
    } catch (err) {
      if (!(err instanceof InvalidDrillError)) throw err;
      bad++;
      process.stderr.write(`${problemLines(err)}\n`);
    }
  }
  if (good + bad === 0) {
    process.stderr.write(`${visible(`kdrill: no drill files found in ${paths.join(', ')}${skipped ? ` (${skipped} skipped, above)` : ''}`)}\n`);
    return EXIT.invalid;
  }
  process.stdout.write(`${good} valid, ${bad} invalid${skipped ? `, ${skipped} skipped` : ''}\n`);
  return bad > 0 ? EXIT.invalid : EXIT.passed;
}
