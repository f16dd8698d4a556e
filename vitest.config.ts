import { defineConfig } from 'vitest/config';

// Tests against real docker / etcd / PostgreSQL share one machine (2 cores). Each project below runs
// its files one at a time, so that etcd's timing (elections, write gaps) inside one queue is not
// disturbed by that queue's other tests; unit tests run in parallel. `npm test` (scripts/test.mjs)
// runs the four projects side by side, each its own vitest process (a vitest process has one pool),
// since the machine mostly waits on docker and etcd during them (CPU ~75 % of 2 cores in a clean-clone
// run with three queues, unit then lab in one: that queue was the longest, 10 min 9 s):
//   unit, then late     no lab (files in parallel); then, one at a time, what fills the time the
//                       unit tests leave: the campaigns (20 rounds on the etcd lab, 3 on the kubeadm
//                       test hosts), the give-up exercise, kdrill lab on kind
//   lab                 the etcd lab and everything without a lab of its own, the history probe's drills
//   kind                the kind stand-in's kind-shaped clusters (kind CLI TEST DOUBLE), every etcd
//                       drill run twice on a kept lab (run-drills)
//   kubeadm             the kubeadm test hosts (real sshd and etcd), the other exercises (balance)
const late = ['test/drills/campaign.test.ts', 'test/drills/campaign-kubeadm.test.ts', 'test/drills/exercise-give-up.test.ts', 'test/labs/kind/lab-command.test.ts'];
const kind = ['test/labs/kind/*.test.ts', 'test/drills/run-drills.test.ts'];
const kubeadm = ['test/labs/kubeadm/*.test.ts', 'test/drills/exercise-{defrag,member-replace,nospace,quorum}.test.ts'];
const lab = ['test/labs/**', 'test/clients/**', 'test/actions/**', 'test/invariants/etcd/**', 'test/probes/**', 'test/ops/**', 'test/drills/**', 'test/soak/**'];
const oneAtATime = { testTimeout: 180_000, hookTimeout: 180_000, fileParallelism: false, maxWorkers: 1 };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...lab, ...kind, ...kubeadm, ...late],
          testTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      { test: { name: 'lab', include: lab.map((g) => `${g}/*.test.ts`), exclude: [...kind, ...kubeadm, ...late], ...oneAtATime, sequence: { groupOrder: 1 } } },
      { test: { name: 'kind', include: kind, exclude: late, ...oneAtATime, sequence: { groupOrder: 2 } } },
      { test: { name: 'kubeadm', include: kubeadm, ...oneAtATime, sequence: { groupOrder: 3 } } },
      { test: { name: 'late', include: late, ...oneAtATime, sequence: { groupOrder: 4 } } },
    ],
  },
});
