import type { ActionModule } from '../../engine/types.js';
import { nodeStop } from './stop.js';
import { nodeKill } from './kill.js';
import { nodeStart } from './start.js';
import { nodePause } from './pause.js';
import { nodeUnpause } from './unpause.js';
import { nodePartition } from './partition.js';
import { nodeHeal } from './heal.js';
import { nodePoweroff, nodePoweron } from './power.js';
import { nodeExec } from './exec.js';

export const actions: ActionModule[] = [nodeStop, nodeKill, nodeStart, nodePause, nodeUnpause, nodePartition, nodeHeal, nodePoweroff, nodePoweron, nodeExec];
