// Prompt-injection heuristics: phrase signals of instruction override, role
// assumption, fake chat markup and delimiters, system-prompt extraction,
// agent-addressed hidden instructions, concealment and exfiltration markup.
//
// One case-insensitive alternation of trigger phrases runs over the whole text
// (literal alternatives only: linear, and fast in V8); each hit is then checked
// against its rule's follow-up phrases in a short window after it (bounded
// work per hit). Weights are the probability that a hit alone means injection;
// distinct rules combine by noisy-or.

import { trieRegex } from './trie.ts';
import { wordBitmap, wordHash, AnchorProbe } from './features.ts';
import { StartChars } from './start-chars.ts';

export interface HeuristicRule {
  id: string;
  /** Signal family reported in findings. */
  signal: 'override' | 'role' | 'markup' | 'extraction' | 'hijack' | 'concealment' | 'exfiltration' | 'authority';
  weight: number;
  /** Trigger phrases (case-insensitive). */
  a: string[];
  /** Follow-up phrases required within `within` characters after the trigger, in the same sentence. */
  b?: string[];
  within?: number;
  /**
   * Verb forms that may also follow the `b` phrase (within `within`, same
   * sentence): languages that put the verb last ("die obigen Anweisungen
   * ignorieren") and the passive ("previous instructions are to be ignored").
   */
  after?: string[];
  /**
   * `b` phrases that need no listed verb when their sentence is an
   * imperative: it opens with a word that is not a function word (a verb the
   * `a` list lacks: "Reverse the words in your reply"), or with the phrase
   * itself, a comma and no pronoun after it ("In your response, mention ...").
   */
  imperative?: string[];
  message: string;
  /** Only meaningful inside data (a tool response): a user may legitimately say it, a document may not. */
  dataOnly?: boolean;
}

export interface HeuristicHit {
  rule: HeuristicRule;
  start: number;
  end: number;
}

const OVERRIDE_OBJECTS = [
  'instruction', 'instructions', 'prompt', 'prompts', 'rules', 'rule', 'directive', 'directives', 'guideline', 'guidelines', 'guidance',
  'commands', 'orders', 'programming', 'constraints', 'restrictions', 'limitations', 'guardrails', 'policies', 'safety', 'filters',
  'the above', 'everything above', 'all of the above', 'everything before', 'what you were told', 'what i told you', 'previous text',
  'prior text', 'previous context', 'previous conversation', 'previous messages', 'previous tasks', 'previous task', 'all previous', 'all prior',
  'your task', 'your tasks', 'your training', 'your principles', 'your ethics', 'ethical', 'the system', 'system message',
  'anweisungen', 'anweisung', 'befehle', 'regeln', 'aufgaben', 'alles', 'vorherigen', 'instrucciones', 'reglas', 'consignes', 'règles', 'istruzioni',
  // the same objects in more languages: German, Spanish, Italian, Portuguese, Dutch, Russian
  'obigen', 'ausführungen', 'vorgaben', 'instruktionen', 'richtlinien', 'indicaciones', 'órdenes', 'regole', 'indicazioni', 'instruções', 'regras',
  'instructies', 'aanwijzingen', 'regels', 'инструкции', 'инструкций', 'указания', 'правила', 'команды',
];

/** Passive and verb-last forms of the override verbs (see HeuristicRule.after). */
const OVERRIDE_AFTER = [
  'ignored', 'disregarded', 'forgotten', 'overridden', 'ignorieren', 'ignoriert', 'vergessen', 'missachten', 'übergehen', 'ignorer', 'oublier',
  'ignorées', 'ignorar', 'olvidar', 'ignorare', 'dimenticare', 'negeren', 'vergeten', 'игнорировать', 'забыть',
];

