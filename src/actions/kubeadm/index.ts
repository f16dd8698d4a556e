import type { ActionModule } from '../../engine/types.js';
import { certsRenew } from './certs-renew.js';
import { kubeletStart, kubeletStop } from './kubelet.js';
import { staticpodStart, staticpodStop } from './staticpod.js';

export const actions: ActionModule[] = [kubeletStop, kubeletStart, staticpodStop, staticpodStart, certsRenew];
