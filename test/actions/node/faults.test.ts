import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actions } from '../../../src/actions/registry.js';
import { invariants } from '../../../src/invariants/registry.js';
import { LabError } from '../../../src/engine/errors.js';
import type { Verdict } from '../../../src/engine/types.js';
import { DockerNodes } from '../../../src/labs/docker/index.js';
import { docker, dockerQuiet, forceRemove, makeContext, makeLab, skipLab } from '../../labs/helpers.js';

/** Node faults on one real 3-member lab: each fault's effect on quorum and leadership. */
describe.skipIf(skipLab)('node faults on a real etcd lab', () => {
  const lab = makeLab('kdt-faults');
  const ctx = makeContext(lab);
  const stranger = `${lab.name}-stranger`;
  const act = (name: string, params: Record<string, unknown>) => actions[name]!.run(ctx, actions[name]!.params.parse(params));
  const check = (name: string, params: Record<string, unknown> = {}): Promise<Verdict> => invariants[name]!.check(ctx, invariants[name]!.params.parse(params));
  /** Polls a check until it holds (as a drill's `within` does). */
  const eventually = async (name: string, params: Record<string, unknown> = {}, ms = 10_000): Promise<Verdict> => {
    const end = performance.now() + ms;
    let v: Verdict;
    do {
      v = await check(name, params);
      if (v.ok) return v;
      await new Promise((r) => setTimeout(r, 100));
    } while (performance.now() < end);
    return v;
  };

  beforeAll(async () => {
    forceRemove(lab);
    await lab.up();
    docker('run', '-d', '--name', stranger, '--network', lab.network, 'kdrill/etcd:3.4.23', 'sleep', '600');
  });
  afterAll(async () => {
    await lab.etcd.close();
    dockerQuiet('rm', '-f', stranger);
    forceRemove(lab);
  });

  it('starts healthy: 3 of 3, one leader, writable, in sync, same hashes', async () => {
    expect((await check('etcd.quorum', { members: 3, healthy: 3 })).message).toBe('3 of 3 members healthy, quorum is 2: holds');
    expect((await check('etcd.leader')).ok).toBe(true);
    expect((await check('etcd.writable')).ok).toBe(true);
    expect((await eventually('etcd.inSync')).ok).toBe(true);
    expect((await check('etcd.hashConsistent')).ok).toBe(true);
  });

  it('stop of the leader (SIGTERM): it hands over, quorum holds with 2 of 3', async () => {
    await act('node.stop', { node: 'leader', grace: '5s' });
    const stopped = ctx.state.get('node.selected:leader') as string;
    expect(docker('inspect', '--format', '{{.State.Running}}', `${lab.name}-${stopped}`)).toBe('false');
    const q = await eventually('etcd.quorum', { healthy: 2 });
    expect(q.message).toBe('2 of 3 members healthy, quorum is 2: holds');
    expect((await eventually('etcd.leader', { notOn: 'leader', changed: true })).ok).toBe(true);
    expect((await check('etcd.writable')).ok).toBe(true);
    await act('node.start', { node: 'leader', waitFor: 'member' });
    expect((await eventually('etcd.quorum', { healthy: 3 })).ok).toBe(true);
  });

  it('kill of two members (SIGKILL): quorum lost, read-only; one back restores it', async () => {
    await act('etcd.put', { key: 'acked', value: 'before' });
    await act('node.kill', { node: 'control-plane2' });
    await act('node.kill', { node: 'control-plane3' });
    // The survivor answers, but without quorum it is not healthy (it names no leader once its
    // election timeout, or check-quorum, has passed) — and stays so.
    const lost = await eventually('etcd.quorum', { answering: 1, healthy: 0, hasQuorum: false });
    expect(lost.message).toBe('0 of 3 members healthy (1 more answers, but has no leader or an alarm), quorum is 2: lost, as expected');
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await check('etcd.quorum', { answering: 1, healthy: 0, hasQuorum: false })).ok).toBe(true);
    expect((await check('etcd.writable')).ok).toBe(false);
    expect((await eventually('etcd.readOnly')).ok).toBe(true);
    await act('node.start', { node: 'control-plane2', waitFor: 'member' });
    expect((await eventually('etcd.quorum', { healthy: 2 })).ok).toBe(true);
    expect((await eventually('etcd.key', { key: 'acked', equals: 'before' })).ok).toBe(true);
    await act('node.start', { node: 'control-plane3', waitFor: 'member' });
    expect((await eventually('etcd.inSync')).ok).toBe(true);
  });

  it('kill of the leader twice in a row: the second `leader` is the one elected after the first', async () => {
    await act('node.kill', { node: 'leader' });
    const first = ctx.state.get('node.selected:leader') as string;
    // Straight away: the followers still name the dead leader until their election timeout.
    await act('node.kill', { node: 'leader' });
    const second = ctx.state.get('node.selected:leader') as string;
    expect(second).not.toBe(first);
    // etcd.leader's `changed` compares with the leader before this fault: the one elected, not the first.
    expect(ctx.state.get('etcd.leader.reference')).toBe(second);
    for (const n of [first, second]) expect(docker('inspect', '--format', '{{.State.Running}}', `${lab.name}-${n}`)).toBe('false');
    expect((await eventually('etcd.quorum', { answering: 1, healthy: 0, hasQuorum: false })).ok).toBe(true);
    await act('node.start', { node: first, waitFor: 'member' });
    await act('node.start', { node: second, waitFor: 'member' });
    expect((await eventually('etcd.quorum', { healthy: 3 })).ok).toBe(true);
  });

  it('pause of a follower: it stops answering (deadline), the others keep quorum', async () => {
    await act('node.pause', { node: 'follower' });
    const paused = ctx.state.get('node.selected:follower') as string;
    const t = performance.now();
    const q = await check('etcd.quorum', { healthy: 2 });
    expect(q.message).toBe('2 of 3 members healthy, quorum is 2: holds');
    expect(performance.now() - t).toBeLessThan(2_000); // the deadline, not a hang
    expect((await check('etcd.inSync')).message).toContain(`${paused} does not answer`);
    await act('node.unpause', { node: 'follower' });
    expect((await eventually('etcd.inSync')).ok).toBe(true);
  });

  it('partition of a follower: cut off, then healed on its old IP; hashes equal', async () => {
    const before = await lab.nodeOps.ip(ctx, 'control-plane3');
    await act('node.partition', { node: 'control-plane3' });
    expect(await lab.nodeOps.ip(ctx, 'control-plane3')).toBeUndefined();
    expect((await eventually('etcd.quorum', { healthy: 2 })).ok).toBe(true);
    await act('etcd.put', { key: 'during-partition', value: 'x' });
    await act('node.heal', { node: 'control-plane3' });
    expect(await lab.nodeOps.ip(ctx, 'control-plane3')).toBe(before);
    expect((await eventually('etcd.inSync')).ok).toBe(true);
    expect((await eventually('etcd.hashConsistent')).ok).toBe(true);
  });

  it('refuses to touch a container without the lab label', async () => {
    const nodes = new DockerNodes({ network: lab.network, owner: { key: 'dev.kdrill.lab', value: lab.name }, container: () => stranger });
    await expect(nodes.stop(ctx, 'x', 1000)).rejects.toThrow(/does not carry the label dev.kdrill.lab/);
    await expect(nodes.kill(ctx, 'x')).rejects.toBeInstanceOf(LabError);
    expect(docker('inspect', '--format', '{{.State.Running}}', stranger)).toBe('true');
  });

  it('reports "lab invalidated" when a stopped node\'s IP was taken meanwhile', async () => {
    const ip = lab.ipOf('control-plane2');
    await act('node.stop', { node: 'control-plane2', grace: '2s' });
    const thief = `${lab.name}-thief`;
    docker('run', '-d', '--name', thief, '--network', lab.network, '--ip', ip, 'kdrill/etcd:3.4.23', 'sleep', '600');
    try {
      const err = await act('node.start', { node: 'control-plane2' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LabError);
      expect((err as LabError).invalidated).toBe(true);
      expect((err as Error).message).toMatch(new RegExp(`lab invalidated: control-plane2 cannot come back on ${ip.replace(/\./g, '\\.')}`));
    } finally {
      dockerQuiet('rm', '-f', thief);
    }
    await act('node.start', { node: 'control-plane2', waitFor: 'member' });
  });
});

