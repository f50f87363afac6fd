// Every page's <meta name="description"> (search engines show it under the title). A route's `meta` export wraps its
// tags in withDescription, with a description of its own or the site's; Remix uses the deepest route's meta alone,
// so the default has to be added there rather than inherited from root.
import type { MetaDescriptor } from '@remix-run/node';

export const SITE_DESCRIPTION =
  'The Micro-credentials Community of Practice: New Zealand engineering educators and industry sharing workshops, pilot case studies, resources and discussion about micro-credentials.';

/** The page's tags, with a description: the one among them, else `description`, else the site's. */
export function withDescription(tags: MetaDescriptor[], description: string = SITE_DESCRIPTION): MetaDescriptor[] {
  if (tags.some((tag) => 'name' in tag && tag.name === 'description')) return tags;
  return [...tags, { name: 'description', content: description }];
}
