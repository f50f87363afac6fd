// The second-factor part of /settings/security: what the page shows, and its actions (set up and remove an
// authenticator app, add, rename and remove passkeys, new recovery codes). The route delegates intents starting
// with "totp-", "passkey-" and "recovery-" here, so the page's other sections stay separate.
import { data, redirect } from '@remix-run/node';
import { z } from 'zod';
import { hasSecondFactor, regenerateRecoveryCodes, secondFactorSummary } from '~/models/second-factors/factors.server';
import { addPasskey, listPasskeys, PASSKEY_NAME_MAX, removePasskey, renamePasskey } from '~/models/second-factors/passkeys.server';
import { graceEndsAt, recentlyVerified } from '~/models/second-factors/policy';
import { roleGivenAt } from '~/models/second-factors/sign-in.server';
import { cancelTotpSetup, confirmTotpSetup, pendingTotpSetup, removeTotp, startTotpSetup } from '~/models/second-factors/totp.server';
import { recordSecondFactor, type Session, type SessionUser } from './auth.server';
import { safeRedirectPath } from './http.server';
import { env } from './env.server';
import { redirectWithFlash } from './flash.server';
import { formatDate, formatDateTime } from './time';
import { field, parseForm, type FieldErrors } from './validation.server';

export type SecondFactorActionData = { errors?: FieldErrors; recoveryCodes?: string[]; continueTo?: string | null };

export function secondFactorSettings(request: Request, user: SessionUser, session: Session, now = Date.now()) {
  const url = new URL(request.url);
  const summary = secondFactorSummary(user.id);
  const hasFactor = summary.totp || summary.passkeys > 0;
  const redirectTo = url.searchParams.get('redirectTo');
  return {
    totp: summary.totp,
    totpSetup: summary.totp ? null : pendingTotpSetup(user.id),
    passkeys: listPasskeys(user.id).map((p) => ({
      id: p.id,
      name: p.name,
      created: formatDate(p.createdAt),
      lastUsed: p.lastUsedAt ? formatDateTime(p.lastUsedAt) : null,
    })),
    recoveryCodesLeft: summary.recoveryCodesLeft,
    hasFactor,
    // Changing the password, removing the last factor or making new recovery codes asks for the factor again first.
    needsConfirmation: hasFactor && !recentlyVerified(session.secondFactorAt, now),
    setupRequired: url.searchParams.get('setup') === 'required' && !hasFactor,
    continueTo: redirectTo ? safeRedirectPath(redirectTo) : null,
    coordinatorGraceEnds: user.role === 'coordinator' && !hasFactor ? formatDate(graceEndsAt(roleGivenAt(user.id), env().MFA_GRACE_DAYS)) : null,
    passkeyNameMax: PASSKEY_NAME_MAX,
  };
}

/** For the password form and the "last factor" buttons: may this session make a sensitive change now? */
export function sensitiveChangeBlocked(user: SessionUser, session: Session, now = Date.now()): FieldErrors | null {
  if (!hasSecondFactor(user.id) || recentlyVerified(session.secondFactorAt, now)) return null;
  return { _form: ['Confirm it is you with your second factor first (the link above the form), then try again.'] };
}

const nameSchema = z.object({ name: field.text('a name for the passkey', PASSKEY_NAME_MAX) });
const idSchema = z.object({ passkeyId: field.id('a passkey') });

function bad(errors: FieldErrors, status = 400) {
  return data<SecondFactorActionData>({ errors }, { status });
}

function continueTo(request: Request): string | null {
  const to = new URL(request.url).searchParams.get('redirectTo');
  return to ? safeRedirectPath(to) : null;
}

