import { desc, eq } from 'drizzle-orm';
import { db } from '../../db/client.server';
import { auditLog, users } from '../../db/schema';

type Tx = Pick<typeof db, 'insert'>;

/** Records an admin or moderation action. Call it inside the transaction that makes the change. */
export function recordAudit(
  tx: Tx,
  entry: { actorId: number | null; action: string; targetType: string; targetId?: number | null; summary: string },
) {
  tx.insert(auditLog).values({ ...entry, targetId: entry.targetId ?? null }).run();
}

export function listAuditLog({ limit = 100, offset = 0 } = {}) {
  return db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      summary: auditLog.summary,
      createdAt: auditLog.createdAt,
      actorName: users.name,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .orderBy(desc(auditLog.id))
    .limit(limit)
    .offset(offset)
    .all();
}
