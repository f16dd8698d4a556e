import type { InvariantModule } from '../../engine/types.js';
import { etcdQuorum } from './quorum.js';
import { etcdLeader } from './leader.js';
import { etcdWritable } from './writable.js';
import { etcdReadOnly } from './read-only.js';
import { etcdInSync } from './in-sync.js';
import { etcdHashConsistent } from './hash-consistent.js';
import { etcdKey } from './key.js';

export const invariants: InvariantModule[] = [etcdQuorum, etcdLeader, etcdWritable, etcdReadOnly, etcdInSync, etcdHashConsistent, etcdKey];
