import type { Logger } from './logger';

/**
 * One unit of the platform with a lifecycle: a service (gateway, auth, …) or a
 * piece of infrastructure (bus, store, gRPC server). Modules name their
 * dependencies; the module manager starts them in dependency order and stops
 * them in reverse. (Grafana Mimir `pkg/mimir/modules.go` is the model.)
 */
export interface ModuleDefinition<T = unknown> {
  name: string;
  deps?: readonly string[];
  /** Builds the module's instance; may read the instances of its dependencies from `ctx`. */
  init(ctx: ModuleContext): Promise<ModuleInstance<T>> | ModuleInstance<T>;
}

export interface ModuleInstance<T = unknown> {
  /** What dependents receive from `ctx.get(name)`. */
  value: T;
  start?(): Promise<void>;
  /** Release everything; called once, in reverse start order. */
  stop?(): Promise<void>;
  /** Whether the module can do its job now; `/ready` is 200 only when every module is healthy. */
  health?(): ModuleHealth;
}

export interface ModuleHealth {
  healthy: boolean;
  detail?: string;
}

export interface ModuleContext {
  logger: Logger;
  /** The value of a dependency; throws if `name` is not among the module's `deps`. */
  get<T>(name: string): T;
}

/** A target names modules to run; dependencies are pulled in transitively. */
export type Targets = Record<string, readonly string[]>;
