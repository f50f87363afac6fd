// GET /micro-credentials.csv: the public register as a spreadsheet.
import { publicRegisterRows } from '~/models/open-badges.server';
import { csvResponse } from '~/utils/csv.server';

export async function loader() {
  return csvResponse(publicRegisterRows(), 'micro-credential-register.csv', { cache: 'public, max-age=300' });
}
