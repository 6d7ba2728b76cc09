// Human approval of `ask` decisions: the persistent queue, the firewall Approver that waits on it, and the webhook.
export { ApprovalQueue, type QueueOptions } from './queue.ts';
export { QueueApprover, type ApproverOptions } from './approver.ts';
export { Webhook, webhookPayload, type WebhookOptions, type WebhookPayload } from './webhook.ts';
export { ApprovalError, type ApprovalErrorCode } from './errors.ts';
export { actionDigest } from './digest.ts';
export type { ApprovalRequest, ApprovalStatus, ApprovalAnswer, Vote } from './types.ts';
