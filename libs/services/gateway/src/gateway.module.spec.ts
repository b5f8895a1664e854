import { configSchema } from '@mqp/config';
import { gatewayIdFrom } from './gateway.module';

describe('gatewayIdFrom', () => {
  it('uses the configured id', () => {
    expect(gatewayIdFrom(configSchema.parse({ gateway: { id: 'edge-1' } }))).toBe('edge-1');
  });

  it('defaults to <hostname>-<pid> reduced to letters, digits, _ and -', () => {
    const id = gatewayIdFrom(configSchema.parse({}));
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(id.endsWith(`-${process.pid}`)).toBe(true);
  });
});
