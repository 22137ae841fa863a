/**
 * Wire plumbing of the EventStoreDB stand-in (a TEST FIXTURE): the generated protobuf modules the
 * client ships, and the few conversions every handler needs (UUIDs, stream identifiers, gRPC
 * statuses with the server's `exception` trailer, google.rpc.Status details for BatchAppend).
 */
import { createRequire } from 'node:module';
import { once } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type * as StreamsPbModule from '@eventstore/db-client/generated/streams_pb.js';
import type * as SharedPbModule from '@eventstore/db-client/generated/shared_pb.js';
import type * as StatusPbModule from '@eventstore/db-client/generated/status_pb.js';
import type * as StreamsGrpcModule from '@eventstore/db-client/generated/streams_grpc_pb.js';
import type * as FeaturesGrpcModule from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import type * as FeaturesPbModule from '@eventstore/db-client/generated/serverfeatures_pb.js';

// The generated modules are CommonJS built with `goog.object.extend(exports, …)`, which Node's ESM
// loader cannot see named exports through; require them so the client and this server share the
// very same message classes (the generated serializers check `instanceof`). google-protobuf is
// required from the client's own location, so the `Any` used to pack details is the client's.
const require = createRequire(import.meta.url);
const clientRequire = createRequire(require.resolve('@eventstore/db-client'));
export const pb = require('@eventstore/db-client/generated/streams_pb.js') as typeof StreamsPbModule;
export const shared = require('@eventstore/db-client/generated/shared_pb.js') as typeof SharedPbModule;
export const rpcStatus = require('@eventstore/db-client/generated/status_pb.js') as typeof StatusPbModule;
export const streamsGrpc = require('@eventstore/db-client/generated/streams_grpc_pb.js') as typeof StreamsGrpcModule;
export const featuresGrpc =
  require('@eventstore/db-client/generated/serverfeatures_grpc_pb.js') as typeof FeaturesGrpcModule;
export const featuresPb = require('@eventstore/db-client/generated/serverfeatures_pb.js') as typeof FeaturesPbModule;

interface AnyMessage {
  pack(serialized: Uint8Array, name: string, typeUrlPrefix?: string): void;
}
const anyPb = clientRequire('google-protobuf/google/protobuf/any_pb.js') as { Any: new () => AnyMessage };
const emptyPb = clientRequire('google-protobuf/google/protobuf/empty_pb.js') as {
  Empty: new () => { serializeBinary(): Uint8Array };
};

export type ReadReq = StreamsPbModule.ReadReq;
export type ReadResp = StreamsPbModule.ReadResp;
export type AppendReq = StreamsPbModule.AppendReq;
export type AppendResp = StreamsPbModule.AppendResp;
export type BatchAppendReq = StreamsPbModule.BatchAppendReq;
export type BatchAppendResp = StreamsPbModule.BatchAppendResp;
export type RpcStatus = StatusPbModule.Status;

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A gRPC error with the server's trailers (e.g. `exception: not-leader`, `leader-endpoint-host`). */
export function statusError(code: grpc.status, details: string, meta: Record<string, string> = {}): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(meta)) metadata.set(k, v);
  const err = new Error(details) as grpc.ServiceError;
  err.code = code;
  err.details = details;
  err.metadata = metadata;
  return err;
}

/** The request header the client sets with `requiresLeader: true` (Constants.cs: `requires-leader`). */
export function requiresLeader(metadata: grpc.Metadata): boolean {
  return metadata.get('requires-leader').some((v) => String(v) === 'true');
}

export function bytesOf(v: Uint8Array | string): Uint8Array {
  return typeof v === 'string' ? new Uint8Array(Buffer.from(v, 'base64')) : v;
}

export function parseUuid(u: SharedPbModule.UUID | undefined): string | undefined {
  if (u === undefined) return undefined;
  if (u.hasString()) {
    const s = u.getString();
    return UUID_RE.test(s) ? s.toLowerCase() : undefined;
  }
  if (u.hasStructured()) {
    const st = u.getStructured()!;
    const msb = BigInt.asUintN(64, BigInt(st.getMostSignificantBits()));
    const lsb = BigInt.asUintN(64, BigInt(st.getLeastSignificantBits()));
    const hex = msb.toString(16).padStart(16, '0') + lsb.toString(16).padStart(16, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return undefined;
}

export function makeUuid(id: string, structured: boolean): SharedPbModule.UUID {
  const u = new shared.UUID();
  if (!structured) return u.setString(id);
  const hex = id.replace(/-/g, '');
  const st = new shared.UUID.Structured();
  st.setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString(10));
  st.setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString(10));
  return u.setStructured(st);
}

export function streamIdentifier(name: string): SharedPbModule.StreamIdentifier {
  return new shared.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));
}

export function nameOf(id: SharedPbModule.StreamIdentifier | undefined): string | undefined {
  if (id === undefined) return undefined;
  return Buffer.from(bytesOf(id.getStreamName())).toString('utf8');
}

/** Write with backpressure: wait for `drain` when grpc-js's buffer is full. */
export async function send<T>(call: grpc.ServerWritableStream<unknown, T>, msg: T): Promise<void> {
  if (!call.write(msg)) await once(call, 'drain');
}

/**
 * A google.rpc.Status as the server puts in a BatchAppendResp (KurrentDB's `Google.Rpc.Status`
 * helpers used by src/KurrentDB.Core/Services/Transport/Grpc/Streams.BatchAppend.cs): a code, a
 * message and the details packed in an `Any` named after the message type — which is how the client
 * (`unpackToCommandError`) tells WrongExpectedVersion, Timeout, … apart. `details` null packs
 * `google.protobuf.Empty`, as the server does for "Server Is Not Ready".
 */
export function rpcError(
  code: number,
  message: string,
  details: { serializeBinary(): Uint8Array } | Uint8Array | null,
  typeName: string,
): RpcStatus {
  const any = new anyPb.Any();
  const bytes = details instanceof Uint8Array ? details : (details ?? new emptyPb.Empty()).serializeBinary();
  any.pack(bytes, details === null ? 'google.protobuf.Empty' : typeName);
  return new rpcStatus.Status()
    .setCode(code)
    .setMessage(message)
    .setDetails(any as unknown as Parameters<RpcStatus['setDetails']>[0]);
}
