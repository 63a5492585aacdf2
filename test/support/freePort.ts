// Test servers take their ports where the real-server starter does (scripts/cluster/freePort.ts).
export { freePort } from '../../scripts/cluster/freePort';
