// What the case-study form and its parser agree on: field names of the numbered rows, the wording of stored codes,
// and how many rows a form shows. Pure (no server imports), so the form component and the model both use it.
import type { CaseStudyStatus, Visibility } from '../../db/schema';

export const CASE_STUDY_STATUS_LABELS: Record<CaseStudyStatus, string> = {
  proposed: 'Proposed',
  running: 'Running',
  completed: 'Completed',
  evaluated: 'Evaluated',
};

export const DELIVERY_MODES = ['elearning', 'workplace', 'practical_assessment', 'classroom', 'online', 'other'] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];
export const DELIVERY_LABELS: Record<DeliveryMode, string> = {
  elearning: 'eLearning',
  workplace: 'In the workplace',
  practical_assessment: 'Practical assessment',
  classroom: 'Classroom or timetabled course',
  online: 'Online',
  other: 'Other',
};

export const VISIBILITY_LABELS: Record<Visibility, string> = {
  public: 'Public: anyone can read it',
  members: 'Members only: signed-in members of the community',
  agencies: 'Agencies only: members of NZBED, TEC and NZQA, coordinators, and the lead organisation',
};

export const NZQA_STATUS_LABELS = {
  approved: 'Approved',
  in_development: 'In development',
  not_applicable: 'Not applicable',
} as const;

/** Funders people often name; the field is free text, these are suggestions. */
export const FUNDER_SUGGESTIONS = ['TEC', 'NZQA pilot', 'Engineering e2e', 'Self-funded'];

/** Most rows the parser reads; a form never shows more. */
export const MAX_OUTCOME_ROWS = 30;
export const MAX_MICRO_CREDENTIAL_ROWS = 20;
export const MAX_STACKING_ROWS = 5;
/** Blank rows shown after the filled ones, so rows can be added without JavaScript. */
export const BLANK_OUTCOME_ROWS = 2;
export const BLANK_MICRO_CREDENTIAL_ROWS = 1;
export const BLANK_STACKING_ROWS = 1;

export const OUTCOME_PARTS = ['label', 'value', 'unit', 'asOf'] as const;
export const MICRO_CREDENTIAL_PARTS = ['id', 'name', 'provider', 'credits', 'level', 'nzqaStatus', 'nzqaReference', 'fieldOfStudy', 'imageUrl'] as const;

export const outcomeField = (row: number, part: (typeof OUTCOME_PARTS)[number] | 'remove') => `outcome-${row}-${part}`;
export const microCredentialField = (row: number, part: (typeof MICRO_CREDENTIAL_PARTS)[number] | 'remove') => `mc-${row}-${part}`;
export const stackingField = (row: number, stack: number, part: 'qualification' | 'credits') => `mc-${row}-stack-${stack}-${part}`;

/** The form's values: single fields by name, and the three lists (partnerIds, managerIds, delivery) as arrays. */
export type CaseStudyFormValues = { [field: string]: string | string[] | undefined };
export const LIST_FIELDS = ['partnerIds', 'managerIds', 'delivery'] as const;

export function single(values: CaseStudyFormValues, name: string): string {
  const value = values[name];
  return typeof value === 'string' ? value : '';
}

export function list(values: CaseStudyFormValues, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value : typeof value === 'string' && value ? [value] : [];
}

/** 1 + the highest row index (below `max`) for which any of the named parts has a value; 0 when none does. */
export function filledRows(values: CaseStudyFormValues, max: number, names: (row: number) => string[]): number {
  let count = 0;
  for (let row = 0; row < max; row++) if (names(row).some((name) => single(values, name).trim() !== '')) count = row + 1;
  return count;
}

/** How many outcome rows the form shows: the filled ones plus blanks, never more than the parser reads. */
export function outcomeRowCount(values: CaseStudyFormValues): number {
  const filled = filledRows(values, MAX_OUTCOME_ROWS, (row) => OUTCOME_PARTS.map((p) => outcomeField(row, p)));
  return Math.min(MAX_OUTCOME_ROWS, filled + BLANK_OUTCOME_ROWS);
}

function microCredentialNames(row: number): string[] {
  // The NZQA status always has a value (a select), so it does not make a row "filled".
  const names = ['id', 'name', 'provider', 'credits', 'level', 'nzqaReference', 'fieldOfStudy', 'imageUrl'].map((p) => microCredentialField(row, p as (typeof MICRO_CREDENTIAL_PARTS)[number]));
  for (let stack = 0; stack < MAX_STACKING_ROWS; stack++) names.push(stackingField(row, stack, 'qualification'), stackingField(row, stack, 'credits'));
  return names;
}

export function microCredentialRowCount(values: CaseStudyFormValues): number {
  const filled = filledRows(values, MAX_MICRO_CREDENTIAL_ROWS, microCredentialNames);
  return Math.min(MAX_MICRO_CREDENTIAL_ROWS, filled + BLANK_MICRO_CREDENTIAL_ROWS);
}

export function stackingRowCount(values: CaseStudyFormValues, row: number): number {
  const filled = filledRows(values, MAX_STACKING_ROWS, (stack) => [stackingField(row, stack, 'qualification'), stackingField(row, stack, 'credits')]);
  return Math.min(MAX_STACKING_ROWS, filled + BLANK_STACKING_ROWS);
}

/** Whether a micro-credential row has anything typed into it (see microCredentialNames). */
export function microCredentialRowFilled(values: CaseStudyFormValues, row: number): boolean {
  return microCredentialNames(row).some((name) => single(values, name).trim() !== '');
}

export function outcomeRowFilled(values: CaseStudyFormValues, row: number): boolean {
  return OUTCOME_PARTS.some((p) => single(values, outcomeField(row, p)).trim() !== '');
}
