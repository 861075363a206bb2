import { errorMessage, isEmpireError } from '@empire/platform';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printLine(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Prints a command failure as one clear line (with the error code when there is one). */
export function printFailure(error: unknown): void {
  const code = isEmpireError(error) ? `[${error.code}] ` : '';
  process.stderr.write(`empire: ${code}${errorMessage(error)}\n`);
}
