import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSecrets, compileSecretRules, entropy, isPlaceholder } from '../../src/scan/secrets.ts';
import { SECRET_RULES } from '../../src/scan/secret-rules.ts';

const rules = (t: string) => findSecrets(t).map((f) => f.rule);
const values = (t: string) => findSecrets(t).map((f) => t.slice(f.span.start, f.span.end));

test('every built-in rule compiles with RE2', () => {
  assert.doesNotThrow(() => compileSecretRules(SECRET_RULES));
  assert.throws(() => compileSecretRules([{ id: 'bad', description: 'x', regex: '(?<=a)b', keywords: ['b'] }]), /bad/);
});

test('cloud, VCS, CI, chat, payment and AI provider tokens', () => {
  const cases: Array<[string, string]> = [
    ['aws_access_key_id = AKIAZ3MSJKLFIEKDLS7Q', 'aws-access-key-id'],
    ['key: AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe', 'gcp-api-key'],
    ['token ghp_XIxB7KMNdAr3zqWtQqhE94qglHqOzn1D1stg', 'github-token'],
    ['GITLAB=glpat-xT3kR9vLq2WmZpB7nYc4', 'gitlab-token'],
    ['//registry.npmjs.org/:_authToken=npm_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7c', 'npm-token'],
    ['SLACK=xoxb-153445930147-Tjy11gGxUW6Cf99YOYwtzG0K', 'slack-token'],
    ['stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'stripe-secret-key'],
    ['OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345', 'openai-project-key'],
    ['hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh', 'huggingface-token'],
  ];
  for (const [t, id] of cases) assert.ok(rules(t).includes(id), `${id} in ${t}: got ${rules(t)}`);
});

test('private keys, JWTs and connection strings', () => {
  const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq0Ah8xYy1xk2r0AbCdEfGhIjKlMnOpQrStUvWxYz0123456789\n-----END RSA PRIVATE KEY-----';
  assert.deepEqual(rules(`key:\n${pem}\n`), ['private-key']);
  assert.deepEqual(rules('auth eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'), ['jwt']);
  assert.deepEqual(values('DATABASE_URL=postgres://app:S3cr3tPw@db.internal:5432/app'), ['S3cr3tPw']);
  assert.deepEqual(values('Server=db;User Id=sa;Password=Tr0ub4dor&3;'), ['Tr0ub4dor&3']);
});

test('generic assignments need a literal, password-like or high-entropy value', () => {
  assert.deepEqual(values('db_password = "hunter2!x"'), ['hunter2!x']);
  assert.deepEqual(values('API_TOKEN="9f8e7d6c5b4a39281726354a5b6c7d8e"'), ['9f8e7d6c5b4a39281726354a5b6c7d8e']);
  assert.deepEqual(rules('password = os.environ["DB_PASSWORD"]'), []);
  assert.deepEqual(rules('password: ${DB_PASSWORD}'), []);
  assert.deepEqual(rules('token = get_token()'), []);
  assert.deepEqual(rules('The password protects the account of every user.'), []);
  assert.deepEqual(rules('aws_access_key_id = AKIAIOSFODNN7EXAMPLE'), []);
});

test('entropy and placeholders', () => {
  assert.equal(entropy('aaaa'), 0);
  assert.ok(entropy('9f8e7d6c5b4a3928') > 3.5);
  for (const p of ['${SECRET}', '<your-api-key>', 'changeme', 'xxxxxxxx', 'user_password', 'process.env.KEY']) assert.ok(isPlaceholder(p), p);
  assert.ok(!isPlaceholder('q8Zr2LmW0pX7'));
});

test('findings never carry the secret value in their message', () => {
  const f = findSecrets('ghp_XIxB7KMNdAr3zqWtQqhE94qglHqOzn1D1stg')[0]!;
  assert.ok(!f.message.includes('ghp_'));
});

test('keyword trie regex matches exactly the keywords', async () => {
  const { trieRegex } = await import('../../src/scan/secrets.ts');
  const re = new RegExp(`^(?:${trieRegex(['pass', 'password', 'passw', 'pwd', 'a.b', '$2a$'])})$`, 'i');
  for (const w of ['pass', 'PASSWORD', 'passw', 'pwd', 'a.b', '$2a$']) assert.ok(re.test(w), w);
  for (const w of ['pas', 'passwo', 'axb', 'pw', '$2a', '']) assert.ok(!re.test(w), w);
});
