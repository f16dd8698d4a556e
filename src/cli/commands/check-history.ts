import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDuration } from '../../drill/duration.js';
import { UsageError } from '../../engine/errors.js';
import { checkHistory } from '../../history/linearizable.js';
import { readHistory } from '../../history/saved.js';
import { visible } from '../../report/escape.js';
import { EXIT } from '../exit.js';

export interface CheckHistoryFlags {
  budget?: string;
  json?: boolean;
}

/**
 * `kdrill check-history <run dir>`: the `etcd.history` probe's check done again from what the run
 * kept (history.jsonl and history-check.json): evidence a team can re-check later, with a longer budget.
 */
export async function checkHistoryCommand(target: string, flags: CheckHistoryFlags): Promise<number> {
  const dir = existsSync(target) && statSync(target).isFile() ? path.dirname(target) : target;
  const { file, history, check } = readHistory(dir, (m) => new UsageError(m));
  const budgetMs = flags.budget ? parseDuration(flags.budget) : check.budgetMs;
  if (flags.budget && !budgetMs) throw new UsageError(`--budget ${flags.budget}: not a duration (e.g. 30s, 2m)`);
  const verdict = checkHistory(history, { ...check, budgetMs });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ok: verdict.ok, result: verdict.result, operations: verdict.operations, keys: verdict.keys, lost: verdict.lost.length, survived: verdict.survived.length, rpo: verdict.rpo?.writes.length, lines: verdict.lines }, null, 2)}\n`);
  } else {
    process.stdout.write(`${[`${history.length} operations from ${file}`, ...verdict.lines].map(visible).join('\n')}\n`);
  }
  return verdict.ok ? EXIT.passed : EXIT.failed;
}
