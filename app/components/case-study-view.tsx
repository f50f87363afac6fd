// A case study as readers see it: the page at /case-studies/:slug and the preview while writing use the same view,
// so the preview is exactly what publishing will show. `level` is the heading level of its sections.
import { Link } from '@remix-run/react';
import type { ReactNode } from 'react';

export type CaseStudyViewData = {
  title: string;
  statusLabel: string;
  leadOrganisation: { name: string; slug: string } | null;
  partners: { name: string; slug: string }[];
  /** Null when the viewer may not see names (visitors): then only the count is shown. */
  managers: { id: number; name: string }[] | null;
  managerCount: number;
  dates: string;
  funder: string;
  fundingNotes: string;
  targetAudience: string;
  problem: string;
  solution: string;
  delivery: string[];
  outcomes: { label: string; value: string; asOf: string | null }[];
  lessonsLearned: string;
  bodyHtml: string;
  tags: string[];
  microCredentials: {
    key: string;
    name: string;
    providerName: string;
    providerSlug: string;
    credits: number | null;
    nzqfLevel: number | null;
    nzqaStatusLabel: string;
    nzqaReference: string;
    stacking: { code: string; name: string; credits: number }[];
  }[];
};

function Heading({ level, id, children }: { level: 2 | 3; id?: string; children: ReactNode }) {
  return level === 2 ? <h2 id={id}>{children}</h2> : <h3 id={id}>{children}</h3>;
}

/** Plain text kept as the author wrote it: blank lines make paragraphs. React escapes it. */
export function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {text
        .split(/\n{2,}/)
        .map((p) => p.trim())
        .filter(Boolean)
        .map((p, i) => (
          <p key={i} className="pre-wrap">
            {p}
          </p>
        ))}
    </>
  );
}

function OrgLink({ org }: { org: { name: string; slug: string } }) {
  return org.slug ? <Link to={`/organisations/${org.slug}`}>{org.name}</Link> : <>{org.name}</>;
}

