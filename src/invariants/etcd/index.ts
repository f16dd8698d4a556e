import type { InvariantModule } from '../../engine/types.js';
import { etcdQuorum } from './quorum.js';
import { etcdLeader } from './leader.js';
import { etcdWritable } from './writable.js';
import { etcdReadOnly } from './read-only.js';
import { etcdInSync } from './in-sync.js';
import { etcdHashConsistent } from './hash-consistent.js';
import { etcdKey } from './key.js';
import { etcdAlarms } from './alarms.js';
import { etcdDbSize } from './db-size.js';
import { snapshotValid } from './snapshot-valid.js';
import { etcdClusterId } from './cluster-id.js';
import { etcdRpo } from './rpo.js';
import { etcdDefragOrder } from './defrag-order.js';
import { etcdMemberId } from './member-id.js';

/** etcd: quorum, leadership, data; maintenance and recovery. */
export const invariants: InvariantModule[] = [
  etcdQuorum, etcdLeader, etcdWritable, etcdReadOnly, etcdInSync, etcdHashConsistent, etcdKey,
  etcdAlarms, etcdDbSize, snapshotValid, etcdClusterId, etcdRpo, etcdDefragOrder, etcdMemberId,
];
