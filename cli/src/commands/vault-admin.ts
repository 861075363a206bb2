import { createLogger, type Database, EventBus, generateKey, keyringFromConfig, loadConfig, parseKey, TokenIssuer, verifyAuditChain } from '@empire/platform';
import { createVault, type Vault, vaultSettings } from '@empire/subgraph-vault';
import type { Command } from 'commander';
import { withCliDatabase } from '../database-target.ts';
import { printJson, printLine } from '../output.ts';

type Run = (work: () => Promise<number>) => Promise<void>;

async function withVault<T>(work: (vault: Vault, db: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const keyring = keyringFromConfig(config);
  return withCliDatabase(async (db) => {
    const logger = createLogger({ name: 'empire-cli', level: 'warn' });
    const bus = new EventBus({ db, logger, source: 'empire-cli' });
    const claims = { issuer: config.EMPIRE_JWT_ISSUER, audience: config.EMPIRE_JWT_AUDIENCE };
    const issuer = new TokenIssuer({ db, bus, keyring, ...claims });
    const vault = createVault({
      db,
      bus,
      logger,
      keyring,
      issuer,
      ...vaultSettings(config),
    });
    try {
      return await work(vault, db);
    } finally {
      issuer.stop();
    }
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

export function registerVaultAdminCommands(program: Command, run: Run): void {
  program
    .command('users')
    .description('platform users')
    .command('create')
    .description('create a user; a generated password is printed once when none is given')
    .requiredOption('--email <email>', 'login email')
    .requiredOption('--role <role>', 'admin, operator, viewer or neuron')
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'print { id, email, role, password? }')
    .action((options: { email: string; role: string; passwordStdin?: boolean; json?: boolean }) =>
      run(async () => {
        const password = options.passwordStdin ? await readStdin() : null;
        const created = await withVault((vault) =>
          vault.auth.createUser({ email: options.email, role: options.role, password }, `cli:${process.env.USER ?? 'unknown'}`),
        );
        if (options.json)
          printJson({
            id: created.user.id,
            email: created.user.email,
            role: created.user.role,
            ...(created.generatedPassword ? { password: created.generatedPassword } : {}),
          });
        else {
          printLine(`created ${created.user.role} ${created.user.email}`);
          if (created.generatedPassword) printLine(`password (shown once): ${created.generatedPassword}`);
        }
        return 0;
      }),
    );

  program
    .command('vault')
    .description('the secrets vault')
    .command('rekey')
    .description('re-wrap every data key under a new master key while the platform keeps running')
    .option('--new-key-stdin', 'read the new master key (base64) from standard input instead of generating one')
    .option('--json', 'print { rewrapped, masterKeyId, newKey? }')
    .action((options: { newKeyStdin?: boolean; json?: boolean }) =>
      run(async () => {
        const supplied = options.newKeyStdin ? await readStdin() : null;
        const newKey = supplied ?? generateKey();
        const result = await withVault((vault) => vault.secrets.rekey(parseKey(newKey, 'the new master key'), `cli:${process.env.USER ?? 'unknown'}`));
        if (options.json) printJson({ ...result, ...(supplied ? {} : { newKey }) });
        else {
          printLine(`re-wrapped ${result.rewrapped} data key(s) under master key ${result.masterKeyId}`);
          if (!supplied) printLine(`new EMPIRE_MASTER_KEY (shown once): ${newKey}`);
          printLine(
            'Roll out: set EMPIRE_MASTER_KEY to the new key and EMPIRE_MASTER_KEY_PREVIOUS to the old one, restart each process, then drop EMPIRE_MASTER_KEY_PREVIOUS.',
          );
        }
        return 0;
      }),
    );

  program
    .command('audit')
    .description('the admin audit trail')
    .command('verify')
    .description('recompute the hash chain of admin_logs; exit 1 naming the first altered or missing row')
    .option('--json', 'print { ok, checked, firstBrokenId, reason }')
    .action((options: { json?: boolean }) =>
      run(async () => {
        const result = await withCliDatabase((db) => verifyAuditChain(db));
        if (options.json) printJson(result);
        else
          printLine(
            result.ok ? `audit chain intact: ${result.checked} row(s) verified` : `audit chain BROKEN at row ${result.firstBrokenId}: ${result.reason}`,
          );
        return result.ok ? 0 : 1;
      }),
    );
}
