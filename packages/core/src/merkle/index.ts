/**
 * RFC 9162 Merkle trees (docs/design.md §4): reference functions, proof verification, and the
 * incremental tree stores keep (compact range + stored perfect subtrees + node plans).
 */
export { merkleRoot, inclusionProof, consistencyProof } from './reference.js';
export { verifyInclusion, verifyConsistency, rootFromInclusionProof } from './verify.js';
export {
  type NodeId,
  nodeStart,
  nodeEnd,
  rangeNodes,
  foldRange,
  rootPlan,
  inclusionPlan,
  consistencyPlan,
  flattenPlan,
  foldPlan,
} from './plan.js';
export { CompactRange, type CompletedNode } from './compact-range.js';
export {
  type NodeSource,
  type NodeFetch,
  treeRoot,
  treeInclusionProof,
  treeConsistencyProof,
  treeRootAsync,
  treeInclusionProofAsync,
  treeConsistencyProofAsync,
} from './tree.js';
