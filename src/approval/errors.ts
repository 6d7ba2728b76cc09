// Why an approval operation was refused; `code` is stable for programs, the message is for humans.

export type ApprovalErrorCode = 'NOT_FOUND' | 'NOT_PENDING' | 'EXPIRED' | 'SELF_APPROVAL' | 'NOT_ALLOWED' | 'DUPLICATE_VOTE' | 'QUEUE_FULL' | 'BAD_INPUT';

export class ApprovalError extends Error {
  override name = 'ApprovalError';
  constructor(readonly code: ApprovalErrorCode, message: string) {
    super(message);
  }
}
