/** Commands sent to a gateway on `subjects.gatewayControl(id)`, JSON encoded. */
export type GatewayCommand = {
  kind: 'kick';
  clientId: string;
  connectionId: string;
  /** MQTT 5 DISCONNECT reason code to send before closing, e.g. 0x8E session taken over. */
  reasonCode: number;
  /**
   * The session service has ended this connection already: it declared the gateway dead while cut off from the
   * bus, published the will and took a persistent session offline. Close it without will and without hand-over.
   */
  ended?: boolean;
};

export function encodeGatewayCommand(cmd: GatewayCommand): Uint8Array {
  return Buffer.from(JSON.stringify(cmd));
}

export function decodeGatewayCommand(data: Uint8Array): GatewayCommand {
  return JSON.parse(Buffer.from(data).toString('utf8')) as GatewayCommand;
}
