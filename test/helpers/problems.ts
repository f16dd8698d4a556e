import { modules } from '../../src/cli/modules.js';
import { parseDrill } from '../../src/drill/loader.js';
import { InvalidDrillError } from '../../src/engine/errors.js';

/** Every problem the loader finds in a drill's text, as `file:line:col: message`; [] when it loads. */
export function drillProblems(text: string, file = 'd.yaml'): string[] {
  try {
    parseDrill(text, file, { modules });
  } catch (err) {
    if (err instanceof InvalidDrillError) return err.problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`);
    throw err;
  }
  return [];
}
