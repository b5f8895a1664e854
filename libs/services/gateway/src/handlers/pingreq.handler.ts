import type { Connection } from '../connection';

/** [MQTT-3.12.4-1] the server answers PINGREQ with PINGRESP. */
export function handlePingreq(conn: Connection): void {
  conn.send({ cmd: 'pingresp' });
}
