import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where package.json lives). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Orchestra's runtime folder (git-ignored): the Temporal dev server's SQLite file, the store database and the
 * filesystem server's sandbox. ORCHESTRA_HOME moves it (tests use a temporary one).
 */
export function orchestraHome(): string {
  return path.resolve(process.env.ORCHESTRA_HOME ?? path.join(projectRoot, '.orchestra'));
}

/** Where downloaded tools (the Temporal CLI and test server) are cached; shared by every ORCHESTRA_HOME. */
export function toolCacheDir(): string {
  return path.resolve(process.env.ORCHESTRA_TOOLS_DIR ?? path.join(projectRoot, '.orchestra', 'tools'));
}
