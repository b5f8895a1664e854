import { createLogger } from './logger';
import { ModuleManager } from './module-manager';
import type { ModuleDefinition } from './module';

function recorder(): { events: string[]; def(name: string, deps?: string[], extra?: Partial<ModuleDefinition>): ModuleDefinition } {
  const events: string[] = [];
  return {
    events,
    def: (name, deps = [], extra = {}) => ({
      name,
      deps,
      init: (ctx) => {
        events.push(`init ${name}`);
        return {
          value: { name, deps: deps.map((d) => ctx.get<{ name: string }>(d).name) },
          start: async () => void events.push(`start ${name}`),
          stop: async () => void events.push(`stop ${name}`),
        };
      },
      ...extra,
    }),
  };
}

const quiet = createLogger({ level: 'silent' });

describe('ModuleManager', () => {
  it('starts dependencies first and stops in reverse order', async () => {
    const r = recorder();
    const manager = new ModuleManager(quiet).register(r.def('gateway', ['bus', 'auth'])).register(r.def('auth', ['config'])).register(r.def('bus', ['config'])).register(r.def('config'));
    await manager.start(['gateway']);
    expect(r.events.filter((e) => e.startsWith('start'))).toEqual(['start config', 'start bus', 'start auth', 'start gateway']);
    expect(manager.value<{ deps: string[] }>('gateway')?.deps).toEqual(['bus', 'auth']);
    await manager.stop();
    expect(r.events.filter((e) => e.startsWith('stop'))).toEqual(['stop gateway', 'stop auth', 'stop bus', 'stop config']);
  });

  it('expands a target into its modules, like Mimir\'s All', () => {
    const r = recorder();
    const manager = new ModuleManager(quiet, { all: ['a', 'b'] }).register(r.def('a')).register(r.def('b', ['c'])).register(r.def('c'));
    expect(manager.resolve(['all'])).toEqual(['a', 'c', 'b']);
  });

  it('names the unknown module and who needs it, and refuses cycles', () => {
    const r = recorder();
    const manager = new ModuleManager(quiet).register(r.def('a', ['b'])).register(r.def('b', ['missing']));
    expect(() => manager.resolve(['a'])).toThrow('unknown module or target "missing" (needed by a → b)');
    const cyclic = new ModuleManager(quiet).register(r.def('x', ['y'])).register(r.def('y', ['x']));
    expect(() => cyclic.resolve(['x'])).toThrow(/dependency cycle: x → y → x/);
  });

  it('refuses a module reading a dependency it did not declare', async () => {
    const manager = new ModuleManager(quiet)
      .register({ name: 'secret', init: () => ({ value: 1 }) })
      .register({ name: 'sneaky', init: (ctx) => ({ value: ctx.get('secret') }) });
    await expect(manager.start(['secret', 'sneaky'])).rejects.toThrow(/without declaring it/);
  });

  it('stops what already started when a later module fails to start', async () => {
    const r = recorder();
    const manager = new ModuleManager(quiet)
      .register(r.def('store'))
      .register({ name: 'listener', deps: ['store'], init: () => ({ value: null, start: async () => Promise.reject(new Error('EADDRINUSE')) }) });
    await expect(manager.start(['listener'])).rejects.toThrow('EADDRINUSE');
    expect(r.events).toContain('stop store');
  });

  it('is ready only when every started module is healthy', async () => {
    let busUp = true;
    const manager = new ModuleManager(quiet)
      .register({ name: 'bus', init: () => ({ value: null, health: () => ({ healthy: busUp, detail: busUp ? 'connected' : 'reconnecting' }) }) })
      .register({ name: 'gateway', deps: ['bus'], init: () => ({ value: null }) });
    expect(manager.health().ready).toBe(false); // nothing started yet
    await manager.start(['gateway']);
    expect(manager.health().ready).toBe(true);
    busUp = false;
    expect(manager.health()).toEqual({ ready: false, modules: { bus: { healthy: false, detail: 'reconnecting' }, gateway: { healthy: true } } });
    await manager.stop();
    expect(manager.health().ready).toBe(false);
  });
});
