// The kinds of thing the community-wide search finds, and how pages name them (shared by server and browser code).

/** Characters of a search read (the rest is ignored): the search box's maxlength too. */
export const QUERY_MAX_LENGTH = 200;

export const SEARCH_KINDS = ['workshop', 'case_study', 'micro_credential', 'resource', 'thread', 'post', 'organisation', 'member'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export const SEARCH_KIND_LABELS: Record<SearchKind, string> = {
  workshop: 'Workshop',
  case_study: 'Pilot case study',
  micro_credential: 'Micro-credential',
  resource: 'Resource',
  thread: 'Discussion',
  post: 'Reply',
  organisation: 'Organisation',
  member: 'Member',
};

/** Plural labels for the kind filter ("Show: Workshops"). */
export const SEARCH_KIND_PLURALS: Record<SearchKind, string> = {
  workshop: 'Workshops',
  case_study: 'Pilot case studies',
  micro_credential: 'Micro-credentials',
  resource: 'Resources',
  thread: 'Discussions',
  post: 'Replies',
  organisation: 'Organisations',
  member: 'Members',
};

/** What the duplication radar lists: things someone might otherwise start again. */
export const RADAR_KINDS = ['case_study', 'micro_credential', 'resource', 'workshop', 'thread'] as const satisfies readonly SearchKind[];
export type RadarKind = (typeof RADAR_KINDS)[number];

export function isSearchKind(value: string): value is SearchKind {
  return (SEARCH_KINDS as readonly string[]).includes(value);
}
