// The journal of the only run under a report dir (<dir>/<drill>/<timestamp>/journal.jsonl), parsed
// line by line; [] when the run never got as far as writing one (interrupted at start-up).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function journalOf(reportDir) {
  const drillDir = existsSync(reportDir) ? readdirSync(reportDir)[0] : undefined;
  const runDir = drillDir && readdirSync(path.join(reportDir, drillDir))[0];
  const file = runDir && path.join(reportDir, drillDir, runDir, 'journal.jsonl');
  return file && existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}
