import { ConnackReturnCode, ReasonCode, connackCodeFor } from './reason-codes';

describe('ReasonCode', () => {
  it('has the values of MQTT 5.0 table 2-6', () => {
    expect(ReasonCode.Success).toBe(0x00);
    expect(ReasonCode.NormalDisconnection).toBe(0x00);
    expect(ReasonCode.GrantedQoS2).toBe(0x02);
    expect(ReasonCode.NoMatchingSubscribers).toBe(0x10);
    expect(ReasonCode.NoSubscriptionExisted).toBe(0x11);
    expect(ReasonCode.MalformedPacket).toBe(0x81);
    expect(ReasonCode.KeepAliveTimeout).toBe(0x8d);
    expect(ReasonCode.SessionTakenOver).toBe(0x8e);
    expect(ReasonCode.PacketTooLarge).toBe(0x95);
    expect(ReasonCode.WildcardSubscriptionsNotSupported).toBe(0xa2);
  });

  it('has one name per code except the 0x00 aliases', () => {
    const byValue = new Map<number, string[]>();
    for (const [name, value] of Object.entries(ReasonCode)) byValue.set(value, [...(byValue.get(value) ?? []), name]);
    for (const [value, names] of byValue) {
      if (value !== 0) expect({ value, names }).toEqual({ value, names: [names[0]] });
    }
    expect(byValue.size).toBe(43);
  });
});

describe('connackCodeFor', () => {
  it('passes v5 codes through for MQTT 5', () => {
    expect(connackCodeFor(5, ReasonCode.Banned)).toBe(0x8a);
  });

  it.each([
    [ReasonCode.Success, ConnackReturnCode.Accepted],
    [ReasonCode.UnsupportedProtocolVersion, ConnackReturnCode.UnacceptableProtocolVersion],
    [ReasonCode.ProtocolError, ConnackReturnCode.UnacceptableProtocolVersion],
    [ReasonCode.ClientIdentifierNotValid, ConnackReturnCode.IdentifierRejected],
    [ReasonCode.ServerUnavailable, ConnackReturnCode.ServerUnavailable],
    [ReasonCode.ServerBusy, ConnackReturnCode.ServerUnavailable],
    [ReasonCode.ServerShuttingDown, ConnackReturnCode.ServerUnavailable],
    [ReasonCode.QuotaExceeded, ConnackReturnCode.ServerUnavailable],
    [ReasonCode.ConnectionRateExceeded, ConnackReturnCode.ServerUnavailable],
    [ReasonCode.UnspecifiedError, ConnackReturnCode.ServerUnavailable],
    [ReasonCode.ImplementationSpecificError, ConnackReturnCode.ServerUnavailable],
    [ReasonCode.BadUserNameOrPassword, ConnackReturnCode.BadUserNameOrPassword],
    [ReasonCode.NotAuthorized, ConnackReturnCode.NotAuthorized],
    [ReasonCode.Banned, ConnackReturnCode.NotAuthorized],
    [ReasonCode.BadAuthenticationMethod, ConnackReturnCode.NotAuthorized],
  ])('maps v5 CONNACK reason %d to the 3.1.1 return code %d', (v5, v3) => {
    expect(connackCodeFor(4, v5)).toBe(v3);
    expect(connackCodeFor(3, v5)).toBe(v3);
  });
});
