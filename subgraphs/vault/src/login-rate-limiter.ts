import { EmpireError, ErrorCode } from '@empire/platform';

interface Window {
  failures: number[];
}

/**
 * Counts failed logins per email and per IP in a sliding window, in this process. Too many
 * failures lock that email or IP out until the oldest failure leaves the window.
 */
export class LoginRateLimiter {
  readonly #windowMs: number;
  readonly #maxPerEmail: number;
  readonly #maxPerIp: number;
  readonly #byKey = new Map<string, Window>();

  constructor(options: { windowMs?: number; maxPerEmail?: number; maxPerIp?: number } = {}) {
    this.#windowMs = options.windowMs ?? 15 * 60_000;
    this.#maxPerEmail = options.maxPerEmail ?? 5;
    this.#maxPerIp = options.maxPerIp ?? 20;
  }

  #recent(key: string): number[] {
    const window = this.#byKey.get(key);
    if (!window) return [];
    const since = Date.now() - this.#windowMs;
    window.failures = window.failures.filter((t) => t > since);
    if (!window.failures.length) this.#byKey.delete(key);
    return window.failures;
  }

  /** Throws FORBIDDEN when this email or IP has failed too often lately. */
  check(email: string, ip: string | null): void {
    const checks: [string, number][] = [[`email:${email}`, this.#maxPerEmail]];
    if (ip) checks.push([`ip:${ip}`, this.#maxPerIp]);
    for (const [key, max] of checks) {
      const failures = this.#recent(key);
      if (failures.length >= max) {
        const waitSeconds = Math.ceil(((failures[0] ?? Date.now()) + this.#windowMs - Date.now()) / 1000);
        throw new EmpireError(
          ErrorCode.Forbidden,
          `Too many failed logins for this ${key.startsWith('ip:') ? 'address' : 'account'}; try again in ${waitSeconds} s`,
        );
      }
    }
  }

  fail(email: string, ip: string | null): void {
    for (const key of ip ? [`email:${email}`, `ip:${ip}`] : [`email:${email}`]) {
      const window = this.#byKey.get(key) ?? { failures: [] };
      window.failures.push(Date.now());
      this.#byKey.set(key, window);
    }
  }

  succeed(email: string): void {
    this.#byKey.delete(`email:${email}`);
  }
}
