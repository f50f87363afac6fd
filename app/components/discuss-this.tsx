// "Discuss this" on a workshop, pilot or resource page: the threads about it and a link to start one.
// The page's loader calls discussThis(type, id, viewer, pagePath) from ~/models/discussions.server and passes the
// result in as `discussion`.
import { Link } from '@remix-run/react';
import type { DiscussThisData } from '~/models/discussions.server';

export function DiscussThis({ discussion, headingLevel = 2 }: { discussion: DiscussThisData; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const { signedIn, threads, startUrl, loginUrl, subjectLabel } = discussion;
  return (
    <section aria-labelledby="discuss-this-title" className="discuss-this">
      <Heading id="discuss-this-title">Discuss this</Heading>
      {!signedIn ? (
        <p>
          Discussions are for members. <Link to={loginUrl}>Sign in</Link> to read what others have said about this {subjectLabel} and to join in.
        </p>
      ) : (
        <>
          {threads.length === 0 ? (
            <p className="empty">Nobody has started a discussion about this {subjectLabel} yet.</p>
          ) : (
            <ul className="list-plain">
              {threads.map((t) => (
                <li key={t.id}>
                  <Link to={`/discussions/${t.id}`}>{t.title}</Link>{' '}
                  {t.locked ? <span className="badge">Locked</span> : null}{' '}
                  {!t.opened ? <span className="badge badge--ok">New</span> : t.unread > 0 ? <span className="badge badge--ok">{t.unread} unread</span> : null}
                  <br />
                  <span className="meta">
                    {t.replies === 1 ? '1 reply' : `${t.replies} replies`} · last post <time dateTime={t.lastActivityIso}>{t.lastActivity}</time>
                  </span>
                </li>
              ))}
            </ul>
          )}
          <p>
            <Link className="button button--secondary" to={startUrl}>
              Start a discussion
            </Link>
          </p>
        </>
      )}
    </section>
  );
}
