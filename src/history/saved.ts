import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { CheckOptions } from './linearizable.js';
import type { Operation } from './operation.js';

/**
 * A history as a run folder keeps it, for `kdrill check-history`: the operations in history.jsonl (one
 * JSON object a line; an unknown outcome's return, +∞, written as null), and beside them in
 * history-check.json what the check needs besides: each key's initial and final value, the restore
 * window, the budget.
 */
export const HISTORY_FILE = 'history.jsonl';
export const HISTORY_CHECK_FILE = 'history-check.json';

type Saved = Pick<CheckOptions, 'initial' | 'final' | 'restore' | 'budgetMs'>;

export async function saveHistory(dir: string, history: readonly Operation[], check: Saved): Promise<void> {
  await writeFile(path.join(dir, HISTORY_FILE), history.map((o) => JSON.stringify({ ...o, return: Number.isFinite(o.return) ? o.return : null })).join('\n') + '\n');
  await writeFile(path.join(dir, HISTORY_CHECK_FILE), `${JSON.stringify({
    initial: Object.fromEntries(check.initial ?? []), final: Object.fromEntries(check.final ?? []),
    ...(check.restore ? { restore: check.restore } : {}), budgetMs: check.budgetMs,
  }, null, 2)}\n`);
}

const operation = z.object({
  client: z.string(),
  key: z.string(),
  op: z.enum(['put', 'get']),
  value: z.string().nullable(),
  call: z.number(),
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

/** A saved history, read back; a missing file or a line that is not an operation throws `bad(message)`, naming the file and line. */
export function readHistory(dir: string, bad: (message: string) => Error): { file: string; history: Operation[]; check: Saved } {
  const file = path.join(dir, HISTORY_FILE);
  const checkPath = path.join(dir, HISTORY_CHECK_FILE);
  for (const f of [file, checkPath]) {
    if (!existsSync(f)) throw bad(`${f} not found: give a run folder of a drill with the etcd.history probe (runs/<drill>/<timestamp>)`);
  }
  const json = (text: string, where: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw bad(`${where}: not JSON (${err instanceof Error ? err.message : String(err)})`);
    }
  };
  const history: Operation[] = readFileSync(file, 'utf8').split('\n').flatMap((line, i) => {
    if (!line.trim()) return [];
    const parsed = operation.safeParse(json(line, `${file}:${i + 1}`));
    if (!parsed.success) throw bad(`${file}:${i + 1}: not an operation: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
    return [parsed.data];
  });
  const saved = checkFile.safeParse(json(readFileSync(checkPath, 'utf8'), checkPath));
  if (!saved.success) throw bad(`${checkPath}: ${saved.error.issues[0]?.path.join('.')} ${saved.error.issues[0]?.message}`);
  const { initial, final, restore, budgetMs } = saved.data;
  return { file, history, check: { initial: new Map(Object.entries(initial ?? {})), final: new Map(Object.entries(final)), restore, budgetMs } };
}
