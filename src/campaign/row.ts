import type { DrillStatus } from '../engine/events.js';
import type { RunReport } from '../report/types.js';
import type { FaultKind, Role, RoundPlan } from './plan.js';

/** One round as the campaign's report shows it. */
export interface RoundRow {
  round: number;
  fault: FaultKind;
  role: Role;
  /** The nodes the plan drew. */
  planned: string[];
  /** The nodes the fault actions really hit (their step's data), in order; empty when none ran. */
  struck: string[];
  /**
   * Who led when the fault struck: for a leader fault, the node `leader` resolved to at that moment;
   * otherwise the member the leader move placed leadership on, seen leading just before the fault.
   */
  leaderAtFault?: string;
  /** From the fault action's end to its expectations holding (a new leader, writes acknowledged). */
  detectionMs?: number;
  /** The longest window without an acknowledged write of the etcd.writes probe, from the fault to its recovery. */
  writeGapMs?: number;
  /** From the recovery's start to every member healthy again. */
  recoveryMs?: number;
  /** The history probe's verdict line (linearizable, acknowledged writes lost). */
  history?: string;
  historyOk?: boolean;
  /** The HashKV check after the recovery. */
  hash?: string;
  hashOk?: boolean;
  status: DrillStatus | 'incomplete';
  reason?: string;
  durationMs: number;
  /** The round's run folder (its journal and reports). */
  runDir: string;
  /** What the round logged as a warning or an error (a leader move tried again, the lab's safety net). */
  warnings?: string[];
}

/** The row of a round, from its plan and its run's report (src/report/summarize.ts). */
export function rowOf(plan: RoundPlan, report: RunReport, runDir: string): RoundRow {
  const faultSteps = report.steps.filter((s) => s.phase === 'steps' && s.undoneBy && s.status !== 'not run');
  const struck = faultSteps.map((s) => s.data?.node).filter((n): n is string => typeof n === 'string');
  const move = report.steps.find((s) => s.phase === 'steps' && s.action === 'etcd.leader.move');
  const leaderAtFault = plan.role === 'leader' ? struck[0] : move?.status === 'passed' && struck.length > 0 ? plan.leader : undefined;
  const faults = report.figures?.faults ?? [];
  const worst = (k: 'detectionMs' | 'writeGapMs' | 'recoveryMs') => {
    const v = faults.map((f) => f[k]).filter((x): x is number => x !== undefined);
    return v.length ? Math.max(...v) : undefined;
  };
  const history = report.probes.find((p) => p.probe === 'etcd.history');
  const hash = report.steps.flatMap((s) => s.checks).filter((c) => c.check === 'etcd.hashConsistent').at(-1);
  return {
    round: plan.round, fault: plan.fault, role: plan.role, planned: plan.nodes, struck,
    ...(leaderAtFault ? { leaderAtFault } : {}),
    ...defined({ detectionMs: worst('detectionMs'), writeGapMs: worst('writeGapMs'), recoveryMs: worst('recoveryMs') }),
    ...(history?.message !== undefined ? { history: history.message, historyOk: history.ok } : {}),
    ...(hash ? { hash: hash.message, hashOk: hash.ok } : {}),
    status: report.status, ...(report.reason ? { reason: report.reason } : {}), durationMs: report.durationMs, runDir,
  };
}

/** The plan was not what happened: a leader fault found another member leading when it struck. */
export function diverged(row: RoundRow): string | undefined {
  if (row.struck.length === 0 || row.struck.join(',') === row.planned.join(',')) return undefined;
  return `planned ${row.planned.join(', ')}, struck ${row.struck.join(', ')}`;
}

function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
