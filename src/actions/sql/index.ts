import type { ActionModule } from '../../engine/types.js';
import { sqlExec } from './exec.js';

export const actions: ActionModule[] = [sqlExec];
