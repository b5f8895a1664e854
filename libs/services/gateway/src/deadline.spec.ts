import { ServiceUnavailableError } from '@mqp/model';
import { withDeadline } from './deadline';

describe('withDeadline (every call to auth, session and router)', () => {
  it('passes on the answer of a call that answers in time', async () => {
    await expect(withDeadline(Promise.resolve('granted'), 1_000, 'auth')).resolves.toBe('granted');
  });

  it('passes on the error of a call that fails in time, as it is', async () => {
    const refused = new Error('refused');
    await expect(withDeadline(Promise.reject(refused), 1_000, 'auth')).rejects.toBe(refused);
  });

  it('fails closed with ServiceUnavailableError naming the service when the call hangs', async () => {
    const hung = new Promise<never>(() => undefined);
    const outcome = withDeadline(hung, 20, 'session');
    await expect(outcome).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(outcome).rejects.toThrow('session did not answer within 20 ms');
  });

  it('keeps the first outcome: a late answer after the deadline changes nothing', async () => {
    let answer!: (v: string) => void;
    const late = new Promise<string>((resolve) => (answer = resolve));
    const outcome = withDeadline(late, 10, 'router');
    await expect(outcome).rejects.toBeInstanceOf(ServiceUnavailableError);
    answer('too late');
    await expect(outcome).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
