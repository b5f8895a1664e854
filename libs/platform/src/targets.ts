/** The five services; each is a module and a target of its own. */
export const SERVICES = ['gateway', 'session', 'auth', 'router', 'integration'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Services other processes call over gRPC (the rest talk only through the bus). */
export const GRPC_SERVICES = ['auth', 'session', 'router'] as const;
export type GrpcServiceName = (typeof GRPC_SERVICES)[number];

/** `all` runs every service in one process: standalone mode. */
export const TARGETS: Record<string, readonly ServiceName[]> = { all: SERVICES };

/** Expands `--target` (a comma list of targets and services) into services; throws on unknown names. */
export function servicesOf(targetList: string): ServiceName[] {
  const out = new Set<ServiceName>();
  const unknown: string[] = [];
  for (const raw of targetList.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    const group = TARGETS[name];
    if (group) group.forEach((s) => out.add(s));
    else if ((SERVICES as readonly string[]).includes(name)) out.add(name as ServiceName);
    else unknown.push(name);
  }
  if (unknown.length > 0) {
    throw new Error(`unknown target ${unknown.map((u) => `"${u}"`).join(', ')}; use all or a comma list of ${SERVICES.join(', ')}`);
  }
  if (out.size === 0) throw new Error('--target names no service');
  return [...out];
}

/** Standalone when the process runs every service. */
export function isStandalone(services: readonly ServiceName[]): boolean {
  return SERVICES.every((s) => services.includes(s));
}
