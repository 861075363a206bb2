import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { EmpireError, ErrorCode } from '../errors.ts';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 32-byte key from its base64 form; throws naming `name` when it is not one. */
export function parseKey(base64: string, name: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32 || key.toString('base64') !== base64.trim()) {
    throw new EmpireError(
      ErrorCode.BadUserInput,
      `${name} must be 32 random bytes in base64 (44 characters), e.g. from: node -e "console.log(crypto.randomBytes(32).toString('base64'))"`,
    );
  }
  return key;
}

export function generateKey(): string {
  return randomBytes(32).toString('base64');
}

/** Short fingerprint of a master key, stored beside what it wrapped (never the key itself). */
export function keyFingerprint(key: Buffer): string {
  return createHash('sha256').update('empire-master-key').update(key).digest('hex').slice(0, 16);
}

/** AES-256-GCM: iv ‖ tag ‖ ciphertext, base64. `context` is bound as additional data. */
export function seal(key: Buffer, plaintext: Buffer, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
}

export function open(key: Buffer, sealed: string, context: string): Buffer {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv(ALGORITHM, key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new EmpireError(ErrorCode.Internal, `Cannot decrypt ${context}: wrong master key or tampered ciphertext`);
  }
}

/** Binds a secret's ciphertext to its `secrets_vault` row, so a value copied to another row does not decrypt. */
export function secretContext(keyId: string, version: number): string {
  return `secrets_vault:${keyId}:${version}`;
}

export interface EnvelopeCiphertext {
  /** The value sealed with its own data key. */
  value: string;
  /** The data key sealed with the master key. */
  wrappedKey: string;
  /** Fingerprint of the master key that wrapped the data key. */
  masterKeyId: string;
}

/**
 * Envelope encryption: every secret gets its own random data key; only data keys are sealed
 * with the master key, so a re-key rewraps 32-byte keys and never touches the values.
 */
export class MasterKeyring {
  readonly #current: Buffer;
  readonly #byId: Map<string, Buffer>;

  /** `current` encrypts; `previous` keys can still decrypt (during a re-key rollout). */
  constructor(current: Buffer, previous: Buffer[] = []) {
    this.#current = current;
    this.#byId = new Map([current, ...previous].map((key) => [keyFingerprint(key), key]));
  }

  get currentId(): string {
    return keyFingerprint(this.#current);
  }

  encrypt(plaintext: string, context: string): EnvelopeCiphertext {
    const dataKey = randomBytes(32);
    return {
      value: seal(dataKey, Buffer.from(plaintext, 'utf8'), context),
      wrappedKey: seal(this.#current, dataKey, `data-key:${context}`),
      masterKeyId: this.currentId,
    };
  }

  decrypt(envelope: EnvelopeCiphertext, context: string): string {
    return open(this.#unwrap(envelope, context), envelope.value, context).toString('utf8');
  }

  /** The same data key, wrapped under `next` instead. */
  rewrap(envelope: EnvelopeCiphertext, context: string, next: Buffer): EnvelopeCiphertext {
    const dataKey = this.#unwrap(envelope, context);
    return { value: envelope.value, wrappedKey: seal(next, dataKey, `data-key:${context}`), masterKeyId: keyFingerprint(next) };
  }

  #unwrap(envelope: EnvelopeCiphertext, context: string): Buffer {
    const master = this.#byId.get(envelope.masterKeyId);
    if (!master)
      throw new EmpireError(
        ErrorCode.Internal,
        `Secret ${context} is wrapped by master key ${envelope.masterKeyId}, which this process does not have (EMPIRE_MASTER_KEY / EMPIRE_MASTER_KEY_PREVIOUS)`,
      );
    return open(master, envelope.wrappedKey, `data-key:${context}`);
  }
}
