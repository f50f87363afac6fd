// Passkeys (WebAuthn) with @simplewebauthn/server. The relying party is APP_URL's host and origin. Every ceremony's
// challenge is a row that is deleted when used and lives five minutes; an assertion must come from a credential of
// the person it is meant for, and its signature counter must move forward.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding';
import { and, asc, eq, lt } from 'drizzle-orm';
import { db } from '../../../db/client.server';
import { passkeys, users, webauthnChallenges } from '../../../db/schema';
import { env } from '~/utils/env.server';
import { afterFactorAdded, afterFactorRemoved } from './factors.server';

const CHALLENGE_TTL_MS = 5 * 60_000;
const RP_NAME = 'Micro-credentials CoP';
export const PASSKEY_NAME_MAX = 60;

type ChallengePurpose = (typeof webauthnChallenges.$inferSelect)['purpose'];

function relyingParty() {
  const url = new URL(env().APP_URL);
  return { rpID: url.hostname, origin: url.origin };
}

function saveChallenge(challenge: string, purpose: ChallengePurpose, userId: number | null, userHandle: string | null = null, now = Date.now()) {
  db.transaction((tx) => {
    tx.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, now)).run();
    tx.insert(webauthnChallenges).values({ challenge, purpose, userId, userHandle, expiresAt: now + CHALLENGE_TTL_MS }).run();
  });
}

/** Deletes the challenge and says whether it was ours, unexpired, for this purpose and this person. */
function consumeChallenge(challenge: string, purpose: ChallengePurpose, userId: number | null, now = Date.now()) {
  const row = db
    .delete(webauthnChallenges)
    .where(eq(webauthnChallenges.challenge, challenge))
    .returning()
    .get();
  if (!row || row.purpose !== purpose || row.expiresAt <= now || row.userId !== userId) return null;
  return row;
}

export function listPasskeys(userId: number) {
  return db
    .select({ id: passkeys.id, name: passkeys.name, createdAt: passkeys.createdAt, lastUsedAt: passkeys.lastUsedAt, backedUp: passkeys.backedUp })
    .from(passkeys)
    .where(eq(passkeys.userId, userId))
    .orderBy(asc(passkeys.createdAt), asc(passkeys.id))
    .all();
}

/** Options for navigator.credentials.create(): a discoverable credential, so it can sign in without an email. */
export async function passkeyRegistrationOptions(userId: number) {
  const person = db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, userId)).get();
  if (!person) throw new Error('No such person');
  const existing = db.select({ credentialId: passkeys.credentialId, handle: passkeys.userHandle, transports: passkeys.transports }).from(passkeys).where(eq(passkeys.userId, userId)).all();
  let handle = existing[0]?.handle;
  if (!handle) {
    const bytes = new Uint8Array(32);
    crypto.getRandomValues(bytes);
    handle = encodeBase64urlNoPadding(bytes);
  }
  const { rpID } = relyingParty();
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID,
    userName: person.email,
    userDisplayName: person.name,
    userID: decodeBase64urlIgnorePadding(handle) as Uint8Array<ArrayBuffer>,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports ? p.transports.split(',') : undefined })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    timeout: CHALLENGE_TTL_MS,
  });
  saveChallenge(options.challenge, 'register', userId, handle);
  return options;
}

type PasskeyOutcome<T> = ({ ok: true } & T) | { ok: false; message: string };

function parseResponse<T>(json: string): T | null {
  try {
    const value = JSON.parse(json) as unknown;
    if (!value || typeof value !== 'object' || typeof (value as { id?: unknown }).id !== 'string' || typeof (value as { response?: unknown }).response !== 'object') return null;
    return value as T;
  } catch {
    return null;
  }
}

/** Saves a new passkey after checking the browser's answer. The first factor brings recovery codes (shown once). */
export async function addPasskey(userId: number, name: string, responseJson: string, now = Date.now()): Promise<PasskeyOutcome<{ recoveryCodes: string[] | null }>> {
  const response = parseResponse<RegistrationResponseJSON>(responseJson);
  if (!response) return { ok: false, message: 'The passkey could not be read. Please try again.' };
  const { rpID, origin } = relyingParty();
  let handle: string | null = null;
  let info;
  try {
    const verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: (challenge) => {
        const row = consumeChallenge(challenge, 'register', userId, now);
        handle = row?.userHandle ?? null;
        return row !== null;
      },
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: false,
    });
    if (!verification.verified) return { ok: false, message: 'The passkey could not be verified. Please try again.' };
    info = verification.registrationInfo;
  } catch {
    return { ok: false, message: 'The passkey could not be verified (the request expired or was already used). Please try again.' };
  }
  if (!handle) return { ok: false, message: 'The passkey could not be verified. Please try again.' };
  const userHandle: string = handle;
  return db.transaction((tx) => {
    const taken = tx.select({ id: passkeys.id }).from(passkeys).where(eq(passkeys.credentialId, info.credential.id)).get();
    if (taken) return { ok: false as const, message: 'This passkey is already registered.' };
    tx.insert(passkeys)
      .values({
        userId,
        credentialId: info.credential.id,
        publicKey: Buffer.from(info.credential.publicKey),
        counter: info.credential.counter,
        userHandle,
        transports: (info.credential.transports ?? []).join(','),
        backedUp: info.credentialBackedUp,
        name,
        createdAt: now,
      })
      .run();
    return { ok: true as const, recoveryCodes: afterFactorAdded(tx, userId, { kind: 'passkey-added', label: name }, now) };
  });
}

