/**
 * How Orchestra's workflow bundle is built: the workflows, the tracing interceptors that run inside them, and webpack's
 * module-graph optimizations, which the SDK's bundler leaves off (it builds in webpack's `development` mode).
 *
 * Why the optimizations: the SDK's reusable V8 context gives every workflow run a fresh module cache, so every module a
 * run imports is evaluated again in its first workflow task. With `usedExports` + `sideEffects`, webpack drops what no
 * workflow uses (most of OpenTelemetry's semantic-convention constants, zod's unused schema kinds); with
 * `concatenateModules` it hoists ES modules into one scope, so a run no longer defines a getter per re-exported name
 * (`__webpack_require__.d`) for each module it loads. Measured on orderSaga's workflow thread (CPU profile, N = 8):
 * module evaluation ~19 → ~10 ms per run, the thread's CPU per saga ~102 → ~90 ms (bench/FINDINGS.md, round 5).
 * Code is not minified (stack traces and the Web UI's stack-trace view keep their names; source maps as before), and
 * the entry's exports — the workflow types — are kept, so what workers register and replay is unchanged.
 */
import type { BundleOptions } from '@temporalio/worker';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../observability/tracing.js';

type WebpackConfigHook = NonNullable<BundleOptions['webpackConfigHook']>;

/** Turns on webpack's tree-shaking and scope hoisting for the workflow bundle (see above). */
export const leanWorkflowModules: WebpackConfigHook = (config) => ({
  ...config,
  optimization: {
    ...config.optimization,
    providedExports: true,
    usedExports: true,
    innerGraph: true,
    sideEffects: true,
    concatenateModules: true,
    minimize: false,
  },
});

/** The bundle options of every Orchestra workflow bundle (worker start, `npm run build:workflows`, tests, replay). */
export function orchestraBundleOptions(workflowsPath: string): Pick<BundleOptions, 'workflowsPath' | 'workflowInterceptorModules' | 'webpackConfigHook'> {
  return { workflowsPath, workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES, webpackConfigHook: leanWorkflowModules };
}
