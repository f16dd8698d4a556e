import type { Budgets } from '../drill/types.js';
import { fmtMs } from '../report/format.js';
import type { BudgetReport, Figures } from '../report/types.js';

type Verdict = Omit<BudgetReport, 'ok' | 'message'>;

const WORDS: Record<string, string> = {
  detection: 'detection', writeGap: 'write gap', recovery: 'recovery', rpoKeys: 'RPO', rpoRevisions: 'RPO',
};

/**
 * The drill's budgets against its figures: detection, write gap and recovery per fault (the write gap
 * over the whole run when the drill has no fault step), RPO over the run. A figure that was not
 * measured is not judged (the report shows it as –).
 */
export function judgeBudgets(f: Figures, b: Budgets): BudgetReport[] {
  const out: Verdict[] = [];
  const perFault = (figure: 'detection' | 'writeGap' | 'recovery', limit: number | undefined) => {
    if (limit === undefined) return;
    const key = `${figure}Ms` as const;
    if (figure === 'writeGap' && f.faults.length === 0 && f.writeGapMs !== undefined) out.push({ figure, limit, value: f.writeGapMs, unit: 'ms' });
    for (const x of f.faults) if (x[key] !== undefined) out.push({ figure, step: x.step, limit, value: x[key]!, unit: 'ms' });
  };
  perFault('detection', b.detectionMs);
  perFault('writeGap', b.writeGapMs);
  perFault('recovery', b.recoveryMs);
  if (b.rpoKeys !== undefined && f.rpoKeys !== undefined) out.push({ figure: 'rpoKeys', limit: b.rpoKeys, value: f.rpoKeys, unit: 'keys' });
  if (b.rpoRevisions !== undefined && f.rpoRevisions !== undefined) out.push({ figure: 'rpoRevisions', limit: b.rpoRevisions, value: f.rpoRevisions, unit: 'revisions' });
  return out.map((v) => ({ ...v, ok: v.value <= v.limit, message: words(v) }));
}

function words(v: Verdict): string {
  const show = (n: number) => (v.unit === 'ms' ? fmtMs(n) : `${n} ${v.unit}`);
  const where = v.step ? ` after "${v.step}"` : '';
  const verb = v.value <= v.limit ? 'within' : 'over';
  return `${WORDS[v.figure]} ${show(v.value)}${where}: ${verb} the budget of ${show(v.limit)}`;
}
