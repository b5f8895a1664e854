// Original file: libs/contracts/proto/mqp/auth/v1/auth.proto


export interface ClientCertificate {
  'subjectCn'?: (string);
  'subjectAltNames'?: (string)[];
  'fingerprint256'?: (string);
  '_subjectCn'?: "subjectCn";
}

export interface ClientCertificate__Output {
  'subjectCn'?: (string);
  'subjectAltNames': (string)[];
  'fingerprint256': (string);
  '_subjectCn'?: "subjectCn";
}
