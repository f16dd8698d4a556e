import type { ActionModule } from '../../engine/types.js';

export const actions: ActionModule[] = [];
