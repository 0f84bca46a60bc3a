import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * This process's identity among instances: the `service.instance.id` of its telemetry, the name health and
 * leadership report, and the sender of its change notifications (so it can ignore its own).
 */
export const INSTANCE_ID = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
