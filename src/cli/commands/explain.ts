import { loadDrill } from '../../drill/loader.js';
import { CommandRunner } from '../../exec/runner.js';
import type { LabEnv } from '../../labs/types.js';
import { visible } from '../../report/escape.js';
import { displayPath } from '../../report/format.js';
import { renderExplain } from '../../trainer/explain.js';
import { EXIT, printWarnings } from '../exit.js';
import { modules } from '../modules.js';
import { labStateDir } from '../state-dir.js';

export interface ExplainFlags {
  set: string[];
}

/** `kdrill explain`: the drill as a lesson. The lab object gives names only: nothing is started or reached. */
export async function explainCommand(file: string, flags: ExplainFlags): Promise<number> {
  const { parseSets } = await import('./run.js');
  const drill = loadDrill(file, { modules, set: parseSets(flags.set) });
  printWarnings(drill.warnings);
  const env: LabEnv = { runner: new CommandRunner(), signal: new AbortController().signal, log: () => {}, drillDir: drill.dir, stateDir: labStateDir(drill.lab.provider, drill.lab.name ?? drill.name) };
  const lab = drill.provider.create(drill.lab, env);
  process.stdout.write(`${renderExplain(drill, lab, displayPath(drill.file, process.cwd())).map(visible).join('\n')}\n`);
  return EXIT.passed;
}
