// `npm run db:migrate`: apply migrations to DATABASE_URL (production mode).
import { printableError } from '../shared/redact';
import { migrateDatabase } from './migrate';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required');
  process.exit(2);
}
migrateDatabase(url).then(
  () => console.log('migrations applied'),
  (err) => {
    console.error('migration failed:', printableError(err));
    process.exit(1);
  },
);
