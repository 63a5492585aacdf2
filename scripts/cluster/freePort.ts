// A port for a server a test starts a moment later. `listen(0)` would hand out a port
// from the kernel's ephemeral range, the same range outbound connections (PostgreSQL
// clients, gRPC to Temporal, other test runs) take their local ports from: between
// choosing and binding, one of them could take it ("EMBEDDED_PG_PORT is in use", seen
// once in the chaos run). So the port comes from below that range, at random, is
// checked free by binding it, and is never handed out twice by one process.
import fs from 'node:fs';
import net from 'node:net';

const handedOut = new Set<number>();

function ephemeralRangeStart(): number {
  try {
    const [low] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const start = Number(low);
    return Number.isInteger(start) && start > 12_000 ? start : 32_768;
  } catch {
    return 32_768;
  }
}

const LOW = 10_000;
const HIGH = ephemeralRangeStart();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A free loopback port in [10000, `below`), never the same twice in one process. */
export async function freePort(below = HIGH): Promise<number> {
  const high = Math.min(below, HIGH);
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOW + Math.floor(Math.random() * (high - LOW));
    if (handedOut.has(port)) continue;
    if (await bindable(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found between ${LOW} and ${high}`);
}
