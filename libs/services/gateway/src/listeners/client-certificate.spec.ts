import { parseSubjectAltNames } from './client-certificate';

describe('parseSubjectAltNames', () => {
  it('splits Node subjectaltname text into typed entries', () => {
    expect(parseSubjectAltNames('DNS:device-1.example, IP Address:127.0.0.1, email:a@b.example')).toEqual([
      'DNS:device-1.example',
      'IP Address:127.0.0.1',
      'email:a@b.example',
    ]);
  });

  it('unquotes values Node printed as JSON strings, so a comma inside one does not split it', () => {
    expect(parseSubjectAltNames('DNS:"a, b.example", DNS:c.example')).toEqual(['DNS:a, b.example', 'DNS:c.example']);
    expect(parseSubjectAltNames('URI:"x\\"y"')).toEqual(['URI:x"y']);
  });

  it('gives nothing for empty text', () => {
    expect(parseSubjectAltNames('')).toEqual([]);
  });
});
