import { DEFAULT_BREAKER_SETTINGS } from '../src/mcp/breaker/settings.js';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  DEFAULT_MCP_CONFIG,
  loadMcpConfig,
  mcpConfigPath,
  McpConfigError,
  parseMcpConfig,
  type HttpServerSpec,
  type StdioServerSpec,
} from '../src/mcp/config.js';
import { projectRoot } from '../src/runtime/paths.js';
import { tempDir } from './helpers/mcp.js';

function problemsOf(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseMcpConfig(raw, { env, baseDir: '/cfg' });
  } catch (err) {
    assert.ok(err instanceof McpConfigError, String(err));
    return err.problems;
  }
  assert.fail('expected the config to be rejected');
}

describe('MCP config', () => {
  it('reads stdio and Streamable HTTP servers in the shape other MCP hosts use', () => {
    const config = parseMcpConfig({
      mcpServers: {
        files: { command: 'npx', args: ['-y', 'some-server', '/data'], env: { LEVEL: 'debug' } },
        tickets: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer abc' } },
      },
    }, { env: {}, baseDir: '/cfg' });
    const files = config.servers.files as StdioServerSpec;
    assert.deepEqual(files, {
      name: 'files', transport: 'stdio', command: 'npx', args: ['-y', 'some-server', '/data'], env: { LEVEL: 'debug' }, cwd: '/cfg',
      breaker: DEFAULT_BREAKER_SETTINGS, // Orchestra's circuit breaker, with the seed's defaults when the entry sets none
    });
    const tickets = config.servers.tickets as HttpServerSpec;
    assert.equal(tickets.transport, 'http');
    assert.equal(tickets.url.href, 'https://mcp.example.com/mcp');
    assert.deepEqual(tickets.headers, { Authorization: 'Bearer abc' });
  });

  it('runs "node" servers with the Node binary that runs the worker', () => {
    const config = parseMcpConfig({ mcpServers: { s: { command: 'node', args: ['server.js'] } } }, { env: {} });
    assert.equal((config.servers.s as StdioServerSpec).command, process.execPath);
  });

  it('expands ${VAR} and ${VAR:-default} from the environment, so secrets stay out of the file and of workflows', () => {
    const config = parseMcpConfig({
      mcpServers: {
        api: { url: 'https://${API_HOST}/mcp', headers: { Authorization: 'Bearer ${API_TOKEN}', 'X-Region': '${REGION:-eu-west-1}' } },
        local: { command: '${TOOLS}/bin/server', args: ['--db', '${DB:-${ORCHESTRA_HOME}/local.db}', '--root=${PROJECT_ROOT}'], env: { KEY: '${API_TOKEN}' }, cwd: '${TOOLS}' },
      },
    }, { env: { API_HOST: 'mcp.internal', API_TOKEN: 's3cret', TOOLS: '/opt/tools', ORCHESTRA_HOME: '/var/orchestra' } });
    const api = config.servers.api as HttpServerSpec;
    assert.equal(api.url.href, 'https://mcp.internal/mcp');
    assert.deepEqual(api.headers, { Authorization: 'Bearer s3cret', 'X-Region': 'eu-west-1' });
    const local = config.servers.local as StdioServerSpec;
    assert.equal(local.command, '/opt/tools/bin/server');
    assert.deepEqual(local.args, ['--db', '/var/orchestra/local.db', `--root=${projectRoot}`]);
    assert.deepEqual(local.env, { KEY: 's3cret' });
    assert.equal(local.cwd, '/opt/tools');
  });

  it('uses a set variable over its default, and does not re-expand values', () => {
    const config = parseMcpConfig({ mcpServers: { s: { command: 'x', args: ['${DB:-${MISSING}}', '${RAW}'] } } }, { env: { DB: '/db', RAW: '${DB}' } });
    assert.deepEqual((config.servers.s as StdioServerSpec).args, ['/db', '${DB}']);
  });

  it('names the field of an unset variable', () => {
    assert.deepEqual(problemsOf({ mcpServers: { api: { url: 'https://x/mcp', headers: { Authorization: 'Bearer ${API_TOKEN}' } } } }), [
      'mcpServers.api.headers.Authorization: environment variable API_TOKEN is not set (write ${API_TOKEN:-default} for a default)',
    ]);
  });

  it('names the server and the field of a wrong type', () => {
    assert.deepEqual(problemsOf({ mcpServers: { store: { command: 42 } } }), ['mcpServers.store.command: Invalid input: expected string, received number']);
    const [argsProblem] = problemsOf({ mcpServers: { store: { command: 'node', args: ['ok', 7] } } });
    assert.match(argsProblem, /^mcpServers\.store\.args\[1\]: .*expected string/);
    assert.match(problemsOf({ mcpServers: { store: { command: 'node', env: { PORT: 8080 } } } })[0], /^mcpServers\.store\.env\.PORT: /);
  });

  it('rejects a server with both command and url, or with neither', () => {
    assert.deepEqual(problemsOf({ mcpServers: { both: { command: 'node', url: 'http://localhost:3000/mcp' } } }), [
      'mcpServers.both.url: a server has either "command" (stdio) or "url" (Streamable HTTP), not both',
    ]);
    assert.deepEqual(problemsOf({ mcpServers: { empty: {} } }), [
      'mcpServers.empty: needs "command" (a stdio server) or "url" (a Streamable HTTP server)',
    ]);
    assert.deepEqual(problemsOf({ mcpServers: { web: { url: 'http://h/mcp', args: ['x'] } } }), [
      'mcpServers.web.args: "args" applies to stdio servers, not to a "url" server',
    ]);
  });

  it('rejects unknown fields (typos), a missing mcpServers and a bad URL', () => {
    assert.deepEqual(problemsOf({ mcpServers: { store: { comand: 'node' } } }), [
      'mcpServers.store: Unrecognized key: "comand"',
      'mcpServers.store: needs "command" (a stdio server) or "url" (a Streamable HTTP server)',
    ]);
    assert.match(problemsOf({ servers: {} }).join('\n'), /mcpServers: Invalid input: expected record/);
    assert.deepEqual(problemsOf({ mcpServers: { web: { url: 'ftp://files.example.com' } } }), [
      'mcpServers.web.url: must be an http(s) URL, got "ftp://files.example.com"',
    ]);
  });

  it('finds the file from the flag, then ORCHESTRA_MCP_CONFIG, then the project default', () => {
    assert.equal(mcpConfigPath({ argv: ['node', 'worker', '--mcp-config', 'conf/a.json'], env: { ORCHESTRA_MCP_CONFIG: '/b.json' } }), path.resolve('conf/a.json'));
    assert.equal(mcpConfigPath({ argv: ['--mcp-config=/c.json'], env: {} }), '/c.json');
    assert.equal(mcpConfigPath({ argv: [], env: { ORCHESTRA_MCP_CONFIG: '/b.json' } }), '/b.json');
    assert.equal(mcpConfigPath({ argv: [], env: {} }), DEFAULT_MCP_CONFIG);
  });

  it('fails at load with the file name and the problem', () => {
    const dir = tempDir('config');
    const file = path.join(dir, 'mcp.json');
    fs.writeFileSync(file, JSON.stringify({ mcpServers: { store: { command: ['node'] } } }));
    assert.throws(() => loadMcpConfig({ path: file, env: {} }), (err: Error) => {
      assert.equal(err.message, `Invalid MCP config ${file}: mcpServers.store.command: Invalid input: expected string, received array`);
      return true;
    });
    fs.writeFileSync(file, '{ "mcpServers": ');
    assert.throws(() => loadMcpConfig({ path: file, env: {} }), /not valid JSON/);
    assert.throws(() => loadMcpConfig({ path: path.join(dir, 'absent.json'), env: {} }), /cannot read the file/);
  });

  it('resolves a relative cwd against the config file folder', () => {
    const dir = tempDir('config');
    const file = path.join(dir, 'mcp.json');
    fs.writeFileSync(file, JSON.stringify({ mcpServers: { a: { command: 'x' }, b: { command: 'x', cwd: 'servers/b' } } }));
    const config = loadMcpConfig({ path: file, env: {} });
    assert.equal((config.servers.a as StdioServerSpec).cwd, dir);
    assert.equal((config.servers.b as StdioServerSpec).cwd, path.join(dir, 'servers/b'));
  });

  it('ships a default config with the sandboxed filesystem server and the store server', () => {
    const config = loadMcpConfig({ path: DEFAULT_MCP_CONFIG, env: { ORCHESTRA_HOME: '/srv/orchestra' } });
    const filesystem = config.servers.filesystem as StdioServerSpec;
    assert.equal(filesystem.command, process.execPath);
    assert.deepEqual(filesystem.args, [path.join(projectRoot, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js'), '/srv/orchestra/files']);
    const store = config.servers.store as StdioServerSpec;
    assert.deepEqual(store.args, ['--import', 'tsx', path.join(projectRoot, 'src/mcp/store/server.ts')]);
    assert.deepEqual(store.env, { STORE_DB: '/srv/orchestra/store.db' });
    assert.equal(store.cwd, projectRoot);
  });

  it('rejects oauth settings that cannot work, naming the field', () => {
    assert.deepEqual(problemsOf({ mcpServers: { api: { url: 'https://a.example/mcp', oauth: { grant: 'client_credentials', clientId: 'x' } } } }),
      ['mcpServers.api.oauth.clientSecret: client_credentials needs exactly one of "clientSecret" or "privateKey"']);
    assert.deepEqual(problemsOf({ mcpServers: { fs: { command: 'server', oauth: {} } } }),
      ['mcpServers.fs.oauth: "oauth" applies to "url" servers, not to a stdio server']);
    assert.deepEqual(problemsOf({ mcpServers: { api: { url: 'https://a.example/mcp', oauth: {}, headers: { Authorization: 'Bearer x' } } } }),
      ['mcpServers.api.oauth: a server authorizes with either "oauth" or an "Authorization" header, not both']);
  });
});
