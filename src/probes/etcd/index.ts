import type { ProbeModule } from '../../engine/types.js';

export const probes: ProbeModule[] = [];
