import { InvalidArgumentError, type Message } from '@mqp/model';
import { silentLogger } from '@mqp/runtime';
import { MemoryRetainedStore } from '@mqp/storage';
import { RouterService } from './router.service';

const NOW = 1_700_000_000_000;

function message(topic: string, payload: string, extra: Partial<Message> = {}): Message {
  return {
    id: `m-${topic}-${payload}`,
    topic,
    payload: Buffer.from(payload),
    qos: 0,
    retain: true,
    origin: { clientId: 'pub', gatewayId: 'gw-1' },
    createdAt: NOW,
    ...extra,
  };
}

describe('RouterService', () => {
  let retained: MemoryRetainedStore;
  let router: RouterService;

  beforeEach(() => {
    retained = new MemoryRetainedStore();
    router = new RouterService({ retained, logger: silentLogger, now: () => NOW });
  });

  describe('routes', () => {
    it('counts subscriptions per filter and gateway', async () => {
      await router.addRoutes({ gatewayId: 'gw-1', filters: ['a/#', 'b'] });
      await router.addRoutes({ gatewayId: 'gw-1', filters: ['a/#'] });
      await router.addRoutes({ gatewayId: 'gw-2', filters: ['a/#'] });
      const routes = await router.listRoutes();
      expect(routes).toEqual([
        { filter: 'a/#', gateways: [{ gatewayId: 'gw-1', count: 2 }, { gatewayId: 'gw-2', count: 1 }] },
        { filter: 'b', gateways: [{ gatewayId: 'gw-1', count: 1 }] },
      ]);
    });

    it('removes a filter when its last subscription goes', async () => {
      await router.addRoutes({ gatewayId: 'gw-1', filters: ['a', 'a'] });
      await router.removeRoutes({ gatewayId: 'gw-1', filters: ['a'] });
      expect(await router.listRoutes()).toEqual([{ filter: 'a', gateways: [{ gatewayId: 'gw-1', count: 1 }] }]);
      await router.removeRoutes({ gatewayId: 'gw-1', filters: ['a'] });
      expect(await router.listRoutes()).toEqual([]);
    });

    it('never lets a count go negative when removing more than was added', async () => {
      await router.removeRoutes({ gatewayId: 'gw-1', filters: ['a'] });
      await router.addRoutes({ gatewayId: 'gw-1', filters: ['a'] });
      await router.removeRoutes({ gatewayId: 'gw-1', filters: ['a', 'a', 'a'] });
      await router.removeRoutes({ gatewayId: 'gw-2', filters: ['a'] });
      expect(await router.listRoutes()).toEqual([]);
      await router.addRoutes({ gatewayId: 'gw-1', filters: ['a'] });
      expect(await router.listRoutes()).toEqual([{ filter: 'a', gateways: [{ gatewayId: 'gw-1', count: 1 }] }]);
    });

    it('forgets every route of a reset gateway and keeps the others', async () => {
      await router.addRoutes({ gatewayId: 'gw-1', filters: ['a', 'b'] });
      await router.addRoutes({ gatewayId: 'gw-2', filters: ['b'] });
      await router.resetGateway({ gatewayId: 'gw-1' });
      expect(await router.listRoutes()).toEqual([{ filter: 'b', gateways: [{ gatewayId: 'gw-2', count: 1 }] }]);
    });

    it('accepts filters named like Object.prototype members and shared filters', async () => {
      await router.addRoutes({ gatewayId: 'gw-1', filters: ['__proto__', 'constructor/+', '$share/g/a'] });
      expect((await router.listRoutes()).map((r) => r.filter)).toEqual(['__proto__', 'constructor/+', '$share/g/a']);
    });

    it.each([['a/#/b'], ['a+'], [''], ['$share//a'], ['a\u0000b']])('refuses the invalid filter %j', async (filter) => {
      await expect(router.addRoutes({ gatewayId: 'gw-1', filters: [filter] })).rejects.toBeInstanceOf(InvalidArgumentError);
      expect(await router.listRoutes()).toEqual([]);
    });

    it('refuses a request without a gateway id', async () => {
      await expect(router.addRoutes({ gatewayId: '', filters: ['a'] })).rejects.toBeInstanceOf(InvalidArgumentError);
    });
  });

  describe('retained messages', () => {
    it('stores a retained message and returns it to a matching filter [MQTT-3.3.1-9]', async () => {
      await router.retain(message('a/b', 'v1'));
      const got = await router.matchRetained({ filter: 'a/+' });
      expect(got.map((m) => [m.topic, m.payload.toString()])).toEqual([['a/b', 'v1']]);
      expect(await router.matchRetained({ filter: 'b/#' })).toEqual([]);
    });

    it('replaces the retained message of a topic [MQTT-3.3.1-5]', async () => {
      await router.retain(message('a', 'v1'));
      await router.retain(message('a', 'v2'));
      expect((await router.matchRetained({ filter: 'a' })).map((m) => m.payload.toString())).toEqual(['v2']);
    });

    it('clears the topic on an empty payload and does not store it [MQTT-3.3.1-6] [MQTT-3.3.1-7]', async () => {
      await router.retain(message('a', 'v1'));
      await router.retain(message('a', ''));
      expect(await router.matchRetained({ filter: '#' })).toEqual([]);
      expect(await retained.count()).toBe(0);
    });

    it('skips and drops expired retained messages [MQTT-3.3.2-5]', async () => {
      await router.retain(message('old', 'x', { expiresAt: NOW - 1 }));
      await router.retain(message('exact', 'x', { expiresAt: NOW }));
      await router.retain(message('fresh', 'x', { expiresAt: NOW + 1000 }));
      await router.retain(message('forever', 'x'));
      expect((await router.matchRetained({ filter: '#' })).map((m) => m.topic).sort()).toEqual(['forever', 'fresh']);
      // The lazy removal runs after the answer; wait for the store to settle.
      await new Promise((resolve) => setImmediate(resolve));
      expect(await retained.get('old')).toBeUndefined();
      expect(await retained.count()).toBe(2);
    });

    it('returns no retained messages for a shared subscription (MQTT 5.0 4.8.2)', async () => {
      await router.retain(message('a', 'v1'));
      expect(await router.matchRetained({ filter: '$share/g/a' })).toEqual([]);
    });

    it('refuses a topic name with wildcards or an invalid filter', async () => {
      await expect(router.retain(message('a/+', 'x'))).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(router.retain(message('', 'x'))).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(router.matchRetained({ filter: 'a/#/b' })).rejects.toBeInstanceOf(InvalidArgumentError);
    });
  });
});
