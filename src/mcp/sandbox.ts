/**
 * The filesystem server's sandbox: `<ORCHESTRA_HOME>/files`, the only folder the official filesystem server may touch
 * (mcp.config.json passes it as the server's single allowed root). On first use it is seeded with the project's sample
 * content (`samples/files`: documents, logs, feeds, inbox); after that it belongs to the user and is never
 * overwritten, not even file by file.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { orchestraHome, projectRoot } from '../runtime/paths.js';

export const SAMPLE_FILES = path.join(projectRoot, 'samples', 'files');

export function sandboxDir(home = orchestraHome()): string {
  return path.join(home, 'files');
}

export interface SandboxOptions {
  /** The sandbox folder (default `<ORCHESTRA_HOME>/files`). */
  dir?: string;
  /** What to seed it with (default `samples/files`). */
  samples?: string;
}

export interface Sandbox {
  dir: string;
  /** True when this call copied the samples in. */
  seeded: boolean;
}

/**
 * Makes sure the sandbox exists, copying the samples in when it is absent or empty. Idempotent and safe when several
 * workers start at once: the copy is staged next to the sandbox and renamed into place in one step.
 */
export async function ensureSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const dir = path.resolve(options.dir ?? sandboxDir());
  const samples = path.resolve(options.samples ?? SAMPLE_FILES);
  if (!(await isEmptyOrMissing(dir))) return { dir, seeded: false };

  await fs.mkdir(path.dirname(dir), { recursive: true });
  if (!(await exists(samples))) {
    await fs.mkdir(dir, { recursive: true });
    return { dir, seeded: false };
  }
  const staging = `${dir}.seeding-${randomUUID()}`;
  try {
    await fs.cp(samples, staging, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true });
    await fs.rmdir(dir).catch(() => undefined); // an empty folder someone created: replace it
    await fs.rename(staging, dir);
    return { dir, seeded: true };
  } catch (err) {
    // Another worker seeded it first (rename onto a non-empty folder fails): theirs stands.
    if (!(await isEmptyOrMissing(dir))) return { dir, seeded: false };
    throw err;
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await fs.readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}
