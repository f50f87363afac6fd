// Pieces the discussion pages share: the thread list, the watch controls, and the Markdown hint under a textarea.
import { Form, Link } from '@remix-run/react';
import type { ThreadRow, WatchLevel } from '~/models/discussions.server';

export function ThreadList({ threads, showCategory = true, caption }: { threads: ThreadRow[]; showCategory?: boolean; caption: string }) {
  return (
    <ul className="list-plain thread-list" aria-label={caption}>
      {threads.map((t) => (
        <li key={t.id} className="thread-list__item">
          <p className="thread-list__title">
            <Link to={t.url}>{t.title}</Link> <ThreadBadges thread={t} />
          </p>
          <p className="meta">
            {showCategory ? (
              <>
                <Link to={t.categoryUrl}>{t.categoryName}</Link> ·{' '}
              </>
            ) : null}
            {t.subjectLabel ? <>About a {t.subjectLabel.toLowerCase()} · </> : null}
            Started by {t.authorName} · {t.replies === 1 ? '1 reply' : `${t.replies} replies`} ·{' '}
            <Link to={t.lastPostUrl}>
              last post{t.lastPostAuthorName ? ` by ${t.lastPostAuthorName}` : ''}, <time dateTime={t.lastActivityIso}>{t.lastActivity}</time>
            </Link>
          </p>
        </li>
      ))}
    </ul>
  );
}

export function ThreadBadges({ thread }: { thread: Pick<ThreadRow, 'pinned' | 'locked' | 'hidden' | 'unread' | 'opened'> }) {
  return (
    <>
      {thread.pinned ? <span className="badge">Pinned</span> : null} {thread.locked ? <span className="badge badge--warn">Locked</span> : null}{' '}
      {thread.hidden ? <span className="badge badge--bad">Hidden</span> : null}{' '}
      {!thread.opened ? <span className="badge badge--ok">New</span> : thread.unread > 0 ? <span className="badge badge--ok">{thread.unread} unread</span> : null}
    </>
  );
}

const LEVEL_TEXT: Record<WatchLevel, string> = {
  watching: 'You are watching',
  muted: 'You have muted',
  normal: 'You are not watching',
};

/** Watch / Mute / Stop buttons: each a small POST form, so they work without JavaScript. */
export function WatchControls({ level, what, explanation }: { level: WatchLevel; what: 'thread' | 'category'; explanation: string }) {
  const options: { level: WatchLevel; label: string }[] = [
    { level: 'watching', label: `Watch this ${what}` },
    { level: 'muted', label: `Mute this ${what}` },
    { level: 'normal', label: level === 'watching' ? 'Stop watching' : 'Unmute' },
  ];
  return (
    <div className="watch-controls">
      <p className="meta">
        {LEVEL_TEXT[level]} this {what}. {explanation}
      </p>
      <div className="actions">
        {options
          .filter((o) => o.level !== level && !(o.level === 'normal' && level === 'normal'))
          .map((o) => (
            <Form method="post" key={o.level} className="inline-form">
              <input type="hidden" name="intent" value="watch" />
              <input type="hidden" name="level" value={o.level} />
              <button type="submit" className="button button--quiet button--small">
                {o.label}
              </button>
            </Form>
          ))}
      </div>
    </div>
  );
}

export function MarkdownHint() {
  return (
    <>
      Markdown works: **bold**, *italic*, [a link](https://example.nz), lists with “- ”, quotes with “&gt; ”. Mention a member by typing @ and
      their full name, for example @Jo Brady: they get an email.
    </>
  );
}
