/**
 * Prebuilds the workflow bundle for production workers: `npm run build:workflows` writes dist/workflow-bundle.js;
 * start workers with ORCHESTRA_WORKFLOW_BUNDLE=dist/workflow-bundle.js to skip bundling at start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { projectRoot } from '../src/runtime/paths.js';
import { workflowBundleOptions } from '../src/workers/worker.js';

const { code } = await bundleWorkflowCode(workflowBundleOptions);
const out = path.join(projectRoot, 'dist', 'workflow-bundle.js');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, code);
console.log(`wrote ${path.relative(projectRoot, out)} (${(code.length / 1024).toFixed(0)} KiB)`);
