import type { Priority } from './routing.js';

/**
 * Temporal priority keys for Orchestra's priorities: lower runs first; unset is 3 (the server default, 1–5).
 * A run's activities and children inherit its key, so a CRITICAL request's whole run goes ahead of LOW ones.
 */
export const PRIORITY_KEY: Record<Priority, number> = { CRITICAL: 1, HIGH: 2, MEDIUM: 3, LOW: 5 };
