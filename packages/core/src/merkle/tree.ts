import { hosoError, HosoFailure } from '../errors.js';
import {
  consistencyPlan,
  flattenPlan,
  foldPlan,
  foldRange,
  inclusionPlan,
  nodeEnd,
  rootPlan,
  type NodeId,
} from './plan.js';

/**
 * Roots and proofs of a tree whose complete perfect subtrees are stored (see `CompactRange`),
 * in O(log n) node reads. Sync sources answer one node at a time; async sources get the whole
 * plan in one `fetch` call, so a remote store makes one round trip per root or proof.
 */

/** A synchronous store of complete nodes (e.g. a prepared SQLite statement). */
export interface NodeSource {
  /** The hash of the complete node `{ level, index }`; must throw if it is not stored. */
  node(level: number, index: number): Uint8Array;
}

/** Fetch the hashes of `ids`, in order, in one batch. */
export type NodeFetch = (ids: NodeId[]) => Promise<Uint8Array[]>;

/** Every planned node must be complete in the tree of `size`: a defence against plan bugs. */
function checkComplete(ids: readonly NodeId[], size: number): void {
  for (const id of ids) {
    if (nodeEnd(id) > size) {
      throw new HosoFailure(
        hosoError(
          'invalid-node',
          `node (level ${id.level}, index ${id.index}) is not complete in a tree of size ${size}`,
        ),
      );
    }
  }
}

function readAll(ids: readonly NodeId[], src: NodeSource): Uint8Array[] {
  return ids.map((id) => src.node(id.level, id.index));
}

/** RFC 9162 root of the first `size` leaves from stored nodes. */
export function treeRoot(size: number, src: NodeSource): Uint8Array {
  const plan = rootPlan(size);
  checkComplete(plan, size);
  return foldPlan([plan], readAll(plan, src))[0] ?? foldRange([]);
}

/** RFC 9162 inclusion proof of leaf `index` in the tree of `size`, from stored nodes. */
export function treeInclusionProof(index: number, size: number, src: NodeSource): Uint8Array[] {
  const plan = inclusionPlan(index, size);
  const ids = flattenPlan(plan);
  checkComplete(ids, size);
  return foldPlan(plan, readAll(ids, src));
}

/** RFC 9162 consistency proof from size `m` to size `n`, from stored nodes. */
export function treeConsistencyProof(m: number, n: number, src: NodeSource): Uint8Array[] {
  const plan = consistencyPlan(m, n);
  const ids = flattenPlan(plan);
  checkComplete(ids, n);
  return foldPlan(plan, readAll(ids, src));
}

/** {@link treeRoot} with one batched asynchronous fetch. */
export async function treeRootAsync(size: number, fetch: NodeFetch): Promise<Uint8Array> {
  const plan = rootPlan(size);
  checkComplete(plan, size);
  if (plan.length === 0) return foldRange([]);
  return foldPlan([plan], await fetch(plan))[0]!;
}

/** {@link treeInclusionProof} with one batched asynchronous fetch. */
export async function treeInclusionProofAsync(index: number, size: number, fetch: NodeFetch): Promise<Uint8Array[]> {
  const plan = inclusionPlan(index, size);
  const ids = flattenPlan(plan);
  checkComplete(ids, size);
  if (ids.length === 0) return [];
  return foldPlan(plan, await fetch(ids));
}

/** {@link treeConsistencyProof} with one batched asynchronous fetch. */
export async function treeConsistencyProofAsync(m: number, n: number, fetch: NodeFetch): Promise<Uint8Array[]> {
  const plan = consistencyPlan(m, n);
  const ids = flattenPlan(plan);
  checkComplete(ids, n);
  if (ids.length === 0) return [];
  return foldPlan(plan, await fetch(ids));
}
