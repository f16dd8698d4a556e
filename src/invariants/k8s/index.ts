import type { InvariantModule } from '../../engine/types.js';
import { k8sApiWritable } from './api-writable.js';
import { k8sApiReadable } from './api-readable.js';
import { k8sAvailable } from './available.js';
import { k8sNodesReady } from './nodes-ready.js';
import { k8sPodsRunning } from './pods-running.js';
import { k8sLeaseHolder } from './lease-holder.js';

export const invariants: InvariantModule[] = [k8sApiWritable, k8sApiReadable, k8sAvailable, k8sNodesReady, k8sPodsRunning, k8sLeaseHolder];
