import { KeyedSerializer } from './keyed-serializer';

describe('KeyedSerializer', () => {
  it('runs tasks of one key one at a time in call order, and of different keys concurrently', async () => {
    const serializer = new KeyedSerializer();
    const events: string[] = [];
    let releaseA!: () => void;
    const a1 = serializer.run('a', async () => {
      events.push('a1 start');
      await new Promise<void>((resolve) => (releaseA = resolve));
      events.push('a1 end');
    });
    const a2 = serializer.run('a', async () => void events.push('a2'));
    const b1 = serializer.run('b', async () => void events.push('b1'));
    await b1;
    expect(events).toEqual(['a1 start', 'b1']);
    releaseA();
    await Promise.all([a1, a2]);
    expect(events).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
  });

  it('keeps going after a failed task and forgets keys once idle', async () => {
    const serializer = new KeyedSerializer();
    const failed = serializer.run('a', async () => {
      throw new Error('boom');
    });
    const next = serializer.run('a', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
    await new Promise((resolve) => setImmediate(resolve));
    expect(serializer.size).toBe(0);
  });
});
