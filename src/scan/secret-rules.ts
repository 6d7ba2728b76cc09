// Built-in secret rules: token formats published by their vendors (prefixes,
// lengths, alphabets), private key armor, connection strings with passwords
// and generic high-entropy assignments. Written for AgentWall (not copied
// from another rule set); regexes use RE2 syntax and run on re2js.
//
// `keywords` (lowercase) gate each rule: the scanner runs a rule only near an
// occurrence of one of its keywords, so hundreds of rules cost one pass.
// `group` names the capture holding the secret value (what gets redacted and
// entropy-checked); 0 means the whole match.

export interface SecretRuleDef {
  id: string;
  description: string;
  regex: string;
  keywords: string[];
  group?: number;
  /** Minimum Shannon entropy (bits per char) of the value. */
  entropy?: number;
  /** Character classes the value must mix (lowercase, uppercase, digits, others): a word of one class is prose (`Authorization: Basic authentication`). */
  minClasses?: number;
  /** A capture holding the name the value is assigned to: the value is then judged as the generic rule judges a quoted value assigned to that name (at most 200 characters). */
  nameGroup?: number;
  /** Reject values that look like placeholders or variable references ('light': only template syntax such as ${X}, <x>, %s, ***). */
  placeholderCheck?: boolean | 'light';
  score?: number;
}

const END = `(?:[^A-Za-z0-9_-]|$)`;
// name ["']? op value: aligned columns (KEY      = value) allowed on both sides of the operator.
// Unbounded [ \t]* rather than {0,40}: RE2 is linear either way, and a counted repeat costs one NFA state per count.
const ASSIGN = `["'\`]?[ \\t]*(?:=|:=|:|=>|\\|\\|=|\\?=|,)[ \\t]*(?:["'\`]|\\\\")?`;
/** A vendor name somewhere before the token (a variable name, a comment, a URL), at most `n` characters of anything between. */
const near = (vendor: string, n = 80) => `(?i:${vendor})[\\s\\S]{0,${n}}?`;

