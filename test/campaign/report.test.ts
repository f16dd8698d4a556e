import { describe, expect, it } from 'vitest';
import { planCampaign, FAULT_KINDS } from '../../src/campaign/plan.js';
import { renderJunit, renderMarkdown, roundLine, type CampaignReport } from '../../src/campaign/report.js';
import type { RoundRow } from '../../src/campaign/row.js';

const plan = planCampaign({ seed: 1, rounds: 3, faults: FAULT_KINDS, members: ['control-plane', 'control-plane2', 'control-plane3'] });
const row = (i: number, extra: Partial<RoundRow> = {}): RoundRow => ({
  round: i + 1, fault: plan[i]!.fault, role: plan[i]!.role, planned: plan[i]!.nodes, struck: plan[i]!.nodes, leaderAtFault: plan[i]!.leader,
  detectionMs: 1500, writeGapMs: 1100, recoveryMs: 900, historyOk: true, hashOk: true, status: 'passed', durationMs: 5000, runDir: `/r/round-0${i + 1}`, ...extra,
});
const report = (rows: RoundRow[], extra: Partial<CampaignReport> = {}): CampaignReport => ({
  seed: 1, rounds: 3, faults: [...FAULT_KINDS], lab: { provider: 'etcd', name: 'kdc-r', members: ['control-plane', 'control-plane2', 'control-plane3'] },
  status: 'passed', replay: 'kdrill campaign x.yaml --rounds 3 --seed 1', startedAt: '2026-12-02T00:00:00Z', durationMs: 15000, plan, rows, ...extra,
});

describe('campaign reports', () => {
  it('a round in one line: fault, role, node, leader, figures, verdict (a failure\'s first line only)', () => {
    expect(roundLine(row(0), 3)).toBe('round 1/3: partition leader control-plane3 (leader control-plane3)  detection 1.5s  write gap 1.1s  recovery 900ms  passed (5.0s)');
    expect(roundLine(row(1, { status: 'failed', reason: 'etcd.history: not linearizable\n  client w1: get k' }), 3)).toMatch(/ {2}failed: etcd.history: not linearizable \(5\.0s\)$/);
    expect(roundLine(row(0, { struck: ['control-plane'] }), 3)).toContain('[planned control-plane3, struck control-plane]');
  });

  it('Markdown: a row per round that ran; JUnit: a testcase per planned round, the failed one with the replay, the rest skipped', () => {
    const failed = report([row(0), row(1, { status: 'failed', reason: 'step "x": a | b', hashOk: false })], { status: 'failed', failedRound: 2, reason: 'step "x": a | b', replay: 'kdrill campaign x.yaml --rounds 2 --seed 1' });
    const md = renderMarkdown(failed);
    expect(md.split('\n').filter((l) => /^\| \d+ \|/.test(l))).toHaveLength(2);
    expect(md).toContain('| **differs** | **failed**: step "x": a \\| b | round-02 |');
    expect(md).toContain('Replay: `kdrill campaign x.yaml --rounds 2 --seed 1`');
    expect(md).not.toContain('Warnings:');
    expect(renderMarkdown(report([row(0, { warnings: ['leader move to control-plane2 failed\nmore'] })]))).toContain('Warnings:\n\n- round 1: leader move to control-plane2 failed\n');
    const xml = renderJunit(failed);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml).toMatch(/<failure message="step &quot;x&quot;: a \| b" type="failed">step "x": a \| b\nreplay: kdrill campaign x.yaml --rounds 2 --seed 1<\/failure>/);
    expect(xml).toMatch(/name="round 3: [^"]*"[^>]*>\n\s*<skipped message="not run"\/>/);
    expect(xml).toContain('failures="1" errors="0" skipped="1"');
  });
});
