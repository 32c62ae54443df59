/** A throwaway CA and a serving certificate for tests of HTTPS admission webhooks (unit tests and the e2e suites). */
import forge from 'node-forge';

export interface ServingCert {
  caPem: string;
  certPem: string;
  keyPem: string;
}

function certificate(subject: string, publicKey: forge.pki.PublicKey, serial: string): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serial;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: subject }]);
  return cert;
}

export function makeServingCert(dnsNames: readonly string[]): ServingCert {
  const caKeys = forge.pki.rsa.generateKeyPair(2048);
  const ca = certificate('weft-e2e-webhook-ca', caKeys.publicKey, '01');
  ca.setIssuer(ca.subject.attributes);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const keys = forge.pki.rsa.generateKeyPair(2048);
  const leaf = certificate(dnsNames[0] ?? 'webhook', keys.publicKey, '02');
  leaf.setIssuer(ca.subject.attributes);
  leaf.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: dnsNames.map((value) => ({ type: 2, value })) },
  ]);
  leaf.sign(caKeys.privateKey, forge.md.sha256.create());
  return {
    caPem: forge.pki.certificateToPem(ca),
    certPem: forge.pki.certificateToPem(leaf),
    keyPem: forge.pki.privateKeyToPem(keys.privateKey),
  };
}
