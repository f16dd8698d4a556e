/** Raft commits on a strict majority: quorum = ⌊n/2⌋+1, and n − quorum members may fail. */
export const quorumOf = (members: number): number => Math.floor(members / 2) + 1;
