// The Node builds' entry: the package as every build has it, and what only Node has beyond
// the browser build's exports (the browser build's entry is index.js).
export * from './index.js';
export { retryBatch } from './batch.js';
export { HedgeLostError } from './hedge.js';
