import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface LoadedSupergraph {
  version: number;
  sdl: string;
}

/** Fetches the active supergraph from the registry; null when it has not changed since `knownVersion`. */
export async function fetchSupergraph(registryUrl: string, knownVersion: number | null, timeoutMs = 3_000): Promise<LoadedSupergraph | null> {
  const response = await fetch(new URL('/supergraph', registryUrl), {
    headers: knownVersion === null ? {} : { 'if-none-match': `"v${knownVersion}"` },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (response.status === 304) return null;
  if (!response.ok) throw new Error(`registry answered ${response.status} for /supergraph`);
  const version = Number(response.headers.get('x-empire-supergraph-version'));
  if (!Number.isInteger(version)) throw new Error('registry response has no x-empire-supergraph-version header');
  return { version, sdl: await response.text() };
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
      if (typeof parsed.version === 'number' && typeof parsed.sdl === 'string') return { version: parsed.version, sdl: parsed.sdl };
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
