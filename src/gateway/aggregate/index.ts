export type { AggregatorOptions } from './aggregator.js';
export { Aggregator } from './aggregator.js';
export { MAX_SNAPSHOTS } from './cursors.js';
export type { AggregateServerInfo } from './merge-initialize.js';
export { NAMESPACE_SEPARATOR, parseNamespacedName, toNamespacedName } from './names.js';
export type { RefusalCode } from './replies.js';
