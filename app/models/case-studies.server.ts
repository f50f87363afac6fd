// Pilot case studies: drafts, preview, publishing, edits that keep revisions after publishing, who may do what,
// the filtered list, and "similar work" (the shared duplication radar) so nobody starts again what another
// organisation already did.
// The micro-credentials a pilot awards are saved with it (micro-credentials.server.ts does the writing).

export { type CaseStudy, canCreateCaseStudy, canEditCaseStudy, canViewCaseStudy } from './case-studies/shared.server';
export {
  type OutcomeInput,
  type CaseStudyMicroCredentialInput,
  type CaseStudyInput,
  parseTags,
  caseStudyFormValuesFrom,
  type ParsedCaseStudy,
  parseCaseStudyForm,
  projectManagerOptions,
  caseStudyFormOptions,
  newCaseStudyFormValues,
  caseStudyFormValues,
} from './case-studies/form.server';
export {
  type CaseStudyDetail,
  loadCaseStudyDetail,
  getCaseStudyById,
  getCaseStudyBySlug,
  type SimilarWork,
  findSimilarWork,
  type CaseStudyView,
  viewOfDetail,
  previewOfInput,
  latestCaseStudies,
} from './case-studies/reading.server';
export {
  FIRST_PUBLISHED,
  createCaseStudy,
  type UpdateCaseStudyOutcome,
  updateCaseStudy,
  publishCaseStudy,
} from './case-studies/writing.server';
export {
  type CaseStudySnapshot,
  snapshotOf,
  SNAPSHOT_FIELDS,
  type SnapshotField,
  formatOutcomeValue,
  formatDates,
  snapshotTexts,
  changedFieldLabels,
  type FieldDiff,
  diffSnapshots,
  listRevisions,
  getRevisionSnapshot,
  diffRevisions,
} from './case-studies/revisions.server';
export {
  type CaseStudyFilters,
  parseCaseStudyFilters,
  type CaseStudyListItem,
  listCaseStudies,
  caseStudyFilterOptions,
  draftsFor,
  caseStudiesForOrganisation,
} from './case-studies/lists.server';
export { significantWords } from '~/utils/significant-words';
