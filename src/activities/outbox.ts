import fs from 'node:fs/promises';
import path from 'node:path';
import { orchestraHome } from '../runtime/paths.js';

export interface OutboxMessage {
  /** Idempotency key: delivering the same key twice writes one message. */
  key: string;
  recipient: string;
  subject: string;
  body: string;
}

export interface Delivery {
  notificationId: string;
  deliveredAt: string;
  duplicate: boolean;
}

/** Delivers messages to a local outbox folder (one JSON file per message), standing in for an e-mail gateway. */
export function createOutboxActivities(dir = path.join(orchestraHome(), 'outbox')) {
  return {
    async deliverMessage(message: OutboxMessage): Promise<Delivery> {
      await fs.mkdir(dir, { recursive: true });
      const file = path.join(dir, `${message.key.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
      const record = { ...message, deliveredAt: new Date().toISOString() };
      try {
        // 'wx' fails if the file exists: a retried delivery finds the first one instead of sending again.
        await fs.writeFile(file, JSON.stringify(record, null, 2), { flag: 'wx' });
        return { notificationId: message.key, deliveredAt: record.deliveredAt, duplicate: false };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const first = JSON.parse(await fs.readFile(file, 'utf8')) as typeof record;
        return { notificationId: message.key, deliveredAt: first.deliveredAt, duplicate: true };
      }
    },
  };
}
