import { runCli } from '@empire/platform/testkit';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/index.ts';

describe('config', () => {
  it('applies defaults for an empty environment', () => {
    const config = parseConfig({});
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.EMPIRE_GATEWAY_PORT).toBe(4000);
    expect(config.EMPIRE_EMBEDDED_PG_PORT).toBe(5488);
    expect(config.dataDir).toMatch(/\.empire$/);
  });

  it('names every bad variable at once and hides passwords', () => {
    let error: unknown;
    try {
      parseConfig({ DATABASE_URL: 'mysql://root:hunter2@db/x', EMPIRE_GATEWAY_PORT: 'http', LOG_LEVEL: 'loud' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('DATABASE_URL');
    expect(problems).toContain('EMPIRE_GATEWAY_PORT');
    expect(problems).toContain('LOG_LEVEL');
    expect(problems).not.toContain('hunter2');
  });

  it('a malformed DATABASE_URL stops the process with exit code 78 naming the variable', async () => {
    const result = await runCli(['db', 'status'], { DATABASE_URL: 'not a url' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('DATABASE_URL');
    expect(result.stderr).toContain('postgres://');
  });

  it('a bad port stops `empire start` with exit code 78 naming the variable', async () => {
    const result = await runCli(['start'], { EMPIRE_GATEWAY_PORT: '70000', EMPIRE_EMBEDDED_PG_PORT: '-1' });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('EMPIRE_GATEWAY_PORT');
    expect(result.stderr).toContain('EMPIRE_EMBEDDED_PG_PORT');
    expect(result.stderr).toContain('between 1 and 65535');
  });
});
