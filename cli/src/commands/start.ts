import { createLogger, loadConfig } from '@empire/platform';
import type { Command } from 'commander';
import { ensureMasterKey } from '../master-key.ts';
import { PLATFORM_PARTS, parseParts, startPlatform } from '../platform-runner.ts';

export function registerStartCommand(program: Command, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('start')
    .description('start the platform: database (embedded unless DATABASE_URL), migrations, registry, subgraphs, gateway, admin')
    .option('--only <parts>', `run only these parts, comma-separated: ${PLATFORM_PARTS.join(', ')}`)
    .action((options: { only?: string }) =>
      run(async () => {
        const logger = createLogger({ name: 'empire', level: loadConfig().LOG_LEVEL });
        const config = ensureMasterKey(loadConfig(), logger);
        const platform = await startPlatform(config, { parts: parseParts(options.only), logger });
        if (platform.firstAdmin) {
          // printed once, to the terminal only: it is not kept anywhere else in plain text
          process.stdout.write(
            `\n  First start: created admin ${platform.firstAdmin.email}\n  One-time password: ${platform.firstAdmin.password}\n  Log in at the admin and keep it somewhere safe.\n\n`,
          );
        }
        logger.info(platform.urls, 'Empire Graph is running');
        for (const [name, url] of Object.entries(platform.urls)) process.stdout.write(`  ${name.padEnd(10)} ${url}\n`);
        return new Promise<number>((resolve) => {
          let stopping = false;
          const shutdown = (signal: string) => {
            if (stopping) return;
            stopping = true;
            logger.info({ signal }, 'stopping');
            const exitWith = (code: number) => {
              resolve(code);
              // every part is stopped, or was reported as stuck: nothing may keep the process alive
              setTimeout(() => process.exit(code), 1_000).unref();
            };
            platform.stop().then(
              () => exitWith(0),
              () => exitWith(1),
            );
          };
          process.once('SIGINT', () => shutdown('SIGINT'));
          process.once('SIGTERM', () => shutdown('SIGTERM'));
        });
      }),
    );
}
