import type { InvariantModule } from '../../engine/types.js';
import { sqlQuery } from './query.js';

export const invariants: InvariantModule[] = [sqlQuery];
