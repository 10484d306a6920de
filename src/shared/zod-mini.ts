/**
 * Imported (for its effect) by every schema module written in zod's functional flavour, `zod/mini`: the schemas a
 * workflow evaluates in its first task (its input's schema and the shared pieces it uses, src/schemas/common.ts). The
 * SDK gives every workflow run a fresh module cache, so these modules and schemas are built again in each run; zod
 * classic binds ~50 methods onto every schema it creates and its own modules cost several ms a run (bench/FINDINGS.md).
 * zod/mini is the same core (same parsing, same issues, same JSON Schema) without them. Every other schema stays
 * classic: a classic schema may contain these (`z.object({ id: Slug })`, `z.optional(Duration)`), and the client
 * validates both alike (src/shared/validation.ts).
 *
 * zod/mini installs no locale, so it would say "Invalid input" where classic says "Invalid input: expected string,
 * received number": this installs English, the locale classic installs, unless a locale is set already.
 *
 * Those modules import `z` from 'zod/mini' themselves, not through here: the bundler resolves `z.object` to zod's own
 * module only at a direct import (a re-exported `z` would build zod/mini's whole namespace, every locale included).
 */
import { config } from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';

if (!config().localeError) config(en());
