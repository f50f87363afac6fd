// `npm run db:migrate`: apply pending migrations to DATABASE_PATH (the app also does this at start).
import { databasePath, sqlite } from './client.server';

sqlite.close();
console.log(`Migrations applied to ${databasePath()}`);