export const SECRET_RULES: SecretRuleDef[] = [
  // Cloud providers
  { id: 'aws-access-key-id', description: 'AWS access key id', regex: `\\b((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})\\b`, keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'], group: 1, entropy: 2.5 },
  { id: 'aws-secret-access-key', description: 'AWS secret access key', regex: `(?i)aws[a-z0-9_ .-]{0,30}(?:secret|sak|key)[a-z0-9_ .-]{0,20}${ASSIGN}([A-Za-z0-9/+=]{40})${END}`, keywords: ['aws'], group: 1, entropy: 3.5 },
  { id: 'gcp-api-key', description: 'Google API key', regex: `\\b(AIza[0-9A-Za-z_-]{35})${END}`, keywords: ['aiza'], group: 1 },
  { id: 'gcp-oauth-client-secret', description: 'Google OAuth client secret', regex: `\\b(GOCSPX-[A-Za-z0-9_-]{28})${END}`, keywords: ['gocspx-'], group: 1 },
  { id: 'gcp-oauth-token', description: 'Google OAuth access token', regex: `\\b(ya29\\.[0-9A-Za-z_-]{30,})`, keywords: ['ya29.'], group: 1 },
  { id: 'gcp-service-account-key', description: 'Google service account private key id', regex: `"private_key_id"\\s*:\\s*"([a-f0-9]{40})"`, keywords: ['private_key_id'], group: 1 },
  { id: 'azure-storage-key', description: 'Azure storage account key', regex: `(?i)AccountKey\\s*=\\s*([A-Za-z0-9+/=]{40,100})`, keywords: ['accountkey'], group: 1, entropy: 3.5 },
  { id: 'azure-devops-pat', description: 'Azure DevOps personal access token', regex: `(?i)(?:pat|ado|devops|azure)[a-z0-9_ .-]{0,30}${ASSIGN}([a-z2-7]{52})${END}`, keywords: ['pat', 'ado', 'devops', 'azure'], group: 1, entropy: 3.5 },
  { id: 'azure-devops-pat-v2', description: 'Azure DevOps personal access token', regex: `\\b([A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4})\\b`, keywords: ['azdo'], group: 1 },
  { id: 'gcp-oauth-client-id', description: 'Google OAuth client id', regex: `\\b(\\d{12}-[a-z0-9]{32}\\.apps\\.googleusercontent\\.com)`, keywords: ['apps.googleusercontent.com'], group: 1, score: 0.5 },
  { id: 'azure-client-secret', description: 'Azure AD client secret', regex: `(?:^|[^A-Za-z0-9_~.])([A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.-]{31,34})${END}`, keywords: ['q~'], group: 1, entropy: 3 },
  { id: 'azure-sas-token', description: 'Azure shared access signature', regex: `(?i)[?&]sig=([A-Za-z0-9%+/]{40,100}(?:%3D|=){0,2})`, keywords: ['sig='], group: 1, entropy: 3.5 },
  { id: 'digitalocean-token', description: 'DigitalOcean token', regex: `\\b(do[opr]_v1_[a-f0-9]{64})\\b`, keywords: ['dop_v1_', 'doo_v1_', 'dor_v1_'], group: 1 },
  { id: 'alibaba-access-key-id', description: 'Alibaba Cloud AccessKey id', regex: `\\b(LTAI[A-Za-z0-9]{17,21})\\b`, keywords: ['ltai'], group: 1, entropy: 3 },
  { id: 'heroku-api-key', description: 'Heroku API key', regex: `(?i)heroku[a-z0-9_ .-]{0,30}${ASSIGN}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\b`, keywords: ['heroku'], group: 1 },
  { id: 'heroku-api-key-v2', description: 'Heroku API key', regex: `\\b(HRKU-[A-Za-z0-9_-]{60})\\b`, keywords: ['hrku-'], group: 1 },
  { id: 'databricks-token', description: 'Databricks API token', regex: `\\b(dapi[a-f0-9]{32}(?:-\\d)?)\\b`, keywords: ['dapi'], group: 1 },
  { id: 'hashicorp-vault-token', description: 'HashiCorp Vault token', regex: `\\b(hv[sb]\\.[A-Za-z0-9_-]{24,})`, keywords: ['hvs.', 'hvb.'], group: 1, entropy: 3.5 },
  { id: 'hashicorp-vault-legacy-token', description: 'HashiCorp Vault token', regex: `${near('vault', 60)}\\b([sbr]\\.[A-Za-z0-9_-]{24,})`, keywords: ['vault'], group: 1, entropy: 3.5 },
  { id: 'terraform-cloud-token', description: 'Terraform Cloud token', regex: `\\b([A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70})\\b`, keywords: ['atlasv1'], group: 1 },
  { id: 'doppler-token', description: 'Doppler token', regex: `\\b(dp\\.(?:pt|st|sa|ct|scim|audit)\\.(?:[a-z0-9_-]{1,30}\\.)?[A-Za-z0-9]{40,44})\\b`, keywords: ['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.', 'dp.scim.', 'dp.audit.'], group: 1 },
  { id: 'cloudflare-api-token', description: 'Cloudflare API key', regex: `(?i)cloudflare[a-z0-9_ .-]{0,30}${ASSIGN}([A-Za-z0-9_-]{37,40})${END}`, keywords: ['cloudflare'], group: 1, entropy: 3 },
  { id: 'aws-mws-token', description: 'Amazon MWS auth token', regex: `\\b(amzn\\.mws\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\b`, keywords: ['amzn.mws.'], group: 1 },
  { id: 'azure-shared-access-key', description: 'Azure Service Bus / Event Hubs shared access key', regex: `(?i)SharedAccessKey\\s*=\\s*([A-Za-z0-9+/]{40,100}={0,2})`, keywords: ['sharedaccesskey'], group: 1, entropy: 3.5 },
  { id: 'salesforce-access-token', description: 'Salesforce access token', regex: `\\b(00D[A-Za-z0-9]{12,15}![A-Za-z0-9_.]{60,})`, keywords: ['00d'], group: 1, entropy: 3.5 },
  { id: 'pulumi-token', description: 'Pulumi access token', regex: `\\b(pul-[a-f0-9]{40})\\b`, keywords: ['pul-'], group: 1 },
  { id: 'planetscale-token', description: 'PlanetScale token or password', regex: `\\b(pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.-]{32,64})`, keywords: ['pscale_'], group: 1, entropy: 3.5 },
  { id: 'supabase-key', description: 'Supabase access token or secret key', regex: `\\b(sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{20,})`, keywords: ['sbp_', 'sb_secret_'], group: 1 },
  { id: 'tailscale-key', description: 'Tailscale key', regex: `\\b(tskey-(?:api|auth|client|webhook|scim)-[A-Za-z0-9]{6,}-[A-Za-z0-9]{16,})`, keywords: ['tskey-'], group: 1 },
  { id: 'flyio-token', description: 'Fly.io token', regex: `\\b(fo1_[A-Za-z0-9_-]{43}|FlyV1 fm[12]_[A-Za-z0-9+/=_,-]{64,})`, keywords: ['fo1_', 'flyv1 fm'], group: 1, entropy: 3.5 },
  { id: 'render-api-key', description: 'Render API key', regex: `\\b(rnd_[A-Za-z0-9]{32})\\b`, keywords: ['rnd_'], group: 1, entropy: 3.5 },
  { id: 'netlify-token', description: 'Netlify personal access token', regex: `\\b(nfp_[A-Za-z0-9]{36,40})\\b`, keywords: ['nfp_'], group: 1, entropy: 3.5 },
  { id: 'onepassword-token', description: '1Password service account token or secret key', regex: `\\b(ops_eyJ[A-Za-z0-9+/=_-]{100,}|A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})`, keywords: ['ops_eyj', 'a3-'], group: 1 },
  // Source control, registries, CI
  { id: 'github-token', description: 'GitHub token', regex: `\\b(gh[pousr]_[A-Za-z0-9]{36,255})\\b`, keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], group: 1, entropy: 3 },
  { id: 'github-fine-grained-token', description: 'GitHub fine-grained token', regex: `\\b(github_pat_[A-Za-z0-9_]{60,255})\\b`, keywords: ['github_pat_'], group: 1 },
  { id: 'gitlab-token', description: 'GitLab token', regex: `\\b(gl(?:pat|dt|ptt|rt|cbt|oas|ft|imt|soat|ffct|agent)-[A-Za-z0-9_-]{20,})`, keywords: ['glpat-', 'gldt-', 'glptt-', 'glrt-', 'glcbt-', 'gloas-', 'glft-', 'glimt-', 'glsoat-', 'glffct-', 'glagent-'], group: 1 },
  { id: 'gitlab-runner-token', description: 'GitLab runner registration token', regex: `\\b(GR1348941[A-Za-z0-9_-]{20,})`, keywords: ['gr1348941'], group: 1 },
  { id: 'bitbucket-app-password', description: 'Bitbucket app password', regex: `\\b(ATBB[A-Za-z0-9_=.-]{32,})`, keywords: ['atbb'], group: 1 },
  { id: 'atlassian-api-token', description: 'Atlassian API token', regex: `\\b(ATATT3[A-Za-z0-9_=-]{150,})`, keywords: ['atatt3'], group: 1 },
  { id: 'atlassian-token-assignment', description: 'Atlassian (Jira, Confluence) API token', regex: `(?i)(?:atlassian|jira|confluence)[a-z0-9_ .-]{0,30}${ASSIGN}([A-Za-z0-9]{24})${END}`, keywords: ['atlassian', 'jira', 'confluence'], group: 1, entropy: 3.5 },
  { id: 'npm-token', description: 'npm access token', regex: `\\b(npm_[A-Za-z0-9]{36})\\b`, keywords: ['npm_'], group: 1, entropy: 3 },
  { id: 'npmrc-auth', description: 'npm registry auth token', regex: `(?i)_auth(?:Token)?\\s*=\\s*([A-Za-z0-9+/=_-]{20,})`, keywords: ['_auth'], group: 1, entropy: 3, score: 0.85 },
  { id: 'pypi-token', description: 'PyPI upload token', regex: `\\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})`, keywords: ['pypi-ageichlwas5vcmc'], group: 1 },
  { id: 'rubygems-token', description: 'RubyGems API key', regex: `\\b(rubygems_[a-f0-9]{48})\\b`, keywords: ['rubygems_'], group: 1 },
  { id: 'nuget-key', description: 'NuGet API key', regex: `\\b(oy2[a-z0-9]{43})\\b`, keywords: ['oy2'], group: 1 },
  { id: 'crates-io-token', description: 'crates.io API token', regex: `\\b(cio[a-zA-Z0-9]{32})\\b`, keywords: ['cio'], group: 1, entropy: 3.5 },
  { id: 'sonar-login-token', description: 'SonarQube/SonarCloud login token', regex: `(?i)sonar[a-z0-9_.]{0,20}(?:login|token)[a-z0-9_ .-]{0,10}["']?\\s*[:=,]\\s*["']?([a-f0-9]{40})\\b`, keywords: ['sonar'], group: 1 },
  { id: 'thingsboard-token', description: 'ThingsBoard device access token', regex: `thingsboard\\.cloud/api/v1/([A-Za-z0-9]{20})/`, keywords: ['thingsboard'], group: 1 },
  { id: 'truenas-api-key', description: 'TrueNAS API key', regex: `(?:login_with_api_key|api_key)[\\s\\S]{0,40}?["'](\\d{1,4}-[A-Za-z0-9]{64})["']`, keywords: ['login_with_api_key'], group: 1 },
  { id: 'codeclimate-reporter-id', description: 'Code Climate test reporter id', regex: `(?i)cc_test_reporter_id\\s*[:=]\\s*["']?([a-f0-9]{64})\\b`, keywords: ['cc_test_reporter_id'], group: 1 },
  { id: 'kubernetes-bootstrap-token', description: 'Kubernetes bootstrap token', regex: `(?i)bootstrap[a-z0-9_ .-]{0,20}(?:token)?["']?\\s*[:= ]\\s*["']?([a-z0-9]{6}\\.[a-z0-9]{16})\\b`, keywords: ['bootstrap'], group: 1 },
  { id: 'xml-key-value-secret', description: 'secret in an XML key/value setting', regex: `(?i)key\\s*=\\s*"[^"]{0,60}(?:password|passwd|pwd|secret|token|apikey|api_key)[^"]{0,30}"\\s+value\\s*=\\s*"([^"]{4,200})"`, keywords: ['password"', 'passwd"', 'pwd"', 'secret"', 'token"', 'apikey"', 'api_key"'], group: 1, placeholderCheck: 'light' },
  // Maven settings.xml, Java and .NET configuration: <password>...</password>, <apiKey>...</apiKey>; the element's name says what the value holds
  { id: 'xml-element-secret', description: 'secret in an XML element', regex: `(?i)<([a-z0-9_.:-]*(?:password|passwd|pwd|passphrase|secret|token|api[_.-]?key|secret[_.-]?key|access[_.-]?key|private[_.-]?key))(?:\\s[^<>]*)?>([^<>\\n]{4,})</`, keywords: ['password>', 'passwd>', 'pwd>', 'passphrase>', 'secret>', 'token>', 'key>'], group: 2, nameGroup: 1, placeholderCheck: 'light', score: 0.8 },
  { id: 'dockerhub-token', description: 'Docker Hub personal access token', regex: `\\b(dckr_pat_[A-Za-z0-9_-]{27})`, keywords: ['dckr_pat_'], group: 1 },
  { id: 'sonarqube-token', description: 'SonarQube token', regex: `\\b((?:squ|sqp|sqa)_[a-f0-9]{40})\\b`, keywords: ['squ_', 'sqp_', 'sqa_'], group: 1 },
  { id: 'artifactory-token', description: 'JFrog Artifactory token', regex: `\\b(AKCp[A-Za-z0-9]{69}|cmVmdGtu[A-Za-z0-9]{56})\\b`, keywords: ['akcp', 'cmvmdgtu'], group: 1 },
  { id: 'postman-api-key', description: 'Postman API key', regex: `\\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34})\\b`, keywords: ['pmak-'], group: 1 },
  { id: 'grafana-token', description: 'Grafana token', regex: `\\b(glc_[A-Za-z0-9+/]{32,400}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|eyJrIjoi[A-Za-z0-9]{60,400}={0,2})`, keywords: ['glc_', 'glsa_', 'eyjrijoi'], group: 1 },
  { id: 'sourcegraph-token', description: 'Sourcegraph access token', regex: `\\b(sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40})\\b`, keywords: ['sgp_'], group: 1 },
  { id: 'linear-api-key', description: 'Linear API key', regex: `\\b(lin_api_[A-Za-z0-9]{40})\\b`, keywords: ['lin_api_'], group: 1 },
  // user and admin API keys, REST keys, browser keys (19 characters), Insights insert and query keys (may hold _ and -)
  { id: 'newrelic-key', description: 'New Relic key', regex: `\\b(NR(?:AK|RA|AA)-[A-Za-z0-9]{20,42}|NRJS-[A-Za-z0-9]{19,42}|NRI[IQ]-[A-Za-z0-9_-]{32})${END}`, keywords: ['nrak-', 'nrii-', 'nriq-', 'nrjs-', 'nrra-', 'nraa-'], group: 1 },
  { id: 'newrelic-pixie-key', description: 'New Relic Pixie API or deploy key', regex: `\\b(px-(?:api|dep)-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12})\\b`, keywords: ['px-api-', 'px-dep-'], group: 1 },
  { id: 'dynatrace-token', description: 'Dynatrace API token', regex: `\\b(dt0[a-z]\\d{2}\\.[A-Z0-9]{24}\\.[A-Z0-9]{64})\\b`, keywords: ['dt0'], group: 1 },
  { id: 'shopify-token', description: 'Shopify token', regex: `\\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\\b`, keywords: ['shpat_', 'shpca_', 'shppa_', 'shpss_'], group: 1 },
  { id: 'okta-token', description: 'Okta API token', regex: `${near('okta|ssws')}\\b(00[A-Za-z0-9_-]{40})${END}`, keywords: ['okta', 'ssws'], group: 1, entropy: 3.5 },
  { id: 'jenkins-token', description: 'Jenkins API token', regex: `(?i)jenkins[a-z0-9_ .-]{0,40}${ASSIGN}([a-f0-9]{32,34})${END}`, keywords: ['jenkins'], group: 1 },
  { id: 'teamcity-token', description: 'TeamCity token', regex: `\\b(eyJ0eXAiOiAiVENWMiJ9\\.[A-Za-z0-9_-]{36}\\.[A-Za-z0-9_-]{48})`, keywords: ['eyj0exaioiaivenwmij9'], group: 1 },
  { id: 'adafruit-io-key', description: 'Adafruit IO key', regex: `\\b(aio_[A-Za-z0-9]{28})\\b`, keywords: ['aio_'], group: 1 },
  { id: 'dependency-track-key', description: 'Dependency-Track API key', regex: `\\b(odt_[A-Za-z0-9]{32,40})\\b`, keywords: ['odt_'], group: 1 },
  { id: 'twitch-stream-key', description: 'Twitch stream key', regex: `\\b(live_\\d{6,12}_[A-Za-z0-9]{30})\\b`, keywords: ['live_'], group: 1 },
  { id: 'newrelic-license-key', description: 'New Relic license key', regex: `\\b([a-z0-9]{36}NRAL)\\b`, keywords: ['nral'], group: 1 },
  { id: 'vault-unseal-key', description: 'HashiCorp Vault unseal key', regex: `(?i)unseal(?: key \\d+:)?\\s+([A-Za-z0-9+/]{43,44}={0,2})`, keywords: ['unseal'], group: 1, entropy: 3.5 },
  { id: 'circleci-token', description: 'CircleCI personal API token', regex: `\\b(CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40})\\b`, keywords: ['ccipat_'], group: 1 },
  { id: 'buildkite-token', description: 'Buildkite API token', regex: `\\b(bkua_[a-f0-9]{40})\\b`, keywords: ['bkua_'], group: 1 },
  { id: 'sentry-token', description: 'Sentry auth token', regex: `\\b(sntry[su]_[A-Za-z0-9+/=_-]{40,})`, keywords: ['sntrys_', 'sntryu_'], group: 1 },
  { id: 'snyk-token', description: 'Snyk API token', regex: `(?i)snyk[a-z0-9_ .-]{0,30}${ASSIGN}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\b`, keywords: ['snyk'], group: 1 },
  { id: 'jenkins-initial-admin-password', description: 'Jenkins initial admin password', regex: `(?i)(?:initialAdminPassword|password to proceed to installation)[^\\n]{0,100}\\r?\\n(?:[ \\t]*\\r?\\n){0,2}[ \\t]*([a-f0-9]{32})\\b`, keywords: ['initialadminpassword', 'proceed to installation'], group: 1 },
  { id: 'contentful-token', description: 'Contentful personal access token', regex: `\\b(CFPAT-[A-Za-z0-9_-]{43})`, keywords: ['cfpat-'], group: 1 },
  { id: 'airtable-token', description: 'Airtable personal access token', regex: `\\b(pat[A-Za-z0-9]{14}\\.[a-f0-9]{64})\\b`, keywords: ['pat'], group: 1 },
  { id: 'notion-token', description: 'Notion integration token', regex: `\\b(ntn_\\d{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})\\b`, keywords: ['ntn_', 'secret_'], group: 1, entropy: 3.5 },
  { id: 'asana-token', description: 'Asana personal access token', regex: `${near('asana')}\\b(\\d/\\d{10,20}(?:/\\d{10,20})?:[A-Za-z0-9]{32})\\b`, keywords: ['asana'], group: 1 },
  { id: 'clickup-token', description: 'ClickUp personal API token', regex: `\\b(pk_\\d{6,10}_[A-Z0-9]{32})\\b`, keywords: ['pk_'], group: 1 },
  // Chat and messaging
  // bot, user, app, refresh, ... tokens; xoxc- a browser client's token, xoxd- its session cookie (URL-encoded)
  { id: 'slack-token', description: 'Slack token', regex: `\\b(xox[abceoprs]-(?:\\d+-)?[0-9A-Za-z-]{10,250}|xoxd-[A-Za-z0-9%/+=_-]{20,250})`, keywords: ['xoxa-', 'xoxb-', 'xoxc-', 'xoxd-', 'xoxe-', 'xoxo-', 'xoxp-', 'xoxr-', 'xoxs-'], group: 1 },
  { id: 'slack-app-token', description: 'Slack app-level token', regex: `\\b(xapp-\\d-[A-Z0-9]+-\\d+-[a-z0-9]+|xapp-\\d{10,13}-[A-Za-z0-9/+]{20,64})(?:[^A-Za-z0-9/+_-]|$)`, keywords: ['xapp-'], group: 1 },
  { id: 'slack-webhook', description: 'Slack webhook URL', regex: `(hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{20,})`, keywords: ['hooks.slack.com'], group: 1 },
  { id: 'discord-webhook', description: 'Discord webhook URL', regex: `(discord(?:app)?\\.com/api/webhooks/\\d+/[A-Za-z0-9_-]{30,})`, keywords: ['discord'], group: 1 },
  { id: 'discord-bot-token', description: 'Discord bot token', regex: `(?i)discord[a-z0-9_ .-]{0,30}${ASSIGN}([MNO][A-Za-z0-9_-]{23,27}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,40})`, keywords: ['discord'], group: 1 },
  { id: 'telegram-bot-token', description: 'Telegram bot token', regex: `\\b(\\d{8,10}:AA[0-9A-Za-z_-]{32,33})${END}`, keywords: [':aa'], group: 1 },
  { id: 'teams-webhook', description: 'Microsoft Teams webhook URL', regex: `(https://[a-z0-9-]+\\.webhook\\.office\\.com/webhookb2/[a-z0-9-]+@[a-z0-9-]+/IncomingWebhook/[a-z0-9]+/[a-z0-9-]+|outlook\\.office(?:365)?\\.com/webhook/[a-z0-9-]+@[a-z0-9-]+/IncomingWebhook/[a-z0-9]+/[a-z0-9-]+)`, keywords: ['webhook.office.com', 'outlook.office'], group: 1 },
  { id: 'twilio-api-key-sid', description: 'Twilio API key SID', regex: `${near('twilio')}\\b(SK[0-9a-fA-F]{32})\\b`, keywords: ['twilio'], group: 1, entropy: 3, score: 0.8 },
  { id: 'twilio-key', description: 'Twilio API key', regex: `(?i)twilio[a-z0-9_ .-]{0,30}${ASSIGN}((?:SK|AC)?[a-f0-9]{32})${END}`, keywords: ['twilio'], group: 1 },
  { id: 'sendgrid-key', description: 'SendGrid API key', regex: `\\b(SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43})`, keywords: ['sg.'], group: 1 },
  { id: 'mailgun-key', description: 'Mailgun API key', regex: `\\b(key-[0-9a-f]{32})\\b`, keywords: ['key-'], group: 1 },
  { id: 'mailchimp-key', description: 'Mailchimp API key', regex: `\\b([0-9a-f]{32}-us\\d{1,2})\\b`, keywords: ['-us'], group: 1 },
  { id: 'postmark-token', description: 'Postmark server token', regex: `(?i)postmark[a-z0-9_ .-]{0,30}${ASSIGN}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})`, keywords: ['postmark'], group: 1 },
  { id: 'brevo-key', description: 'Brevo (Sendinblue) API or SMTP key', regex: `\\b(x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16})\\b`, keywords: ['xkeysib-', 'xsmtpsib-'], group: 1 },
  { id: 'twitch-oauth-token', description: 'Twitch chat OAuth token', regex: `\\b(oauth:[a-z0-9]{30})\\b`, keywords: ['oauth:'], group: 1, entropy: 3.5 },
  { id: 'firebase-fcm-server-key', description: 'Firebase Cloud Messaging server key', regex: `\\b(AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{120,140})`, keywords: [':apa91b'], group: 1 },
  // AI providers
  { id: 'openai-api-key', description: 'OpenAI API key', regex: `\\b(sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,})`, keywords: ['t3blbkfj'], group: 1 },
  { id: 'openai-project-key', description: 'OpenAI project key', regex: `\\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,})`, keywords: ['sk-proj-', 'sk-svcacct-', 'sk-admin-'], group: 1 },
  { id: 'anthropic-api-key', description: 'Anthropic API key', regex: `\\b(sk-ant-(?:api|admin|sid)\\d{2}-[A-Za-z0-9_-]{80,120})`, keywords: ['sk-ant-'], group: 1 },
  { id: 'huggingface-token', description: 'Hugging Face token', regex: `\\b((?:hf_|api_org_)[A-Za-z]{34})\\b`, keywords: ['hf_', 'api_org_'], group: 1, entropy: 3 },
  { id: 'groq-api-key', description: 'Groq API key', regex: `\\b(gsk_[A-Za-z0-9]{52})\\b`, keywords: ['gsk_'], group: 1 },
  { id: 'replicate-token', description: 'Replicate API token', regex: `\\b(r8_[A-Za-z0-9]{37})\\b`, keywords: ['r8_'], group: 1 },
  { id: 'perplexity-key', description: 'Perplexity API key', regex: `\\b(pplx-[A-Za-z0-9]{48})\\b`, keywords: ['pplx-'], group: 1 },
  { id: 'jina-key', description: 'Jina AI API key', regex: `\\b(jina_[A-Za-z0-9_-]{60,})`, keywords: ['jina_'], group: 1 },
  { id: 'tavily-key', description: 'Tavily API key', regex: `\\b(tvly-(?:dev-|prod-)?[A-Za-z0-9]{32})\\b`, keywords: ['tvly-'], group: 1 },
  { id: 'firecrawl-key', description: 'Firecrawl API key', regex: `\\b(fc-[a-f0-9]{32})\\b`, keywords: ['fc-'], group: 1 },
  { id: 'xai-key', description: 'xAI API key', regex: `\\b(xai-[A-Za-z0-9]{80})\\b`, keywords: ['xai-'], group: 1 },
  { id: 'openrouter-key', description: 'OpenRouter API key', regex: `\\b(sk-or-v1-[a-f0-9]{64})\\b`, keywords: ['sk-or-v1-'], group: 1 },
  { id: 'langsmith-key', description: 'LangSmith API key', regex: `\\b(lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10})\\b`, keywords: ['lsv2_'], group: 1 },
  { id: 'pinecone-key', description: 'Pinecone API key', regex: `\\b(pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{50,80})\\b`, keywords: ['pcsk_'], group: 1 },
  { id: 'elevenlabs-key', description: 'ElevenLabs API key', regex: `\\b(sk_[a-f0-9]{48})\\b`, keywords: ['sk_'], group: 1, entropy: 3.2 },
  { id: 'sk-api-key', description: 'API secret key (sk- prefix: DeepSeek, Moonshot, legacy OpenAI, ...)', regex: `\\b(sk-[A-Za-z0-9]{32,64})\\b`, keywords: ['sk-'], group: 1, entropy: 3.5, score: 0.8 },
  // Payments and commerce
  { id: 'stripe-secret-key', description: 'Stripe secret or restricted key', regex: `\\b((?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,99})\\b`, keywords: ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_', 'sk_prod_', 'rk_prod_'], group: 1 },
  { id: 'stripe-webhook-secret', description: 'Stripe webhook signing secret', regex: `\\b(whsec_[A-Za-z0-9]{32,})\\b`, keywords: ['whsec_'], group: 1 },
  { id: 'square-token', description: 'Square access token', regex: `\\b(sq0(?:atp|csp)-[A-Za-z0-9_-]{22,60}|EAAA[A-Za-z0-9_-]{60})`, keywords: ['sq0atp-', 'sq0csp-', 'eaaa'], group: 1 },
  { id: 'braintree-token', description: 'PayPal Braintree access token', regex: `(access_token\\$production\\$[a-z0-9]{16}\\$[a-f0-9]{32})`, keywords: ['access_token$production'], group: 1 },
  { id: 'facebook-token', description: 'Facebook access token', regex: `\\b(EAA[A-Za-z0-9]{90,})`, keywords: ['eaa'], group: 1, entropy: 3.5 },
  { id: 'facebook-secret', description: 'Facebook app secret', regex: `(?i)(?:facebook|fb)[a-z0-9_ .-]{0,30}(?:secret|key|token)[a-z0-9_ .-]{0,10}${ASSIGN}([a-f0-9]{32})${END}`, keywords: ['facebook', 'fb'], group: 1 },
  { id: 'twitter-bearer', description: 'Twitter/X bearer token', regex: `(AAAAAAAAAAAAAAAAAAAAA[A-Za-z0-9%]{30,})`, keywords: ['twitter', 'bearer', 'x_bearer'], group: 1 },
  { id: 'linkedin-secret', description: 'LinkedIn client secret', regex: `(?i)linkedin[a-z0-9_ .-]{0,30}${ASSIGN}([A-Za-z0-9]{16})${END}`, keywords: ['linkedin'], group: 1, entropy: 3 },
  { id: 'mapbox-token', description: 'Mapbox secret token', regex: `\\b(sk\\.eyJ[A-Za-z0-9_-]{50,}\\.[A-Za-z0-9_-]{20,})`, keywords: ['sk.eyj'], group: 1 },
  { id: 'flutterwave-key', description: 'Flutterwave secret key', regex: `\\b(FLWSECK(?:_TEST)?-[a-f0-9]{32}-X)`, keywords: ['flwseck'], group: 1 },
  { id: 'shippo-token', description: 'Shippo API token', regex: `\\b(shippo_(?:live|test)_[a-f0-9]{40})\\b`, keywords: ['shippo_'], group: 1 },
  { id: 'plaid-access-token', description: 'Plaid access token', regex: `\\b(access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\b`, keywords: ['access-sandbox-', 'access-development-', 'access-production-'], group: 1 },
  // Keys and tokens of any origin
  { id: 'private-key', description: 'private key', regex: `(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\\s\\S]{32,}?-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----|-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:\\s|\\\\n|\\\\r){1,4}[A-Za-z0-9+/=:\\s-]{64,})`, keywords: ['private key'], group: 1 },
  { id: 'putty-private-key', description: 'PuTTY private key', regex: `(PuTTY-User-Key-File-\\d+:[\\s\\S]{0,400}?Private-Lines:\\s*\\d+)`, keywords: ['putty-user-key-file'], group: 1 },
  { id: 'age-secret-key', description: 'age secret key', regex: `(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})`, keywords: ['age-secret-key-1'], group: 1 },
  { id: 'wireguard-private-key', description: 'WireGuard private or preshared key', regex: `(?i)(?:Private|Preshared)Key\\s*=\\s*([A-Za-z0-9+/]{43}=)`, keywords: ['privatekey', 'presharedkey'], group: 1, entropy: 3.5 },
  { id: 'jwt', description: 'JSON Web Token', regex: `\\b(eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,})`, keywords: ['eyj'], group: 1 },
  { id: 'password-hash', description: 'password hash (crypt, bcrypt, argon2)', regex: `(\\$(?:2[abxy]?\\$\\d{2}\\$[./A-Za-z0-9]{53}|[156]\\$(?:rounds=\\d+\\$)?[./A-Za-z0-9]{1,16}\\$[./A-Za-z0-9]{22,86}|argon2(?:id|i|d)\\$v=\\d+\\$m=\\d+,t=\\d+,p=\\d+\\$[A-Za-z0-9+/]{10,}\\$[A-Za-z0-9+/]{20,}|apr1\\$[./A-Za-z0-9]{1,8}\\$[./A-Za-z0-9]{22}|[78]\\$[./A-Za-z0-9]{8,16}\\$[./A-Za-z0-9]{30,60}|krb5(?:asrep|tgs)\\$\\d+\\$[^\\s]{40,}))`, keywords: ['$2a$', '$2b$', '$2y$', '$2x$', '$2$', '$1$', '$5$', '$6$', '$7$', '$8$', '$argon2', '$apr1$', '$krb5'], group: 1 },
  { id: 'connection-string-password', description: 'URL or connection string with a password', regex: `(?i)\\b(?:[a-z][a-z0-9+.-]{1,20})://[^\\s:@/'"\`]{0,100}:([^\\s@/'"\`]{3,200})@[^\\s'"\`]{1,200}`, keywords: ['://'], group: 1, placeholderCheck: 'light' },
  // ODBC quotes a value holding ; or } in braces (PWD={a;b}); braces around an identifier or a number are a format placeholder ({password}, {0})
  { id: 'connection-string-pwd', description: 'connection string with a password', regex: `(?i)(?:^|[;\\s'"])(?:password|pwd)\\s*=\\s*(?:\\{([^{}\\n]*[^A-Za-z0-9_.{}\\s][^{}\\n]*)\\}|([^;'"\\s{][^;'"\\s]{3,199}))\\s*(?:;|$|['"])`, keywords: ['password=', 'pwd=', 'password =', 'pwd ='], group: 1, placeholderCheck: 'light' },
  // the header as text (`Authorization: Basic ...`), as a key (`"Authorization": "Bearer ..."`) or as call arguments (`.header("Authorization", "SSWS ...")`)
  { id: 'authorization-header', description: 'credentials in an Authorization header', regex: `(?i)\\b(?:authorization|proxy-authorization)["'\`]?\\s*(?:=>|[:=,])\\s*["'\`]?(?:bearer|basic|token|digest|ssws)\\s+([A-Za-z0-9_.~+/=-]{7,}[A-Za-z0-9_~+/=-])`, keywords: ['authorization'], group: 1, entropy: 3, placeholderCheck: true, minClasses: 2 },
  { id: 'api-key-header', description: 'API key in a request header', regex: `(?i)\\b(?:x-api-key|api-key|x-auth-token|x-access-token|private-token|x-token)\\s*[:=]\\s*["']?([A-Za-z0-9_.~+/=-]{16,})`, keywords: ['api-key', 'auth-token', 'access-token', 'private-token', 'x-token'], group: 1, entropy: 3, placeholderCheck: true },
  { id: 'bearer-token', description: 'bearer token', regex: `(?i)\\bbearer\\s+([A-Za-z0-9_.~+/-]{24,}=*)`, keywords: ['bearer'], group: 1, entropy: 3.5, placeholderCheck: true },
  { id: 'cli-password-flag', description: 'password given on a command line', regex: `(?:^|\\s)(?:-p|(?i:--password|--pass|-password|--passwd|-pw))(?:\\s+|=)["']?([^\\s"'-][^\\s"']{3,100})`, keywords: ['-p ', '--pass', '-password', '-p=', '-pw '], group: 1, placeholderCheck: 'light' },
  // mysql, mysqldump, mysqladmin, mariadb...: -p with the password attached (a bare -p prompts for it; -P is the port)
  { id: 'mysql-password-flag', description: 'MySQL password given on a command line', regex: `\\b(?:mysql[a-z]*|mariadb[a-z-]*)(?:\\.exe)?\\s[^\\n|;&]{0,100}?\\s-p["']?([^\\s"'$-][^\\s"']{2,100})`, keywords: ['mysql', 'mariadb'], group: 1, placeholderCheck: true },
  // PowerShell: ConvertTo-SecureString "pw" -AsPlainText -Force (also -AsPlainText first, -String named)
  { id: 'powershell-plaintext-password', description: 'password converted from plain text in PowerShell', regex: `(?i)ConvertTo-SecureString\\s+(?:-String\\s+)?(?:"([^"\\n]{3,200})"|'([^'\\n]{3,200})')\\s+(?:-Force\\s+)?-AsPlainText|ConvertTo-SecureString\\s+-AsPlainText\\s+(?:-Force\\s+)?(?:-String\\s+)?(?:"([^"\\n]{3,200})"|'([^'\\n]{3,200})')`, keywords: ['-asplaintext'], group: 1, placeholderCheck: 'light' },
  { id: 'netrc-password', description: 'password in a .netrc entry', regex: `(?i)\\bmachine\\s+\\S+\\s+(?:login\\s+\\S+\\s+)?password\\s+(\\S{3,200})`, keywords: ['machine'], group: 1, placeholderCheck: 'light' },
  { id: 'cli-basic-auth', description: 'user:password given on a command line', regex: `(?:^|\\s)(?:-u|--user)\\s+["']?[^\\s:"']{1,100}:([^\\s"']{4,200})`, keywords: ['-u ', '--user'], group: 1, placeholderCheck: 'light' },
  { id: 'credential-constructor', description: 'password passed to a credential constructor', regex: `(?i)(?:NetworkCredential|DirectoryEntry|PasswordAuthentication|UsernamePasswordCredentials|HTTPBasicAuth|BasicAuth)\\s*\\((?:\\s*"[^"]{0,200}"\\s*,){1,2}\\s*"([^"]{4,100})"\\s*\\)`, keywords: ['networkcredential', 'directoryentry', 'passwordauthentication', 'usernamepasswordcredentials', 'basicauth'], group: 1, placeholderCheck: 'light' },
  { id: 'password-in-prose', description: 'password stated in text', regex: `(?i)\\bpassword\\b[^.\\n]{0,60}?\\bis\\s*:?\\s*["'\`]([^"'\`\\s]{3,64})["'\`]`, keywords: ['password'], group: 1, placeholderCheck: 'light', score: 0.7 },
  {
    id: 'generic-secret-assignment',
    description: 'secret assigned to a key, password or token variable',
    // 1: the name (its last word decides, see genericValueOk in secrets.ts); 2: the operator, absent in `password 'x'`;
    // the value: 3 "double", 4 'single', 5 `backtick` quoted (any characters but the quote), 6 bare (up to a space, quote, ; or &)
    regex: `(?i)([a-z0-9_.>-]*(?:secret|passwd|password|passphrase|pass|pwd|token|api[_.-]?key|apikey|access[_.-]?key|auth[_.-]?key|client[_.-]?secret|private[_.-]?key|credentials?|signing[_.-]?key|encryption[_.-]?key|auth|[_.-]key|[a-z0-9](?-i:Key)|license[_.-]?key|login|[_.-]pat)[a-z0-9_.-]*)(?:\\\\?["'\`])?(?:[ \\t]*(===?|!==?|=|:=|:|=>|\\|\\|=|\\?=|<-|->|,)[ \\t]*(?:\\r?\\n[ \\t]*)?|\\s{1,3})(?:\\\\?"([^"\\n]{4,200}?)\\\\?"|'([^'\\n]{4,200})'|\`([^\`\\n]{4,200})\`|([^\\s"'\`<>;&]{4,200}))`,
    keywords: ['secret', 'passw', 'passphrase', 'pwd', 'token', 'api_key', 'apikey', 'api-key', 'api.key', 'access_key', 'accesskey', 'access-key', 'auth_', '_auth', 'auth=', 'auth:', 'auth"', "auth'", 'authkey', 'credential', 'private_key', 'privatekey', 'signing_key', 'signingkey', 'encryption_key', 'encryptionkey', 'pass=', 'pass:', 'pass"', "pass'", 'pass =', '_pass', 'pass_', '.pass', '_key', '-key', '.key', 'key"', "key'", 'key:', 'key=', 'key =', 'license', 'login', '_pat', '.pat'],
    group: 3,
    entropy: 0,
    placeholderCheck: 'light', // the rest in genericValueOk: a quoted literal may look like an identifier
    score: 0.7,
  },
];
