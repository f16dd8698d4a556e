import type { ProbeModule } from '../../engine/types.js';
import { k8sWrites } from './writes.js';

export const probes: ProbeModule[] = [k8sWrites];
