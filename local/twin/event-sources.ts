import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { SqsEventSource } from '../runtime/sqs-event-source';
import { type TemplateResolver, TWIN_ACCOUNT_ID, TWIN_REGION } from './template';

export type Invoke = (functionArn: string, event: unknown) => Promise<unknown>;

/**
 * Every AWS::Lambda::EventSourceMapping on an SQS queue, run by the local poller npm start uses,
 * with the mapping's BatchSize; the function's partial-batch answer counts only when the mapping
 * declares `ReportBatchItemFailures` (without it Lambda ignores the answer and deletes the batch).
 */
export function startQueueEventSources(
  resolver: TemplateResolver,
  options: {
    client: SQSClient;
    queueUrlByArn: Map<string, string>;
    invoke: Invoke;
    onError: (e: unknown) => void;
  },
): SqsEventSource[] {
  return resolver.resourcesOfType('AWS::Lambda::EventSourceMapping').map(([id, mapping]) => {
    const props = mapping.Properties ?? {};
    const queueArn = resolver.resolve(props.EventSourceArn);
    const queueUrl = options.queueUrlByArn.get(queueArn);
    if (!queueUrl)
      throw new Error(`twin: event source mapping ${id} reads ${queueArn}, which is not a local queue`);
    const functionName = resolver.resolve(props.FunctionName);
    const functionArn = `arn:aws:lambda:${TWIN_REGION}:${TWIN_ACCOUNT_ID}:function:${functionName}`;
    const reportsFailures = ((props.FunctionResponseTypes as string[] | undefined) ?? []).includes(
      'ReportBatchItemFailures',
    );
    const source = new SqsEventSource({
      client: options.client,
      queueUrl,
      queueArn,
      batchSize: Number(props.BatchSize ?? 10),
      handler: async (event: SQSEvent) => {
        const response = (await options.invoke(functionArn, event)) as SQSBatchResponse | null;
        return reportsFailures ? (response ?? undefined) : undefined;
      },
      onError: options.onError,
    });
    source.start();
    return source;
  });
}

const RATE_UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** `rate(5 minutes)` → 300000; other expressions (cron) are refused by name. */
export function rateToMs(expression: string): number {
  const match = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression.trim());
  if (!match) throw new Error(`twin: schedule expression ${expression} is not supported (rate(...) only)`);
  return Number(match[1]) * (RATE_UNIT_MS[match[2] ?? ''] ?? 0);
}

/**
 * Every scheduled AWS::Events::Rule: a timer at the rule's rate invoking each Lambda target with the
 * target's constant `Input`, or else the Scheduled Event EventBridge sends. Returns the stopper.
 */
export function startSchedules(
  resolver: TemplateResolver,
  options: { invoke: Invoke; onError: (e: unknown) => void },
): {
  rules: Array<{ id: string; name: string; everyMs: number; targets: string[] }>;
  /**
   * Fires the rule now (by logical id, a prefix of it such as `CatalogSyncSchedule`, or its Name), as
   * its schedule would: every target invoked with the same event. Resolves with each target's result;
   * rejects with the first target's failure.
   */
  fire(rule: string): Promise<unknown[]>;
  stop(): void;
} {
  const timers: NodeJS.Timeout[] = [];
  const fireById = new Map<string, () => Promise<unknown[]>>();
  const rules = resolver
    .resourcesOfType('AWS::Events::Rule')
    .filter(([, rule]) => rule.Properties?.ScheduleExpression && rule.Properties.State !== 'DISABLED')
    .map(([id, rule]) => {
      const everyMs = rateToMs(String(rule.Properties?.ScheduleExpression));
      const targets = (rule.Properties?.Targets ?? []) as Array<Record<string, unknown>>;
      if (targets.some((target) => target.InputPath || target.InputTransformer)) {
        throw new Error(`twin: rule ${id} uses InputPath/InputTransformer, which is not supported`);
      }
      const fire = () =>
        Promise.all(
          targets.map((target) => {
            const event =
              typeof target.Input === 'string'
                ? JSON.parse(target.Input)
                : {
                    version: '0',
                    id: randomUUID(),
                    'detail-type': 'Scheduled Event',
                    source: 'aws.events',
                    account: TWIN_ACCOUNT_ID,
                    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
                    region: TWIN_REGION,
                    resources: [`arn:aws:events:${TWIN_REGION}:${TWIN_ACCOUNT_ID}:rule/${id}`],
                    detail: {},
                  };
            return options.invoke(resolver.resolve(target.Arn), event);
          }),
        );
      fireById.set(id, fire);
      timers.push(setInterval(() => fire().catch(options.onError), everyMs));
      const name = rule.Properties?.Name ? resolver.resolve(rule.Properties.Name) : id;
      return { id, name, everyMs, targets: targets.map((t) => resolver.resolve(t.Arn)) };
    });
  return {
    rules,
    fire: (wanted) => {
      const found = rules.filter((r) => r.id === wanted || r.name === wanted || r.id.startsWith(wanted));
      const [only] = found;
      if (!only || found.length > 1)
        throw new Error(`twin: ${found.length ? 'more than one' : 'no'} scheduled rule matches ${wanted}`);
      return (fireById.get(only.id) as () => Promise<unknown[]>)();
    },
    stop: () => {
      for (const timer of timers) clearInterval(timer);
    },
  };
}
