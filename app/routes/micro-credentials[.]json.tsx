// GET /micro-credentials.json: the public register, every entry an Open Badges 3.0 Achievement (JSON-LD).
import { publicAchievements } from '~/models/open-badges.server';
import { jsonLdResponse } from '~/utils/http.server';

export async function loader() {
  return jsonLdResponse(publicAchievements());
}
