import type { ActionModule } from '../../engine/types.js';
import { etcdPut } from './put.js';
import { etcdDelete } from './delete.js';
import { etcdLeaderMove } from './leader-move.js';
import { compact } from './compact.js';
import { defrag } from './defrag.js';
import { fill } from './fill.js';
import { alarmDisarm } from './alarm-disarm.js';
import { seed } from './seed.js';
import { snapshotSave } from './snapshot-save.js';
import { snapshotRestore } from './snapshot-restore.js';
import { memberReplace } from './member-replace.js';
import { memberAdd } from './member-add.js';
import { memberRemove } from './member-remove.js';

/** etcd: writes and leadership, maintenance (A-C-D-D), disaster recovery. */
export const actions: ActionModule[] = [
  etcdPut, etcdDelete, etcdLeaderMove,
  compact, defrag, fill, alarmDisarm, seed, snapshotSave, snapshotRestore, memberReplace, memberAdd, memberRemove,
];
