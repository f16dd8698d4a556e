import type { InvariantModule } from '../../engine/types.js';
import { etcdAlarms } from './alarms.js';
import { etcdDbSize } from './db-size.js';
import { snapshotValid } from './snapshot-valid.js';
import { etcdClusterId } from './cluster-id.js';
import { etcdRpo } from './rpo.js';

/** etcd maintenance and recovery invariants (issue 4). */
export const invariants: InvariantModule[] = [etcdAlarms, etcdDbSize, snapshotValid, etcdClusterId, etcdRpo];
