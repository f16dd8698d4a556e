import type { ActionModule } from '../../engine/types.js';
import { kubectlApply } from './kubectl-apply.js';
import { kubectlDelete } from './kubectl-delete.js';
import { k8sScale } from './scale.js';
import { k8sRollout } from './rollout.js';
import { k8sExec } from './exec.js';
import { k8sStopLeaseHolder } from './stop-lease-holder.js';

export const actions: ActionModule[] = [kubectlApply, kubectlDelete, k8sScale, k8sRollout, k8sExec, k8sStopLeaseHolder];
