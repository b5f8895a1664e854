import { status } from '@grpc/grpc-js';
import { InvalidArgumentError, MqpError, ServiceUnavailableError, type ErrorCode } from '@mqp/model';
import { errorCodeOfStatus, fromServiceError, statusOfErrorCode, toServiceError } from './status-mapping';

const pairs: Array<[ErrorCode, status]> = [
  ['INVALID_ARGUMENT', status.INVALID_ARGUMENT],
  ['NOT_FOUND', status.NOT_FOUND],
  ['PERMISSION_DENIED', status.PERMISSION_DENIED],
  ['UNAVAILABLE', status.UNAVAILABLE],
  ['DEADLINE_EXCEEDED', status.DEADLINE_EXCEEDED],
  ['RESOURCE_EXHAUSTED', status.RESOURCE_EXHAUSTED],
  ['INTERNAL', status.INTERNAL],
];

describe('status mapping', () => {
  it.each(pairs)('maps %s to the gRPC status of the same name and back', (code, grpcStatus) => {
    expect(statusOfErrorCode(code)).toBe(grpcStatus);
    expect(errorCodeOfStatus(grpcStatus)).toBe(code);
  });

  it('maps statuses we never send to INTERNAL', () => {
    expect(errorCodeOfStatus(status.UNIMPLEMENTED)).toBe('INTERNAL');
    expect(errorCodeOfStatus(status.UNKNOWN)).toBe('INTERNAL');
    expect(errorCodeOfStatus(999 as status)).toBe('INTERNAL');
  });

  it('sends an MqpError with its code and message', () => {
    expect(toServiceError(new InvalidArgumentError('bad topic'))).toMatchObject({ code: status.INVALID_ARGUMENT, details: 'bad topic' });
  });

  it('hides the text of an error that is not an MqpError', () => {
    expect(toServiceError(new Error('db password is hunter2'))).toMatchObject({ code: status.INTERNAL, details: 'internal error' });
  });

  it.each([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.CANCELLED])('turns client-side status %s into ServiceUnavailableError', (code) => {
    const err = fromServiceError({ code, details: 'no connection' }, 'mqp.auth.v1.Auth/Authorize');
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.message).toContain('mqp.auth.v1.Auth/Authorize');
  });

  it('turns INVALID_ARGUMENT into InvalidArgumentError with the server message', () => {
    const err = fromServiceError({ code: status.INVALID_ARGUMENT, details: 'bad topic' });
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect(err.message).toBe('bad topic');
  });

  it('keeps the code of the other statuses', () => {
    expect(fromServiceError({ code: status.PERMISSION_DENIED, details: 'no' }).code).toBe('PERMISSION_DENIED');
    expect(fromServiceError({ code: status.UNIMPLEMENTED, details: 'no' }).code).toBe('INTERNAL');
  });

  it('passes an MqpError through and wraps anything else as INTERNAL', () => {
    const original = new MqpError('NOT_FOUND', 'gone');
    expect(fromServiceError(original)).toBe(original);
    expect(fromServiceError('boom').code).toBe('INTERNAL');
  });
});
