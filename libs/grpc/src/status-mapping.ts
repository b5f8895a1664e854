import { Metadata, status, type StatusObject } from '@grpc/grpc-js';
import { InvalidArgumentError, MqpError, ServiceUnavailableError, type ErrorCode } from '@mqp/model';

/**
 * The one place where @mqp/model error codes meet gRPC status codes, in both
 * directions. Servers send `toServiceError(err)`; clients turn what they get
 * back into an MqpError with `fromServiceError(err)`.
 */
const STATUS_OF_CODE: Readonly<Record<ErrorCode, status>> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
  UNAVAILABLE: status.UNAVAILABLE,
  DEADLINE_EXCEEDED: status.DEADLINE_EXCEEDED,
  RESOURCE_EXHAUSTED: status.RESOURCE_EXHAUSTED,
  INTERNAL: status.INTERNAL,
};

/**
 * Statuses our servers never send on purpose but grpc-js or a proxy can
 * produce; each is folded into the nearest code. Anything not listed is
 * INTERNAL (e.g. UNIMPLEMENTED from a peer of another version).
 */
const CODE_OF_STATUS: ReadonlyMap<status, ErrorCode> = new Map<status, ErrorCode>([
  [status.INVALID_ARGUMENT, 'INVALID_ARGUMENT'],
  [status.FAILED_PRECONDITION, 'INVALID_ARGUMENT'],
  [status.OUT_OF_RANGE, 'INVALID_ARGUMENT'],
  [status.ALREADY_EXISTS, 'INVALID_ARGUMENT'],
  [status.NOT_FOUND, 'NOT_FOUND'],
  [status.PERMISSION_DENIED, 'PERMISSION_DENIED'],
  [status.UNAUTHENTICATED, 'PERMISSION_DENIED'],
  [status.UNAVAILABLE, 'UNAVAILABLE'],
  // A cancelled or aborted call did not complete: to the caller that is the
  // same as the service not answering, and it must fail closed.
  [status.CANCELLED, 'UNAVAILABLE'],
  [status.ABORTED, 'UNAVAILABLE'],
  [status.DEADLINE_EXCEEDED, 'DEADLINE_EXCEEDED'],
  [status.RESOURCE_EXHAUSTED, 'RESOURCE_EXHAUSTED'],
  [status.INTERNAL, 'INTERNAL'],
]);

/** What a caller sees for an error that is not an MqpError (a server bug). */
const INTERNAL_DETAILS = 'internal error';

export function statusOfErrorCode(code: ErrorCode): status {
  return STATUS_OF_CODE[code] ?? status.INTERNAL;
}

export function errorCodeOfStatus(code: status): ErrorCode {
  return CODE_OF_STATUS.get(code) ?? 'INTERNAL';
}

/**
 * What a server sends for an error thrown by a handler. MqpErrors keep their
 * message (it was written for the caller); anything else is a bug on the
 * server side, so its text (which may hold internals) stays in the server's
 * log and the caller sees only "internal error".
 */
export function toServiceError(err: unknown): Partial<StatusObject> & { code: status; details: string } {
  if (err instanceof MqpError) {
    return { code: statusOfErrorCode(err.code), details: err.message, metadata: new Metadata() };
  }
  return { code: status.INTERNAL, details: INTERNAL_DETAILS, metadata: new Metadata() };
}

interface StatusLike {
  code: number;
  details?: string;
  message?: string;
}

function isStatusLike(err: unknown): err is StatusLike {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number';
}

/**
 * The MqpError a client throws for a failed call. A call that could not
 * reach the service or did not finish in time becomes ServiceUnavailableError,
 * so callers (auth above all) can fail closed on one type [HOSTILE-INPUTS:
 * "Auth service unreachable: fail closed, never open"].
 *
 * @param what names the call for the message, e.g. `mqp.auth.v1.Auth/Authorize`.
 */
export function fromServiceError(err: unknown, what?: string): MqpError {
  if (err instanceof MqpError) return err;
  const prefix = what ? `${what}: ` : '';
  if (!isStatusLike(err)) {
    return new MqpError('INTERNAL', `${prefix}${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const details = err.details || err.message || status[err.code] || 'unknown error';
  const code = errorCodeOfStatus(err.code);
  switch (code) {
    case 'UNAVAILABLE':
    case 'DEADLINE_EXCEEDED':
      return new ServiceUnavailableError(`${prefix}${status[err.code] ?? err.code}: ${details}`, { cause: err });
    case 'INVALID_ARGUMENT':
      return new InvalidArgumentError(`${prefix}${details}`, { cause: err });
    default:
      return new MqpError(code, `${prefix}${details}`, { cause: err });
  }
}
