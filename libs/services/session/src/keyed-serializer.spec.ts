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

  it('starts even the task of an idle key after the caller has gone on, never within run()', async () => {
    const serializer = new KeyedSerializer();
    const events: string[] = [];
    const done = serializer.run('a', async () => void events.push('task'));
    events.push('after run');
    await done;
    expect(events).toEqual(['after run', 'task']);
  });

  it('keeps a key while tasks are queued on it: one queued after the first settled still waits for the second', async () => {
    const serializer = new KeyedSerializer();
    const events: string[] = [];
    let releaseA2!: () => void;
    const a1 = serializer.run('a', async () => void events.push('a1'));
    const a2 = serializer.run('a', async () => {
      events.push('a2 start');
      await new Promise<void>((resolve) => (releaseA2 = resolve));
      events.push('a2 end');
    });
    await a1;
    await new Promise((resolve) => setImmediate(resolve));
    // a1 has settled and been forgotten; a2 still holds the key
    expect(serializer.size).toBe(1);
    const a3 = serializer.run('a', async () => void events.push('a3'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['a1', 'a2 start']);
    releaseA2();
    await Promise.all([a2, a3]);
    expect(events).toEqual(['a1', 'a2 start', 'a2 end', 'a3']);
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
