import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProgram } from '@empire/cli';
import { repoRoot } from '@empire/platform/testkit';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../src/index.ts';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const envExample = readFileSync(join(repoRoot, '.env.example'), 'utf8');

function commandPaths(command: Command, prefix: string[] = []): string[] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return sub.commands.length ? commandPaths(sub, path) : [path.join(' ')];
  });
}

describe('README and .env.example tell the truth', () => {
  const variables = Object.keys(configSchema.shape);

  it('the env table lists exactly the variables the config reads', () => {
    const documented = [...readme.matchAll(/^\| `([A-Z_]+)`\s*\|/gm)].map((m) => m[1]).filter((name) => name !== 'EMPIRE_TEST_DATABASE_URL');
    expect(documented.sort()).toEqual([...variables].sort());
  });

  it('.env.example documents every variable', () => {
    for (const name of variables) expect(envExample).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });

  it('the CLI reference names every command', () => {
    const paths = commandPaths(createProgram());
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) expect(readme).toContain(`\`empire ${path}`);
  });

  it('keeps the two set-up lines', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm install && npm test');
  });
});
