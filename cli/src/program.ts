import { Command } from 'commander';
import { registerDbCommands } from './commands/db.ts';
import { registerKeysCommands } from './commands/keys.ts';
import { registerSchemaCommands } from './commands/schema.ts';
import { registerStartCommand } from './commands/start.ts';
import { registerVaultAdminCommands } from './commands/vault-admin.ts';
import { printFailure } from './output.ts';

/** Runs one command body and turns its result into the process exit code. */
async function run(work: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await work();
  } catch (error) {
    printFailure(error);
    process.exitCode = 1;
  }
}

/** The `empire` command: `empire <noun> <verb>`, `--help` everywhere. */
export function createProgram(): Command {
  const program = new Command('empire')
    .description('Empire Graph: GraphQL federation with a push-driven schema registry')
    .showHelpAfterError()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerStartCommand(program, run);
  registerDbCommands(program, run);
  registerSchemaCommands(program, run);
  registerKeysCommands(program, run);
  registerVaultAdminCommands(program, run);
  return program;
}
