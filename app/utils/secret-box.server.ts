// Secrets we must read back (an authenticator app's TOTP key) are kept encrypted with AES-256-GCM under a key derived
// from SESSION_SECRET with HKDF-SHA256, so a copy of the database alone does not yield them.
import crypto from 'node:crypto';
import { env } from './env.server';

const VERSION = 'v1';
let cachedKey: { secret: string; key: Buffer } | undefined;

function key(): Buffer {
  const secret = env().SESSION_SECRET;
  if (cachedKey?.secret !== secret) {
    const derived = Buffer.from(crypto.hkdfSync('sha256', secret, 'microcred-cop-portal', 'totp-secret-encryption v1', 32));
    cachedKey = { secret, key: derived };
  }
  return cachedKey.key;
}

/** Encrypts bytes; `context` (e.g. "totp:12") is authenticated, so a ciphertext cannot be moved to another row. */
export function sealSecret(plain: Uint8Array, context: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key(), iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** The bytes back, or null when the text was altered, belongs to another context or another secret. */
export function openSecret(sealed: string, context: string): Uint8Array | null {
  const [version, iv, body, tag] = sealed.split('.');
  if (version !== VERSION || !iv || !body || !tag) return null;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return new Uint8Array(Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]));
  } catch {
    return null;
  }
}
