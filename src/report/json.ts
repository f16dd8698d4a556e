import type { RunReport } from './types.js';

/** report.json: the RunReport as it is, for dashboards and for diffing two runs. */
export function renderJson(r: RunReport): string {
  return `${JSON.stringify({ reportVersion: 1, ...r }, null, 2)}\n`;
}
