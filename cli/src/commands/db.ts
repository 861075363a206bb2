import { applyPendingMigrations, checkSchema, healSchema, migrationStatus, type SchemaProblem, withSchemaLock } from '@empire/migrations';
import { createLogger } from '@empire/platform';
import type { Command } from 'commander';
import { withCliDatabase } from '../database-target.ts';
import { printJson, printLine } from '../output.ts';

function formatProblem(problem: SchemaProblem): string {
  return `${problem.safe ? 'safe  ' : 'UNSAFE'} ${problem.kind.padEnd(24)} ${problem.table.padEnd(20)} ${problem.detail}`;
}

export function registerDbCommands(program: Command, run: (work: () => Promise<number>) => Promise<void>): void {
  const db = program.command('db').description('database: migrations and the schema doctor');

  db.command('status')
    .description('list applied and pending migrations')
    .option('--json', 'print the status as JSON')
    .action((options: { json?: boolean }) =>
      run(() =>
        withCliDatabase(async (database) => {
          const status = await migrationStatus(database);
          if (options.json) printJson(status);
          else {
            for (const name of status.executed) printLine(`applied  ${name}`);
            for (const name of status.pending) printLine(`pending  ${name}`);
            printLine(`${status.executed.length} applied, ${status.pending.length} pending`);
          }
          return 0;
        }),
      ),
    );

  db.command('migrate')
    .description('apply pending migrations in place (never drops and recreates a table)')
    .option('--json', 'print the applied migrations as JSON')
    .action((options: { json?: boolean }) =>
      run(() =>
        withCliDatabase(async (database, url) => {
          const applied = await withSchemaLock(url, () => applyPendingMigrations(database));
          if (options.json) printJson({ applied });
          else printLine(applied.length ? `applied ${applied.join(', ')}` : 'no pending migrations');
          return 0;
        }),
      ),
    );

  db.command('check')
    .description('compare the live database with the entities; exit 1 when they differ')
    .option('--heal', 'repair safe problems (missing tables, columns, indexes, constraints) first')
    .option('--json', 'print { healthy, problems: [{ kind, table, detail, safe }] }')
    .action((options: { heal?: boolean; json?: boolean }) =>
      run(() =>
        withCliDatabase(async (database, url) => {
          const logger = createLogger({ name: 'schema-doctor', level: 'silent' });
          const heal = options.heal ? await withSchemaLock(url, () => healSchema(database, logger)) : undefined;
          const report = heal?.report ?? (await checkSchema(database));
          if (options.json) {
            printJson(heal ? { ...report, repaired: heal.repaired, failed: heal.failed } : report);
          } else {
            for (const problem of heal?.repaired ?? []) printLine(`repaired ${problem.kind.padEnd(24)} ${problem.table.padEnd(20)} ${problem.detail}`);
            for (const { problem, error } of heal?.failed ?? [])
              printLine(`FAILED   ${problem.kind.padEnd(24)} ${problem.table.padEnd(20)} ${problem.detail}: ${error}`);
            for (const problem of report.problems) printLine(formatProblem(problem));
            printLine(report.healthy ? 'schema healthy: the live database matches the entities' : `${report.problems.length} problem(s) found`);
          }
          return report.healthy ? 0 : 1;
        }),
      ),
    );
}
