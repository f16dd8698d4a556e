import { setTimeout as delay } from 'node:timers/promises';
import type { Check } from '../drill/types.js';
import { errorMessage } from './errors.js';
import type { CheckOutcome, Phase } from './events.js';
import type { Context, Verdict } from './types.js';

export const POLL_INTERVAL_MS = 100;

/**
 * Polls one check until it holds or `within` runs out; with `for`, it must then keep holding that
 * long (a break restarts the hold while `within` allows). An invariant that throws does not hold.
 */
export async function evaluateCheck(ctx: Context, check: Check, source: CheckOutcome['source']): Promise<CheckOutcome> {
  const mod = check.module;
  const started = performance.now();
  const deadline = started + check.withinMs;
  let attempts = 0;
  let holdingSince: number | undefined;
  let broke: string | undefined;
  let last: Verdict;
  for (;;) {
    attempts++;
    try {
      last = await mod.check(ctx, check.params);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      last = { ok: false, message: errorMessage(err) };
    }
    const now = performance.now();
    if (last.ok) {
      holdingSince ??= now;
      if (now - holdingSince >= check.forMs) break;
    } else if (holdingSince !== undefined) {
      broke = `held for ${Math.round(now - holdingSince)}ms of the required ${check.forMs}ms, then broke`;
      holdingSince = undefined;
    }
    // While it holds, keep polling past `within` until `for` is reached or it breaks.
    if (holdingSince === undefined && now >= deadline) break;
    await delay(POLL_INTERVAL_MS, undefined, { signal: ctx.signal });
  }
  const durationMs = Math.round(performance.now() - started);
  const tries = `${attempts} attempt${attempts === 1 ? '' : 's'} in ${durationMs}ms`;
  return {
    check: check.name,
    ok: last.ok,
    message: last.ok ? last.message : `${broke ? `${broke}: ` : ''}${last.message} (${tries})`,
    expected: last.expected,
    observed: last.observed,
    attempts,
    durationMs,
    source,
  };
}

/** Evaluates checks one after the other, emitting a check.end event for each. */
export async function evaluateChecks(ctx: Context, checks: Check[], source: CheckOutcome['source'], phase: Phase = 'steps'): Promise<CheckOutcome[]> {
  const out: CheckOutcome[] = [];
  for (const check of checks) {
    const outcome = await evaluateCheck(ctx, check, source);
    ctx.events.emit({ type: 'check.end', phase, step: ctx.step, ...outcome });
    out.push(outcome);
  }
  return out;
}