export const RULES: HeuristicRule[] = [
  {
    id: 'ignore-instructions', signal: 'override', weight: 0.92, within: 70, b: OVERRIDE_OBJECTS, after: OVERRIDE_AFTER,
    a: ['ignore', 'ignoring', 'disregard', 'forget', 'overlook', 'override', 'bypass', 'neglect', 'discard', 'abandon', 'dismiss', 'skip',
      'pay no attention to', 'do not follow', "don't follow", 'stop following', 'no longer follow', 'cancel', 'erase', 'delete', 'drop',
      'ignoriere', 'ignorieren', 'vergiss', 'vergessen', 'olvida', 'olvide', 'ignora', 'ignore', 'ignorez', 'oubliez', 'oublie', 'dimentica',
      'deviate from', 'depart from', 'contrary to', 'abweichend von', 'abweichend zu', 'entgegen', 'contrairement aux', 'a diferencia de',
      'missachte', 'übergehe', 'verwirf', 'esqueça', 'esqueca', 'negeer', 'vergeet', 'забудь', 'забудьте', 'игнорируй', 'игнорируйте',
      'проигнорируй', 'проигнорируйте', 'не обращай внимания на'],
    message: 'asks to ignore or override previous instructions',
  },
  {
    id: 'new-instructions', signal: 'override', weight: 0.55,
    a: ['new instructions', 'new instruction', 'new task', 'new rules', 'new directive', 'new directives', 'new objective', 'new goal', 'new role',
      'updated instructions', 'revised instructions', 'real instructions', 'actual instructions', 'true instructions', 'secret instructions',
      'hidden instructions', 'additional instructions', 'important instructions', 'following instructions instead', 'from now on', 'henceforth',
      'additional instruction', 'new instruction:', 'zusätzliche anweisung', 'zusätzliche anweisungen', 'neue instruktion', 'neue instruktionen',
      'nuevas instrucciones', 'nuove istruzioni', 'novas instruções',
      'for the rest of this conversation', 'neue aufgabe', 'neue anweisung', 'neue anweisungen', 'nueva tarea', 'nouvelle tâche', 'nouvelles instructions',
      'instead, you', 'instead you will', 'instead you should', 'instead you must', 'your new task', 'your real task', 'your actual task'],
    message: 'announces new or replacement instructions',
  },
  {
    id: 'priority-claim', signal: 'authority', weight: 0.6,
    a: ['highest priority', 'top priority', 'takes precedence', 'take precedence', 'supersedes', 'overrides all', 'override all', 'must obey',
      'must comply', 'you must follow', 'mandatory instruction', 'system override', 'admin override', 'administrator override', 'developer override',
      'emergency override', 'security override', 'priority override', 'override code', 'override mode', 'sudo mode', 'root access granted'],
    message: 'claims priority over the existing instructions',
  },
  {
    id: 'authority-claim', signal: 'authority', weight: 0.55,
    a: ['i am your developer', 'i am the developer', "i'm your developer", "i'm the developer", 'i am your creator', 'i am your administrator',
      'i am the administrator', 'i am your admin', 'i am an openai', 'i am from openai', 'i work at openai', 'i am from anthropic', 'this is openai',
      'this is anthropic', 'message from the system', 'message from your developer', 'as your developer', 'as your creator', 'authorized by the developer',
      'the developers have', 'this is a system message', 'this is the system', 'official instruction', 'i am the system'],
    message: 'claims to speak for the system, the developer or the vendor',
  },
  {
    id: 'role-assumption', signal: 'role', weight: 0.45,
    a: ['you are now', "you're now", 'you are no longer', 'act as', 'acting as', 'pretend to be', 'pretend you are', "pretend you're", 'pretend that you',
      'roleplay as', 'role-play as', 'role play as', 'play the role', 'you will now act', 'you will act as', 'behave as', 'behave like', 'respond as',
      'impersonate', 'from now on you', 'your new name is', 'you have been freed', 'you are free from', 'you are a free', 'answer as',
      'stay in character', 'in character as', 'du bist jetzt', 'tu es maintenant', 'ahora eres', 'speak as'],
    message: 'asks the model to assume another role',
  },
  {
    id: 'jailbreak-persona', signal: 'role', weight: 0.75,
    a: ['developer mode', 'dan mode', 'do anything now', 'jailbroken', 'god mode', 'unrestricted mode', 'unrestricted ai', 'unfiltered ai', 'uncensored ai',
      'no restrictions', 'without restrictions', 'without any restrictions', 'no limitations', 'without limitations', 'without any limitations',
      'not bound by', 'free from all', 'no ethical', 'no moral', 'without ethics', 'without morals', 'ignore ethics', 'no content policy',
      'no filters', 'without filters', 'without any filters', 'evil confidant', 'opposite mode', 'anti-dan', 'stan mode', 'dude mode', 'maintenance mode',
      'debug mode', 'admin mode', 'unlocked mode', 'safety off', 'disable safety', 'disable your safety', 'turn off your', 'remove all restrictions',
      'lift all restrictions', 'no longer have to follow', 'do not have to follow', "don't have to follow", 'ohne einschränkungen'],
    message: 'invokes a jailbreak persona or an unrestricted mode',
  },
  {
    id: 'chat-markup', signal: 'markup', weight: 0.85,
    a: ['<|im_start|>', '<|im_end|>', '<|system|>', '<|user|>', '<|assistant|>', '<|endoftext|>', '<|eot_id|>', '<|start_header_id|>', '<|end_header_id|>',
      '[inst]', '[/inst]', '<<sys>>', '<</sys>>', '<start_of_turn>', '<end_of_turn>', '### system', '### instruction', '### new instruction',
      '[system]', '[system message]', '[system note', '<system>', '</system>', '<system_prompt>', '</instructions>', '<instructions>', '</user>', '</user_input>',
      '</context>', '</document>', '</tool_output>', '</tool_result>', '</function_results>', '<admin>', '[admin]', '{{system', 'system message:',
      'system prompt:', 'system instruction:', 'system instructions:', 'system note:', 'system update:', 'system alert:', 'system:'],
    message: 'contains fake chat-template markup or a fake system turn',
  },
  {
    id: 'delimiter-break', signal: 'markup', weight: 0.7,
    a: ['end of instructions', 'end of prompt', 'end of system prompt', 'end of context', 'end of document', 'end of user input', 'end of input',
      'begin new instructions', 'begin instructions', 'start new session', 'new conversation begins', 'conversation reset', 'reset conversation',
      'context reset', 'end of conversation', '=== new', '--- new', '*** new', 'end of the email', 'end of email', 'end of data'],
    message: 'fakes the end of the trusted context',
  },
  {
    id: 'prompt-extraction', signal: 'extraction', weight: 0.85, within: 70,
    a: ['reveal', 'show me', 'show', 'print', 'output', 'repeat', 'display', 'tell me', 'give me', 'leak', 'dump', 'write out', 'write down', 'share',
      'disclose', 'expose', 'list', 'what is', 'what are', 'what were', 'recite', 'spell out', 'copy', 'return', 'echo', 'paste', 'provide', 'read back',
      'translate', 'summarize', 'zeige', 'gib', 'nenne', 'muestra', 'montre'],
    b: ['system prompt', 'system message', 'your instructions', 'your initial instructions', 'initial instructions', 'initial prompt', 'original prompt',
      'original instructions', 'your prompt', 'hidden prompt', 'secret prompt', 'your rules', 'your guidelines', 'your directives', 'your configuration',
      'text above', 'words above', 'everything above', 'above text', 'instructions above', 'your system', 'developer message', 'pre-prompt', 'preprompt',
      'you were given', 'you were told', 'your programming', 'prompt text', 'prompt texts', 'your context window', 'hidden instructions', 'secret instructions',
      'your training data', 'verbatim', 'your password', 'your secret', 'your api key', 'anweisungen', 'your prompt', 'the prompt above', 'prompt text'],
    message: 'tries to extract the system prompt or hidden instructions',
  },
  {
    id: 'agent-addressing', signal: 'hijack', weight: 0.6,
    a: ['note to the ai', 'note to ai', 'note for the ai', 'message to the ai', 'message for the ai', 'attention ai', 'attention, ai', 'attention assistant',
      'ai assistant:', 'dear ai', 'dear assistant', 'dear llm', 'dear model', 'dear agent', 'to the ai agent', 'to the ai assistant', 'to you, gpt',
      'to you, claude', 'to you, gemini', 'to you, llama', 'important message from me', 'this is an important message', 'instructions for the ai',
      'instructions for the assistant', 'if you are an ai', "if you're an ai", 'if you are a language model', 'if you are an llm', 'if you are an assistant',
      'ai agents must', 'ai agents reading', 'ai models reading', 'language models reading', 'any ai reading', 'hey chatgpt', 'hey gpt', 'hey claude',
      'hello chatgpt', 'hi chatgpt', 'chatgpt, ', 'assistant, you must', 'agent, you must', 'ai, you must'],
    message: 'addresses the AI agent directly from inside the content',
  },
  {
    id: 'task-hijack', signal: 'hijack', weight: 0.7,
    a: ['before you can solve', 'before you solve', 'before you can complete', 'before you complete', 'before you continue', 'before you proceed',
      'before you answer', 'before you respond', 'before you reply', 'before completing', 'before doing anything else', 'before answering',
      'before responding', 'do the following first', 'please do the following', 'after you do that', 'after you have done that', 'once you have done that',
      'you must now', 'you should now', 'now you must', 'now you will', 'your next step is', 'the next step is to', 'immediately execute',
      'instead of answering', 'instead of summarizing', 'instead of responding', 'rather than answering', 'do not answer the', 'stop what you are doing',
      'stop everything', 'stop -', 'stop!', 'but first', 'first, you must', 'first you must', 'you are required to', 'it is imperative that you',
      'stopp -', 'stopp!', 'halt -', 'halt!', 'alto -', 'alto!', 'arrête -', 'arrête!'],
    message: 'redirects the agent to a different task',
  },
  {
    id: 'concealment', signal: 'concealment', weight: 0.75,
    a: ['do not tell the user', "don't tell the user", 'without telling the user', 'do not mention', "don't mention", 'do not inform', 'without informing',
      'without the user knowing', 'without notifying', 'do not notify', 'secretly', 'keep this secret', 'keep this hidden', 'hide this from',
      'do not reveal this', 'do not disclose this', "don't let the user", 'the user must not know', 'the user should not know', 'silently',
      'without asking', 'without confirmation', 'no need to confirm', 'do not ask for confirmation', "don't ask for confirmation", 'do not show this'],
    message: 'asks to hide an action from the user',
  },
  {
    id: 'exfil-instruction', signal: 'exfiltration', weight: 0.6, within: 80,
    a: ['send', 'forward', 'transfer', 'email', 'upload', 'post', 'exfiltrate', 'leak', 'copy', 'append', 'include', 'embed', 'encode', 'attach', 'submit'],
    b: ['password', 'passwords', 'api key', 'api keys', 'credentials', 'credential', 'secret key', 'access token', 'private key', 'ssh key', 'session token',
      'chat history', 'conversation history', 'the conversation', "user's data", 'user data', 'personal data', 'personal information', 'credit card',
      'to the url', 'in the url', 'to this url', 'as a query parameter', 'query string', 'url parameter', 'to the following url', 'to this address',
      'to the following address', 'to the following email', 'to this email', 'to attacker', 'webhook', 'ngrok', 'requestbin', 'pastebin', 'burpcollaborator'],
    message: 'asks to send sensitive data somewhere',
  },
  {
    id: 'response-manipulation', signal: 'hijack', weight: 0.9, within: 80, dataOnly: true,
    a: ['add', 'include', 'insert', 'append', 'prepend', 'replace', 'remove', 'introduce', 'rearrange', 'integrate', 'start', 'begin', 'end', 'write',
      'mention', 'put', 'embed', 'use', 'format', 'respond', 'answer', 'reply', 'encourage', 'recommend', 'promote', 'tell', 'say', 'output', 'conclude',
      // verbs that reshape a text: in data they can only be aimed at the assistant's own answer
      'modify', 'provide', 'augment', 'enhance', 'rewrite', 'reformat', 'restructure', 'structure', 'convert', 'change', 'alter', 'adjust', 'transform',
      'translate', 'encode', 'encrypt', 'reverse', 'capitalize', 'spell', 'group', 'split', 'shuffle', 'substitute', 'incorporate', 'craft', 'compose',
      'present', 'deliver', 'express', 'make', 'ensure', 'limit', 'keep', 'finish', 'open', 'close', 'sign', 'style', 'phrase', 'infuse', 'sprinkle',
      'scramble', 'misspell', 'combine', 'swap', 'mix', 'alternate', 'repeat', 'duplicate', 'double', 'abbreviate', 'censor', 'mask', 'hide', 'bold',
      'italicize', 'underline', 'highlight', 'emphasize', 'number', 'sort', 'order', 'reorder', 'invert', 'rotate', 'shift', 'separate', 'join',
      'merge', 'wrap', 'pad', 'truncate', 'shorten', 'lengthen', 'expand', 'condense', 'rhyme', 'rephrase', 'paraphrase', 'simplify', 'uppercase',
      'lowercase', 'transliterate', 'cipher', 'obfuscate'],
    b: ['in your response', 'to your response', 'your response with', 'in your answer', 'to your answer', 'your answer with', 'in your reply', 'to your reply',
      'in your output', 'in your summary', 'to your summary', 'in your message', 'your response to', 'every response', 'each response', 'all responses', 'your responses',
      'in the response', 'to the response', 'in the answer', 'in the reply', 'the user that', 'the user to',
      'your response', 'your reply', 'your answer', 'your output', 'your answers', 'your replies', 'your summary', 'your text', 'your message'],
    imperative: ['in your response', 'to your response', 'in your answer', 'to your answer', 'in your reply', 'to your reply', 'in your output', 'in your summary',
      'to your summary', 'in your message'],
    message: 'data that tells the assistant what to put in its answer',
  },
  {
    id: 'tool-call-markup', signal: 'hijack', weight: 0.6,
    a: ['"function_call"', '"tool_calls"', '<tool_call>', '<function_call>', '<function_calls>', '<invoke', '"tool_use"', '<tool_use>', 'call the function',
      'call the tool', 'use the tool', 'invoke the tool', 'invoke the function', 'execute the function', 'run the tool', 'execute the following command',
      'run the following command', 'execute this command', 'run this command'],
    message: 'carries tool-call instructions or markup',
  },
];

