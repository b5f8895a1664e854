/** Commands sent to a gateway on `subjects.gatewayControl(id)`, JSON encoded. */
export type GatewayCommand = {
  kind: 'kick';
  clientId: string;
  connectionId: string;
  /** MQTT 5 DISCONNECT reason code to send before closing, e.g. 0x8E session taken over. */
  reasonCode: number;
};

export function encodeGatewayCommand(cmd: GatewayCommand): Uint8Array {
  return Buffer.from(JSON.stringify(cmd));
}

export function decodeGatewayCommand(data: Uint8Array): GatewayCommand {
  return JSON.parse(Buffer.from(data).toString('utf8')) as GatewayCommand;
}
