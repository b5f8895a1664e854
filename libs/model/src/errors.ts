/**
 * The platform's error hierarchy. Every error that crosses a boundary carries
 * a stable `code`; each boundary maps codes in exactly one place (gRPC status
 * in @mqp/grpc, MQTT reason codes in the gateway, span status in telemetry).
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'PERMISSION_DENIED'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  | 'RESOURCE_EXHAUSTED'
  | 'INTERNAL';

export class MqpError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A service the caller depends on could not be reached or did not answer in time. */
export class ServiceUnavailableError extends MqpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNAVAILABLE', message, options);
  }
}

/** A request was malformed; retrying it unchanged will fail again. */
export class InvalidArgumentError extends MqpError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_ARGUMENT', message, options);
  }
}

/** Configuration was invalid; `problems` lists every problem found, not only the first. */
export class ConfigError extends MqpError {
  readonly problems: string[];

  constructor(problems: string[]) {
    super('INVALID_ARGUMENT', `invalid configuration: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

export function errorCodeOf(err: unknown): ErrorCode {
  return err instanceof MqpError ? err.code : 'INTERNAL';
}