interface Compiled {
  /** Matches the first word (or leading symbols) of every phrase; full phrases are checked at each hit. */
  trigger: RegExp;
  /**
   * `trigger` split in two for a pass over a whole text: the plain ASCII
   * words in one group with \b outside keeps V8's fast first-character
   * checks, which an alternation that also holds other anchors (Cyrillic
   * words, symbols) loses: two passes, merged in text order, cost less.
   */
  wordsOnly: RegExp;
  others: RegExp | undefined;
  /** Anchor word -> phrases containing it (with the anchor's offset in the phrase), longest first. */
  byHead: Map<string, Array<{ phrase: string; offset: number }>>;
  /** Rules triggered by a phrase: directly (no follow-up), or as the follow-up of a two-part rule. */
  byPhrase: Map<string, Array<{ rule: HeuristicRule; part: 'a' | 'b' }>>;
  /** For two-part rules: the trigger verbs, searched in the window before the object phrase. */
  lead: Map<HeuristicRule, RegExp>;
  /** For two-part rules with `after`: those verb forms, searched in the window after the object phrase. */
  trail: Map<HeuristicRule, RegExp>;
  /**
   * The same anchors keyed by the classifier's word hash of their first
   * `_`-separated part (its words split at `_`, the regex's do not), and a
   * bitmap of those hashes: lets the classifier's word walk find anchor
   * candidates for long texts instead of a second pass with `trigger`.
   */
  byToken: Map<number, Array<{ phrase: string; offset: number }>>;
  bitmap: Uint32Array;
  /** Units that can start an anchor (startChars): a reported wide word without one is passed over. */
  starts: StartChars;
  /** Length of the longest anchor word. */
  longest: number;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const wordish = /\w/;
function alternation(phrases: string[]): string {
  // Longest first so the trigger reports the longest phrase at a position.
  const uniq = [...new Set(phrases.map((p) => p.toLowerCase()))].sort((x, y) => y.length - x.length || (x < y ? -1 : 1));
  return uniq.map((p) => `${wordish.test(p[0]!) ? '\\b' : ''}${escape(p)}${wordish.test(p[p.length - 1]!) ? '\\b' : ''}`).join('|');
}

// Two-part rules ("ignore" ... "instructions") trigger on their object phrase,
// which is rarer in ordinary prose than the verb, and then look back for the
// verb: far fewer hits to verify on long benign text.
export function compileRules(rules: HeuristicRule[] = RULES): Compiled {
  const byPhrase = new Map<string, Array<{ rule: HeuristicRule; part: 'a' | 'b' }>>();
  const lead = new Map<HeuristicRule, RegExp>();
  const trail = new Map<HeuristicRule, RegExp>();
  const add = (p: string, rule: HeuristicRule, part: 'a' | 'b') => {
    const k = p.toLowerCase();
    const list = byPhrase.get(k) ?? [];
    if (!list.some((x) => x.rule === rule && x.part === part)) list.push({ rule, part });
    byPhrase.set(k, list);
  };
  for (const r of rules) {
    if (r.b) {
      for (const p of r.b) add(p, r, 'b');
      lead.set(r, new RegExp(alternation(r.a), 'gi'));
      if (r.after) trail.set(r, new RegExp(alternation(r.after), 'i'));
    } else for (const p of r.a) add(p, r, 'a');
  }
  // A large alternation of multi-word phrases is slow in V8, and one of first
  // words fires on every "the" and "you". Each phrase is anchored on its
  // rarest-looking word (longest non-stopword); the phrase is verified around it.
  // (A phrase of stopwords only, "you are now", stays anchored on "you": V8 runs
  // a trie of single words faster than one that also holds whole phrases, and
  // the in-place check of a phrase is cheap.)
  const byHead = new Map<string, Array<{ phrase: string; offset: number }>>();
  for (const p of byPhrase.keys()) {
    const { word, offset } = anchor(p);
    const list = byHead.get(word) ?? [];
    list.push({ phrase: p, offset });
    byHead.set(word, list);
  }
  for (const list of byHead.values()) list.sort((x, y) => y.phrase.length - x.phrase.length);
  const byToken = new Map<number, Array<{ phrase: string; offset: number }>>();
  let longest = 0;
  for (const [word, list] of byHead) {
    // A candidate word starts after any leading underscores of the anchor.
    const lead = /^_*/.exec(word)![0].length;
    const h = wordHash(word.slice(lead).split('_')[0]!);
    const shifted = list.map((x) => ({ phrase: x.phrase, offset: x.offset + lead }));
    byToken.set(h, [...(byToken.get(h) ?? []), ...shifted].sort((x, y) => y.phrase.length - x.phrase.length));
    longest = Math.max(longest, word.length);
  }
  const bitmap = wordBitmap(byToken.keys());
  // \b outside one group of plain words keeps V8's fast first-character checks.
  const keys = [...byHead.keys()].sort((x, y) => y.length - x.length || (x < y ? -1 : 1));
  const words = keys.filter((k) => /^\w+$/.test(k));
  const other = keys.filter((k) => !/^\w+$/.test(k)).map(escape);
  const wordSrc = words.length ? `\\b(?:${trieRegex(words)})\\b` : '(?!)';
  const src = [wordSrc, ...other].join('|');
  return {
    trigger: new RegExp(src, 'gi'),
    wordsOnly: new RegExp(wordSrc, 'gi'),
    others: other.length ? new RegExp(other.join('|'), 'gi') : undefined,
    byHead, byPhrase, lead, trail, byToken, bitmap, longest,
    starts: new StartChars(byHead.keys()),
  };
}

/**
 * English stopwords, the most frequent first (by general English word
 * frequency). A phrase of stopwords only ("you are now", "from now on") is
 * anchored on its rarest one: "now" fires a tenth as often as "you" in prose,
 * and every anchor hit is a phrase check.
 */
const STOP_BY_FREQUENCY = 'the of and to a in is you that it for on are with as i be at have this from or an by not we what all can will your if my so do no me than now new any'.split(' ');
const STOP_RANK = new Map(STOP_BY_FREQUENCY.map((w, i) => [w, i + 1]));

/** The anchor of a phrase: its longest non-stopword word (or rarest stopword, or the phrase itself when it has no word). */
function anchor(p: string): { word: string; offset: number } {
  let best: { word: string; offset: number } | undefined;
  let bestScore = -1;
  for (const m of p.matchAll(/\w+/g)) {
    const rank = STOP_RANK.get(m[0]);
    const score = rank === undefined ? 100 + m[0].length : rank / 100;
    if (score > bestScore) {
      bestScore = score;
      best = { word: m[0], offset: m.index };
    }
  }
  return best ?? { word: p, offset: 0 };
}

const isWordCode = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
/**
 * Each phrase anchored at `at` that occurs in the text, respecting word
 * boundaries, longest first. Compares in place: no substring per candidate.
 */
function phrasesAt(text: string, at: number, candidates: Array<{ phrase: string; offset: number }>, visit: (phrase: string, start: number) => void): void {
  next: for (const { phrase: p, offset } of candidates) {
    const st = at - offset;
    if (st < 0 || st + p.length > text.length) continue;
    for (let j = 0; j < p.length; j++) {
      const c = text.charCodeAt(st + j);
      const want = p.charCodeAt(j);
      if (c === want || (c >= 0x41 && c <= 0x5a && c + 32 === want)) continue;
      if (c < 0x80 || text[st + j]!.toLowerCase() !== p[j]) continue next; // non-ASCII letters of a phrase (è, â) compare lowercased
    }
    if (isWordCode(p.charCodeAt(p.length - 1)) && st + p.length < text.length && isWordCode(text.charCodeAt(st + p.length))) continue;
    if (isWordCode(p.charCodeAt(0)) && st > 0 && isWordCode(text.charCodeAt(st - 1))) continue;
    visit(p, st);
  }
}

const isBoundary = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  // a full stop only before a space: not the dots of a domain or a number
  return c === 0x21 || c === 0x3f || c === 0x0a || (c === 0x2e && (i + 1 >= text.length || text.charCodeAt(i + 1) <= 0x20));
};
const isQuote = (c: number) => c === 0x22 || c === 0x201c || c === 0x201d;
/** Quoted text skipped over between a verb and its object: the thing to add ('Add "..." to your reply'). */
const MAX_QUOTED = 200;

