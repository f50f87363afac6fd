// GET /micro-credentials/:id.json: one public register entry as an Open Badges 3.0 Achievement (JSON-LD).
import type { LoaderFunctionArgs } from '@remix-run/node';
import { publicAchievement } from '~/models/open-badges.server';
import { idParam, jsonLdResponse, notFound } from '~/utils/http.server';

export async function loader({ params }: LoaderFunctionArgs) {
  const achievement = publicAchievement(idParam(params.id)) ?? notFound('There is no public micro-credential at this address.');
  return jsonLdResponse(achievement);
}
