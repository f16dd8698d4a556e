import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fmtMs } from '../report/format.js';
import { attrs, xmlText } from '../report/xml.js';
import type { FaultKind, RoundPlan } from './plan.js';
import { diverged, type RoundRow } from './row.js';

export interface CampaignReport {
  seed: number;
  rounds: number;
  faults: FaultKind[];
  lab: { provider: string; name: string; members: string[] };
  status: 'passed' | 'failed' | 'error' | 'invalidated' | 'interrupted';
  /** The first round that did not pass. */
  failedRound?: number;
  reason?: string;
  /** The command line that replays the campaign up to (and with) the failed round. */
  replay: string;
  startedAt: string;
  durationMs: number;
  plan: RoundPlan[];
  rows: RoundRow[];
}

/** A round in one line, for the terminal (and the table's cells). */
export function roundLine(row: RoundRow, total: number): string {
  const nodes = row.struck.length ? row.struck.join(', ') : row.planned.join(', ');
  const off = diverged(row);
  return [
    `round ${row.round}/${total}: ${row.fault} ${row.role} ${nodes}${row.leaderAtFault ? ` (leader ${row.leaderAtFault})` : ''}${off ? ` [${off}]` : ''}`,
    `detection ${fmtMs(row.detectionMs)}`, `write gap ${fmtMs(row.writeGapMs)}`, `recovery ${fmtMs(row.recoveryMs)}`,
    `${row.status}${row.reason ? `: ${row.reason.split('\n')[0]}` : ''} (${fmtMs(row.durationMs)})`,
  ].join('  ');
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function renderMarkdown(r: CampaignReport): string {
  const head = [
    `# Campaign: seed ${r.seed}, ${r.rows.length} of ${r.rounds} rounds — ${r.status.toUpperCase()}`,
    '',
    `Lab ${r.lab.name} (${r.lab.provider}: ${r.lab.members.join(', ')}); faults ${r.faults.join(', ')}; ${fmtMs(r.durationMs)}.`,
    ...(r.failedRound !== undefined ? ['', `Round ${r.failedRound} did not pass: ${r.reason ?? ''}`] : []),
    '', `Replay: \`${r.replay}\``, '',
    'Each round: leadership placed as planned, the fault, what must hold while it stands (a leader elsewhere, writes acknowledged),',
    'the recovery, every member healthy and the same HashKV on all; the history probe checks linearizability and that no',
    'acknowledged write was lost.',
    '',
    '| round | fault | role | node(s) | leader at fault | detection | write gap | recovery | history | HashKV | verdict | run |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const rows = r.rows.map((x) => `| ${[
    String(x.round), x.fault, x.role, (x.struck.length ? x.struck : x.planned).join(', ') + (diverged(x) ? ` (${diverged(x)})` : ''),
    x.leaderAtFault ?? '–', fmtMs(x.detectionMs), fmtMs(x.writeGapMs), fmtMs(x.recoveryMs),
    // The details are the verdict's (and the round's own report): here a word each.
    x.historyOk === undefined ? '–' : x.historyOk ? 'ok' : '**failed**',
    x.hashOk === undefined ? '–' : x.hashOk ? 'same' : '**differs**',
    x.status === 'passed' ? 'passed' : `**${x.status}**${x.reason ? `: ${x.reason}` : ''}`,
    path.basename(x.runDir),
  ].map(cell).join(' | ')} |`);
  const warned = r.rows.flatMap((x) => (x.warnings ?? []).map((w) => `- round ${x.round}: ${w.split('\n')[0]}`));
  return [...head, ...rows, ...(warned.length ? ['', 'Warnings:', '', ...warned] : []), ''].join('\n');
}

/** One <testcase> per round (a failed round's reason as its failure), rounds not run as skipped. */
export function renderJunit(r: CampaignReport): string {
  const secs = (ms: number) => (ms / 1000).toFixed(3);
  const cases = r.plan.map((p) => {
    const row = r.rows.find((x) => x.round === p.round);
    const name = `round ${p.round}: ${p.fault} ${p.role} ${p.nodes.join(', ')}`;
    const open = `    <testcase${attrs({ name, classname: `campaign.seed${r.seed}`, time: secs(row?.durationMs ?? 0) })}`;
    if (!row) return `${open}>\n        <skipped${attrs({ message: 'not run' })}/>\n    </testcase>`;
    if (row.status === 'passed') return `${open}/>`;
    const tag = row.status === 'failed' ? 'failure' : 'error';
    return `${open}>\n        <${tag}${attrs({ message: row.reason ?? row.status, type: row.status })}>${xmlText(`${row.reason ?? row.status}\nreplay: ${r.replay}`)}</${tag}>\n    </testcase>`;
  });
  const count = (s: (x: RoundRow) => boolean) => r.rows.filter(s).length;
  const suite = {
    name: `campaign seed ${r.seed}`, tests: r.plan.length, failures: count((x) => x.status === 'failed'),
    errors: count((x) => x.status !== 'failed' && x.status !== 'passed'), skipped: r.plan.length - r.rows.length, time: secs(r.durationMs), timestamp: r.startedAt,
  };
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attrs({ name: 'kdrill campaign' })}>`, `  <testsuite${attrs(suite)}>`, ...cases, '  </testsuite>', '</testsuites>', ''].join('\n');
}

export function writeCampaignReports(dir: string, r: CampaignReport): string[] {
  const files: Array<[string, string]> = [['campaign.json', `${JSON.stringify(r, null, 2)}\n`], ['campaign.md', renderMarkdown(r)], ['junit.xml', renderJunit(r)]];
  for (const [name, text] of files) writeFileSync(path.join(dir, name), text);
  return files.map(([name]) => name);
}
