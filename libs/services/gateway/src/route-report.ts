import { withDeadline } from './deadline';
import type { GatewayContext } from './gateway-context';

/**
 * Tells the router that this gateway's subscriptions changed. Routes are
 * informational (fan-out runs on the gateway's own bus subscriptions), so the
 * call is never awaited by the client's flow and a failure is only logged;
 * the promise (never rejected) lets a stopping gateway wait for it.
 */
export function reportRoutes(ctx: GatewayContext, change: 'add' | 'remove', filters: string[], clientId: string): Promise<void> {
  if (filters.length === 0) return Promise.resolve();
  const req = { gatewayId: ctx.gatewayId, filters };
  const call = change === 'add' ? ctx.router.addRoutes(req) : ctx.router.removeRoutes(req);
  return withDeadline(call, ctx.config.serviceTimeoutMs, 'router').then(
    () => {},
    (err: unknown) => ctx.logger.warn(`${change}Routes failed`, { clientId, error: err }),
  );
}
