// Where kdrill's CPU time goes during a run, from a V8 CPU profile (`node --cpu-prof`): how much was
// spent in docker and etcd calls (the etcd client library — etcd3, grpc-js, protobufjs, cockatiel —
// and Node's sockets under it; the Docker Engine API transport, docker processes) and how much was
// kdrill's own. Issue 3 asks for the share "outside docker and etcd calls"; this is that figure.
//
// Each sample is judged by its stack, with the bundle's source maps naming the original files:
// - loading a module (compiling or evaluating it: kdrill's chunks and the etcd client library
//   alike) is kdrill's own, even when the module is etcd's client: loading it is not an etcd call;
// - a frame of the etcd client library anywhere on the stack: an etcd call (its encoding, TLS,
//   http2, the first call's set-up);
// - a frame of src/exec/docker/ or execa: a docker call;
// - Node's own code only (no kdrill or library frame) doing socket, TLS, http2 or child-process
//   work: the I/O of those calls;
// - everything else is kdrill's own, and so is what cannot be attributed: garbage collection,
//   and native time outside JavaScript ("(program)"). Counting these as kdrill's makes the figure
//   an upper bound.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

export const CATEGORIES = ['own', 'own: gc', 'own: native', 'own: module load', 'etcd calls', 'docker calls', 'call I/O'];
const OWN = new Set(['own', 'own: gc', 'own: native', 'own: module load']);

const ETCD_LIB = /node_modules\/(etcd3|@grpc|protobufjs|@protobufjs|long|cockatiel)\//;
// tar-stream and its stream helpers do the docker cp tar work, often with no kdrill frame on the stack.
const DOCKER = /(^|\/)src\/exec\/docker\/|node_modules\/(execa|tar-stream|streamx|b4a|fast-fifo|text-decoder)\//;
const KDRILL = /(^|\/)src\//;
const CALL_IO = /^node:(internal\/)?(http2|_?tls|net|_http_|https?\b|child_process|dns|stream_base_commons)/;
const COMPILE = /^(compileSourceTextModule|compileForInternalLoader|compileForPublicLoader|wrapSafe|compileFunction)$/;
// A module's top-level code runs under V8's native `evaluate`, called by ESM's ModuleJob.run.
const isEvaluation = (name, source) => name === 'evaluate' && source === '' || name === 'run' && source === 'node:internal/modules/esm/module_job';

/** Maps a frame of a bundled file to its original source, with the file's source map (cached). */
export function sourceResolver() {
  const maps = new Map();
  return (url, line, column) => {
    if (!url.startsWith('file://')) return url;
    let map = maps.get(url);
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8')));
      } catch {
        map = null;
      }
      maps.set(url, map);
    }
    const entry = map?.findEntry(line, column);
    return entry?.originalSource ?? fileURLToPath(url);
  };
}

/**
 * Splits the samples of `profile` between fromUs and toUs (the profile's clock, µs) into
 * CATEGORIES (µs each). `resolve(url, line, column)` names a frame's original source.
 */
export function attribute(profile, fromUs, toUs, resolve = sourceResolver(), onSample = undefined) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const sourceOf = new Map();
  const source = (node) => {
    if (!sourceOf.has(node.id)) {
      const { url, lineNumber, columnNumber } = node.callFrame;
      sourceOf.set(node.id, url ? resolve(url, lineNumber, columnNumber) : '');
    }
    return sourceOf.get(node.id);
  };
  const stackOf = (id) => {
    const frames = [];
    for (; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id);
      frames.push(`${node.callFrame.functionName || '(anonymous)'} ${source(node)}:${node.callFrame.lineNumber + 1}`);
    }
    return frames;
  };
  const judged = new Map();
  const judge = (leaf) => {
    const name = leaf.callFrame.functionName;
    if (name === '(idle)') return undefined;
    if (name === '(garbage collector)') return 'own: gc';
    if (name === '(program)') return 'own: native';
    const sources = [];
    let loading = false;
    for (let id = leaf.id; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id);
      if (COMPILE.test(node.callFrame.functionName) || isEvaluation(node.callFrame.functionName, source(node))) loading = true;
      // esbuild names a bundled CommonJS module's wrapper after its path: node_modules/etcd3/lib/….
      sources.push(source(node), node.callFrame.functionName);
    }
    if (loading) return 'own: module load';
    if (sources.some((s) => ETCD_LIB.test(s))) return 'etcd calls';
    if (sources.some((s) => DOCKER.test(s))) return 'docker calls';
    if (!sources.some((s) => KDRILL.test(s) || s.includes('node_modules/')) && sources.some((s) => CALL_IO.test(s))) return 'call I/O';
    return 'own';
  };
  const us = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < fromUs || t > toUs) continue;
    const id = profile.samples[i];
    if (!judged.has(id)) judged.set(id, judge(byId.get(id)));
    const c = judged.get(id);
    if (c) us[c] += profile.timeDeltas[i];
    if (c && onSample) onSample(c, stackOf(id), profile.timeDeltas[i]);
  }
  const own = Object.entries(us).filter(([c]) => OWN.has(c)).reduce((a, [, v]) => a + v, 0);
  const busy = Object.values(us).reduce((a, v) => a + v, 0);
  return { us, ownUs: own, busyUs: busy, windowUs: toUs - fromUs };
}
