import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseDuration } from '../../drill/duration.js';
import { UsageError } from '../../engine/errors.js';
import { checkHistory, type Operation } from '../../history/linearizable.js';
import { HISTORY_CHECK_FILE } from '../../probes/etcd/history.js';
import { visible } from '../../report/escape.js';
import { EXIT } from '../exit.js';

export interface CheckHistoryFlags {
  budget?: string;
  json?: boolean;
}

const operation = z.object({
  client: z.string(),
  key: z.string(),
  op: z.enum(['put', 'get']),
  value: z.string().nullable(),
  call: z.number(),
  // +∞ (an unknown outcome) is written as null.
  return: z.number().nullable().transform((r) => r ?? Infinity),
  outcome: z.enum(['ok', 'failed', 'unknown']),
  revision: z.number().optional(),
});
const checkFile = z.object({
  initial: z.record(z.string(), z.string().nullable()).optional(),
  final: z.record(z.string(), z.string().nullable()),
  restore: z.object({ revision: z.number(), start: z.number(), end: z.number() }).optional(),
  budgetMs: z.number().positive().optional(),
});

/**
 * `kdrill check-history <run dir>`: the `etcd.history` probe's check done again from what the run
 * kept (history.jsonl and history-check.json): evidence a team can re-check later, with a longer budget.
 */
export async function checkHistoryCommand(target: string, flags: CheckHistoryFlags): Promise<number> {
  const dir = existsSync(target) && statSync(target).isFile() ? path.dirname(target) : target;
  const historyFile = path.join(dir, 'history.jsonl');
  const checkPath = path.join(dir, HISTORY_CHECK_FILE);
  for (const f of [historyFile, checkPath]) {
    if (!existsSync(f)) throw new UsageError(`${f} not found: give a run folder of a drill with the etcd.history probe (runs/<drill>/<timestamp>)`);
  }
  const history: Operation[] = readFileSync(historyFile, 'utf8').split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    const parsed = operation.safeParse(json(line, `${historyFile}:${i + 1}`));
    if (!parsed.success) throw new UsageError(`${historyFile}:${i + 1}: not an operation: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
    return [parsed.data];
  });
  const saved = checkFile.safeParse(json(readFileSync(checkPath, 'utf8'), checkPath));
  if (!saved.success) throw new UsageError(`${checkPath}: ${saved.error.issues[0]?.path.join('.')} ${saved.error.issues[0]?.message}`);
  const budgetMs = flags.budget ? parseDuration(flags.budget) : saved.data.budgetMs;
  if (flags.budget && !budgetMs) throw new UsageError(`--budget ${flags.budget}: not a duration (e.g. 30s, 2m)`);
  const verdict = checkHistory(history, { initial: new Map(Object.entries(saved.data.initial ?? {})), final: new Map(Object.entries(saved.data.final)), restore: saved.data.restore, budgetMs });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ ok: verdict.ok, result: verdict.result, operations: verdict.operations, keys: verdict.keys, lost: verdict.lost.length, survived: verdict.survived.length, rpo: verdict.rpo?.writes.length, lines: verdict.lines }, null, 2)}\n`);
  } else {
    process.stdout.write(`${[`${history.length} operations from ${historyFile}`, ...verdict.lines].map(visible).join('\n')}\n`);
  }
  return verdict.ok ? EXIT.passed : EXIT.failed;
}

function json(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${where}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}