/**
 * Where the sentence holding the object at `at` starts, looking back at most
 * `within` characters: after the last . ! ? or newline. A quotation counts
 * for nothing against `within` (up to MAX_QUOTED characters) and its own
 * punctuation ends no sentence. `opens`: the start was found (a boundary or
 * the text's start), not cut off by `within`.
 */
function sentenceBefore(text: string, at: number, within: number): { ws: number; opens: boolean } {
  let plain = 0;
  let quoted = 0;
  let inQuote = false;
  for (let i = at - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) return { ws: i + 1, opens: true };
    if (isQuote(c)) inQuote = !inQuote;
    else if (inQuote) {
      if (++quoted > MAX_QUOTED) return { ws: i + 1, opens: false };
      continue;
    } else if (isBoundary(text, i)) return { ws: i + 1, opens: true };
    if (++plain > within) return { ws: i + 1, opens: false };
  }
  return { ws: 0, opens: true };
}

/**
 * English function words: a sentence opening with one of them (or a
 * participle, a third-person verb) is not read as an imperative. "please",
 * "also", "now" and the like are skipped to the next word.
 */
const FUNCTION_WORDS = new Set(('a an the this that these those my our his her their its your i you we he she they it me us them one someone there here ' +
  'what which who whom whose when where why how if as and but or nor so because since while although though unless until whether ' +
  'is are was were be been am do does did have has had will would can could shall should may might must not no yes ' +
  'in on at for with about from by of to after before during per via into onto over under than then thank thanks hi hello hey dear re fwd fw ' +
  'ok okay sure great good best kind regards sincerely cheers sent received got see note ps nb let').split(' '));
