// TLS facts against a real node:tls server on loopback with an openssl-generated certificate (openssl required).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeTls } from './identify.js';

const HOST = '127.0.0.1';
let dir = '';
let server: Server;
let port = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rempart-exposure-tls-'));
  const key = join(dir, 'k.pem');
  const cert = join(dir, 'c.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '30',
      '-keyout',
      key,
      '-out',
      cert,
      '-subj',
      '/CN=portail.ch-exemple.test',
      '-addext',
      'subjectAltName=DNS:portail.ch-exemple.test,DNS:*.rdv.ch-exemple.test',
    ],
    { stdio: 'ignore' },
  );
  server = createServer({ key: readFileSync(key), cert: readFileSync(cert), minVersion: 'TLSv1.2' }, (s) => s.end());
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(0, HOST, r));
  port = (server.address() as { port: number }).port;
});

afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('probeTls', () => {
  it('lists only the accepted versions and reads the certificate', async () => {
    const facts = await probeTls(HOST, port, { serverName: 'portail.ch-exemple.test', timeoutMs: 2000 });
    expect(facts?.versions).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(facts?.certificate).toMatchObject({ expired: false, selfSigned: true, keyBits: 2048, nameMismatch: false });
  });

  it('accepts a wildcard name and flags a name the certificate does not cover', async () => {
    const wild = await probeTls(HOST, port, { serverName: 'prise.rdv.ch-exemple.test', timeoutMs: 2000 });
    expect(wild?.certificate?.nameMismatch).toBe(false);
    const other = await probeTls(HOST, port, { serverName: 'vpn.autre-ch.test', timeoutMs: 2000 });
    expect(other?.certificate?.nameMismatch).toBe(true);
  });

  it('expires the certificate when checked after its end date', async () => {
    const later = await probeTls(HOST, port, { timeoutMs: 2000, now: new Date(Date.now() + 60 * 86_400_000) });
    expect(later?.certificate?.expired).toBe(true);
  });
});
