export type { KubeClient, CallOptions, NodeStatus, PodStatus, DeploymentStatus, LeaseStatus, WorkloadKind } from './types.js';
export { KubeApiError } from './types.js';
export { apiPaths, splitRef, NS_NAME_PATTERN } from './paths.js';
export { kubeAccess, kubectlArgv, type KubeAccess } from './access.js';
