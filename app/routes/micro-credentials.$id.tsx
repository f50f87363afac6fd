// /micro-credentials/:id: one entry of the register, at a stable address. Its Open Badges 3.0 Achievement is at the
// same address with .json, or here with `Accept: application/ld+json` (server.ts sends such requests there).
import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { NZQA_STATUS_LABELS } from '~/models/case-study-fields';
import { listMicroCredentials } from '~/models/micro-credentials.server';
import { publicAchievement, registerEntryPath } from '~/models/open-badges.server';
import { getUser } from '~/utils/auth.server';
import { idParam, notFound } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) =>
  data
    ? withDescription([
        { title: `${data.name} · Micro-credential register · Micro-credentials CoP` },
        ...(data.achievementUrl
          ? [{ tagName: 'link', rel: 'alternate', type: 'application/ld+json', href: data.achievementUrl, title: `${data.name} as an Open Badges 3.0 achievement` }]
          : []),
      ], data.description ?? undefined)
    : withDescription([{ title: 'Micro-credential not found · Micro-credentials CoP' }]);

// The same address answers HTML or JSON-LD by the Accept header.
export const headers: HeadersFunction = () => ({ Vary: 'Accept' });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const m = listMicroCredentials(getUser(request), { id })[0] ?? notFound('There is no micro-credential at this address.');
  const achievement = publicAchievement(id);
  return {
    id: m.id,
    name: m.name,
    provider: { name: m.providerName, slug: m.providerSlug },
    credits: m.credits,
    level: m.nzqfLevel,
    nzqa: `${NZQA_STATUS_LABELS[m.nzqaStatus]}${m.nzqaReference ? ` (${m.nzqaReference})` : ''}`,
    fieldOfStudy: m.fieldOfStudy,
    imageUrl: m.imageUrl,
    stacking: m.stacking.map((s) => ({ code: s.code, name: s.name, credits: s.credits })),
    caseStudy: m.caseStudySlug ? { slug: m.caseStudySlug, title: m.caseStudyTitle ?? '' } : null,
    description: achievement?.description ?? null,
    criteria: achievement?.criteria.narrative ?? null,
    // Only entries anyone may see have a public Achievement.
    achievementUrl: achievement ? `${registerEntryPath(m.id)}.json` : null,
  };
}

export default function MicroCredentialEntry() {
  const m = useLoaderData<typeof loader>();
  return (
    <article className="stack">
      <header className="page-header">
        <div>
          <p className="muted">
            <Link to="/micro-credentials">Micro-credential register</Link>
          </p>
          <h1>{m.name}</h1>
          {m.description ? <p>{m.description}</p> : null}
        </div>
      </header>
      <dl className="details">
        <dt>Provider</dt>
        <dd>
          <Link to={`/organisations/${m.provider.slug}`}>{m.provider.name}</Link>
        </dd>
        <dt>Credits</dt>
        <dd>{m.credits ?? <span className="muted">Not given</span>}</dd>
        <dt>NZQF level</dt>
        <dd>{m.level ?? <span className="muted">Not given</span>}</dd>
        <dt>NZQA</dt>
        <dd>{m.nzqa}</dd>
        <dt>Field of study</dt>
        <dd>{m.fieldOfStudy || <span className="muted">Not given</span>}</dd>
        <dt>Stacks into</dt>
        <dd>
          {m.stacking.length
            ? m.stacking.map((s, i) => (
                <span key={s.code}>
                  {i > 0 ? ', ' : ''}
                  <Link to={`/pathways/${s.code}`}>{s.name}</Link> ({s.credits} credits)
                </span>
              ))
            : '–'}
        </dd>
        <dt>Pilot</dt>
        <dd>{m.caseStudy ? <Link to={`/case-studies/${m.caseStudy.slug}`}>{m.caseStudy.title}</Link> : '–'}</dd>
      </dl>
      {m.criteria ? (
        <section aria-labelledby="criteria-title">
          <h2 id="criteria-title">Criteria</h2>
          {m.criteria.split('\n\n').map((p, i) => (
            <p key={i}>{p}</p>
          ))}
        </section>
      ) : null}
      {m.achievementUrl ? (
        <p>
          <a href={m.achievementUrl} type="application/ld+json">
            Open Badges 3.0 achievement (JSON-LD)
          </a>
        </p>
      ) : (
        <p className="muted">This micro-credential’s pilot is shared with members only, so it is not in the public, machine-readable register.</p>
      )}
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
