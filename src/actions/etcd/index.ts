import type { ActionModule } from '../../engine/types.js';
import { etcdPut } from './put.js';
import { etcdDelete } from './delete.js';
import { etcdLeaderMove } from './leader-move.js';

export const actions: ActionModule[] = [etcdPut, etcdDelete, etcdLeaderMove];
