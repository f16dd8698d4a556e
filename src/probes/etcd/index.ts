import type { ProbeModule } from '../../engine/types.js';
import { etcdWrites } from './writes.js';
import { etcdHistory } from './history.js';

export const probes: ProbeModule[] = [etcdWrites, etcdHistory];
