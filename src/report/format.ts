import path from 'node:path';

/** Durations the way an operator reads them: 450ms, 1.2s, 2m05s. */
export function fmtMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s === 60 ? `${m + 1}m00s` : `${m}m${String(s).padStart(2, '0')}s`;
}

export function fmtMeasure(value: number | string, unit?: string): string {
  return unit ? `${value} ${unit}` : String(value);
}

/** `failed`, `timeout` … as a word for tables and headlines. */
export function statusWord(status: string): string {
  return status === 'timeout' ? 'timed out' : status;
}

/** A drill file as the reader can open it: relative to `cwd` when inside it, absolute otherwise. */
export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** How the run came by its lab: made it, adopted one an earlier run left (its own now), or used one it does not own. */
export function labOrigin(lab: { created: boolean; adopted?: string }, esc: (s: string) => string): string {
  if (lab.adopted) return `adopted (${esc(lab.adopted)})`;
  return lab.created ? 'created by this run' : 'reused';
}
