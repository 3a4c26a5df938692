import { createServer, type Server, type Socket } from 'node:net';

export const HOST = '127.0.0.1';

/** Test listeners on loopback, each scripted by its connection handler, closed together at the end. */
export class LoopbackListeners {
  readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();

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

  async closeAll(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise((r) => s.close(r))));
  }
}
