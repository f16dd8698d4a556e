import { MAX_TIMER_MS } from '../exec/timer.js';
import { show } from './words.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$';

/** `500ms`, `10s`, `1.5s`, `2m`, `1h` → milliseconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNITS[m[2]!]!);
}

/** The longest duration kdrill takes, as written: 596h is the last whole hour Node's timers hold. */
export const MAX_DURATION = '596h';

/**
 * What is wrong with a duration, in the operator's words; undefined when there is nothing.
 * `positive`: a duration where 0 makes no sense (a timeout, an interval).
 */
export function durationProblem(text: unknown, opts: { positive?: boolean } = {}): string | undefined {
  const ms = typeof text === 'string' ? parseDuration(text) : undefined;
  if (ms === undefined) return `expected a duration such as 500ms, 10s or 2m, got ${show(text)}`;
  if (ms > MAX_TIMER_MS) return `must be at most ${MAX_DURATION} (Node's timers hold 2^31-1 ms, about 24.8 days), got ${show(text)}`;
  if (opts.positive && ms === 0) return `must be longer than 0, got ${show(text)}`;
  return undefined;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m${s.toString().padStart(2, '0')}s`;
}
