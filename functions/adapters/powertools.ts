import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { Logger } from '../ingest/ports';
import { METRICS_NAMESPACE, type MetricPoint, type MetricsSink } from './metrics';

/**
 * Powertools for AWS Lambda behind the project's own ports: the Logger port (structured JSON
 * lines with the Lambda context: request id, cold start, function name) and a MetricsSink
 * (CloudWatch Embedded Metric Format lines, turned into metrics by CloudWatch Logs at no
 * PutMetricData cost). Only the composition roots (functions/handlers/*.lambda.ts) use this
 * module; the pipeline and the handler factories see the ports alone.
 *
 * The log level comes from POWERTOOLS_LOG_LEVEL (set by the stack from context `logLevel`).
 */

export interface Powertools {
  readonly logger: PowertoolsLogger;
  readonly metrics: Metrics;
}

/** Create the Logger and Metrics of one function, once per container (module scope). */
export function createPowertools(serviceName: string): Powertools {
  return {
    logger: new PowertoolsLogger({ serviceName }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
  };
}

/** The Logger port over a Powertools Logger: the message, and the fields as top-level keys. */
export function loggerPort(logger: PowertoolsLogger): Logger {
  return {
    info: (message, fields) => (fields ? logger.info(message, fields) : logger.info(message)),
    warn: (message, fields) => (fields ? logger.warn(message, fields) : logger.warn(message)),
    error: (message, fields) => (fields ? logger.error(message, fields) : logger.error(message)),
  };
}

const UNITS = { Count: MetricUnit.Count, Milliseconds: MetricUnit.Milliseconds } as const;

/** A MetricsSink that buffers points in Powertools Metrics until the invocation publishes them. */
export function metricsSink(metrics: Metrics): MetricsSink {
  return {
    add(points: readonly MetricPoint[]): void {
      for (const point of points) metrics.addMetric(point.name, UNITS[point.unit], point.value);
    },
  };
}

/**
 * Wrap a handler factory's handler for Lambda: hand it the invocation's context (its deadline),
 * attach the context to every log line, let `measure` turn the result into data points, and publish the buffered metrics once
 * per invocation, also when the handler throws (the points added before the throw still count).
 */
export function instrument<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  tools: Powertools,
  measure: (result: R) => readonly MetricPoint[],
): (event: E, context: Context) => Promise<R> {
  const sink = metricsSink(tools.metrics);
  return async (event, context) => {
    tools.logger.addContext(context);
    try {
      const result = await handler(event, context);
      sink.add(measure(result));
      return result;
    } finally {
      tools.metrics.publishStoredMetrics();
    }
  };
}
