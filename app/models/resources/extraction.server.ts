import { asc, eq, sql } from 'drizzle-orm';
import { db, sqlite } from '../../../db/client.server';
import { storedFiles } from '../../../db/schema';
import { extractTextFromFile } from '~/utils/text-extraction.server';
import { storedFilePath } from '~/utils/uploads.server';
import { reindexResource } from './writing.server';
import { logger } from '~/utils/logger.server';

// Text extraction (the background job)

let extractionQueue: Promise<unknown> = Promise.resolve();

const resourcesUsingAsCurrent = sqlite.prepare(`
  select v.resource_id as id from resource_versions v
  where v.sha256 = ? and v.version_number = (select max(v2.version_number) from resource_versions v2 where v2.resource_id = v.resource_id)`);

async function extractBatch(limit: number): Promise<number> {
  let done = 0;
  for (;;) {
    const pending = db
      .select({ sha256: storedFiles.sha256, mimeType: storedFiles.mimeType })
      .from(storedFiles)
      .where(sql`${storedFiles.extractedText} is null and ${storedFiles.extractionError} is null`)
      .orderBy(asc(storedFiles.createdAt))
      .limit(limit)
      .all();
    if (!pending.length) return done;
    for (const file of pending) {
      let text = '';
      let error: string | null = null;
      let refused: string | null = null;
      try {
        const extraction = await extractTextFromFile(storedFilePath(file.sha256), file.mimeType);
        if (extraction.ok) text = extraction.text;
        else refused = extraction.refused;
      } catch (e) {
        error = (e instanceof Error ? e.message : String(e)).slice(0, 500) || 'Unreadable';
      }
      db.transaction(
        (tx) => {
          tx.update(storedFiles)
            .set({ extractedText: text, extractionError: error, extractionRefused: refused })
            .where(eq(storedFiles.sha256, file.sha256))
            .run();
          for (const { id } of resourcesUsingAsCurrent.all(file.sha256) as { id: number }[]) reindexResource(id);
        },
        { behavior: 'immediate' },
      );
      done++;
    }
  }
}

/**
 * Reads the text of every stored file still waiting (extracted_text null) and reindexes the resources whose
 * current version it is. Calls queue behind each other, so a call always covers every file pending when it was
 * made. Returns how many files this call processed.
 */
export function extractPendingTexts({ batchSize = 10 } = {}): Promise<number> {
  const run = extractionQueue.then(() => extractBatch(batchSize));
  extractionQueue = run.catch(() => 0);
  return run;
}

/**
 * Starts reading new files soon after the response has gone (the upload pages call it), so search inside a new
 * document works within moments even between the background job's rounds.
 */
export function queueTextExtraction(): void {
  setImmediate(() => {
    extractPendingTexts().catch((error) => logger.error({ job: 'text-extraction', err: error }, 'text extraction failed'));
  });
}

// ---------------------------------------------------------------------------------------------------------------
