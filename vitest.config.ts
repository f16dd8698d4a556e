import { defineConfig } from 'vitest/config';

// Tests against real docker / etcd / PostgreSQL share one machine (2 cores): they run after the
// unit tests, one file at a time, so that etcd's timing (elections, write gaps) is not disturbed
// by other tests. Unit tests run in parallel. The kind stand-in's tests (kind-shaped clusters of
// the kind CLI TEST DOUBLE) and the kubeadm test hosts' tests are their own project, `kind`:
// `npm test` (scripts/test.mjs) runs it as a second queue beside unit-then-lab, in another vitest
// process (a vitest process has one pool).
const kind = ['test/labs/kind/**', 'test/labs/kubeadm/**'];
// The kubeadm certificate tests run in the first queue, to keep the two about as long.
const inLabQueue = ['test/labs/kubeadm/certs.test.ts'];
const lab = ['test/labs/**', 'test/clients/**', 'test/actions/**', 'test/invariants/etcd/**', 'test/probes/**', 'test/ops/**', 'test/drills/**', 'test/soak/**'];
const oneAtATime = { testTimeout: 180_000, hookTimeout: 180_000, fileParallelism: false, maxWorkers: 1, sequence: { groupOrder: 1 } };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...lab, ...kind],
          testTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: { name: 'lab', include: [...lab.map((g) => `${g}/*.test.ts`), ...inLabQueue], exclude: ['test/labs/kind/*.test.ts', 'test/labs/kubeadm/!(certs).test.ts'], ...oneAtATime },
      },
      {
        test: { name: 'kind', include: kind.map((g) => `${g}/*.test.ts`), exclude: inLabQueue, ...oneAtATime },
      },
    ],
  },
});
