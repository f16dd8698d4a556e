export { DockerNodes, type DockerNodesTarget, type NodeOp, type NodeOpsContext } from './node-ops.js';
export { DockerShell } from './shell.js';
export { containersWithLabel, inspectContainers, parseInspect, type ContainerInfo } from './inspect.js';
