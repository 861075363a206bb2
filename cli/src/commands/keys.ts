import { EmpireError, ErrorCode, loadConfig } from '@empire/platform';
import { parseExpiry } from '@empire/subgraph-vault';
import type { Command } from 'commander';
import { printJson, printLine } from '../output.ts';
import { gatewayRequest } from '../server-auth.ts';

const SIGNING_KEY_FIELDS = 'kid algorithm state version createdAt activatedAt retiresAt revokedAt';
const API_KEY_FIELDS = 'id name prefix roles createdAt expiresAt lastUsedAt revokedAt createdBy';

interface SigningKey {
  kid: string;
  algorithm: string;
  state: string;
  version: number;
  createdAt: string;
  retiresAt: string | null;
}

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  roles: string[];
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

type Run = (work: () => Promise<number>) => Promise<void>;

export function registerKeysCommands(program: Command, run: Run): void {
  const keys = program.command('keys').description('JWT signing keys and API keys (through the gateway, with EMPIRE_API_KEY)');

  keys
    .command('rotate')
    .description('rotate the JWT signing key: the next key signs from now on, the old one retires after the longest token lifetime')
    .requiredOption('--type <type>', 'what to rotate: jwt')
    .option('--json', 'print the new active key as JSON')
    .action((options: { type: string; json?: boolean }) =>
      run(async () => {
        if (options.type !== 'jwt') throw new EmpireError(ErrorCode.BadUserInput, `--type must be "jwt", got "${options.type}"`);
        const data = await gatewayRequest<{ rotateSigningKey: SigningKey }>(loadConfig(), `mutation { rotateSigningKey { ${SIGNING_KEY_FIELDS} } }`);
        if (options.json) printJson(data.rotateSigningKey);
        else printLine(`rotated: ${data.rotateSigningKey.kid} (${data.rotateSigningKey.algorithm}) now signs`);
        return 0;
      }),
    );

  keys
    .command('revoke')
    .description('revoke a JWT signing key (by kid) or an API key (by id); every process refuses it within a second')
    .requiredOption('--id <id>', 'kid of a signing key, or id of an API key')
    .option('--json', 'print the revoked key as JSON')
    .action((options: { id: string; json?: boolean }) =>
      run(async () => {
        const config = loadConfig();
        const isApiKey = /^\d+$/.test(options.id);
        const data = isApiKey
          ? await gatewayRequest<{ revokeApiKey: ApiKey }>(config, `mutation ($id: ID!) { revokeApiKey(id: $id) { ${API_KEY_FIELDS} } }`, { id: options.id })
          : await gatewayRequest<{ revokeSigningKey: SigningKey }>(config, `mutation ($kid: ID!) { revokeSigningKey(kid: $kid) { ${SIGNING_KEY_FIELDS} } }`, {
              kid: options.id,
            });
        const revoked = 'revokeApiKey' in data ? data.revokeApiKey : data.revokeSigningKey;
        if (options.json) printJson(revoked);
        else printLine(`revoked ${isApiKey ? 'API key' : 'signing key'} ${options.id}`);
        return 0;
      }),
    );

  keys
    .command('create-api-key')
    .description('create an API key; the key is shown exactly once')
    .requiredOption('--name <name>', 'what the key is for')
    .requiredOption('--role <role>', 'admin, operator, viewer or neuron')
    .option('--expires <duration>', 'expiry like 30d, 12h or 90m')
    .option('--json', 'print { id, key, name, prefix, roles, expiresAt }')
    .action((options: { name: string; role: string; expires?: string; json?: boolean }) =>
      run(async () => {
        const expiresIn = options.expires ? `${parseExpiry(options.expires) / 60_000}m` : null;
        const data = await gatewayRequest<{ createApiKey: { apiKey: ApiKey; key: string } }>(
          loadConfig(),
          `mutation ($name: String!, $role: String!, $expiresIn: String) { createApiKey(name: $name, role: $role, expiresIn: $expiresIn) { key apiKey { ${API_KEY_FIELDS} } } }`,
          { name: options.name, role: options.role, expiresIn },
        );
        const { apiKey, key } = data.createApiKey;
        if (options.json) printJson({ id: apiKey.id, key, name: apiKey.name, prefix: apiKey.prefix, roles: apiKey.roles, expiresAt: apiKey.expiresAt });
        else {
          printLine(`created API key ${apiKey.id} "${apiKey.name}" (${apiKey.roles.join(', ')})${apiKey.expiresAt ? `, expires ${apiKey.expiresAt}` : ''}`);
          printLine(`key (shown once): ${key}`);
        }
        return 0;
      }),
    );

  keys
    .command('list')
    .description('signing keys and API keys (never their secret parts)')
    .option('--json', 'print { signingKeys, apiKeys }')
    .action((options: { json?: boolean }) =>
      run(async () => {
        const data = await gatewayRequest<{ signingKeys: SigningKey[]; apiKeys: ApiKey[] }>(
          loadConfig(),
          `{ signingKeys { ${SIGNING_KEY_FIELDS} } apiKeys { ${API_KEY_FIELDS} } }`,
        );
        if (options.json) printJson(data);
        else {
          printLine('signing keys:');
          for (const k of data.signingKeys)
            printLine(`  ${k.kid.padEnd(32)} ${k.algorithm.padEnd(6)} ${k.state.padEnd(9)} v${k.version}${k.retiresAt ? `  retires ${k.retiresAt}` : ''}`);
          printLine('API keys:');
          for (const k of data.apiKeys) {
            const state = k.revokedAt ? 'revoked' : k.expiresAt && new Date(k.expiresAt) < new Date() ? 'expired' : 'active';
            printLine(
              `  ${k.id.padStart(5)} ${k.prefix}…  ${k.name.padEnd(24)} ${k.roles.join(',').padEnd(9)} ${state}${k.lastUsedAt ? `  last used ${k.lastUsedAt}` : ''}`,
            );
          }
        }
        return 0;
      }),
    );
}
