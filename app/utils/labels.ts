// Human wording for stored codes, shared by pages and emails.
import type { OrganisationKind, Role } from '../../db/schema';

export const ORGANISATION_KIND_LABELS: Record<OrganisationKind, string> = {
  itp: 'Institutes of technology and polytechnics (ITPs)',
  ito: 'Industry training organisations (ITOs)',
  professional_body: 'Professional bodies',
  nzbed: 'NZ Board of Engineering Diplomas (NZBED)',
  tec: 'Tertiary Education Commission (TEC)',
  nzqa: 'NZ Qualifications Authority (NZQA)',
  industry: 'Industry and employers',
  other: 'Other organisations',
};

export const ORGANISATION_KIND_SHORT: Record<OrganisationKind, string> = {
  itp: 'ITP',
  ito: 'ITO',
  professional_body: 'Professional body',
  nzbed: 'NZBED',
  tec: 'TEC',
  nzqa: 'NZQA',
  industry: 'Industry',
  other: 'Other',
};

export const ROLE_LABELS: Record<Role, string> = {
  member: 'Member',
  project_manager: 'Project manager',
  coordinator: 'Coordinator',
};

export function slugify(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/&/g, ' and ')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'item'
  );
}
