/**
 * zod's functional flavour (`zod/mini`) for the schemas a workflow evaluates in its first task: its inputs' schemas and
 * the shared pieces they use (src/schemas/common.ts). The SDK gives every workflow run a fresh module cache, so these
 * modules and schemas are built again in each run; zod classic binds ~50 methods onto every schema it creates and
 * its own modules cost several ms a run (bench/FINDINGS.md). zod/mini is the same core (same parsing, same issues)
 * without them. Every other schema stays classic: a classic schema may contain these (`z.object({ id: Slug })`,
 * `z.optional(Duration)`), and the client validates both alike (src/shared/validation.ts).
 *
 * zod/mini installs no locale, so it would say "Invalid input" where classic says "Invalid input: expected string,
 * received number": install English, the locale classic installs, unless a locale is set already.
 */
import { z } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

if (!z.config().localeError) z.config(en());

export { z };
