/**
 * The README's quick tour, done with the Debian mosquitto clients against both
 * deployments: what a new user tries first must work with a client that is
 * not MQTT.js.
 */
import { mosquittoPub, mosquittoSub } from './support/mosquitto-clients';
import type { Deployment } from '@mqp/testing';
import { DEPLOYMENTS } from './support/deployments';

describe.each(DEPLOYMENTS)('mosquitto clients against mqp %s', (_kind, start) => {
  let deployment: Deployment;
  let subPort: number;
  let pubPort: number;

  beforeAll(async () => {
    deployment = await start();
    subPort = deployment.mqttPorts[0]!;
    pubPort = deployment.mqttPorts[deployment.mqttPorts.length - 1]!;
  }, 90_000);

  afterAll(() => deployment?.stop());

  it('mosquitto_sub on one gateway receives what mosquitto_pub sends to the other, v3.1.1 and v5, QoS 0/1/2 requested', async () => {
    const sub = mosquittoSub(subPort, ['-t', 'tour/#', '-v', '-q', '1', '-C', '3', '-W', '15']);
    await sub.subscribed;
    expect((await mosquittoPub(pubPort, ['-t', 'tour/lamp-1/temp', '-m', '21.5', '-q', '1'])).code).toBe(0);
    expect((await mosquittoPub(pubPort, ['-t', 'tour/lamp-2/temp', '-m', '19', '-q', '0', '-V', 'mqttv5'])).code).toBe(0);
    expect((await mosquittoPub(pubPort, ['-t', 'tour', '-m', 'parent', '-q', '1', '-V', 'mqttv311'])).code).toBe(0);
    const { lines } = await sub.done;
    // sorted: order is promised per publishing connection [MQTT-4.6.0-6], and a QoS 0 publisher exits without waiting
    // for the broker, so with gateway workers the next publisher, in another process, may get there first
    expect([...lines].sort()).toEqual(['tour parent', 'tour/lamp-1/temp 21.5', 'tour/lamp-2/temp 19']);
  });

  it('a retained message published with mosquitto_pub -r is the first thing a later mosquitto_sub gets', async () => {
    expect((await mosquittoPub(pubPort, ['-t', 'tour-status/lamp-1', '-m', 'on', '-r', '-q', '1'])).code).toBe(0);
    const sub = mosquittoSub(subPort, ['-t', 'tour-status/+', '-v', '-C', '1', '-W', '10', '-V', 'mqttv5']);
    const { lines, code } = await sub.done;
    expect(code).toBe(0);
    expect(lines).toEqual(['tour-status/lamp-1 on']);
  });

  it('mosquitto_pub with a wildcard topic is refused and the broker keeps serving', async () => {
    const refused = await mosquittoPub(pubPort, ['-t', 'bad/+', '-m', 'x']);
    expect(refused.code).not.toBe(0);
    const ok = await mosquittoPub(pubPort, ['-t', 'good', '-m', 'x']);
    expect(ok.code).toBe(0);
  });
});
