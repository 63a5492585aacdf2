// A throwaway PKI for the TLS test, made by openssl (node:crypto cannot issue X.509
// certificates): a CA, the frontend's certificate it signs (for localhost and 127.0.0.1,
// usable as a client certificate too: the server's own services present it to the
// frontend), a client certificate it signs, and an unrelated CA (the "wrong CA").
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const EXTENSIONS = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = $ENV::CN
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

export interface Pem {
  cert: string;
  key: string;
}
export interface TestPki {
  ca: Pem;
  otherCa: Pem;
  server: Pem;
  client: Pem;
}

export function makeTestPki(dir: string): TestPki {
  fs.mkdirSync(dir, { recursive: true });
  const config = path.join(dir, 'openssl.cnf');
  fs.writeFileSync(config, EXTENSIONS);
  const issue = (name: string, cn: string, extensions: string, issuer?: Pem): Pem => {
    const pem = { cert: path.join(dir, `${name}.pem`), key: path.join(dir, `${name}.key`) };
    const args = ['req', '-x509', '-config', config, '-extensions', extensions, '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
    args.push('-nodes', '-keyout', pem.key, '-out', pem.cert, '-days', '2', ...(issuer ? ['-CA', issuer.cert, '-CAkey', issuer.key] : []));
    const res = spawnSync('openssl', args, { encoding: 'utf8', env: { ...process.env, CN: cn } });
    if (res.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${res.status ?? res.error?.message}):\n${res.stderr}`);
    return pem;
  };
  const ca = issue('ca', 'casework test CA', 'ca');
  return {
    ca,
    otherCa: issue('other-ca', 'an unrelated CA', 'ca'),
    server: issue('server', 'localhost', 'server', ca),
    client: issue('client', 'casework worker', 'client', ca),
  };
}
