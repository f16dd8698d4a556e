import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { attribute, sourceResolver, type CpuProfile, type CpuProfileNode } from '../../bench/attribute.mjs';

// The bench's split of kdrill's CPU time between docker/etcd calls and its own work (issue 3's
// "kdrill's own share"). Profiles here are built by hand; the frames' sources are given directly.
const root = path.resolve(import.meta.dirname, '../..');

/** A profile with one sample (1 ms each) per stack; a stack is leaf-first "function@source". */
function profile(stacks: string[][], startTime = 1_000_000): CpuProfile {
  const nodes: CpuProfileNode[] = [{ id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 }, children: [] }];
  const samples: number[] = [];
  for (const stack of stacks) {
    let parent = nodes[0]!;
    for (const frame of [...stack].reverse()) {
      const at = frame.indexOf('@');
      const [functionName, url] = at < 0 ? [frame, ''] : [frame.slice(0, at), frame.slice(at + 1)];
      const node: CpuProfileNode = { id: nodes.length + 1, callFrame: { functionName, url, lineNumber: 0, columnNumber: 0 }, children: [] };
      parent.children!.push(node.id);
      nodes.push(node);
      parent = node;
    }
    samples.push(parent.id);
  }
  return { nodes, startTime, endTime: startTime + 1000 * stacks.length, samples, timeDeltas: stacks.map(() => 1000) };
}

const asIs = (url: string) => url;
const ms = (us: Record<string, number>) => Object.fromEntries(Object.entries(us).filter(([, v]) => v > 0).map(([k, v]) => [k, v / 1000]));

describe('attribution of CPU samples', () => {
  it('puts a sample with an etcd client frame anywhere on its stack in etcd calls, even under kdrill code', () => {
    const p = profile([
      ['createCall@node_modules/@grpc/grpc-js/src/subchannel.ts', 'status@src/clients/etcd/access.ts', 'check@src/invariants/etcd/quorum.ts'],
      ['encode@node_modules/protobufjs/src/writer.js', 'put@node_modules/etcd3/lib/rpc.js'],
      ['execute@node_modules/cockatiel/dist/NoopPolicy.js'],
      ['toString@node_modules/long/umd/index.js'],
    ]);
    expect(ms(attribute(p, 0, Infinity, asIs).us)).toEqual({ 'etcd calls': 4 });
  });

  it("counts loading the etcd client library as kdrill's own: loading it is not an etcd call", () => {
    const p = profile([
      // esbuild names a CommonJS module's wrapper after its path; its own source may be unmapped.
      ['node_modules/etcd3/lib/index.js@dist/cli/lib-X.js', 'evaluate@', 'run@node:internal/modules/esm/module_job'],
      ['fromJSON@node_modules/@grpc/proto-loader/src/index.ts', '__require2@dist/cli/chunk-X.js', 'evaluate@'],
      ['compileSourceTextModule@node:internal/modules/esm/utils', 'moduleStrategy@node:internal/modules/esm/translators'],
      // A call made after the library was loaded is an etcd call again.
      ['Codegen@node_modules/@protobufjs/codegen/index.js', 'status@src/clients/etcd/access.ts'],
    ]);
    expect(ms(attribute(p, 0, Infinity, asIs).us)).toEqual({ 'own: module load': 3, 'etcd calls': 1 });
  });

  it('puts the Engine API transport and docker processes in docker calls', () => {
    const p = profile([
      ['request@src/exec/docker/http.ts', 'run@src/exec/runner.ts'],
      ['spawn@node_modules/execa/lib/methods/main-async.js', 'run@src/exec/runner.ts'],
    ]);
    expect(ms(attribute(p, 0, Infinity, asIs).us)).toEqual({ 'docker calls': 2 });
  });

  it("counts Node's socket work without any kdrill frame as call I/O, its other work as kdrill's", () => {
    const p = profile([
      ['onStreamRead@node:internal/stream_base_commons'],
      ['onSessionHeaders@node:internal/http2/core', 'emit@node:events'],
      ['onSocketNT@node:_http_client', 'processTicksAndRejections@node:internal/process/task_queues'],
      ['ssl.onhandshakedone@node:_tls_wrap'],
      ['close@node:internal/fs/promises', 'processTicksAndRejections@node:internal/process/task_queues'],
      ['listOnTimeout@node:internal/timers'],
    ]);
    expect(ms(attribute(p, 0, Infinity, asIs).us)).toEqual({ 'call I/O': 4, own: 2 });
  });

  it("counts kdrill's code, and socket work it does itself, as its own", () => {
    const p = profile([
      ['write@src/report/journal.ts', 'emit@src/engine/events.ts'],
      ['writeGeneric@node:internal/stream_base_commons', 'write@src/report/journal.ts'],
      ['stringify@node_modules/yaml/dist/public-api.js', 'memberConfig@src/labs/etcd/config.ts'],
    ]);
    expect(ms(attribute(p, 0, Infinity, asIs).us)).toEqual({ own: 3 });
  });

  it("counts what cannot be attributed (GC, native time) and module compilation as kdrill's, and idle time not at all", () => {
    const p = profile([
      ['(garbage collector)'],
      ['(program)'],
      ['compileSourceTextModule@node:internal/modules/esm/utils', 'loadAndTranslate@node:internal/modules/esm/loader'],
      ['(idle)'],
      ['(idle)'],
    ]);
    const r = attribute(p, 0, Infinity, asIs);
    expect(ms(r.us)).toEqual({ 'own: gc': 1, 'own: native': 1, 'own: module load': 1 });
    expect([r.ownUs, r.busyUs]).toEqual([3000, 3000]);
  });

  it('counts only the samples inside the window', () => {
    // Samples at 1, 2, 3, 4 ms after the start: the window [2 ms, 3 ms] holds the 2nd and 3rd.
    const p = profile([['a@src/x.ts'], ['b@src/x.ts'], ['c@node_modules/etcd3/lib/rpc.js'], ['d@src/x.ts']], 0);
    const r = attribute(p, 2000, 3000, asIs);
    expect(ms(r.us)).toEqual({ own: 1, 'etcd calls': 1 });
    expect(r.windowUs).toBe(1000);
  });
});