export function CaseStudyView({ cs, level, idPrefix = '' }: { cs: CaseStudyViewData; level: 2 | 3; idPrefix?: string }) {
  const section = (key: string, title: string, body: ReactNode) => (
    <section id={`${idPrefix}${key}`} aria-labelledby={`${idPrefix}${key}-title`} key={key}>
      <Heading level={level} id={`${idPrefix}${key}-title`}>
        {title}
      </Heading>
      {body}
    </section>
  );
  return (
    <div className="stack case-study">
      <dl className="details">
        <dt>Lead organisation</dt>
        <dd>{cs.leadOrganisation ? <OrgLink org={cs.leadOrganisation} /> : <span className="muted">Not given</span>}</dd>
        {cs.partners.length ? (
          <>
            <dt>Partners</dt>
            <dd>
              {cs.partners.map((p, i) => (
                <span key={`${p.slug}-${i}`}>
                  {i > 0 ? ', ' : ''}
                  <OrgLink org={p} />
                </span>
              ))}
            </dd>
          </>
        ) : null}
        <dt>Status</dt>
        <dd>{cs.statusLabel}</dd>
        {cs.dates ? (
          <>
            <dt>Dates</dt>
            <dd>{cs.dates}</dd>
          </>
        ) : null}
        {cs.funder ? (
          <>
            <dt>Funder</dt>
            <dd>{cs.funder}</dd>
          </>
        ) : null}
        {cs.delivery.length ? (
          <>
            <dt>Delivery</dt>
            <dd>{cs.delivery.join(', ')}</dd>
          </>
        ) : null}
        {cs.managerCount ? (
          <>
            <dt>Project {cs.managerCount === 1 ? 'manager' : 'managers'}</dt>
            <dd>
              {cs.managers
                ? cs.managers.map((m, i) => (
                    <span key={m.id}>
                      {i > 0 ? ', ' : ''}
                      <Link to={`/members/${m.id}`}>{m.name}</Link>
                    </span>
                  ))
                : `${cs.managerCount} (sign in to see who)`}
            </dd>
          </>
        ) : null}
      </dl>

      {cs.fundingNotes ? section('funding', 'Funding', <Paragraphs text={cs.fundingNotes} />) : null}
      {cs.targetAudience ? section('audience', 'Who it is for', <Paragraphs text={cs.targetAudience} />) : null}
      {cs.problem ? section('problem', 'The problem', <Paragraphs text={cs.problem} />) : null}
      {cs.solution ? section('solution', 'The solution', <Paragraphs text={cs.solution} />) : null}
      {cs.outcomes.length
        ? section(
            'outcomes',
            'Outcomes',
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Measured outcomes</caption>
                <thead>
                  <tr>
                    <th scope="col">Measure</th>
                    <th scope="col">Value</th>
                    <th scope="col">As of</th>
                  </tr>
                </thead>
                <tbody>
                  {cs.outcomes.map((o, i) => (
                    <tr key={i}>
                      <th scope="row">{o.label}</th>
                      <td>{o.value || '–'}</td>
                      <td>{o.asOf ?? '–'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>,
          )
        : null}
      {cs.lessonsLearned ? section('lessons', 'Lessons learned', <Paragraphs text={cs.lessonsLearned} />) : null}
      {cs.bodyHtml ? section('story', 'The story', <div className="prose" dangerouslySetInnerHTML={{ __html: cs.bodyHtml }} />) : null}
      {section(
        'micro-credentials',
        'Micro-credentials',
        cs.microCredentials.length ? (
          <ul className="list-plain">
            {cs.microCredentials.map((m) => (
              <li key={m.key}>
                <p>
                  <strong>{m.name}</strong> · <OrgLink org={{ name: m.providerName, slug: m.providerSlug }} />
                </p>
                <p className="meta">
                  {[m.credits !== null ? `${m.credits} credits` : 'Credits not given', m.nzqfLevel !== null ? `NZQF Level ${m.nzqfLevel}` : 'Level not given', `NZQA: ${m.nzqaStatusLabel}${m.nzqaReference ? ` (${m.nzqaReference})` : ''}`].join(' · ')}
                </p>
                {m.stacking.length ? (
                  <p>
                    Stacks into:{' '}
                    {m.stacking.map((s, i) => (
                      <span key={s.code || i}>
                        {i > 0 ? ', ' : ''}
                        {s.code ? <Link to={`/pathways/${s.code}`}>{s.name}</Link> : s.name} ({s.credits} credits)
                      </span>
                    ))}
                  </p>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <p className="empty">No micro-credentials are recorded for this pilot.</p>
        ),
      )}
      {cs.tags.length ? (
        <section aria-labelledby={`${idPrefix}tags-title`}>
          <Heading level={level} id={`${idPrefix}tags-title`}>
            Tags
          </Heading>
          <ul className="tag-list">
            {cs.tags.map((t) => (
              <li key={t}>
                <Link className="badge" to={`/case-studies?tag=${encodeURIComponent(t)}`}>
                  {t}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

/** The preview, shown above the form after "Preview". */
export function PreviewSection({ preview, bodyHtml }: { preview: CaseStudyViewData | null; bodyHtml: string | null }) {
  if (!preview && bodyHtml === null) return null;
  return (
    <section className="preview-panel" aria-labelledby="preview-title">
      <h2 id="preview-title">Preview{preview ? `: ${preview.title}` : ''}</h2>
      <p className="muted">This is how the case study will look. Nothing has been saved yet.</p>
      {preview ? (
        <CaseStudyView cs={preview} level={3} idPrefix="preview-" />
      ) : (
        <>
          <p>Fix the fields marked below to preview the whole case study. The story so far:</p>
          {bodyHtml ? <div className="prose" dangerouslySetInnerHTML={{ __html: bodyHtml }} /> : <p className="empty">No story written yet.</p>}
        </>
      )}
    </section>
  );
}
