// The duplication radar, on every form that starts something new (a pilot case study, a resource, a discussion
// thread, a workshop): existing things across the community that look like what is being written, with their
// organisation, so the author can join or reuse instead. The author can always go ahead.
//
// Placed inside the form: with JavaScript it listens to the form's title and summary fields and asks /radar
// (debounced, through a fetcher) as they are typed, keeping the previous list on screen until the new one arrives;
// without JavaScript the form's action renders the list it got from findLookAlikes (app/models/search.server.ts).
import { Link, useFetcher } from '@remix-run/react';
import { useEffect, useId, useRef } from 'react';

export type RadarItem = {
  kind: 'case_study' | 'micro_credential' | 'resource' | 'workshop' | 'thread';
  kindLabel: string;
  id: number;
  title: string;
  url: string;
  organisationName: string | null;
  sharedWords: string[];
  draft?: boolean;
  membersOnly?: boolean;
};

/** "Pilot led by Udacity", "Micro-credential from Otago Polytechnic", "Resource from BCITO", "Workshop". */
export function radarDescription(item: Pick<RadarItem, 'kind' | 'organisationName'>): string {
  const org = item.organisationName;
  switch (item.kind) {
    case 'case_study':
      return org ? `Pilot led by ${org}` : 'Pilot';
    case 'micro_credential':
      return org ? `Micro-credential from ${org}` : 'Micro-credential';
    case 'resource':
      return org ? `Resource from ${org}` : 'Resource';
    case 'workshop':
      return 'Community workshop';
    case 'thread':
      return org ? `Discussion started at ${org}` : 'Discussion';
  }
}

const DELAY_MS = 400;

export function DuplicationRadar(props: {
  /** Found by the server (on preview, on a check, or on a refused save); null before there is anything to compare. */
  items: RadarItem[] | null;
  /** The names of the form's fields to compare. */
  titleField?: string;
  summaryField?: string;
  /** The thing being edited (kind and id), left out of its own look-alikes. */
  exclude?: { kind: RadarItem['kind']; id: number };
  /** What to say before anything has been compared. */
  hint: string;
  heading?: string;
}) {
  const { titleField = 'title', summaryField = 'summary', exclude } = props;
  const headingId = useId();
  const section = useRef<HTMLElement>(null);
  const fetcher = useFetcher<{ items: RadarItem[] }>();
  // One request at a time: a newer one waits here until the current answer lands (starting it at once would abort
  // the current one, which the framework logs as an error, and the list would never update while someone types).
  const queued = useRef<string | null>(null);
  const request = (url: string) => {
    if (fetcher.state === 'idle') fetcher.load(url);
    else queued.current = url;
  };
  const load = useRef(request);
  load.current = request;
  useEffect(() => {
    if (fetcher.state !== 'idle' || queued.current === null) return;
    const url = queued.current;
    queued.current = null;
    fetcher.load(url);
  }, [fetcher.state, fetcher.load]);

  useEffect(() => {
    const form = section.current?.closest('form');
    if (!form) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onInput = (event: Event) => {
      const name = (event.target as HTMLInputElement | null)?.name;
      if (name !== titleField && name !== summaryField) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const data = new FormData(form);
        const params = new URLSearchParams({ title: String(data.get(titleField) ?? ''), summary: String(data.get(summaryField) ?? '') });
        if (exclude) {
          params.set('kind', exclude.kind);
          params.set('exclude', String(exclude.id));
        }
        load.current(`/radar?${params}`);
      }, DELAY_MS);
    };
    form.addEventListener('input', onInput);
    return () => {
      form.removeEventListener('input', onInput);
      clearTimeout(timer);
    };
  }, [titleField, summaryField, exclude?.kind, exclude?.id]);

  const items = fetcher.data?.items ?? props.items;
  return (
    <section ref={section} className="similar-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{props.heading ?? 'Similar work already shared'}</h2>
      <div aria-live="polite" aria-busy={fetcher.state === 'loading' || undefined}>
        {items === null ? (
          <p className="muted">{props.hint}</p>
        ) : items.length === 0 ? (
          <p className="muted">Nothing similar has been shared yet.</p>
        ) : (
          <>
            <p>These look similar to yours. Check what they did, or contact their organisations; you can still go ahead with yours.</p>
            <ul className="list-plain radar-list">
              {items.map((item) => (
                <li key={`${item.kind}-${item.id}`}>
                  <Link to={item.url}>{item.title}</Link>
                  <span className="meta">
                    {' '}
                    · {radarDescription(item)}
                    {item.draft ? ' · draft' : ''}
                    {item.membersOnly ? ' · members only' : ''}
                    {item.sharedWords.length ? ` · shares: ${item.sharedWords.slice(0, 6).join(', ')}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}
