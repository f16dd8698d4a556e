import { defineConfig } from 'vitest/config';

// Tests against real docker / etcd / PostgreSQL share one machine (2 cores): they run after the
// unit tests, one file at a time, so that etcd's timing (elections, write gaps) is not disturbed
// by other tests. Unit tests run in parallel.
const lab = ['test/labs/**', 'test/clients/**', 'test/actions/**', 'test/invariants/etcd/**', 'test/probes/**', 'test/ops/**', 'test/drills/**', 'test/soak/**'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: lab,
          testTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'lab',
          include: lab.map((g) => `${g}/*.test.ts`),
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
