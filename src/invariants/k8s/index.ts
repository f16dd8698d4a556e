import type { InvariantModule } from '../../engine/types.js';

export const invariants: InvariantModule[] = [];
