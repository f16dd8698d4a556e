import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadDrill } from '../../drill/loader.js';
import { CommandRunner } from '../../exec/runner.js';
import type { LabEnv } from '../../labs/types.js';
import { displayPath } from '../../report/format.js';
import { readRun } from '../../runbook/observed.js';
import { renderRunbook } from '../../runbook/render.js';
import { EXIT, printWarnings } from '../exit.js';
import { modules } from '../modules.js';
import { labStateDir } from '../state-dir.js';

export interface RunbookFlags {
  fromRun?: string;
  out?: string;
  set: string[];
}

/**
 * `kdrill runbook`: the drill as Markdown an operator follows by hand. Builds the lab object as a
 * dry run does (nothing is started, nothing is reached) for its names, addresses and commands.
 */
export async function runbookCommand(file: string, flags: RunbookFlags): Promise<number> {
  const { parseSets } = await import('./run.js');
  const drill = loadDrill(file, { modules, set: parseSets(flags.set) });
  printWarnings(drill.warnings);
  const stateDir = labStateDir(drill.lab.provider, drill.lab.name ?? drill.name);
  const env: LabEnv = { runner: new CommandRunner(), signal: new AbortController().signal, log: () => {}, drillDir: drill.dir, stateDir };
  const lab = drill.provider.create(drill.lab, env);
  const observed = flags.fromRun ? readRun(flags.fromRun) : undefined;
  const markdown = renderRunbook(drill, { lab, runDir: flags.fromRun ?? path.join('runs', drill.name, '<timestamp>'), observed, shownFile: displayPath(drill.file, process.cwd()) });
  if (flags.out) {
    mkdirSync(path.dirname(path.resolve(flags.out)), { recursive: true });
    writeFileSync(flags.out, markdown);
    process.stderr.write(`runbook: ${flags.out}\n`);
  } else {
    process.stdout.write(markdown);
  }
  return EXIT.passed;
}
