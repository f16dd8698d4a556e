export { connectEtcd, etcdErrorMessage, within, DEFAULT_DEADLINE_MS, type EtcdClient, type EtcdTls } from './client.js';
export { TlsEtcdAccess, type EtcdAccess, type EtcdEndpoint, type MemberProbe, type MemberStatus } from './access.js';
export { currentLeader, leaderOf, LEADER_REFERENCE } from './leader.js';
export { resolveNode, isSelector, selectionKey } from './selectors.js';
export { requireEtcd, onAnyMember, describeAttempts, type Attempt } from './ops.js';
