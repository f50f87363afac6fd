// The resource library: files and links the community shares, their versions, who may change them, the lists and
// the full-text search (FTS5 over metadata and the text inside each resource's current file), and download counts.
//
// Files live on disk named by SHA-256 (app/utils/uploads.server.ts); stored_files holds one row per distinct file.
// resources_fts (rowid = resources.id) is rewritten in the same transaction as every change to a resource; the
// text inside a file arrives later from extractPendingTexts(), which reindexes the resources using that file.

export {
  type Resource,
  RESOURCE_KIND_LABELS,
  RESOURCE_KIND_OPTIONS,
  VISIBILITY_LABELS,
  LICENCE_SUGGESTIONS,
  PAGE_SIZE,
  canViewResource,
  canAddResource,
  canEditResource,
  HIGHLIGHT_END,
  HIGHLIGHT_START,
} from './resources/shared.server';
export {
  type ResourceFormValues,
  type ResourceInput,
  parseTags,
  type ParsedResourceForm,
  parseResourceForm,
  resourceFormValues,
} from './resources/input.server';
export {
  reindexResource,
  reindexAllResources,
  type ResourceOutcome,
  findFileHolder,
  createResource,
  addResourceVersion,
  type EditOutcome,
  updateResource,
  removeResource,
  toFtsQuery,
} from './resources/writing.server';
export { extractPendingTexts, queueTextExtraction } from './resources/extraction.server';
export {
  getResource,
  listVersions,
  type ResourceDetail,
  getResourceDetail,
  linkOptions,
  type ResourceSummary,
  resourcesForOrganisation,
  resourcesForWorkshop,
  resourcesForCaseStudy,
  countResourcesDueForReview,
  type DownloadTarget,
  getDownloadTarget,
  recordDownload,
  formatPublished,
  publishedYear,
  resourceFieldOptions,
  relatedResourceItems,
} from './resources/reading.server';
export {
  type LibrarySort,
  type LibraryFilters,
  type ResourceListItem,
  filtersFromSearchParams,
  listResources,
  searchResources,
  libraryFilterOptions,
} from './resources/library.server';
