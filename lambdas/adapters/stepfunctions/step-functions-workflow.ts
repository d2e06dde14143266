import { ExecutionAlreadyExists, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { ConfirmationInput, ConfirmationWorkflow } from '../../ports/confirmation-workflow';

/**
 * Execution names are an idempotency key (90 days, ≤ 80 chars, a restricted alphabet): deriving the
 * name from the batch id means a redelivered message can never start a second poller for one batch.
 */
export function executionNameFor(batchRequestId: string): string {
  return `batch-${batchRequestId}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
}

export class StepFunctionsConfirmationWorkflow implements ConfirmationWorkflow {
  constructor(private readonly options: { client: SFNClient; stateMachineArn: string }) {}

  async start(input: ConfirmationInput): Promise<void> {
    try {
      await this.options.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.options.stateMachineArn,
          name: executionNameFor(input.batchRequestId),
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return;
      throw error;
    }
  }
}
