import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSecrets, compileSecretRules, entropy, isFiller, isPlaceholder, SecretScanLimit, ASSIGNMENT_CHECKS } from '../../src/scan/secrets.ts';
import { Scanner } from '../../src/scan/scanner.ts';
import { SECRET_RULES } from '../../src/scan/secret-rules.ts';

const rules = (t: string) => findSecrets(t).map((f) => f.rule);

// Synthetic tokens are generated at run time (seeded, so runs repeat): no literal
// credential-shaped strings in the source for other scanners to trip over.
let seed = 0x9e3779b9;
const next = () => ((seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
const HEX = '0123456789abcdef';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_NUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const B64 = `${ALNUM}+/`;
const DIGITS = '0123456789';
function rnd(alphabet: string, n: number): string {
  for (;;) {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(next() * alphabet.length)];
    if (!isFiller(out)) return out; // a chance run like 'abcdef' would be a filler by design
  }
}
const uuid = () => [rnd(HEX, 8), rnd(HEX, 4), rnd(HEX, 4), rnd(HEX, 4), rnd(HEX, 12)].join('-');
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
  const tok = rnd(HEX, 32);
  assert.deepEqual(values(`API_TOKEN="${tok}"`), [tok]);
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

test('more vendor formats: cloud, CI, SaaS, chat, AI and payment tokens', () => {
  const cases: Array<[string, string, string]> = [
    // [text, rule, the value the finding must cover]
    ...((v): Array<[string, string, string]> => [[`MWS token: ${v}`, 'aws-mws-token', v]])(`amzn.mws.${uuid()}`),
    ...((v): Array<[string, string, string]> => [[`Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=${v}`, 'azure-shared-access-key', v]])(`${rnd(B64, 43)}=`),
    ...((v): Array<[string, string, string]> => [[`sf org display: Access Token ${v}`, 'salesforce-access-token', v]])(`00D${rnd(ALNUM, 12)}!${rnd(ALNUM, 96)}`),
    ...((v): Array<[string, string, string]> => [[`PULUMI_ACCESS_TOKEN=${v}`, 'pulumi-token', v]])(`pul-${rnd(HEX, 40)}`),
    ...((v): Array<[string, string, string]> => [[`token: ${v}`, 'planetscale-token', v]])(`pscale_tkn_${rnd(ALNUM, 43)}`),
    ...((v): Array<[string, string, string]> => [[`SUPABASE_ACCESS_TOKEN=${v}`, 'supabase-key', v]])(`sbp_${rnd(HEX, 40)}`),
    ...((v): Array<[string, string, string]> => [[`TS_AUTHKEY=${v}`, 'tailscale-key', v]])(`tskey-auth-${rnd(ALNUM, 12)}-${rnd(ALNUM, 30)}`),
    ...((v): Array<[string, string, string]> => [[`FLY_API_TOKEN=${v}`, 'flyio-token', v]])(`fo1_${rnd(ALNUM, 43)}`),
    ...((v): Array<[string, string, string]> => [[`RENDER=${v}`, 'render-api-key', v]])(`rnd_${rnd(ALNUM, 32)}`),
    ...((v): Array<[string, string, string]> => [[`NETLIFY_AUTH=${v}`, 'netlify-token', v]])(`nfp_${rnd(ALNUM, 36)}`),
    ...((v): Array<[string, string, string]> => [[`OP_SERVICE_ACCOUNT_TOKEN=${v}`, 'onepassword-token', v]])(`ops_eyJ${rnd(ALNUM, 160)}`),
    ...((v): Array<[string, string, string]> => [[`circle: ${v}`, 'circleci-token', v]])(`CCIPAT_${rnd(ALNUM, 22)}_${rnd(HEX, 40)}`),
    ...((v): Array<[string, string, string]> => [[`BUILDKITE=${v}`, 'buildkite-token', v]])(`bkua_${rnd(HEX, 40)}`),
    ...((v): Array<[string, string, string]> => [[`SENTRY_AUTH=${v}`, 'sentry-token', v]])(`sntrys_eyJ${rnd(ALNUM, 80)}_${rnd(ALNUM, 43)}`),
    ...((v): Array<[string, string, string]> => [[`SNYK_TOKEN: ${v}`, 'snyk-token', v]])(uuid()),
    ...((v): Array<[string, string, string]> => [[`$ sudo cat /var/lib/jenkins/secrets/initialAdminPassword\n${v}\n`, 'jenkins-initial-admin-password', v]])(rnd(HEX, 32)),
    ...((v): Array<[string, string, string]> => [[`contentful ${v}`, 'contentful-token', v]])(`CFPAT-${rnd(ALNUM, 43)}`),
    ...((v): Array<[string, string, string]> => [[`AIRTABLE=${v}`, 'airtable-token', v]])(`pat${rnd(ALNUM, 14)}.${rnd(HEX, 64)}`),
    ...((v): Array<[string, string, string]> => [[`NOTION=${v}`, 'notion-token', v]])(`ntn_${rnd(DIGITS, 11)}${rnd(ALNUM, 35)}`),
    ...((v): Array<[string, string, string]> => [[`# asana personal access token\nconst t = '${v}';`, 'asana-token', v]])(`2/${rnd(DIGITS, 16)}/${rnd(DIGITS, 16)}:${rnd(HEX, 32)}`),
    ...((v): Array<[string, string, string]> => [[`CLICKUP=${v}`, 'clickup-token', v]])(`pk_${rnd(DIGITS, 8)}_${rnd(UPPER_NUM, 32)}`),
    ...((v): Array<[string, string, string]> => [[`brevo ${v}`, 'brevo-key', v]])(`xkeysib-${rnd(HEX, 64)}-${rnd(ALNUM, 16)}`),
    ...((v): Array<[string, string, string]> => [[`PASS ${v}`, 'twitch-oauth-token', v]])(`oauth:${rnd('abcdefghijklmnopqrstuvwxyz0123456789', 30)}`),
    ...((v): Array<[string, string, string]> => [[`fcm ${v}`, 'firebase-fcm-server-key', v]])(`AAAA${rnd(ALNUM, 7)}:APA91b${rnd(ALNUM, 134)}`),
    ...((v): Array<[string, string, string]> => [[`OPENROUTER=${v}`, 'openrouter-key', v]])(`sk-or-v1-${rnd(HEX, 64)}`),
    ...((v): Array<[string, string, string]> => [[`LANGSMITH=${v}`, 'langsmith-key', v]])(`lsv2_pt_${rnd(HEX, 32)}_${rnd(HEX, 10)}`),
    ...((v): Array<[string, string, string]> => [[`PINECONE=${v}`, 'pinecone-key', v]])(`pcsk_${rnd(ALNUM, 6)}_${rnd(ALNUM, 60)}`),
    ...((v): Array<[string, string, string]> => [[`ELEVEN=${v}`, 'elevenlabs-key', v]])(`sk_${rnd(HEX, 48)}`),
    ...((v): Array<[string, string, string]> => [[`DEEPSEEK=${v}`, 'sk-api-key', v]])(`sk-${rnd(HEX, 32)}`),
    ...((v): Array<[string, string, string]> => [[`FLW=${v}`, 'flutterwave-key', v]])(`FLWSECK-${rnd(HEX, 32)}-X`),
    ...((v): Array<[string, string, string]> => [[`SHIPPO=${v}`, 'shippo-token', v]])(`shippo_live_${rnd(HEX, 40)}`),
    ...((v): Array<[string, string, string]> => [[`plaid ${v}`, 'plaid-access-token', v]])(`access-sandbox-${uuid()}`),
    ...((v): Array<[string, string, string]> => [[`// Twilio video API\nconst sid = '${v}';`, 'twilio-api-key-sid', v]])(`SK${rnd(HEX, 32)}`),
    ...((v): Array<[string, string, string]> => [[`-vaultToken ${v}`, 'hashicorp-vault-legacy-token', v]])(`s.${rnd(ALNUM, 24)}`),
    ...((v): Array<[string, string, string]> => [[`variable "okta_api_token" {\n  default = "${v}"\n}`, 'okta-token', v]])(`00${rnd(ALNUM, 40)}`),
    ...((v): Array<[string, string, string]> => [[`[Peer]\nPresharedKey = ${v}`, 'wireguard-private-key', v]])(`${rnd(B64, 43)}=`),
  ];
  for (const [t, id, v] of cases) {
    const f = findSecrets(t).find((x) => x.rule === id);
    assert.ok(f, `${id} in ${t}: got ${rules(t)}`);
    assert.equal(t.slice(f.span.start, f.span.end), v, id);
  }
});

test('fillers: repeated and sequential characters are placeholders, not generated values', () => {
  for (const v of ['aaaaaaaa', 'x0000000y', 'abcdefgh', 'ZYXWVU', '123456', 'a1b2c3d4e5', 'ababababab']) assert.ok(isFiller(v), v);
  for (const v of [rnd(ALNUM, 40), rnd(HEX, 40), 'q8Zr2LmW0pX7', 'abc12']) assert.ok(!isFiller(v), v);
  // a vendor-format token whose body is one repeated character is a placeholder
  assert.deepEqual(rules(`SLACK_TOKEN=xoxb-${'0'.repeat(10)}-${'0'.repeat(13)}-${rnd(ALNUM, 24)}`), []);
  assert.deepEqual(rules(`okta_api_token = 00${'a'.repeat(40)}`), []);
  // generic assignments: sequences too
  assert.deepEqual(rules(`api_token = "${rnd(ALNUM, 8)}abcdefgh${rnd(ALNUM, 8)}"`), []);
  // human-chosen passwords may hold sequences: still reported
  assert.deepEqual(values('db_password = "qwe123456"'), ['qwe123456']);
});

test('generic assignments: the last word of the name decides', () => {
  const v = rnd(ALNUM, 24);
  for (const name of ['jwtSecret', 'client_secret', 'deviceKey', 'SECRET_KEY_BASE', 'AUTH_TOKEN', 'db_password_prod', 'x-api-key', 'creds.Secret', 'basic_auth']) {
    assert.deepEqual(values(`${name} = "${v}"`), [v], name);
  }
  for (const name of ['secret_name', 'token_url', 'api_key_id', 'publicKey', 'AUTH0_DOMAIN', 'password_policy', 'sortKey', 'tokenizer', 'passwordless']) {
    assert.deepEqual(rules(`${name} = "${v}"`), [], name);
  }
});

test('generic assignments: quoting, layout and language forms', () => {
  const v = rnd(ALNUM, 20);
  // quoted literals may hold quotes of the other kind, backticks, brackets
  assert.deepEqual(values(`jwt_secret: "a'b\`c>d;${v}"`), [`a'b\`c>d;${v}`]);
  assert.deepEqual(values(`password = '\`${v}'`), [`\`${v}`]);
  // comparisons with a hard-coded secret
  assert.deepEqual(values(`if creds.Secret != "open-sesame" {`), ['open-sesame']);
  // aligned columns, a YAML value on the next line, Gradle/Ruby `name 'value'`
  assert.deepEqual(values(`fbApiKey:              "${v}",`), [v]);
  assert.deepEqual(values(`api_key:\n  '${v}'`), [v]);
  assert.deepEqual(values(`password '${v}'`), [v]);
  // prose, concatenation, HTML-escaped placeholders, routes, host names: not secrets
  assert.deepEqual(rules('the password protects the account'), []);
  assert.deepEqual(rules('sb.append("MasterUserPassword: " + getMasterUserPassword() + ",");'), []);
  assert.deepEqual(rules('"password": "&lt;YOUR_PASSWORD&gt;"'), []);
  assert.deepEqual(rules(`put '/forgot-password' => "users/passwords#update"`), []);
  assert.deepEqual(rules('AUTH0_DOMAIN="tenant12345.auth0.com"'), []);
  // a bare value ends at ; and & (connection strings, query strings)
  assert.deepEqual(rules(`InstrumentationKey=${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)};IngestionEndpoint=https://in.example.com/`), []);
  // a rejected candidate does not hide the assignment after it
  const t = rnd(HEX, 32);
  assert.deepEqual(values(`Service Authorization Token:  ${t}`), [t]);
});

test('Authorization headers with short credentials and connection URLs without a user', () => {
  const v = `${rnd(ALNUM, 4)}_${rnd(ALNUM, 4)}.${rnd(ALNUM, 4)}`;
  assert.deepEqual(values(`Authorization: Bearer ${v}`), [v]);
  const p = rnd(ALNUM, 16);
  assert.deepEqual(values(`REDIS_URL=redis://:${p}@cache.internal:6379/0`), [p]);
});

test('dense assignments cost a bounded amount per name (no merged window over the whole text)', () => {
  const cpu = (f: () => unknown) => {
    const c0 = process.cpuUsage();
    f();
    const d = process.cpuUsage(c0);
    return (d.user + d.system) / 1000;
  };
  // was seconds: one generic-rule regex pass over a merged window of the whole input
  for (const unit of ['apiKey: "', 'password=', 'token ', 'db_password = "x", ']) {
    const small = unit.repeat(5_000);
    const big = unit.repeat(50_000);
    findSecrets(small);
    const t = cpu(() => findSecrets(big));
    assert.ok(t < 2_000, `${JSON.stringify(unit)} x 50k: ${t.toFixed(0)} ms`);
  }
  // the values found are the same as one at a time
  const v = rnd(ALNUM, 24);
  const one = `api_token = "${v}"\n`;
  assert.equal(findSecrets(one.repeat(1000)).length, 1000);
});

test('Authorization headers as keys and call arguments; Okta SSWS tokens', () => {
  const b = `${rnd(B64, 30)}==`;
  assert.deepEqual(values(`headers = {"Authorization": "Basic ${b}"}`), [b]);
  assert.deepEqual(values(`req.Header.Set("Authorization", "Basic ${b}")`), [b]);
  assert.deepEqual(values(`'Proxy-Authorization' => 'Basic ${b}',`), [b]);
  // SSWS is Okta's scheme: its tokens are a vendor format, judged for repeats only (this one holds a sequence)
  const okta = `00${rnd(ALNUM, 9)}-${rnd(ALNUM, 4)}-ABCDEFGHIJKL-${rnd(ALNUM, 6)}-${rnd(ALNUM, 5)}`;
  assert.deepEqual(findSecrets(`.header("Authorization", "SSWS ${okta}")`).map((f) => [f.rule, okta]), [['okta-token', okta]]);
  // placeholders
  assert.deepEqual(rules('headers = {"Authorization": "Bearer ${API_TOKEN}"}'), []);
  assert.deepEqual(rules('Authorization: SSWS {{okta_api_token}}'), []);
  assert.deepEqual(rules(`Authorization: SSWS 00${'a'.repeat(40)}`), []);
  // prose: a word of one character class, a sentence's full stop
  assert.deepEqual(rules('Authorization: Basic authentication is used for the admin endpoint.'), []);
  assert.deepEqual(rules('It requires authorization, token rotation and auditing.'), []);
  const t = `${rnd(ALNUM, 20)}`;
  assert.deepEqual(values(`Send Authorization: Bearer ${t}.`), [t]);
});

test('New Relic browser, Insights and Pixie keys', () => {
  const keys: Array<[string, string]> = [
    [`NRJS-${rnd(HEX, 19)}`, 'newrelic-key'],
    [`NRII-${rnd(ALNUM, 10)}_${rnd(ALNUM, 10)}-${rnd(ALNUM, 10)}`, 'newrelic-key'],
    [`NRIQ-${rnd(ALNUM, 32)}`, 'newrelic-key'],
    [`px-api-${uuid()}`, 'newrelic-pixie-key'],
    [`px-dep-${uuid()}`, 'newrelic-pixie-key'],
  ];
  for (const [k, id] of keys) assert.deepEqual(findSecrets(`export NEW_RELIC_KEY=${k}`).map((f) => [f.rule, values(`export NEW_RELIC_KEY=${k}`)[0]]), [[id, k]], k);
  assert.deepEqual(rules(`PIXIE_API_KEY: px-api-${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`), []);
  assert.deepEqual(rules(`browser key NRJS-${'x'.repeat(19)}`), []);
  // too short, or not hex: other things
  assert.deepEqual(rules(`see NRJS-${rnd(HEX, 12)} and the px-api-docs page, .px-dep-${rnd(HEX, 8)} { margin: 0 }`), []);
});

test('Slack browser client tokens, session cookies and app tokens', () => {
  const c = `xoxc-${rnd(DIGITS, 12)}-${rnd(DIGITS, 12)}-${rnd(DIGITS, 13)}-${rnd(HEX, 64)}`;
  const d = `xoxd-${rnd(ALNUM, 30)}%2B${rnd(ALNUM, 20)}%2F${rnd(ALNUM, 12)}%3D`;
  const app = `xapp-${rnd(DIGITS, 12)}-${rnd(ALNUM, 10)}/${rnd(ALNUM, 13)}`;
  const app1 = `xapp-1-A${rnd(UPPER_NUM, 10)}-${rnd(DIGITS, 13)}-${rnd(HEX, 64)}`;
  assert.deepEqual(values(`curl -H "Authorization: Bearer ${c}" -b "d=${d}" https://slack.com/api/auth.test`), [c, d]);
  assert.deepEqual(values(`SLACK_APP_TOKEN=${app}`), [app]);
  assert.deepEqual(values(`SLACK_APP_TOKEN=${app1}`), [app1]);
  // placeholders: repeated characters
  assert.deepEqual(rules(`xoxc-${'0'.repeat(12)}-${'0'.repeat(12)}-${'x'.repeat(40)}`), []);
  assert.deepEqual(rules(`SLACK_APP_TOKEN=xapp-${'0'.repeat(12)}-${'x'.repeat(24)}`), []);
  // the prefix alone, or a short tail: not a token
  assert.deepEqual(rules('Slack tokens start with xoxb-, xoxc- or xoxd-; app tokens with xapp-1-.'), []);
  assert.deepEqual(rules(`xoxd-${rnd(ALNUM, 8)} xapp-${rnd(DIGITS, 12)}-${rnd(ALNUM, 8)}`), []);
});

test('connection strings: a password quoted in braces (ODBC)', () => {
  const p = `${rnd(ALNUM, 5)};${rnd(ALNUM, 5)}!`;
  assert.deepEqual(values(`Driver={ODBC Driver 18 for SQL Server};Server=tcp:db01,1433;Uid=sa;Pwd={${p}};Encrypt=yes;`), [p]);
  assert.deepEqual(values(`Data Source=db;User ID=sa;Password={${rnd(ALNUM, 6)} ${rnd(ALNUM, 4)}!};`).length, 1);
  // format placeholders: an identifier or a number in braces, or template syntax inside
  for (const t of ['Driver={SQL Server};Uid=sa;Pwd={password};', 'f"DRIVER={{ODBC Driver 17}};UID={user};PWD={db_password}"', 'String.Format("Server={0};Uid={1};Pwd={2};", a, b, c)', '"UID=sa;PWD={$dbPass};"', 'PWD={%s};']) assert.deepEqual(rules(t), [], t);
});

test('PowerShell plain-text passwords and MySQL -p<password>', () => {
  const p = `${rnd(ALNUM, 10)}!`;
  assert.deepEqual(values(`$sec = ConvertTo-SecureString "${p}" -AsPlainText -Force`), [p]);
  assert.deepEqual(values(`$cred = New-Object PSCredential("admin", (ConvertTo-SecureString -String '${p}' -AsPlainText -Force))`), [p]);
  assert.deepEqual(values(`$sec = ConvertTo-SecureString -AsPlainText -Force -String "${p}"`), [p]);
  assert.deepEqual(values(`mysqldump -h db -uroot -p${p} --all-databases > all.sql`), [p]);
  assert.deepEqual(values(`mysql -u admin -p'${p}' app`), [p]);
  // variables and placeholders
  for (const t of ['$sec = ConvertTo-SecureString $env:DB_PASSWORD -AsPlainText -Force', '$sec = ConvertTo-SecureString "$($cfg.Password)" -AsPlainText -Force', 'mysql -u root -p"$MYSQL_ROOT_PASSWORD" -e "select 1"', 'mysql -h db -P 3306 -uroot -p${DB_PASS}', 'mysql -uroot -pyourpassword']) assert.deepEqual(rules(t), [], t);
  // near misses: a secure string read from input, -P (the port), -p in other commands' words
  assert.deepEqual(rules('$sec = Read-Host -AsSecureString; $plain = ConvertFrom-SecureString $sec -AsPlainText'), []);
  assert.deepEqual(rules('mysql -h db -P3306 -u app --protocol=tcp app'), []);
});

test('XML elements: the element name says what the value holds', () => {
  const p = `${rnd(ALNUM, 9)}!`;
  assert.deepEqual(values(`<server>\n  <id>nexus</id>\n  <username>deploy</username>\n  <password>${p}</password>\n</server>`), [p]);
  assert.deepEqual(values('<Password>correcthorse</Password>'), ['correcthorse']);
  assert.deepEqual(values(`<db:password type="plain">${p}</db:password>`), [p]);
  const k = rnd(ALNUM, 32);
  assert.deepEqual(values(`<apiKey>${k}</apiKey>`), [k]);
  // placeholders, property references, Maven's encrypted {...} form, escaped markup
  for (const t of ['<password>${env.NEXUS_PASSWORD}</password>', `<password>{${rnd(B64, 24)}=}</password>`, '<password>your-password</password>', '<password>password</password>', '<password>&lt;YOUR_PASSWORD&gt;</password>', 'Put it in <password>...</password> and restart.']) assert.deepEqual(rules(t), [], t);
  // names that do not hold a secret, and short values under a key name
  assert.deepEqual(rules(`<publicKey>${k}</publicKey><passwordPolicy>strong</passwordPolicy><apiKey>abc</apiKey><token>123</token>`), []);
});

test('generic assignments: pagination cursors are not credentials', () => {
  const v = rnd(ALNUM, 48);
  for (const t of [`"NextToken": "${v}"`, `"nextPageToken": "${v}"`, `continuationToken = "${v}"`, `<NextToken>${v}</NextToken>`, `next_token: ${v}`, `NEXTTOKEN=${v}`, `"syncToken": "${v}"`]) assert.deepEqual(rules(t), [], t);
  // a token qualified by anything else is still one
  for (const name of ['accessToken', 'refresh_token', 'sessionToken', 'nextAuthToken', 'pageAccessToken']) assert.deepEqual(values(`"${name}": "${v}"`), [v], name);
});

test('dense assignments whose values are rejected: repeated windows are checked once, varied ones up to a limit that fails closed', () => {
  // `secret=` repeated: every name's value runs into the next name and is rejected; one window, one extraction
  assert.deepEqual(findSecrets('secret='.repeat(20_000), undefined, { maxAssignmentChecks: 64 }), []); // the last 200 characters' windows differ (cut by the end)
  // varied rejected values ($-templates) past the limit: an error that keeps what was found before
  const token = `ghp_${rnd(ALNUM, 36)}`;
  const varied = `${token} ${Array.from({ length: 400 }, (_, i) => `token=$${i.toString(36)}x`).join('')}`;
  assert.throws(
    () => findSecrets(varied, undefined, { maxAssignmentChecks: 100 }),
    (e: unknown) => e instanceof SecretScanLimit && /more than 100 candidate assignments/.test(e.message) && e.partial.some((f) => f.rule === 'github-token'),
  );
  assert.doesNotThrow(() => findSecrets(varied, undefined, { maxAssignmentChecks: 1000 }));
});

test('the scanner blocks a text the secret scanner could not check whole, and says why', () => {
  const varied = Array.from({ length: ASSIGNMENT_CHECKS + 50 }, (_, i) => `token=$${i.toString(36)}x`).join('');
  const r = new Scanner().scanSync(varied, { point: 'response' });
  assert.equal(r.verdict, 'block');
  assert.match(r.errors?.join('\n') ?? '', /^secrets: more than \d+ candidate assignments/m);
});
