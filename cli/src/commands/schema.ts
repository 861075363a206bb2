import { readFile } from 'node:fs/promises';
import { EmpireError, ErrorCode, loadConfig } from '@empire/platform';
import { callRegistry, type RegistryAnswer } from '@empire/platform/graphql';
import type { Command } from 'commander';
import { printJson, printLine } from '../output.ts';
import { cliAuthorization } from '../server-auth.ts';

interface PublishOptions {
  name: string;
  url: string;
  schema: string;
  author?: string;
  commit?: string;
  message?: string;
  force?: boolean;
  json?: boolean;
}

interface ChangeJson {
  criticality: string;
  message: string;
  security?: boolean;
}

async function readSchemaFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new EmpireError(ErrorCode.BadUserInput, `Cannot read schema file "${path}": ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function printAnswer(answer: RegistryAnswer, json: boolean | undefined): number {
  const body = answer.body;
  if (json) printJson(body);
  else if (body.error) printLine(`error: ${body.error}`);
  else {
    const version = body.version ? ` version ${body.version.version}` : '';
    printLine(`${body.status}${version}`);
    for (const change of (body.changes ?? []) as ChangeJson[])
      printLine(`  ${change.criticality.padEnd(9)} ${change.security ? '[security] ' : ''}${change.message}`);
    for (const error of body.errors ?? []) printLine(`  error: ${error}`);
  }
  if (answer.httpStatus >= 400 && answer.httpStatus !== 422 && !json && !body.error) printLine(`error: registry answered ${answer.httpStatus}`);
  return body.status === 'PUBLISHED' || body.status === 'UNCHANGED' || body.status === 'PASSED' ? 0 : 1;
}

function publishCommand(
  parent: Command,
  verb: 'publish' | 'check',
  path: string,
  description: string,
  run: (work: () => Promise<number>) => Promise<void>,
): void {
  parent
    .command(verb)
    .description(description)
    .requiredOption('--name <name>', 'subgraph name')
    .requiredOption('--url <url>', 'URL the gateway reaches the subgraph at')
    .requiredOption('--schema <file>', 'file holding the subgraph SDL')
    .option('--author <author>', 'who publishes')
    .option('--commit <sha>', 'commit the schema comes from')
    .option('--message <text>', 'what changed and why')
    .option('--force', 'accept breaking changes')
    .option('--json', 'print { status, version, changes, errors }')
    .action((options: PublishOptions) =>
      run(async () => {
        const config = loadConfig();
        const sdl = await readSchemaFile(options.schema);
        const answer = await callRegistry(
          config.registryUrl,
          path,
          {
            name: options.name,
            url: options.url,
            sdl,
            author: options.author,
            commit: options.commit,
            message: options.message,
            force: options.force === true,
          },
          cliAuthorization(config),
        );
        return printAnswer(answer, options.json);
      }),
    );
}

export function registerSchemaCommands(program: Command, run: (work: () => Promise<number>) => Promise<void>): void {
  const schema = program.command('schema').description('the schema registry: publish, check, history, rollback');
  publishCommand(schema, 'publish', '/api/api-diff/register', 'publish a subgraph schema: compose, diff, store, push to gateways (exit 1 when rejected)', run);
  publishCommand(schema, 'check', '/api/api-diff/check', 'what publishing would do, without storing anything (for a neuron CI)', run);

  schema
    .command('history')
    .description('schema versions, newest first')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print the versions as JSON')
    .action((options: { limit: string; json?: boolean }) =>
      run(async () => {
        const config = loadConfig();
        const response = await fetch(new URL(`/api/api-diff/history?limit=${encodeURIComponent(options.limit)}`, config.registryUrl), {
          headers: cliAuthorization(config),
        }).catch((error: unknown) => {
          throw new EmpireError(
            ErrorCode.UpstreamFailed,
            `Schema registry at ${config.registryUrl} unreachable: ${String((error as { cause?: unknown }).cause ?? error)}`,
          );
        });
        const body = (await response.json()) as {
          versions?: {
            version: number;
            createdAt: string;
            trigger: string;
            subgraphName: string | null;
            riskLevel: string;
            changeCount: number;
            isActive: boolean;
            author: string | null;
          }[];
          error?: string;
        };
        if (!response.ok || !body.versions) throw new EmpireError(ErrorCode.UpstreamFailed, body.error ?? `registry answered ${response.status}`);
        if (options.json) printJson(body.versions);
        else
          for (const v of body.versions) {
            printLine(
              `${v.isActive ? '*' : ' '} v${String(v.version).padEnd(5)} ${v.createdAt}  ${v.trigger.padEnd(8)} ${(v.subgraphName ?? '-').padEnd(16)} ${v.riskLevel.padEnd(9)} ${v.changeCount} change(s)  ${v.author ?? ''}`,
            );
          }
        return 0;
      }),
    );

  schema
    .command('rollback')
    .description("make an earlier version's subgraph set active again, as a new version")
    .requiredOption('--to <version>', 'version number to go back to')
    .option('--json', 'print { status, version, changes, errors }')
    .action((options: { to: string; json?: boolean }) =>
      run(async () => {
        const config = loadConfig();
        const version = Number(options.to);
        if (!Number.isInteger(version) || version < 1) throw new EmpireError(ErrorCode.BadUserInput, `--to must be a version number, got "${options.to}"`);
        return printAnswer(await callRegistry(config.registryUrl, '/api/api-diff/rollback', { version }, cliAuthorization(config)), options.json);
      }),
    );
}
