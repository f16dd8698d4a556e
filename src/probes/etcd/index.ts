import type { ProbeModule } from '../../engine/types.js';
import { etcdWrites } from './writes.js';

export const probes: ProbeModule[] = [etcdWrites];
