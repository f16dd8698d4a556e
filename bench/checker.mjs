// The linearizability checker on simulated histories (test/history/simulate.ts): bundled with esbuild in
// memory, since the checker is not part of the CLI bundle's entry points. Target (issue 16): 100,000
// operations from 8 clients in ≤ 2 s.
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const entry = `export { checkHistory } from './src/history/linearizable.ts'; export { simulate, staleRead } from './test/history/simulate.ts';`;
const out = await build({ stdin: { contents: entry, resolveDir: root, loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', write: false });
const { checkHistory, simulate, staleRead } = await import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);

console.log('Linearizability checker (8 clients, 5% unknown writes; median of 5)');
for (const [ops, keys, target] of [[10_000, 1], [10_000, 10], [100_000, 1, 2000], [100_000, 10, 2000], [100_000, 100, 2000]]) {
  const { history, final } = simulate(7, { clients: 8, ops, keys });
  const ms = [];
  let verdict;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    verdict = checkHistory(history, { final, budgetMs: 60_000 });
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const median = ms[2];
  const goal = target === undefined ? '' : median <= target ? `  (target ≤ ${target} ms: met)` : `  (target ≤ ${target} ms: MISSED)`;
  console.log(`${`${ops} ops, ${keys} key${keys > 1 ? 's' : ''}`.padEnd(34)} median ${median.toFixed(0).padStart(5)} ms   min ${ms[0].toFixed(0).padStart(5)}   max ${ms[4].toFixed(0).padStart(5)}   ${verdict.result}${goal}`);
}

// One read made stale (among the first 3,000): the check, then the shrinking to the smallest illegal sub-history.
for (const [ops, keys] of [[10_000, 1], [100_000, 1], [100_000, 10]]) {
  const { history } = simulate(7, { clients: 8, ops, keys });
  const bad = [...staleRead(history.slice(0, 3000), 5), ...history.slice(3000)];
  const t = performance.now();
  const v = checkHistory(bad, { budgetMs: 60_000 });
  console.log(`${`${ops} ops, ${keys} key${keys > 1 ? 's' : ''}, one stale read`.padEnd(34)} ${(performance.now() - t).toFixed(0).padStart(5)} ms   ${v.result}: ${v.illegal.operations.length} operations${v.illegal.minimal ? '' : ' (not minimal)'}`);
}
