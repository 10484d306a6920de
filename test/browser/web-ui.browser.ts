/**
 * The Temporal Web UI in a real browser (playwright-core driving the system's Chromium; nothing is downloaded), against
 * a real dev server with its UI, a worker and the real MCP servers: the workflow list, a run's detail page, a filter by
 * an Orchestra search attribute, and a pending approval decided through the UI's "Send an Update" form (its `decide`
 * update; the client then checks who decided and how the run ended). Screenshots go to test-results/browser/.
 * `npm run test:browser`; skipped, saying so, when no Chromium is installed (CHROMIUM_PATH, default /usr/bin/chromium).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDevServer } from '../../src/runtime/dev-server.js';
import type { AccessRequestResult } from '../../src/schemas/access-request.js';
import type { ApprovalDecision, ApprovalState } from '../../src/schemas/approval.js';
import { APPROVAL_QUERY, DECIDE_UPDATE } from '../../src/shared/approval.js';
import { projectRoot } from '../../src/runtime/paths.js';
import { eventually } from '../helpers/eventually.js';
import { testDeps, withWorker, type TestDeps } from '../helpers/temporal.js';
import { freePort } from '../helpers/ports.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const noBrowser = fs.existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
const SHOTS = path.join(projectRoot, 'test-results', 'browser');

describe('the Temporal Web UI in a browser', { skip: noBrowser }, () => {
  let env: TestWorkflowEnvironment;
  let deps: TestDeps;
  let browser: Browser;
  let page: Page;
  let ui: string;
  before(async () => {
    const uiPort = await freePort();
    env = await startDevServer({ port: await freePort(), uiPort });
    ui = `http://127.0.0.1:${uiPort}/namespaces/default`;
    deps = await testDeps();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    fs.mkdirSync(SHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await deps?.close();
    await env?.teardown();
  });
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  it('lists the runs, shows a run and its activity summaries, filters by an Orchestra search attribute, and decides a pending approval through its update form', async () => {
    await withWorker(env, deps, async ({ orchestra, taskQueue }) => {
      const reminder = await orchestra.start('reminder', { recipient: 'grace@example.com', message: 'Stand-up', delay: '1s' }, { taskQueue });
      await orchestra.result(reminder.workflowId);
      const saga = await orchestra.start('orderSaga', {
        orderId: 'ord-browser', customer: { id: 'cust-001', name: 'Acme Corporation', email: 'billing@acme.example' },
        items: [{ sku: 'WIDGET-001', quantity: 1 }],
        shippingAddress: { name: 'Acme', street: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
      }, { taskQueue });
      await orchestra.result(saga.workflowId);
      await eventually(async () => assert.equal((await orchestra.list('OrchestraPattern = "orderSaga"')).length, 1), { what: 'visibility to list the saga' });

      await page.goto(`${ui}/workflows`);
      await page.getByText(reminder.workflowId).first().waitFor({ timeout: 60_000 });
      await page.getByText(saga.workflowId).first().waitFor();
      await shot('1-workflow-list');

      await page.goto(`${ui}/workflows/${encodeURIComponent(saga.workflowId)}`);
      await page.getByText('Completed', { exact: true }).first().waitFor({ timeout: 60_000 });
      // The timeline names each activity by its summary.
      await page.getByText('store.charge_payment — charge $19.99 to cust-001', { exact: false }).first().waitFor();
      await shot('2-saga-detail');

      // A pending approval, decided through the UI's update form: the run's own `decide` update, a JSON decision.
      const access = await orchestra.start('accessRequest', { request: 'admin access to the billing console', requester: 'ada@example.com' }, { taskQueue });
      await eventually(async () => assert.equal((await orchestra.progress(access.workflowId)).state, 'waiting'), { what: 'the approval to be pending' });
      await page.goto(`${ui}/workflows/${encodeURIComponent(access.workflowId)}`);
      await page.getByText('Running', { exact: true }).first().waitFor({ timeout: 60_000 });
      await page.getByRole('button', { name: 'More Actions' }).click();
      await page.getByRole('menu').getByText('Send an Update', { exact: true }).first().click();
      // (The UI keeps a second, hidden copy of the form in the page: act in the open one.)
      const form = page.getByTestId('update-confirmation-modal').filter({ visible: true });
      await form.getByTestId('update-select-button').click();
      await form.getByRole('option', { name: DECIDE_UPDATE, exact: true }).click(); // listed from the run's own handlers
      assert.equal(await form.getByTestId('update-select').inputValue(), DECIDE_UPDATE);
      const decision = { decision: 'approved', approver: 'Grace Hopper', comment: 'decided in the Web UI' } satisfies ApprovalDecision;
      // The Data field is a CodeMirror editor (a contenteditable, not an input): focus it and type. Its encoding is
      // json/plain, so the UI sends the parsed JSON, the one argument the update takes.
      const editor = form.getByRole('textbox', { name: 'Data' });
      await editor.click();
      await page.keyboard.insertText(JSON.stringify(decision));
      // Leave the editor before pressing Submit: leaving it re-formats the JSON over several lines, which grows the
      // dialog and moves the Submit button, so a click aimed while the editor still had focus lands beside the button
      // and nothing is sent (what "the decision never reached the run" was: no request at all, no error shown).
      await editor.blur();
      await eventually(async () => assert.deepEqual(JSON.parse(await editor.innerText()), decision), { what: 'the editor to hold the decision' });
      await shot('4-update-form');
      await form.getByTestId('confirm-modal-button').click();
      // On success the UI closes the dialog; on a rejected update (the validator's message) it stays open saying why.
      await eventually(async () => assert.equal(await form.count(), 0, `the update dialog is still open: ${(await form.getByRole('alert').allInnerTexts()).join(' | ')}`),
        { what: 'the UI to accept the update' });
      await shot('5-update-sent');

      // The run got the decision from the UI, signed by that person, and finished approved.
      const approval = await eventually(async () => {
        const state = await orchestra.handle(access.workflowId).query<ApprovalState>(APPROVAL_QUERY);
        assert.ok(state.decision, `no decision recorded: ${JSON.stringify(state)}`);
        return state.decision;
      }, { what: 'the decision sent from the UI to reach the run' });
      assert.deepEqual({ ...approval, decidedAt: undefined }, { ...decision, decidedAt: undefined });
      const result = await orchestra.result(access.workflowId) as AccessRequestResult;
      assert.equal(result.outcome, 'approved');
      assert.equal(result.decidedBy, 'Grace Hopper');
      assert.deepEqual(result.approval, approval);
      assert.equal(result.result, 'APPROVED: Admin processing: admin access to the billing console - Full access granted');

      const query = encodeURIComponent('OrchestraPattern = "reminder"');
      await page.goto(`${ui}/workflows?query=${query}`);
      await page.getByText(reminder.workflowId).first().waitFor({ timeout: 60_000 });
      assert.equal(await page.getByText(saga.workflowId).count(), 0, 'the filter leaves the saga out');
      await shot('3-filtered-by-pattern');
    });
  });
});
