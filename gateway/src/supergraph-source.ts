import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PolicyMap } from '@empire/platform';

export interface LoadedSupergraph {
  version: number;
  /** The gateway's copy: without SECURITY features. */
  sdl: string;
  /** The access rules taken out of it, enforced by the gateway. */
  policies: PolicyMap;
}

/** Fetches the gateway's copy of the active supergraph; null when it has not changed since `knownVersion`. */
export async function fetchSupergraph(
  registryUrl: string,
  knownVersion: number | null,
  authorization: string | null,
  timeoutMs = 3_000,
): Promise<LoadedSupergraph | null> {
  const headers: Record<string, string> = {};
  if (knownVersion !== null) headers['if-none-match'] = `"v${knownVersion}"`;
  if (authorization) headers.authorization = authorization;
  const response = await fetch(new URL('/supergraph/gateway', registryUrl), { headers, signal: AbortSignal.timeout(timeoutMs) });
  if (response.status === 304) return null;
  if (!response.ok) throw new Error(`registry answered ${response.status} for /supergraph/gateway`);
  const body = (await response.json()) as Partial<LoadedSupergraph>;
  if (!Number.isInteger(body.version) || typeof body.sdl !== 'string') throw new Error('registry answered /supergraph/gateway without version and sdl');
  return { version: body.version as number, sdl: body.sdl, policies: body.policies ?? {} };
}

/** The last good supergraph on disk, so a gateway can cold-start without the registry. */
export class SupergraphDiskCache {
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  async read(): Promise<LoadedSupergraph | null> {
    try {
      const parsed = JSON.parse(await readFile(this.#file, 'utf8')) as Partial<LoadedSupergraph>;
      if (typeof parsed.version === 'number' && typeof parsed.sdl === 'string')
        return { version: parsed.version, sdl: parsed.sdl, policies: parsed.policies ?? {} };
      return null;
    } catch {
      return null;
    }
  }

  async write(supergraph: LoadedSupergraph): Promise<void> {
    await mkdir(dirname(this.#file), { recursive: true });
    // write then rename: a reader never sees half a file, even with several gateways
    const temporary = `${this.#file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ ...supergraph, savedAt: new Date().toISOString() }));
    await rename(temporary, this.#file);
  }
}
