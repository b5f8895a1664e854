import * as protoLoader from '@grpc/proto-loader';
import { descriptors } from '../generated/descriptors';
import type { AuthDefinition } from '../generated/mqp/auth/v1/Auth';
import type { RouterDefinition } from '../generated/mqp/router/v1/Router';
import type { SessionDefinition } from '../generated/mqp/session/v1/Session';

/**
 * How protobuf messages become JS objects. The generated types were produced
 * with the matching `proto-loader-gen-types` flags (tools/contracts/generate.ts):
 * change both together.
 * - longs as Number: we have no 64-bit fields that can exceed 2^53.
 * - enums as String: readable, and an unknown number arrives as a number we refuse.
 * - defaults: scalars and repeated fields are always present on decode; proto3
 *   `optional` fields stay absent when unset, which is how optional TS fields map.
 * - oneofs: a oneof's name holds the field that is set (AuthenticateResponse.decision).
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

// The descriptor is plain JSON data embedded at generation time (apps are
// bundled, nothing reads .proto files at runtime); its inferred literal type
// is narrower than protobufjs's INamespace in ways that do not matter.
type Descriptor = Parameters<typeof protoLoader.fromJSON>[0];

const packageDefinition = protoLoader.fromJSON(descriptors as unknown as Descriptor, LOADER_OPTIONS);

/** Fully qualified gRPC service names, as the health service knows them. */
export const grpcServiceNames = {
  auth: 'mqp.auth.v1.Auth',
  session: 'mqp.session.v1.Session',
  router: 'mqp.router.v1.Router',
} as const;

export const authServiceDefinition = packageDefinition[grpcServiceNames.auth] as unknown as AuthDefinition;
export const sessionServiceDefinition = packageDefinition[grpcServiceNames.session] as unknown as SessionDefinition;
export const routerServiceDefinition = packageDefinition[grpcServiceNames.router] as unknown as RouterDefinition;
