import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, apiUrl, createApiClient, messageOf } from './api.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP server on loopback whose answer each test chooses. */
let server: Server;
let origin: string;
let handler: Handler = (_req, res) => res.end();
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function answer(status: number, body: string, type = 'application/json'): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('the call was expected to fail');
}

describe('api client', () => {
  it('sends JSON with the CSRF token on writes, never on reads', async () => {
    const client = createApiClient(origin, () => 'jeton-csrf');
    handler = answer(200, '{"ok":true}');
    seen.length = 0;
    await expect(client.get('/auth/me')).resolves.toEqual({ ok: true });
    await expect(client.post('/organisations', { name: 'CH <b>é</b>' })).resolves.toEqual({ ok: true });
    await client.delete('/grants/4');
    expect(seen.map((s) => [s.method, s.url])).toEqual([
      ['GET', '/api/auth/me'],
      ['POST', '/api/organisations'],
      ['DELETE', '/api/grants/4'],
    ]);
    expect(seen[0]!.headers['x-csrf-token']).toBeUndefined();
    expect(seen[1]!.headers['x-csrf-token']).toBe('jeton-csrf');
    expect(seen[1]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[1]!.body)).toEqual({ name: 'CH <b>é</b>' });
    expect(seen[2]!.headers['x-csrf-token']).toBe('jeton-csrf');
    expect(seen[2]!.headers['content-type']).toBeUndefined();
  });

  it('sends a file as its bytes with its content type', async () => {
    const client = createApiClient(origin, () => 'jeton-csrf');
    handler = answer(200, '{"created":1}');
    seen.length = 0;
    const latin1 = new Uint8Array([0x66, 0x3b, 0xe9, 0x0a]); // "f;é\n" in Latin-1, not valid UTF-8
    await client.postFile('/organisations/1/finess-import', new Blob([latin1]), 'text/csv');
    expect(seen[0]!.headers['content-type']).toBe('text/csv');
    expect(seen[0]!.headers['x-csrf-token']).toBe('jeton-csrf');
    expect(seen[0]!.headers['content-length']).toBe('4');
  });

  it('turns the server error body into a typed error with its French message', async () => {
    const client = createApiClient(origin, () => null);
    handler = answer(403, '{"error":{"code":"forbidden","message":"accès refusé"}}');
    const error = await failure(client.get('/organisations/9/audit'));
    expect([error.status, error.code, error.message, error.forbidden]).toEqual([
      403,
      'forbidden',
      'accès refusé',
      true,
    ]);
    expect(messageOf(error)).toBe('accès refusé');
  });

  it('falls back on the status for bodies that are not an error of ours', async () => {
    const client = createApiClient(origin, () => null);
    const cases: Array<[number, string, string]> = [
      [502, '<html><body>Bad gateway</body></html>', 'erreur du serveur (HTTP 502)'],
      [404, '{"error":{"code":1,"message":["x"]}}', 'ressource introuvable'],
      [401, '{"error":"nope"}', 'authentification requise'],
      [429, '', 'trop de requêtes, réessayez plus tard'],
      [500, '{"error":{"code":"internal","message":""}}', 'erreur du serveur (HTTP 500)'],
      [413, 'null', 'requête trop volumineuse'],
    ];
    for (const [status, body, message] of cases) {
      handler = answer(status, body, body.startsWith('<') ? 'text/html' : 'application/json');
      const error = await failure(client.get('/x'));
      expect([error.status, error.code, error.message]).toEqual([status, 'http_error', message]);
    }
  });

  it('refuses an unreadable success body instead of passing garbage on', async () => {
    const client = createApiClient(origin, () => null);
    handler = answer(200, '{"items": [1, 2,');
    const error = await failure(client.get('/organisations'));
    expect(error.code).toBe('invalid_response');
  });

  it('bounds a huge error message and keeps hostile text as plain text', async () => {
    const client = createApiClient(origin, () => null);
    const hostile = `<script>alert(1)</script>${'é'.repeat(100_000)}`;
    handler = answer(400, JSON.stringify({ error: { code: 'x'.repeat(1000), message: hostile } }));
    const error = await failure(client.post('/users', {}));
    expect(error.message.length).toBe(500);
    expect(error.message.startsWith('<script>alert(1)</script>')).toBe(true);
    expect(error.code.length).toBe(100);
  });

  it('reports an unreachable server as a network error', async () => {
    // A port nothing listens on, and nothing can during the test: the local end of a connection held open to the
    // test server (a port bound and closed again may go meanwhile to a listener of a suite running alongside).
    const holder = connect((server.address() as AddressInfo).port, '127.0.0.1');
    holder.on('error', () => {});
    await once(holder, 'connect');
    try {
      const error = await failure(createApiClient(`http://127.0.0.1:${holder.localPort}`, () => null).get('/auth/me'));
      expect([error.status, error.code]).toEqual([0, 'network_error']);
      expect(error.message).toContain('injoignable');
    } finally {
      holder.destroy();
    }
  });
});

describe('apiUrl', () => {
  it('encodes query values and leaves out empty ones', () => {
    expect(apiUrl('/organisations/1/subtree', { q: "l'Hôpital & co=1%_", kind: '', after: 0, limit: undefined })).toBe(
      '/api/organisations/1/subtree?q=l%27H%C3%B4pital+%26+co%3D1%25_&after=0',
    );
    expect(apiUrl('/tokens')).toBe('/api/tokens');
  });
});
