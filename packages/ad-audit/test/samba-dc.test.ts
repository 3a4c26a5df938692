import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { assertPortFree, portOwnedByGroup } from './samba-dc.js';

// The harness checks the real ports 636 and the samba process group; here the same checks run on an
// ephemeral port held by a process group of our own, so they never collide with a DC of another suite.
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

let child: ChildProcess | undefined;
afterEach(() => {
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  child = undefined;
});

/**
 * A listener in a process group of its own, like samba started detached by the harness; it takes a free port
 * itself and says which (a port found free here could be taken by another suite before the child binds it).
 */
async function listenerInItsOwnGroup(): Promise<{ child: ChildProcess; port: number }> {
  const p = spawn(
    process.execPath,
    ['-e', `const s = require('node:net').createServer().listen(0, '127.0.0.1', () => console.log(s.address().port))`],
    { detached: true, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    p.stdout?.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    p.once('exit', (c) => reject(new Error(`listener exited ${c}`)));
  });
  return { child: p, port };
}

describe('Samba test harness port checks', () => {
  it('a free port passes, a port someone listens on is refused with a clear message', async () => {
    const port = await freePort();
    expect(() => assertPortFree(port)).not.toThrow();
    expect(portOwnedByGroup(port, process.pid)).toEqual({ listening: false, ours: false });
    const s = createServer();
    await new Promise<void>((r) => s.listen(port, '127.0.0.1', () => r()));
    try {
      expect(() => assertPortFree(port)).toThrow(/déjà occupé par un autre processus/);
    } finally {
      await new Promise((r) => s.close(r));
    }
  });

  it('the listener counts as ours only when a process of our process group holds the socket', async () => {
    const listener = await listenerInItsOwnGroup();
    child = listener.child;
    const port = listener.port;
    expect(portOwnedByGroup(port, child.pid as number)).toEqual({ listening: true, ours: true });
    // The vitest worker is not in the listener's group: same port, someone else's socket.
    const otherGroup = Number(process.pid);
    expect(otherGroup).not.toBe(child.pid);
    expect(portOwnedByGroup(port, otherGroup)).toEqual({ listening: true, ours: false });
  });
});