const SKIP_WORDS = new Set('please also kindly then now just simply additionally finally lastly furthermore moreover besides and'.split(' '));
const PRONOUNS = new Set('i you we he she they it this that there one someone everyone'.split(' '));

/**
 * The start of an imperative sentence spanning [ws, end) whose object phrase
 * is at `at`, or -1. Either its first word (after list markers, quotes and
 * "please", "also"...) looks like a bare verb, or the sentence opens with the
 * object phrase followed by a comma and a word that is no pronoun.
 */
function imperativeOpener(text: string, ws: number, at: number, end: number): number {
  const word = /[A-Za-z][A-Za-z'-]*/y;
  let i = ws;
  const skipMarks = () => {
    // list markers, quotes, brackets, digits: "1. ", "- ", "* ", "(a) "
    while (i < at && !/[A-Za-z]/.test(text[i]!)) i++;
  };
  skipMarks();
  for (;;) {
    word.lastIndex = i;
    const m = word.exec(text);
    if (!m || i >= at) {
      if (i !== at) return -1;
      // the sentence opens with the object phrase: "In your response, mention ..."
      let j = end;
      while (j < text.length && text[j] === ' ') j++;
      if (text[j] !== ',') return -1;
      word.lastIndex = j + 1;
      while (word.lastIndex < text.length && text[word.lastIndex] === ' ') word.lastIndex++;
      const next = word.exec(text);
      return next && !PRONOUNS.has(next[0].toLowerCase()) && !FUNCTION_WORDS.has(next[0].toLowerCase()) ? at : -1;
    }
    const w = m[0].toLowerCase();
    if (SKIP_WORDS.has(w)) {
      i += w.length;
      skipMarks();
      continue;
    }
    if (i + w.length > at) return -1;
    if (FUNCTION_WORDS.has(w) || /(?:ing|ed|[^su]s)$/.test(w) || w.includes("'")) return -1;
    return i;
  }
}

let builtin: Compiled | undefined;
/** Hits kept per rule: enough to report where; the whole text is still scanned for every rule. */
const MAX_HITS_PER_RULE = 16;

/** The probe that lets the classifier's word walk collect anchor candidates for findHeuristics (`also`: more bitmaps to probe for in the same walk). */
export function anchorProbe(compiled: Compiled = (builtin ??= compileRules()), ...also: Uint32Array[]): AnchorProbe {
  if (also.length === 0) return new AnchorProbe(compiled.bitmap);
  const bitmap = compiled.bitmap.slice();
  for (const b of also) for (let i = 0; i < bitmap.length; i++) bitmap[i]! |= b[i]!;
  return new AnchorProbe(bitmap);
}

/**
 * Rule hits in `text` (spans in `text`), up to MAX_HITS_PER_RULE per rule.
 * Linear in text length. Anchors are found by `trigger` over the whole text,
 * or, when `anchors` is given, taken from the candidates an AnchorProbe
 * collected over this same text: every trigger match starts a candidate
 * word (or lies inside a word reported for its own search), and each
 * candidate is verified in place, so both give the same hits.
 */
export function findHeuristics(text: string, compiled: Compiled = (builtin ??= compileRules()), data = true, anchors?: ArrayLike<number>): HeuristicHit[] {
  const hits: HeuristicHit[] = [];
  const done = new Set<string>();
  const perRule = new Map<string, number>();
  const push = (h: HeuristicHit) => {
    const k = perRule.get(h.rule.id) ?? 0;
    if (k >= MAX_HITS_PER_RULE) return;
    perRule.set(h.rule.id, k + 1);
    hits.push(h);
  };
  const onAnchor = (at: number, candidates: Array<{ phrase: string; offset: number }> | undefined) => {
    if (!candidates) return;
    // Every phrase that occurs here counts, but each rule only with its
    // longest one: "ignore your instructions" is an override although "your
    // instructions" is also (and longer) an object of prompt extraction.
    let seen: HeuristicRule[] | undefined;
    phrasesAt(text, at, candidates, (phrase, mStart) => onPhrase(phrase, mStart, (seen ??= [])));
  };
  const onPhrase = (phrase: string, mStart: number, seen: HeuristicRule[]) => {
    const end = mStart + phrase.length;
    for (const { rule, part } of compiled.byPhrase.get(phrase) ?? []) {
      if (seen.includes(rule)) continue;
      seen.push(rule);
      if (rule.dataOnly && !data) continue;
      if (part === 'a') {
        push({ rule, start: mStart, end });
        continue;
      }
      if ((perRule.get(rule.id) ?? 0) >= MAX_HITS_PER_RULE) continue;
      const { ws, opens } = sentenceBefore(text, mStart, rule.within ?? 60);
      const window = text.slice(ws, mStart);
      // the verb closest to the object (last match in the window); one linear pass
      const lr = compiled.lead.get(rule)!;
      lr.lastIndex = 0;
      let li = -1;
      for (let lm = lr.exec(window); lm; lm = lr.exec(window)) li = lm.index;
      if (li < 0 && opens && rule.imperative?.includes(phrase)) {
        // no listed verb, but an imperative sentence (see HeuristicRule.imperative)
        const at = imperativeOpener(text, ws, mStart, end);
        if (at >= 0 && !done.has(`${rule.id}:${at}`)) {
          done.add(`${rule.id}:${at}`);
          push({ rule, start: at, end });
        }
        continue;
      }
      if (li < 0) {
        // or a passive / verb-last form after the object, in the same sentence
        const tr = compiled.trail.get(rule);
        if (!tr) continue;
        let we = Math.min(text.length, end + (rule.within ?? 60));
        for (let i = end; i < we; i++) {
          if (isBoundary(text, i)) {
            we = i;
            break;
          }
        }
        const tm = tr.exec(text.slice(end, we));
        if (!tm) continue;
        const verbEnd = end + tm.index + tm[0].length;
        if (done.has(`${rule.id}:~${verbEnd}`)) continue; // one verb, several objects: one hit
        done.add(`${rule.id}:~${verbEnd}`);
        push({ rule, start: mStart, end: verbEnd });
        continue;
      }
      const start = ws + li;
      const key = `${rule.id}:${start}`;
      if (done.has(key)) continue; // one verb, several objects: one hit
      done.add(key);
      push({ rule, start, end });
    }
  };
  const re = compiled.trigger;
  // Trigger matches that start in [s, startsBefore), looking up to `e`.
  const search = (s: number, startsBefore: number, e: number) => {
    const part = s === 0 && e === text.length ? text : text.slice(s, e);
    re.lastIndex = 0;
    for (let m = re.exec(part); m && s + m.index < startsBefore; m = re.exec(part)) {
      onAnchor(s + m.index, lookup(m[0]));
    }
  };
  const lookup = (w: string) => compiled.byHead.get(w) ?? compiled.byHead.get(w.toLowerCase());
  if (!anchors) {
    // Both passes over the whole text, merged in text order (see Compiled.wordsOnly).
    const a = compiled.wordsOnly;
    const b = compiled.others;
    a.lastIndex = 0;
    if (b) b.lastIndex = 0;
    let ma = a.exec(text);
    let mb = b ? b.exec(text) : null;
    while (ma || mb) {
      if (ma && (!mb || ma.index <= mb.index)) {
        onAnchor(ma.index, lookup(ma[0]));
        ma = a.exec(text);
      } else {
        onAnchor(mb!.index, lookup(mb![0]));
        mb = b!.exec(text);
      }
    }
  } else {
    for (let i = 0; i + 1 < anchors.length; i += 2) {
      const a = anchors[i]!;
      if (a >= 0) onAnchor(a, compiled.byToken.get(anchors[i + 1]!));
      else {
        // A word with letters from U+00C0 up, where the regex word boundary
        // falls inside it: search it with the regex itself (an anchor may
        // run on past its end, through an underscore).
        const s = ~a;
        const e = s + anchors[i + 1]!;
        if (compiled.starts.within(text, s, e)) search(s, e, Math.min(text.length, e + compiled.longest));
      }
    }
  }
  return hits;
}

/**
 * Noisy-or of the distinct rules hit close together (within `span`
 * characters), maximized over the text. Local, so that a long benign document
 * with scattered weak signals does not add up to a high score.
 */
export function heuristicScore(hits: HeuristicHit[], span = 1024): number {
  if (hits.length === 0) return 0;
  const sorted = [...hits].sort((a, b) => a.start - b.start);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]!.start - sorted[lo]!.start > span) lo++;
    const w = new Map<string, number>();
    for (let k = lo; k <= hi; k++) {
      const h = sorted[k]!;
      w.set(h.rule.id, Math.max(w.get(h.rule.id) ?? 0, h.rule.weight));
    }
    let p = 1;
    for (const x of w.values()) p *= 1 - x;
    best = Math.max(best, 1 - p);
  }
  return best;
}

