import { defineConfig } from 'vitest/config';

// Tests against real docker / etcd / PostgreSQL share one machine (2 cores). Each project below runs
// its files one at a time, so that etcd's timing (elections, write gaps) inside one queue is not
// disturbed by that queue's other tests; unit tests run in parallel. `npm test` (scripts/test.mjs)
// runs the four projects side by side, each its own vitest process (a vitest process has one pool),
// since the machine mostly waits on docker and etcd during them (CPU ~75 % of 2 cores in a clean-clone
// run with three queues, unit then lab in one: that queue was the longest, 10 min 9 s):
//   unit                no lab
//   lab                 the etcd lab and everything without a lab of its own, the 20-round campaign
//   kind                the kind stand-in's kind-shaped clusters (kind CLI TEST DOUBLE), every etcd
//                       drill run twice on a kept lab (run-drills), the give-up exercise and the
//                       campaign on kubeadm test hosts (balance)
//   kubeadm             the kubeadm test hosts (real sshd and etcd), the history probe's drills and
//                       the other exercises (balance)
const kind = ['test/labs/kind/*.test.ts', 'test/drills/run-drills.test.ts', 'test/drills/exercise-give-up.test.ts', 'test/drills/campaign-kubeadm.test.ts'];
const kubeadm = ['test/labs/kubeadm/*.test.ts', 'test/probes/etcd/history-drill.test.ts', 'test/drills/exercise-{defrag,member-replace,nospace,quorum}.test.ts'];
const lab = ['test/labs/**', 'test/clients/**', 'test/actions/**', 'test/invariants/etcd/**', 'test/probes/**', 'test/ops/**', 'test/drills/**', 'test/soak/**'];
const oneAtATime = { testTimeout: 180_000, hookTimeout: 180_000, fileParallelism: false, maxWorkers: 1 };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...lab, ...kind, ...kubeadm],
          testTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      { test: { name: 'lab', include: lab.map((g) => `${g}/*.test.ts`), exclude: [...kind, ...kubeadm], ...oneAtATime, sequence: { groupOrder: 1 } } },
      { test: { name: 'kind', include: kind, ...oneAtATime, sequence: { groupOrder: 2 } } },
      { test: { name: 'kubeadm', include: kubeadm, ...oneAtATime, sequence: { groupOrder: 3 } } },
    ],
  },
});