/** kind's case: nodes without a fixed IP get whatever docker gives them when they start again. */
describe.skipIf(skipLab)('node IP check without fixed IPs (kind-like)', () => {
  const net = `kdt-kindlike-${process.pid % 10000}`;
  const node = `${net}-control-plane`;
  beforeAll(() => {
    docker('network', 'create', '--subnet', '10.254.77.0/29', net);
    docker('run', '-d', '--name', node, '--network', net, '--label', `io.x-k8s.kind.cluster=${net}`, 'kdrill/etcd:3.4.23', 'sleep', '600');
  });
  afterAll(() => {
    dockerQuiet('rm', '-f', node, `${net}-thief`);
    dockerQuiet('network', 'rm', net);
  });

  it('throws LabError(invalidated) "came back on <new> instead of <old>"', async () => {
    const lab = makeLab('unused');
    const ctx = makeContext(lab);
    const nodes = new DockerNodes({ network: net, owner: { key: 'io.x-k8s.kind.cluster', value: net }, container: () => node });
    const old = (await nodes.ip(ctx, 'control-plane'))!;
    await nodes.kill(ctx, 'control-plane');
    docker('run', '-d', '--name', `${net}-thief`, '--network', net, '--ip', old, 'kdrill/etcd:3.4.23', 'sleep', '600');
    const err = await nodes.start(ctx, 'control-plane').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).invalidated).toBe(true);
    expect((err as Error).message).toMatch(new RegExp(`lab invalidated: control-plane came back on 10\\.254\\.77\\.\\d+ instead of ${old.replace(/\./g, '\\.')}`));
  });
});
