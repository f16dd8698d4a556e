import { formatDuration, parseDuration } from './duration.js';
import type { Path } from './positions.js';
import type { Check, Step } from './types.js';

/**
 * What inside a step's action would outlast the step's timeout: a command's own `timeout`, the
 * checks `wait` polls (`within` and `for`). Not errors: the step's timeout ends it first. Paths are
 * relative to the step.
 */
export function outlasting(step: Step): Array<{ path: Path; message: string; key: boolean }> {
  const params = (typeof step.params === 'object' && step.params !== null ? step.params : {}) as Record<string, unknown>;
  const limit = `the step's timeout (${formatDuration(step.timeoutMs)})`;
  const out: Array<{ path: Path; message: string; key: boolean }> = [];
  const own = typeof params.timeout === 'string' ? parseDuration(params.timeout) : undefined;
  if (own !== undefined && own > step.timeoutMs) {
    out.push({ path: ['with', 'timeout'], message: `${params.timeout} is longer than ${limit}: the step ends first`, key: false });
  }
  for (const key of step.module.checkParams ?? []) {
    const checks = Array.isArray(params[key]) ? (params[key] as Check[]) : [];
    checks.forEach((c, i) => {
      if (c.withinMs + c.forMs <= step.timeoutMs) return;
      const span = `within ${formatDuration(c.withinMs)}${c.forMs ? ` and for ${formatDuration(c.forMs)}` : ''}`;
      out.push({ path: ['with', key, i, c.name], message: `${span} is longer than ${limit}: the step ends before the check gives up`, key: true });
    });
  }
  return out;
}
