import { readFile } from 'node:fs/promises';
import { CliError } from './command.js';

export interface PushTarget {
  url: string;
  tokenFile: string;
  /** The organisation to push for; by default the node the token is scoped to. */
  organisationId?: number;
}

/** Reads the API token from its file (never from argv), refusing anything that is not a Rempart token. */
async function readToken(file: string): Promise<string> {
  const token = (
    await readFile(file, 'utf8').catch(() => {
      throw new CliError(`--token-file: cannot read ${file}`);
    })
  ).trim();
  if (!/^rmp_[A-Za-z0-9_-]{20,100}$/.test(token))
    throw new CliError(`--token-file: ${file} does not hold a Rempart API token`);
  return token;
}

async function call(url: string, token: string, init: RequestInit = {}): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
      signal: AbortSignal.timeout(120_000),
    });
  } catch (error) {
    throw new CliError(
      `--push: ${new URL(url).origin} unreachable (${error instanceof Error ? error.message : error})`,
    );
  }
  const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!response.ok) {
    const reason = body?.error ? `${body.error.message} (${body.error.code})` : `HTTP ${response.status}`;
    throw new CliError(`--push refused by the server: ${reason}`);
  }
  return body;
}

/**
 * Sends an engine's result bundle to a Rempart server: `POST /api/organisations/:id/results/:engine` with the
 * API token. Returns the server's one-line headline of the stored result.
 */
export async function pushResult(target: PushTarget, engine: string, bundle: unknown): Promise<string> {
  if (!/^https?:\/\//.test(target.url))
    throw new CliError('--push: expected the server URL, e.g. https://rempart.ars.fr');
  const base = target.url.replace(/\/+$/, '');
  const token = await readToken(target.tokenFile);
  let organisationId = target.organisationId;
  if (organisationId === undefined) {
    const me = (await call(`${base}/api/auth/me`, token)) as { grants: Array<{ organisationId: number }> };
    organisationId = me.grants[0]?.organisationId;
    if (organisationId === undefined) throw new CliError('--push: the token is scoped to no organisation');
  }
  const stored = (await call(`${base}/api/organisations/${organisationId}/results/${engine}`, token, {
    method: 'POST',
    body: JSON.stringify(bundle),
  })) as { id: number; headline: string };
  return `résultat n° ${stored.id} enregistré : ${stored.headline}`;
}
