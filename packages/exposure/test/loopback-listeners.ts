import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';

export const HOST = '127.0.0.1';

/** Test listeners on loopback, each scripted by its connection handler, closed together at the end. */
export class LoopbackListeners {
  readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly holders: Socket[] = [];
  private sink: Promise<number> | undefined;

  /** Listens on a free loopback port; resolves with the port number. */
  listen(onConnection: (s: Socket) => void): Promise<number> {
    return new Promise((resolve) => {
      const server = createServer((s) => {
        this.sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => this.sockets.delete(s));
        onConnection(s);
      });
      this.servers.push(server);
      server.listen(0, HOST, () => resolve((server.address() as { port: number }).port));
    });
  }

  /**
   * A loopback port that refuses connections until `closeAll`: the local end of a connection kept open to a
   * listener of ours. Nothing listens there and nothing else can (a port bound, read and closed again may be
   * handed meanwhile to the listener of a suite running alongside, and then answer).
   */
  async closedPort(): Promise<number> {
    this.sink ??= this.listen(() => {});
    const holder = connect(await this.sink, HOST);
    this.holders.push(holder);
    holder.on('error', () => {});
    await once(holder, 'connect');
    return holder.localPort as number;
  }

  async closeAll(): Promise<void> {
    for (const h of this.holders) h.destroy();
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise((r) => s.close(r))));
  }
}

/**
 * `count` consecutive loopback ports the kernel never hands out to `listen(0)` or `connect` (they lie just below
 * its ephemeral range), so the listeners of suites running alongside cannot appear there between two scans.
 */
export function portsOutsideEphemeralRange(count: number): number[] {
  const [low = 32768, high = 60999] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
    .trim()
    .split(/\s+/)
    .map(Number);
  const first = low - count >= 1024 ? low - count : high + 1;
  if (first + count > 65536) throw new Error(`no ${count} ports outside the ephemeral range ${low}-${high}`);
  return Array.from({ length: count }, (_, i) => first + i);
}
