// JSON schemas of the gateway's request bodies and hot responses. Strict:
// unknown top-level fields are refused (a typo such as `agrs` must not pass
// silently as an action without arguments). Free-form parts (args, context,
// attributes) are objects whose shape and bounds checkAction enforces, so
// validation never recurses into attacker-controlled depth.

const str = (max: number, min = 0) => ({ type: 'string', minLength: min, maxLength: max });

export const principalSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: {
    id: str(256, 1),
    roles: { type: 'array', maxItems: 64, items: str(128) },
    attributes: { type: 'object' },
  },
} as const;

export const actionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: str(64, 1),
    tool: str(256),
    args: { type: 'object' },
    principal: principalSchema,
    session: str(256),
    context: { type: 'object' },
  },
} as const;

export const MAX_BATCH = 1000;

/** POST /v1/decide: one action, or `{ actions: [...] }` for a batch. */
export const decideBody = {
  type: 'object',
  if: { required: ['actions'] },
  then: {
    type: 'object',
    additionalProperties: false,
    required: ['actions'],
    properties: { actions: { type: 'array', minItems: 1, maxItems: MAX_BATCH, items: actionSchema } },
  },
  else: actionSchema,
} as const;

export const decideQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { wait: { type: 'string', enum: ['true', 'false', '1', '0'] } },
} as const;

const decisionProps = {
  effect: { type: 'string' },
  rules: { type: 'array', items: { type: 'string' } },
  reasons: { type: 'array', items: { type: 'string' } },
  policyDigest: { type: 'string' },
  evalNs: { type: 'number' },
  monitor: {
    type: 'object',
    properties: { effect: { type: 'string' }, rules: { type: 'array', items: { type: 'string' } }, reasons: { type: 'array', items: { type: 'string' } } },
  },
  approval: { type: 'object', properties: { approvers: { type: 'number' }, timeoutMs: { type: 'number' } } },
  errors: { type: 'array', items: { type: 'string' } },
  pending: {
    type: 'object',
    properties: { id: { type: 'string' }, status: { type: 'string' }, expiresAt: { type: 'number' }, wait: { type: 'string' }, events: { type: 'string' } },
  },
} as const;

/** Serialization schema of a decision (fast-json-stringify: the hot path's response). */
export const decisionResponse = { type: 'object', properties: decisionProps } as const;

export const decideResponse = {
  200: {
    type: 'object',
    properties: { ...decisionProps, decisions: { type: 'array', items: decisionResponse } },
  },
} as const;

export const scanBody = {
  type: 'object',
  additionalProperties: false,
  required: ['text', 'point'],
  properties: {
    text: { type: 'string' },
    point: { type: 'string', enum: ['input', 'response', 'output'] },
    session: str(256),
    source: str(256),
  },
} as const;

export const voteBody = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    comment: str(1000),
    remember: { type: 'boolean' },
  },
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: str(64, 1) },
} as const;

export const policyBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    /** YAML (or JSON) text of one policy file. */
    text: str(5 * 1024 * 1024, 1),
    /** Paths on the gateway host (admin only); default: the paths the gateway was started with. */
    paths: { type: 'array', maxItems: 64, items: str(4096, 1) },
  },
} as const;

export const keyBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'role'],
  properties: {
    name: str(128, 1),
    role: { type: 'string', enum: ['agent', 'approver', 'admin'] },
    rate: { type: 'number', exclusiveMinimum: 0, maximum: 1e7 },
    burst: { type: 'number', exclusiveMinimum: 0, maximum: 1e7 },
  },
} as const;

export const auditQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    agent: str(256),
    effect: { type: 'string', enum: ['allow', 'deny', 'ask'] },
    rule: str(256),
    tool: str(256),
    type: { type: 'string', enum: ['decision', 'scan', 'approval', 'policy', 'system'] },
    session: str(256),
    since: str(64),
    until: str(64),
    limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
  },
} as const;

export const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['pending', 'approved', 'denied', 'expired', 'all'] },
    limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
    timeout: { type: 'string', pattern: '^[0-9]{1,3}$' },
    effect: { type: 'string', enum: ['allow', 'deny', 'ask'] },
    agent: str(256),
  },
} as const;
