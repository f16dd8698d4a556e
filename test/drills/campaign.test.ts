import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FAULT_KINDS, planCampaign } from '../../src/campaign/plan.js';
import { seeded } from '../../src/history/search.js';
import type { CampaignReport } from '../../src/campaign/report.js';
import { root, runKdrill, spawnKdrill, tempDir } from '../helpers/kdrill.js';

// `kdrill campaign` on real etcd members in docker: clusters/etcd-3.yaml under this test's own lab name.
const lab = `kdc-camp${process.pid % 10000}`;
const dir = tempDir('kdrill-campaign-');
const file = path.join(dir, 'etcd-3.yaml');
writeFileSync(file, readFileSync(path.join(root, 'clusters/etcd-3.yaml'), 'utf8').replace(/^name: .*$/m, `name: ${lab}`));
const members = ['control-plane', 'control-plane2', 'control-plane3'];

// A failed test leaves its reports (each round's journal) to look at.
let keepReports = false;
afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') keepReports = true;
});
const containers = () => execFileSync('docker', ['ps', '-aq', '--filter', `label=dev.kdrill.lab=${lab}`]).toString().trim().split('\n').filter(Boolean);
afterAll(() => {
  // the campaign removes its lab; this only catches one that died half-way
  const left = containers();
  if (left.length) execFileSync('docker', ['rm', '-f', ...left]);
  try {
    execFileSync('docker', ['network', 'rm', `kdrill-${lab}`], { stdio: 'ignore' });
  } catch {
    // no network left: the usual case
  }
  if (keepReports) console.log(`campaign reports kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}, 60_000);

function reportOf(reportDir: string): { report: CampaignReport; dir: string } {
  const seedDir = path.join(reportDir, readdirSync(reportDir)[0]!);
  const campaignDir = path.join(seedDir, readdirSync(seedDir)[0]!);
  return { report: JSON.parse(readFileSync(path.join(campaignDir, 'campaign.json'), 'utf8')) as CampaignReport, dir: campaignDir };
}

/** A campaign of 5 rounds of one fault, once its round 2 has struck (2.5 s after round 1's line). */
async function inRound2(reports: string, fault: string) {
  const run = spawnKdrill(['campaign', file, '--rounds', '5', '--seed', '1', '--faults', fault, '--report-dir', reports]);
  for (let i = 0; i < 600 && !/round 1\/5/.test(run.output()); i++) await new Promise((res) => setTimeout(res, 100));
  await new Promise((res) => setTimeout(res, 2_500));
  return run;
}

describe('kdrill campaign on a real 3-member etcd lab', () => {
  it('--rounds 20 --seed 1 passes, and the faults struck the nodes the plan of seed 1 draws (a leader fault: the leader then)', async () => {
    const reports = path.join(dir, 'pass');
    const t0 = performance.now();
    const r = await runKdrill(['campaign', file, '--rounds', '20', '--seed', '1', '--report-dir', reports]);
    const seconds = (performance.now() - t0) / 1000;
    expect(r.stderr).toBe('');
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/PASSED: 20 rounds/);
    const { report, dir: campaignDir } = reportOf(reports);
    expect(report.status).toBe('passed');
    expect(report.rows).toHaveLength(20);
    // The replay guarantee against reality: the plan is drawn here, independently of the run.
    const plan = planCampaign({ seed: 1, rounds: 20, faults: FAULT_KINDS, members });
    for (const [i, row] of report.rows.entries()) {
      const want = plan[i]!;
      expect({ round: row.round, fault: row.fault, role: row.role, struck: row.struck, status: row.status })
        .toEqual({ round: want.round, fault: want.fault, role: want.role, struck: want.nodes, status: 'passed' });
      // A leader fault names `leader`, resolved when it strikes: the node it resolved to is the planned one.
      expect(row.leaderAtFault).toBe(want.leader);
      expect(row.historyOk).toBe(true);
      expect(row.hashOk).toBe(true);
      expect(row.recoveryMs).toBeGreaterThanOrEqual(0);
      expect(existsSync(path.join(row.runDir, 'journal.jsonl'))).toBe(true);
    }
    expect(readFileSync(path.join(campaignDir, 'campaign.md'), 'utf8').split('\n').filter((l) => /^\| \d+ \|/.test(l))).toHaveLength(20);
    expect(readFileSync(path.join(campaignDir, 'junit.xml'), 'utf8').match(/<testcase /g)).toHaveLength(20);
    // The history probe's clients drew their keys and put/get from the round's seed (4 clients, 4 keys).
    const ops = readFileSync(path.join(report.rows[0]!.runDir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { client: string; key: string; op: string });
    for (const w of [1, 2, 3, 4]) {
      const next = seeded(plan[0]!.historySeed * 33 + w);
      const rand = () => next() / 2 ** 32;
      const mine = ops.filter((o) => o.client === `w${w}`);
      expect(mine.length).toBeGreaterThan(10);
      expect(mine.map((o) => `${o.key.split('/').pop()} ${o.op}`)).toEqual(mine.map(() => `${Math.floor(rand() * 4)} ${rand() < 0.5 ? 'put' : 'get'}`));
    }
    expect(containers()).toEqual([]);
    console.log(`campaign of 20 rounds: ${seconds.toFixed(1)} s, ${(seconds / 20).toFixed(1)} s a round`);
  }, 400_000);

  it('stops at the first failed round, exit 1, and prints the command that replays it', async () => {
    const reports = path.join(dir, 'fail');
    // TEST ONLY: KDRILL_TEST_FAIL_ROUND adds an expectation that cannot hold (every member healthy while one is paused) to round 2.
    const r = await runKdrill(['campaign', file, '--rounds', '5', '--seed', '1', '--faults', 'pause', '--report-dir', reports], { KDRILL_TEST_FAIL_ROUND: '2' });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^round 1\/5: .* passed/m);
    expect(r.stdout).toMatch(/^round 2\/5: .* failed: step "pause /m);
    expect(r.stdout).not.toMatch(/^round 3\/5/m);
    expect(r.stdout).toContain('FAILED in round 2 of 5');
    expect(r.stdout).toContain(`replay: kdrill campaign ${file} --rounds 2 --seed 1 --faults pause`);
    const { report, dir: campaignDir } = reportOf(reports);
    expect(report).toMatchObject({ status: 'failed', failedRound: 2 });
    expect(report.rows.map((x) => x.status)).toEqual(['passed', 'failed']);
    // The failed round still ran its restore: the lab is whole again (then removed).
    expect(report.rows[1]!.hashOk).toBe(true);
    expect(existsSync(path.join(campaignDir, 'round-03'))).toBe(false);
    expect(readFileSync(path.join(campaignDir, 'junit.xml'), 'utf8')).toMatch(/<failure [^>]*type="failed"/);
    expect(containers()).toEqual([]);
  }, 180_000);

  it('Ctrl-C ends the running round through its restore, then stops: exit 130', async () => {
    const reports = path.join(dir, 'interrupt');
    const run = await inRound2(reports, 'pause');
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(130);
    const { report } = reportOf(reports);
    expect(report.status).toBe('interrupted');
    expect(report.rows.at(-1)!.status).toBe('interrupted');
    expect(report.rows.length).toBeLessThan(5);
    expect(r.stdout).toContain('INTERRUPTED');
    expect(containers()).toEqual([]);
  }, 180_000);

  it('a second Ctrl-C exits at once and still leaves campaign.json: the rounds that ended, and where it was cut', async () => {
    const reports = path.join(dir, 'hard');
    // The second 50 ms after the first: in round 2's restore (a stopped member started and waited for
    // takes a second or more).
    const run = await inRound2(reports, 'stop');
    run.child.kill('SIGINT');
    await new Promise((res) => setTimeout(res, 50));
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(130);
    expect(r.stderr, r.stdout + r.stderr).toMatch(/kdrill: exiting now in round 2\. Restore steps NOT run: /);
    const { report } = reportOf(reports);
    expect(report.status).toBe('interrupted');
    expect(report.rows.map((row) => [row.round, row.status])).toEqual([[1, 'passed']]);
    expect(report.failedRound).toBe(2);
    expect(report.reason).toMatch(/^second SIGINT in round 2: exited before its restore finished; restore steps NOT run: /);
    expect(report.replay).toMatch(/--rounds 2 --seed 1 --faults stop$/);
  }, 180_000);
});
