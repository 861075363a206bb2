// Formatting is fixed (UTC, en-US digits) so the server-rendered HTML and the hydrated page agree.

const numberFormat = new Intl.NumberFormat('en-US');

/** "2025-11-22 12:40:03 UTC" from an ISO timestamp; the input itself when it does not parse. */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "1,234". */
export function formatCount(value: number): string {
  return numberFormat.format(value);
}

/** "8.0 kB", "1.2 MB" (powers of 1024, as PostgreSQL's pg_size_pretty). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** "publish", or "rollback to v3" for a rollback. */
export function describeTrigger(version: { trigger: string; rolledBackTo: number | null }): string {
  if (version.trigger === 'ROLLBACK' && version.rolledBackTo !== null) return `rollback to v${version.rolledBackTo}`;
  return version.trigger.toLowerCase();
}
