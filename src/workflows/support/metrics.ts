/**
 * What workflow code reports to the worker's Prometheus metrics (src/observability/metrics.ts): a sink, so reporting
 * adds nothing to history and a replay does not count again.
 */
import { proxySinks } from '@temporalio/workflow';
import type { OrchestraSinks } from '../../shared/metrics-sink.js';

export const { orchestraMetrics } = proxySinks<OrchestraSinks>();