describe('source maps of the bundle (dist/, built by pretest)', () => {
  const dist = path.join(root, 'dist/cli');
  const find = (text: string): { url: string; line: number; column: number } => {
    for (const f of readdirSync(dist).filter((x) => x.endsWith('.js'))) {
      const lines = readFileSync(path.join(dist, f), 'utf8').split('\n');
      const line = lines.findIndex((l) => l.includes(text));
      if (line >= 0) return { url: pathToFileURL(path.join(dist, f)).href, line, column: lines[line]!.indexOf(text) };
    }
    throw new Error(`${text} is not in dist/cli`);
  };

  it("names grpc-js's and kdrill's own original files for frames of the bundled chunks", () => {
    const resolve = sourceResolver();
    const grpc = find('var ChannelImplementation = class');
    expect(resolve(grpc.url, grpc.line, grpc.column)).toMatch(/node_modules\/@grpc\/grpc-js\/src\/channel\.ts$/);
    const own = find('async function connectEtcd(');
    expect(resolve(own.url, own.line, own.column)).toMatch(/(^|\/)src\/clients\/etcd\/client\.ts$/);
  });
});

describe("the journal's clock against V8's CPU profile clock", () => {
  it('puts work done between two journal times inside the same window of the profile', async () => {
    const { Session } = await import('node:inspector/promises');
    const { EventBus } = await import('../../src/engine/events.js');
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const bus = new EventBus();
    await new Promise((r) => setTimeout(r, 20));
    const from = bus.now();
    const spinUntil = performance.now() + 40;
    (function spinBetweenJournalTimes() { while (performance.now() < spinUntil); })();
    const to = bus.now();
    await new Promise((r) => setTimeout(r, 60));
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    session.disconnect();

    const spins = (fromMs: number, toMs: number) => {
      let us = 0;
      attribute(profile, (bus.monotonicOrigin + fromMs) * 1000, (bus.monotonicOrigin + toMs) * 1000, (url) => url, (_c, frames, d) => {
        if (frames.some((f) => f.startsWith('spinBetweenJournalTimes '))) us += d;
      });
      return us / 1000;
    };
    // The spinning is seen (some 40 ms of it), all of it inside the window and none 10 ms after it:
    // an offset between the clocks of more than a few ms would move it out.
    const all = spins(-1e9, 1e9);
    expect(all).toBeGreaterThan(10);
    expect(spins(from, to)).toBeGreaterThanOrEqual(all * 0.95);
    expect(spins(to + 10, to + 1000)).toBe(0);
    expect(spins(from - 1000, from - 10)).toBe(0);
  });
});