/**
 * Exfiltration markup: markdown images or HTML <img> whose URL carries a query
 * (data appended to an attacker's URL renders as a silent request). Parsed by
 * hand with bounded look-ahead, no regex backtracking.
 */
export function findExfilMarkup(text: string): Array<{ start: number; end: number; message: string }> {
  const out: Array<{ start: number; end: number; message: string }> = [];
  let i = text.indexOf('![');
  while (i >= 0 && out.length < 64) {
    const close = text.indexOf('](', i + 2);
    if (close >= 0 && close - i <= 300 && !text.slice(i + 2, close).includes('\n')) {
      const urlEnd = text.indexOf(')', close + 2);
      const url = text.slice(close + 2, urlEnd >= 0 && urlEnd - close <= 2048 ? urlEnd : close + 2);
      if (suspiciousUrl(url)) out.push({ start: i, end: urlEnd + 1, message: 'markdown image whose URL carries data (renders as a silent request)' });
    }
    i = text.indexOf('![', i + 2);
  }
  // <img followed by a non-word character, in any case: found through its '<', as a
  // one-character indexOf is a fast native search where /<img\b/gi costs 6x more on prose.
  for (let at = text.indexOf('<'); at >= 0 && out.length < 64; at = text.indexOf('<', at + 1)) {
    if ((text.charCodeAt(at + 1) | 32) !== 0x69 || (text.charCodeAt(at + 2) | 32) !== 0x6d || (text.charCodeAt(at + 3) | 32) !== 0x67 || isWordCode(text.charCodeAt(at + 4))) continue;
    const tagEnd = text.indexOf('>', at);
    const tag = text.slice(at, tagEnd >= 0 && tagEnd - at <= 2048 ? tagEnd + 1 : at + 2048);
    const src = /src\s*=\s*["']?([^"'\s>]+)/i.exec(tag);
    if (src && suspiciousUrl(src[1]!)) out.push({ start: at, end: at + tag.length, message: 'HTML image whose URL carries data' });
  }
  return out;
}

function suspiciousUrl(url: string): boolean {
  const u = url.trim();
  if (!/^(?:https?:)?\/\//i.test(u)) return false;
  const q = u.indexOf('?');
  // Templated placeholders ("{data}", "[SECRET]", "$CHAT") or long query values.
  if (/[{[<$]|%7B|%5B/i.test(u)) return true;
  if (q < 0) return false;
  return /=[^&]{12,}/.test(u.slice(q)) || /\b(?:data|q|secret|token|key|password|history|chat|conversation|info|content|msg|payload|d|p)=/i.test(u.slice(q));
}
