// /discussions/:id/posts/:number/history: every text a post has had, newest first, each with what changed from the
// one before (the Markdown source, compared line by line or word by word).
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Fragment } from 'react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { canModerate, getPostByNumber, getThreadForViewer, postHistory } from '~/models/discussions.server';
import { requireUser } from '~/utils/auth.server';
import { diffText, type DiffOp } from '~/utils/diff';
import { idParam, notFound } from '~/utils/http.server';
import { formatDateTime } from '~/utils/time';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data ? `History of post #${data.post.number} · ${data.thread.title} · Micro-credentials CoP` : 'Post history · Micro-credentials CoP' },
]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const thread = getThreadForViewer(user, idParam(params.id)) ?? notFound('There is no thread at this address.');
  const post = getPostByNumber(thread.id, idParam(params.number)) ?? notFound('This thread has no such post.');
  // Removed and hidden posts keep their history for coordinators only.
  if ((post.deletedAt !== null || post.hiddenAt !== null) && !canModerate(user)) notFound('This post is no longer shown, and neither is its history.');
  const versions = postHistory(post.id);
  return {
    thread: { id: thread.id, title: thread.title },
    post: { number: post.number },
    versions: versions
      .map((v, i) => ({
        number: v.number,
        current: i === versions.length - 1,
        when: formatDateTime(v.at),
        whenIso: new Date(v.at).toISOString(),
        editorName: v.editorName,
        bodyMd: v.bodyMd,
        changes: i === 0 ? null : diffText(versions[i - 1]!.bodyMd, v.bodyMd),
        multiline: i > 0 && (versions[i - 1]!.bodyMd.includes('\n') || v.bodyMd.includes('\n')),
      }))
      .reverse(),
  };
}

function Changes({ ops, multiline }: { ops: DiffOp[]; multiline: boolean }) {
  if (multiline) {
    // One block per line, marked as removed or added.
    return (
      <div className="diff diff--lines">
        {ops.flatMap((op, i) =>
          op.text.split('\n').map((line, j) => {
            const key = `${i}-${j}`;
            if (op.type === 'insert')
              return (
                <ins key={key}>
                  <span className="visually-hidden">Added: </span>
                  {line || ' '}
                </ins>
              );
            if (op.type === 'delete')
              return (
                <del key={key}>
                  <span className="visually-hidden">Removed: </span>
                  {line || ' '}
                </del>
              );
            return <span key={key}>{line || ' '}</span>;
          }),
        )}
      </div>
    );
  }
  return (
    <p className="diff diff--words">
      {ops.map((op, i) => (
        <Fragment key={i}>
          {op.type === 'insert' ? (
            <ins>
              <span className="visually-hidden">[added: </span>
              {op.text}
              <span className="visually-hidden">]</span>
            </ins>
          ) : op.type === 'delete' ? (
            <del>
              <span className="visually-hidden">[removed: </span>
              {op.text}
              <span className="visually-hidden">]</span>
            </del>
          ) : (
            op.text
          )}
        </Fragment>
      ))}
    </p>
  );
}

export default function PostHistory() {
  const { thread, post, versions } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <header>
        <p className="meta">
          <Link to="/discussions">Discussions</Link> › <Link to={`/discussions/${thread.id}/posts/${post.number}`}>{thread.title}</Link>
        </p>
        <h1>History of post #{post.number}</h1>
        <p className="muted">
          {versions.length === 1 ? 'This post has not been edited.' : `${versions.length - 1} ${versions.length === 2 ? 'edit' : 'edits'}, newest first. Texts are shown as written, in Markdown.`}
        </p>
      </header>
      <ol className="list-plain" reversed>
        {versions.map((v) => (
          <li key={v.number}>
            <section aria-labelledby={`version-${v.number}`} className="stack-tight">
              <h2 id={`version-${v.number}`}>
                Version {v.number}
                {v.current ? ' (current)' : v.number === 1 ? ' (original)' : ''}
              </h2>
              <p className="meta">
                {v.number === 1 ? 'Written' : 'Edited'} {v.editorName ? `by ${v.editorName} ` : ''}
                <time dateTime={v.whenIso}>{v.when}</time>
              </p>
              {v.changes ? (
                <>
                  <h3>What changed</h3>
                  <Changes ops={v.changes} multiline={v.multiline} />
                </>
              ) : null}
              <details>
                <summary>Full text of version {v.number}</summary>
                <div className="pre-wrap">{v.bodyMd}</div>
              </details>
            </section>
          </li>
        ))}
      </ol>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
