import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeToolCall, ToolCall } from '../src/shared/tool-call.js';
import { NON_RETRYABLE_TOOL_ERRORS, retryPolicyFor, toolSafety } from '../src/shared/tool-retry.js';
import { validate } from '../src/shared/validation.js';

describe('tool call descriptions', () => {
  it('names server, tool and the argument that identifies the call', () => {
    assert.equal(describeToolCall({ server: 'store', tool: 'charge_payment', args: { customer_id: 'cust-001', amount: 42.5 } }), 'store.charge_payment customer_id=cust-001');
    assert.equal(describeToolCall({ server: 'filesystem', tool: 'read_text_file', args: { head: 5, path: 'documents/q3.md' } }), 'filesystem.read_text_file path=documents/q3.md');
    assert.equal(describeToolCall({ server: 'store', tool: 'query', args: { limit: 5, query: 'SELECT * FROM orders' } }), 'store.query query="SELECT * FROM orders"');
    assert.equal(describeToolCall({ server: 'store', tool: 'reserve_inventory', args: { quantity: 2, sku: 'SKU-1' } }), 'store.reserve_inventory sku=SKU-1');
    assert.equal(describeToolCall({ server: 'store', tool: 'note', args: { count: 1, body: 'hello' } }), 'store.note body=hello');
    assert.equal(describeToolCall({ server: 'filesystem', tool: 'list_allowed_directories', args: {} }), 'filesystem.list_allowed_directories');
  });

  it('keeps the summary to one short line', () => {
    const summary = describeToolCall({ server: 's', tool: 't', args: { path: `a\n${'x'.repeat(200)}` } });
    assert.ok(!summary.includes('\n'));
    assert.ok(summary.length < 90, summary);
    assert.ok(summary.endsWith('…"'));
  });

  it('validates a call with field-level messages', () => {
    assert.deepEqual(validate(ToolCall, { server: 'store', tool: 'query' }), { ok: true, value: { server: 'store', tool: 'query', args: {} } });
    const bad = validate(ToolCall, { server: '', tool: 'query', args: [], timeout: 'soon' });
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.message : '', /server: must name a configured MCP server; args: .*; timeout: must be a positive duration/);
  });
});

describe('retry policy from tool annotations', () => {
  it('classifies tools by their annotations, with the MCP spec defaults (destructive, not idempotent)', () => {
    assert.equal(toolSafety({ readOnlyHint: true }, false), 'read-only');
    assert.equal(toolSafety({ readOnlyHint: false, idempotentHint: true, destructiveHint: true }, false), 'idempotent');
    assert.equal(toolSafety({ readOnlyHint: false, destructiveHint: false }, false), 'additive');
    assert.equal(toolSafety({ readOnlyHint: false, destructiveHint: true, idempotentHint: false }, false), 'unsafe');
    assert.equal(toolSafety(undefined, false), 'unsafe');
    assert.equal(toolSafety(undefined, true), 'idempotent');
  });

  it('retries read-only tools freely and never retries what cannot succeed', () => {
    const readOnly = retryPolicyFor({ readOnlyHint: true }, false);
    const unsafe = retryPolicyFor({ destructiveHint: true }, false);
    // Bounded everywhere (0 would mean unlimited), most attempts for what is safest to repeat.
    assert.equal(readOnly.maximumAttempts, 10);
    assert.equal(retryPolicyFor({ idempotentHint: true }, false).maximumAttempts, 6);
    assert.equal(retryPolicyFor({ destructiveHint: true }, true).maximumAttempts, 6, 'an idempotency key makes a call idempotent');
    assert.equal(retryPolicyFor({ destructiveHint: false }, false).maximumAttempts, 3);
    assert.equal(unsafe.maximumAttempts, 3);
    assert.ok(readOnly.maximumAttempts > unsafe.maximumAttempts);
    assert.deepEqual([readOnly.initialInterval, readOnly.backoffCoefficient, readOnly.maximumInterval], ['1 second', 2, '30 seconds']);
    for (const type of ['ToolNotFound', 'InvalidToolArguments', 'UnsafeToRetry']) {
      assert.ok(NON_RETRYABLE_TOOL_ERRORS.includes(type));
      assert.ok(readOnly.nonRetryableErrorTypes?.includes(type));
    }
  });
});