/** Handles one second-factor intent; null when the intent is not one of these. */
export async function secondFactorAction(request: Request, formData: FormData, user: SessionUser, session: Session, clientIp: string) {
  const intent = String(formData.get('intent') ?? '');
  const back = new URL(request.url);
  const here = back.pathname + back.search;
  switch (intent) {
    case 'totp-start': {
      const outcome = startTotpSetup(user.id);
      if (!outcome.ok) return bad({ totp: [outcome.message] });
      return redirect(`${here}#totp-title`);
    }
    case 'totp-cancel':
      cancelTotpSetup(user.id);
      return redirectWithFlash(request, here, 'Setting up the authenticator app was cancelled.', 'info');
    case 'totp-confirm': {
      const code = String(formData.get('code') ?? '').trim();
      if (!code) return bad({ code: ['Enter the six-digit code your app shows.'] });
      const outcome = confirmTotpSetup(user.id, code, clientIp);
      if (!outcome.ok) return bad({ code: [outcome.message] }, outcome.reason === 'throttled' ? 429 : 400);
      // Proving the app with a code is a second factor verified in this session.
      recordSecondFactor(session, 'totp');
      if (!('recoveryCodes' in outcome) || !outcome.recoveryCodes) {
        return redirectWithFlash(request, continueTo(request) ?? '/settings/security', 'Your authenticator app is set up.');
      }
      return data<SecondFactorActionData>({ recoveryCodes: outcome.recoveryCodes, continueTo: continueTo(request) });
    }
    case 'totp-remove': {
      const summary = secondFactorSummary(user.id);
      if (summary.passkeys === 0) {
        const blocked = sensitiveChangeBlocked(user, session);
        if (blocked) return bad({ totp: blocked._form });
      }
      if (!removeTotp(user.id)) return bad({ totp: ['There is no authenticator app to remove.'] });
      return redirectWithFlash(request, '/settings/security', 'The authenticator app was removed; its codes no longer sign you in.');
    }
    case 'passkey-add': {
      const form = parseForm(nameSchema, formData);
      if (!form.ok) return bad({ passkeyName: form.errors.name });
      const response = String(formData.get('response') ?? '');
      if (!response) return bad({ passkey: ['Adding a passkey needs JavaScript in your browser.'] });
      const outcome = await addPasskey(user.id, form.data.name, response.slice(0, 50_000));
      if (!outcome.ok) return bad({ passkey: [outcome.message] });
      recordSecondFactor(session, 'passkey');
      if (!outcome.recoveryCodes) return redirectWithFlash(request, continueTo(request) ?? '/settings/security', `Passkey “${form.data.name}” added.`);
      return data<SecondFactorActionData>({ recoveryCodes: outcome.recoveryCodes, continueTo: continueTo(request) });
    }
    case 'passkey-rename': {
      const id = parseForm(idSchema, formData);
      const form = parseForm(nameSchema, formData);
      if (!id.ok) return bad({ passkey: ['Choose one of your passkeys.'] });
      if (!form.ok) return bad({ [`rename-${id.data.passkeyId}`]: form.errors.name });
      if (!renamePasskey(user.id, id.data.passkeyId, form.data.name)) return bad({ passkey: ['That passkey is not one of yours.'] }, 404);
      return redirectWithFlash(request, '/settings/security', `Passkey renamed to “${form.data.name}”.`);
    }
    case 'passkey-remove': {
      const id = parseForm(idSchema, formData);
      if (!id.ok) return bad({ passkey: ['Choose one of your passkeys.'] });
      const summary = secondFactorSummary(user.id);
      if (summary.passkeys === 1 && !summary.totp) {
        const blocked = sensitiveChangeBlocked(user, session);
        if (blocked) return bad({ passkey: blocked._form });
      }
      if (!removePasskey(user.id, id.data.passkeyId)) return bad({ passkey: ['That passkey is not one of yours.'] }, 404);
      return redirectWithFlash(request, '/settings/security', 'The passkey was removed.');
    }
    case 'recovery-regenerate': {
      const blocked = sensitiveChangeBlocked(user, session);
      if (blocked) return bad({ recovery: blocked._form });
      const codes = regenerateRecoveryCodes(user.id);
      if (!codes) return bad({ recovery: ['Set up a passkey or an authenticator app first; recovery codes come with it.'] });
      return data<SecondFactorActionData>({ recoveryCodes: codes, continueTo: null });
    }
    default:
      return null;
  }
}
