// Why a TLS connection to Temporal fails, in words an operator can act on. Neither gRPC
// stack says it well: @temporalio/client reports "Failed to connect before the deadline"
// for an untrusted server certificate, and the worker's core reports a "broken pipe" when
// the server refuses a connection without a client certificate. So when a connection
// fails with TLS on, one handshake of node:tls with the same settings finds the cause.
import net from 'node:net';
import tls from 'node:tls';
import type { TLSConfig } from '@temporalio/client';

/** The HTTP/2 client preface and an empty SETTINGS frame: a gRPC server answers them. */
const H2_PREFACE = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]);

/** Not a TLS matter: the server is not there (yet). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT']);

const UNTRUSTED_SERVER = new Set([
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function describe(err: NodeJS.ErrnoException): string | undefined {
  const code = err.code ?? '';
  if (UNREACHABLE.has(code)) return undefined;
  if (UNTRUSTED_SERVER.has(code)) {
    return `the server's certificate is not trusted (${code}: ${err.message}); TEMPORAL_TLS_SERVER_CA_CERT_PATH must be the CA that signed it, TEMPORAL_TLS_SERVER_NAME a name it carries`;
  }
  if (/CERTIFICATE_REQUIRED|BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_UNKNOWN|HANDSHAKE_FAILURE/i.test(code)) {
    return `the server refused the client certificate (${code}); it wants one its CA signed (TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH)`;
  }
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG/i.test(code) || code === 'ECONNRESET') {
    return `the TLS handshake failed (${code || err.message}): does the server speak TLS on this port? (TEMPORAL_TLS=false for a plain one)`;
  }
  return `the TLS handshake failed: ${err.message}`;
}

/**
 * What goes wrong in a TLS connection to `address` with these settings, or undefined when
 * a handshake (and the server's first HTTP/2 frame) comes through or the server is simply
 * not reachable: then TLS is not the problem.
 */
export function temporalTlsProblem(address: string, config: TLSConfig | boolean | undefined, timeoutMs = 5_000): Promise<string | undefined> {
  if (!config) return Promise.resolve(undefined);
  const settings = config === true ? {} : config;
  const i = address.lastIndexOf(':');
  const host = address.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(address.slice(i + 1));
  const pem = (b: Uint8Array | undefined) => (b ? Buffer.from(b) : undefined);
  return new Promise((resolve) => {
    let done = false;
    const finish = (problem: string | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(problem);
    };
    const socket = tls.connect({
      host,
      port,
      servername: settings.serverNameOverride ?? (net.isIP(host) ? undefined : host),
      ca: pem(settings.serverRootCACertificate),
      cert: pem(settings.clientCertPair?.crt),
      key: pem(settings.clientCertPair?.key),
      ALPNProtocols: ['h2'],
    });
    // Inconclusive (a slow network): no diagnosis rather than a wrong one.
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    // With TLS 1.3 a refused client certificate arrives as an alert after the handshake:
    // only the server's first frame shows it was accepted.
    socket.once('secureConnect', () => socket.write(H2_PREFACE));
    socket.once('data', () => finish(undefined));
    socket.once('error', (err: NodeJS.ErrnoException) => finish(describe(err)));
    socket.once('close', () =>
      finish(
        `the server closed the connection after the TLS handshake: does it want a client certificate? (TEMPORAL_TLS_CLIENT_CERT_PATH, TEMPORAL_TLS_CLIENT_KEY_PATH)`,
      ),
    );
  });
}

/** `connect()`, whose failure, when TLS is what went wrong, says how. */
export async function connectExplained<T>(connect: () => Promise<T>, address: string, config: TLSConfig | boolean | undefined): Promise<T> {
  try {
    return await connect();
  } catch (err) {
    const problem = await temporalTlsProblem(address, config);
    if (problem === undefined) throw err;
    throw new Error(`cannot connect to Temporal at ${address} over TLS: ${problem}`, { cause: err });
  }
}
