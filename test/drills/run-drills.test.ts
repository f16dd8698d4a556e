import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { findDrills } from '../../src/drill/discover.js';
import { journalOf, root, runKdrill, tempDir, type RunAs } from '../helpers/kdrill.js';
import { restrictedUser, type RestrictedUser } from '../helpers/restricted-user.js';

// Every drill the etcd lab can run is run for real, as a user would: the kdrill binary,
// real docker containers, real etcd members, real PostgreSQL.
//
// Every etcd drill runs twice in a row on one lab, as a trainer runs drills on a kept lab: the first
// run keeps its lab (keep: true), the second adopts it and removes it at its end. Both must pass,
// and the first must leave the lab at its steady state by its own restore (the safety net healing
// it fails the run), so each drill restores what it changed and starts from its own clean state.
//
// The second run is Docker Desktop's situation (issue 18): another user, whose packets to docker's
// networks are rejected while 127.0.0.1 stays open (test/helpers/restricted-user.ts), adopts the lab
// root kept, with etcdAccess: auto. The first run's auto must pick direct, the second's published
// (each member's client port on 127.0.0.1), and both must reach the same verdicts.
type Case = [rel: string, file: string, extra: string[], lab?: string];
const etcd = (file: string, extra: string[] = [], lab = `kdt-${path.basename(file, '.yaml')}`): Case => [path.relative(root, file), file, extra, lab];
const drills: Case[] = [
  ...findDrills([path.join(root, 'drills/examples')]).map((f): Case => [path.relative(root, f), f, []]),
  ...findDrills([path.join(root, 'drills/etcd')]).map((f) => etcd(f)),
  // "5 tolerates 2": the same drill on five members
  etcd(path.join(root, 'drills/etcd/even-sizes-are-waste.yaml'), ['--set', 'members=5', '--set', 'holdsAfterTwo=true'], 'kdt-even5'),
];

/** This test's lab's containers (other labs on the machine are not this test's business). */
const labContainers = (lab: string) =>
  execFileSync('docker', ['ps', '-a', '--filter', `label=dev.kdrill.lab=${lab}`, '--format', '{{.Names}}']).toString().trim();

/** The drill with its lab renamed, `keep` set and etcdAccess auto; its snapshot params point into the test's own folder. */
function onLab(file: string, lab: string, keep: boolean, dir: string): { file: string; set: string[] } {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  doc.setIn(['lab', 'name'], lab);
  doc.setIn(['lab', 'keep'], keep);
  doc.setIn(['lab', 'etcdAccess'], 'auto');
  const out = path.join(dir, `${keep ? 'kept' : 'adopting'}-${path.basename(file)}`);
  writeFileSync(out, doc.toString());
  const params = (doc.toJS() as { params?: Record<string, unknown> }).params ?? {};
  // Files of the test's own: the drills' /tmp defaults are shared with the other queues running the same drill.
  const own: Record<string, string> = { snapshot: path.join(dir, 'snapshot.db'), dir: path.join(dir, 'snapshot-dir') };
  const set = Object.keys(params).filter((k) => k in own).flatMap((k) => ['--set', `${k}=${own[k]}`]);
  return { file: out, set };
}

async function passes(file: string, args: string[], dir: string, name: string, as?: RunAs): Promise<Array<Record<string, any>>> {
  const started = Date.now();
  const r = await runKdrill(['run', file, ...args, '--report-dir', path.join(dir, name)], { KDRILL_STATE_DIR: path.join(dir, 'state') }, as);
  const wall = Date.now() - started;
  const { events, runDir } = journalOf(path.join(dir, name));
  const report = JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8'));
  expect(r.code, `${name} run\n${r.stdout}\n${r.stderr}`).toBe(0);
  expect(report.status).toBe('passed');
  expect(events.filter((e) => e.type === 'step.end' && e.status !== 'passed')).toEqual([]);
  // every step ran, and the restore too
  expect(events.filter((e) => e.type === 'step.end').length).toBeGreaterThan(0);
  process.stdout.write(`  ${path.basename(file)} (${name}): ${(wall / 1000).toFixed(1)} s\n`);
  return events;
}

/** What `auto` chose, from the run log. */
const accessOf = (events: Array<Record<string, any>>): string | undefined =>
  events.find((e) => e.type === 'log' && / etcd access /.test(e.message))?.message.replace(/^lab \S+: /, '');

/** Every check's verdict, in order: which check, in which step, held or not (the figures in the messages differ run to run). */
const verdicts = (events: Array<Record<string, any>>): string[] =>
  events.filter((e) => e.type === 'check.end').map((e) => `${e.phase} / ${e.step ?? ''} / ${e.check}: ${e.ok ? 'holds' : 'fails'}`);

let user: RestrictedUser | undefined;

beforeAll(() => {
  const made = restrictedUser(`kdrill-nr${process.pid % 100000}`);
  if ('skip' in made) {
    // Only where useradd or iptables cannot work; in CI they must.
    if (process.env.CI) throw new Error(`CI must run the etcd drills as a user cut off from docker's networks, and cannot: ${made.skip}`);
    process.stdout.write(`  no user cut off from docker's networks here (${made.skip}): the second runs adopt as this user\n`);
  } else {
    user = made;
  }
});
afterAll(() => user?.remove());

describe('drills run for real on the etcd lab', () => {
  it.each(drills)('%s passes (etcd drills: twice in a row on one kept lab)', async (_rel, file, extra, lab) => {
    const dir = tempDir();
    if (!lab) {
      await passes(file, extra, dir, 'runs');
    } else {
      const first = onLab(file, lab, true, dir);
      const kept = await passes(first.file, [...extra, ...first.set], dir, 'first');
      expect(kept.find((e) => e.type === 'lab.down')).toMatchObject({ removed: false, reason: 'keep: true' });
      // the drill's own restore left the kept lab steady: the safety net had nothing to do
      expect(kept.filter((e) => e.type === 'log' && /steady state after the drill|lab healed|lab left broken/.test(e.message))).toEqual([]);
      // The kept lab's keys stay on this machine for the next run; the PKI's build folder does not.
      const state = path.join(dir, 'state', 'labs', `etcd-${lab}`);
      expect(readdirSync(state).sort()).toEqual(['pki']);
      const second = onLab(file, lab, false, dir);
      user?.own(dir);
      const as = user && { uid: user.uid, gid: user.gid, bin: user.bin, cwd: dir };
      const again = await passes(second.file, [...extra, ...second.set], dir, 'second', as);
      expect(again.find((e) => e.type === 'lab.up')?.adopted).toMatch(/^left by an earlier run: \d of \d members running/);
      if (user) {
        expect(accessOf(kept)).toMatch(/^etcd access direct \(\S+:2379 answers\)$/);
        expect(accessOf(again)).toMatch(/^etcd access published \(node IPs not reachable: \S+:2379: EHOSTUNREACH\)$/);
      }
      expect(verdicts(again)).toEqual(verdicts(kept));
      // Removed, with what kdrill kept of it: its keys and certificates.
      expect(existsSync(state), `${state} left after lab down`).toBe(false);
      expect(labContainers(lab), 'the drill left lab containers behind').toBe('');
    }
  });
});
