import type { Logger } from './logger';
import type { ModuleDefinition, ModuleHealth, ModuleInstance, Targets } from './module';

/**
 * Starts a set of modules in dependency order and stops them in reverse.
 * Targets are named groups: a target name expands to its modules, and every
 * module pulls in its dependencies (Mimir's `All` target works this way).
 */
export class ModuleManager {
  private readonly definitions = new Map<string, ModuleDefinition>();
  private readonly started: { name: string; instance: ModuleInstance }[] = [];
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly targets: Targets = {},
  ) {}

  register(definition: ModuleDefinition<any>): this {
    if (this.definitions.has(definition.name)) throw new Error(`module "${definition.name}" registered twice`);
    this.definitions.set(definition.name, definition);
    return this;
  }

  /** The modules a list of targets/module names needs, dependencies first. */
  resolve(names: readonly string[]): string[] {
    const order: string[] = [];
    const visiting = new Set<string>();
    const visit = (name: string, path: string[]): void => {
      if (order.includes(name)) return;
      const group = this.targets[name];
      if (group) {
        for (const member of group) visit(member, [...path, name]);
        return;
      }
      const def = this.definitions.get(name);
      if (!def) throw new Error(`unknown module or target "${name}"${path.length ? ` (needed by ${path.join(' → ')})` : ''}`);
      if (visiting.has(name)) throw new Error(`dependency cycle: ${[...path, name].join(' → ')}`);
      visiting.add(name);
      for (const dep of def.deps ?? []) visit(dep, [...path, name]);
      visiting.delete(name);
      order.push(name);
    };
    for (const name of names) visit(name, []);
    return order;
  }

  /** Inits and starts the modules; on failure stops what already started and rethrows. */
  async start(names: readonly string[]): Promise<void> {
    const values = new Map<string, unknown>();
    for (const name of this.resolve(names)) {
      const def = this.definitions.get(name)!;
      const deps = new Set(def.deps ?? []);
      const logger = this.logger.child(name);
      try {
        const instance = await def.init({
          logger,
          get: <T>(dep: string): T => {
            if (!deps.has(dep)) throw new Error(`module "${name}" reads "${dep}" without declaring it as a dependency`);
            return values.get(dep) as T;
          },
        });
        values.set(name, instance.value);
        this.started.push({ name, instance });
        await instance.start?.();
        logger.debug('started');
      } catch (err) {
        this.logger.error(`module ${name} failed to start`, { error: err });
        await this.stop();
        throw err;
      }
    }
  }

  /** Stops started modules in reverse order; safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      while (this.started.length > 0) {
        const { name, instance } = this.started.pop()!;
        try {
          await instance.stop?.();
        } catch (err) {
          this.logger.error(`module ${name} failed to stop cleanly`, { error: err });
        }
      }
    })();
    return this.stopping;
  }

  /** Health of every started module; ready when all are healthy. */
  health(): { ready: boolean; modules: Record<string, ModuleHealth> } {
    const modules: Record<string, ModuleHealth> = {};
    let ready = this.started.length > 0 && this.stopping === undefined;
    for (const { name, instance } of this.started) {
      const h = instance.health?.() ?? { healthy: true };
      modules[name] = h;
      if (!h.healthy) ready = false;
    }
    return { ready, modules };
  }

  /** The value a started module exposes (for apps and tests). */
  value<T>(name: string): T | undefined {
    return this.started.find((m) => m.name === name)?.instance.value as T | undefined;
  }
}