/**
 * Options for navigator.credentials.get(). For a sign-in with a passkey alone (`userId` null) no credentials are
 * listed, so the browser offers the discoverable ones, and user verification is required; for a second step the
 * person's own passkeys are listed.
 */
export async function passkeyAuthenticationOptions(purpose: 'sign-in' | 'verify', userId: number | null) {
  const { rpID } = relyingParty();
  const allowCredentials =
    purpose === 'verify' && userId !== null
      ? db
          .select({ id: passkeys.credentialId, transports: passkeys.transports })
          .from(passkeys)
          .where(eq(passkeys.userId, userId))
          .all()
          .map((p) => ({ id: p.id, transports: p.transports ? p.transports.split(',') : undefined }))
      : [];
  const options = await generateAuthenticationOptions({
    rpID,
    allowCredentials,
    userVerification: purpose === 'sign-in' ? 'required' : 'preferred',
    timeout: CHALLENGE_TTL_MS,
  });
  saveChallenge(options.challenge, purpose, purpose === 'verify' ? userId : null);
  return options;
}

/**
 * Checks an assertion. For a sign-in the credential names the person (and its user handle must agree); for a second
 * step it must be one of `userId`'s own passkeys. On success the counter and last use are saved.
 */
export async function verifyPasskey(purpose: 'sign-in' | 'verify', userId: number | null, responseJson: string, now = Date.now()): Promise<PasskeyOutcome<{ userId: number }>> {
  const response = parseResponse<AuthenticationResponseJSON>(responseJson);
  if (!response) return { ok: false, message: 'The passkey answer could not be read. Please try again.' };
  const passkey = db
    .select({ id: passkeys.id, userId: passkeys.userId, credentialId: passkeys.credentialId, publicKey: passkeys.publicKey, counter: passkeys.counter, transports: passkeys.transports, handle: passkeys.userHandle, deactivatedAt: users.deactivatedAt })
    .from(passkeys)
    .innerJoin(users, eq(users.id, passkeys.userId))
    .where(eq(passkeys.credentialId, response.id))
    .get();
  const refuse = (message: string) => {
    // The challenge is spent whatever went wrong, so it cannot be tried again.
    try {
      const clientData = JSON.parse(new TextDecoder().decode(decodeBase64urlIgnorePadding(response.response.clientDataJSON))) as { challenge?: unknown };
      if (typeof clientData.challenge === 'string') consumeChallenge(clientData.challenge, purpose, userId, now);
    } catch {
      // nothing to spend
    }
    return { ok: false as const, message };
  };
  if (!passkey || passkey.deactivatedAt !== null) return refuse('This passkey is not registered here. Sign in with your email and password, then add it in your security settings.');
  if (purpose === 'verify' && passkey.userId !== userId) return refuse('This passkey belongs to another account. Use one of your own passkeys.');
  if (purpose === 'sign-in' && response.response.userHandle !== undefined && response.response.userHandle !== passkey.handle) {
    return refuse('This passkey does not match its account. Sign in with your email and password.');
  }
  const { rpID, origin } = relyingParty();
  let newCounter: number;
  try {
    const verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: (challenge) => consumeChallenge(challenge, purpose, purpose === 'verify' ? userId : null, now) !== null,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential: { id: passkey.credentialId, publicKey: new Uint8Array(passkey.publicKey), counter: passkey.counter, transports: passkey.transports ? passkey.transports.split(',') : undefined },
      requireUserVerification: purpose === 'sign-in',
    });
    if (!verification.verified) return refuse('The passkey could not be verified. Please try again.');
    newCounter = verification.authenticationInfo.newCounter;
  } catch {
    return refuse('The passkey could not be verified (the request expired, was already used, or the answer was altered). Please try again.');
  }
  // The counter moves forward once: a cloned authenticator replaying an old counter loses the race here.
  const saved = db
    .update(passkeys)
    .set({ counter: newCounter, lastUsedAt: now })
    .where(and(eq(passkeys.id, passkey.id), newCounter === 0 ? eq(passkeys.counter, 0) : lt(passkeys.counter, newCounter)))
    .run();
  if (saved.changes !== 1) return { ok: false, message: 'The passkey could not be verified. Please try again.' };
  return { ok: true, userId: passkey.userId };
}

export function renamePasskey(userId: number, passkeyId: number, name: string): boolean {
  return db.update(passkeys).set({ name }).where(and(eq(passkeys.id, passkeyId), eq(passkeys.userId, userId))).run().changes === 1;
}

/** Removes one of the person's passkeys (whether they may remove their last factor is the caller's check). */
export function removePasskey(userId: number, passkeyId: number): boolean {
  return db.transaction((tx) => {
    const removed = tx.delete(passkeys).where(and(eq(passkeys.id, passkeyId), eq(passkeys.userId, userId))).returning({ name: passkeys.name }).get();
    if (!removed) return false;
    afterFactorRemoved(tx, userId, { kind: 'passkey-removed', label: removed.name });
    return true;
  });
}

