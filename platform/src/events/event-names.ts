/** Every event name on the bus. Names are `module.thing_happened`. */
export const EventName = {
  SupergraphPublished: 'supergraph.published',
  SecretRotated: 'secret.rotated',
  SecretRevoked: 'secret.revoked',
  CacheInvalidated: 'cache.invalidated',
  NeuronStatusChanged: 'neuron.status_changed',
  NeuronConfigPushed: 'neuron.config_pushed',
  LlmFailedOver: 'llm.failed_over',
  BackupCompleted: 'backup.completed',
  AlertRaised: 'alert.raised',
} as const;

export type EventName = (typeof EventName)[keyof typeof EventName];

const NAME_PATTERN = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

export function isValidEventName(name: string): boolean {
  return NAME_PATTERN.test(name);
}

/** One row of the `events` outbox as delivered to listeners. */
export interface EmpireEvent<P = Record<string, unknown>> {
  id: number;
  name: string;
  payload: P;
  source: string | null;
  createdAt: Date;
}

/** The Postgres NOTIFY channel that carries new event ids. */
export const EVENTS_CHANNEL = 'empire_events';
