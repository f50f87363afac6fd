// One-time messages after an action ("Invitation sent"), carried across the redirect in a signed cookie.
import { createCookieSessionStorage, redirect } from '@remix-run/node';
import { env } from './env.server';

export type Flash = { kind: 'success' | 'error' | 'info'; message: string };

type FlashData = { flash: Flash };
let storage: ReturnType<typeof createCookieSessionStorage<Record<string, never>, FlashData>> | undefined;
function flashStorage() {
  storage ??= createCookieSessionStorage<Record<string, never>, FlashData>({
    cookie: {
      name: '__flash',
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secrets: [env().SESSION_SECRET],
      secure: env().APP_URL.startsWith('https:'),
    },
  });
  return storage;
}

export async function flashCookie(request: Request, flash: Flash): Promise<string> {
  const session = await flashStorage().getSession(request.headers.get('Cookie'));
  session.flash('flash', flash);
  return flashStorage().commitSession(session);
}

export async function redirectWithFlash(
  request: Request,
  to: string,
  message: string,
  kind: Flash['kind'] = 'success',
  headers: HeadersInit = {},
) {
  const h = new Headers(headers);
  h.append('Set-Cookie', await flashCookie(request, { kind, message }));
  return redirect(to, { headers: h });
}

/** Reads and clears the flash; the root loader returns it with the Set-Cookie that clears it. */
export async function readFlash(request: Request): Promise<{ flash: Flash | null; setCookie: string | null }> {
  const cookie = request.headers.get('Cookie');
  if (!cookie?.includes('__flash=')) return { flash: null, setCookie: null };
  const session = await flashStorage().getSession(cookie);
  const flash = session.get('flash') ?? null;
  return { flash, setCookie: await flashStorage().commitSession(session) };
}
