// A real SMTP server for tests: receives on 127.0.0.1 (random port), parses every message with mailparser,
// and can be told to refuse the next delivery with an SMTP code (451 temporary, 550 permanent).
import { EventEmitter } from 'node:events';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

export type CapturedMail = ParsedMail & {
  /** The message exactly as it arrived (headers and body). */
  raw: string;
  /** The SMTP envelope, which may differ from the To/From headers. */
  envelope: { from: string | null; to: string[] };
};

export type SmtpCapture = {
  port: number;
  url: string;
  messages: CapturedMail[];
  /** Resolves with the first message (already received or still to come) matching `predicate`. */
  waitFor(predicate: (mail: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  /** The next message's DATA is answered with this code instead of 250. */
  failNext(code: number, message?: string): void;
  /** Forget the messages received so far. */
  clear(): void;
  close(): Promise<void>;
};

/** Addresses of a parsed message's To header, lower-cased. */
export function recipients(mail: ParsedMail): string[] {
  const to = mail.to ? (Array.isArray(mail.to) ? mail.to : [mail.to]) : [];
  return to.flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()));
}

/** Messages sent to `address`. */
export function sentTo(address: string): (mail: CapturedMail) => boolean {
  const wanted = address.toLowerCase();
  return (mail) => mail.envelope.to.includes(wanted) || recipients(mail).includes(wanted);
}

/** The first absolute link in a message's plain-text part whose path starts with `pathPrefix`. */
export function linkFrom(mail: ParsedMail, pathPrefix: string): string {
  const links = (mail.text ?? '').match(/https?:\/\/[^\s<>")]+/g) ?? [];
  const link = links.find((l) => new URL(l).pathname.startsWith(pathPrefix));
  if (!link) throw new Error(`No link to ${pathPrefix} in the message "${mail.subject}":\n${mail.text}`);
  return link;
}

export async function startSmtpCapture(opts: { logger?: boolean } = {}): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  const events = new EventEmitter();
  events.setMaxListeners(100);
  const failures: { code: number; message: string }[] = [];

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: opts.logger ?? false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const failure = failures.shift();
        if (failure) {
          const error = Object.assign(new Error(failure.message), { responseCode: failure.code });
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            const address = (a: SMTPServerAddress | false) => (a ? a.address.toLowerCase() : null);
            const mail: CapturedMail = Object.assign(parsed, {
              raw: raw.toString('utf8'),
              envelope: {
                from: address(session.envelope.mailFrom),
                to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              },
            });
            messages.push(mail);
            events.emit('message', mail);
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Errors after start (a client dropping the connection) are not the test's business.
  server.on('error', () => {});
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('SMTP capture did not get a port');
  const port = address.port;

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitFor(predicate, timeoutMs = 10_000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const onMessage = (mail: CapturedMail) => {
          if (!predicate(mail)) return;
          clearTimeout(timer);
          events.off('message', onMessage);
          resolve(mail);
        };
        const timer = setTimeout(() => {
          events.off('message', onMessage);
          const seen = messages.map((m) => `  ${m.envelope.to.join(', ')}: ${m.subject}`).join('\n') || '  (none)';
          reject(new Error(`No matching message arrived within ${timeoutMs} ms. Received:\n${seen}`));
        }, timeoutMs);
        events.on('message', onMessage);
      });
    },
    failNext(code, message = code >= 500 ? 'Requested action not taken: mailbox unavailable' : 'Try again later') {
      failures.push({ code, message });
    },
    clear() {
      messages.length = 0;
    },
    close() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
