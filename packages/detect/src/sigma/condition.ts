import type { EventView } from './event-view.js';
import { RuleCompileError } from './modifiers.js';
import { type EventTest, needOfAll, needOfAny, withNeed } from './requirement.js';

/** Condition AST (Sigma condition grammar: or < and < not < x of < parentheses). */
export type ConditionNode =
  | { type: 'and' | 'or'; items: ConditionNode[] }
  | { type: 'not'; item: ConditionNode }
  | { type: 'ref'; name: string }
  | { type: 'of'; quantity: number | 'all'; pattern: string };

type Token = { kind: 'word' | '(' | ')' | '|'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(\(|\)|\||[^\s()|]+)/y;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) {
      if (/^\s*$/.test(text.slice(pos))) break;
      throw new RuleCompileError('condition', `condition illisible à la position ${pos}`);
    }
    const t = m[1] as string;
    tokens.push({ kind: t === '(' || t === ')' || t === '|' ? t : 'word', text: t });
    pos = re.lastIndex;
  }
  return tokens;
}

/** Parses one condition string. */
export function parseCondition(text: string): ConditionNode {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const isWord = (t: Token | undefined, w: string) => t?.kind === 'word' && t.text.toLowerCase() === w;
  const orExpr = (): ConditionNode => {
    const items = [andExpr()];
    while (isWord(peek(), 'or')) {
      i++;
      items.push(andExpr());
    }
    return items.length === 1 ? (items[0] as ConditionNode) : { type: 'or', items };
  };
  const andExpr = (): ConditionNode => {
    const items = [notExpr()];
    while (isWord(peek(), 'and')) {
      i++;
      items.push(notExpr());
    }
    return items.length === 1 ? (items[0] as ConditionNode) : { type: 'and', items };
  };
  const notExpr = (): ConditionNode => {
    if (isWord(peek(), 'not')) {
      i++;
      return { type: 'not', item: notExpr() };
    }
    return primary();
  };
  const primary = (): ConditionNode => {
    const t = peek();
    if (!t) throw new RuleCompileError('condition', `condition incomplète : « ${text} »`);
    if (t.kind === '|')
      throw new RuleCompileError(
        'unsupported',
        'agrégation « | count() » de Sigma v1 non prise en charge (utiliser une règle de corrélation)',
      );
    if (t.kind === '(') {
      i++;
      const inner = orExpr();
      if (peek()?.kind !== ')') throw new RuleCompileError('condition', `parenthèse non fermée dans « ${text} »`);
      i++;
      return inner;
    }
    if (t.kind === ')') throw new RuleCompileError('condition', `parenthèse inattendue dans « ${text} »`);
    const next = tokens[i + 1];
    if (isWord(next, 'of')) {
      const q = t.text.toLowerCase();
      const quantity = q === 'all' ? 'all' : /^\d+$/.test(q) ? Number(q) : Number.NaN;
      if (quantity !== 'all' && (Number.isNaN(quantity) || quantity < 1))
        throw new RuleCompileError('condition', `quantificateur invalide « ${t.text} of »`);
      const target = tokens[i + 2];
      if (target?.kind !== 'word') throw new RuleCompileError('condition', `« of » sans cible dans « ${text} »`);
      i += 3;
      return { type: 'of', quantity, pattern: target.text };
    }
    if (['and', 'or', 'not', 'of'].includes(t.text.toLowerCase()))
      throw new RuleCompileError('condition', `mot-clé « ${t.text} » mal placé dans « ${text} »`);
    i++;
    return { type: 'ref', name: t.text };
  };
  const node = orExpr();
  if (i < tokens.length) {
    const t = tokens[i] as Token;
    if (t.kind === '|')
      throw new RuleCompileError(
        'unsupported',
        'agrégation « | count() » de Sigma v1 non prise en charge (utiliser une règle de corrélation)',
      );
    throw new RuleCompileError('condition', `élément inattendu « ${t.text} » dans « ${text} »`);
  }
  return node;
}

function patternTest(pattern: string): (name: string) => boolean {
  if (pattern === 'them') return (n) => !n.startsWith('_');
  if (!pattern.includes('*')) return (n) => n === pattern;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return (n) => re.test(n);
}

/** Compiles a condition AST into a test, resolving identifiers against the rule's named searches. */
export function compileCondition(node: ConditionNode, searches: Map<string, EventTest>): EventTest {
  switch (node.type) {
    case 'ref': {
      const t = searches.get(node.name);
      if (!t) throw new RuleCompileError('condition', `identifiant de recherche inconnu « ${node.name} »`);
      return t;
    }
    case 'not': {
      const t = compileCondition(node.item, searches);
      return (ev: EventView) => !t(ev);
    }
    case 'and': {
      const ts = node.items.map((n) => compileCondition(n, searches));
      const need = needOfAll(ts);
      if (ts.length === 2) {
        const [a, b] = ts as [EventTest, EventTest];
        return withNeed((ev) => a(ev) && b(ev), need);
      }
      return withNeed((ev) => ts.every((t) => t(ev)), need);
    }
    case 'or': {
      const ts = node.items.map((n) => compileCondition(n, searches));
      return withNeed((ev) => ts.some((t) => t(ev)), needOfAny(ts));
    }
    case 'of': {
      const matches = patternTest(node.pattern);
      const ts = [...searches.entries()].filter(([n]) => matches(n)).map(([, t]) => t);
      if (ts.length === 0)
        throw new RuleCompileError('condition', `aucun identifiant ne correspond à « ${node.pattern} »`);
      if (node.quantity === 'all') return withNeed((ev) => ts.every((t) => t(ev)), needOfAll(ts));
      const q = node.quantity;
      // At least one of the searches holds whenever `q of` (q ≥ 1) holds.
      const need = needOfAny(ts);
      if (q === 1) return withNeed((ev) => ts.some((t) => t(ev)), need);
      return withNeed((ev) => {
        let n = 0;
        for (const t of ts) if (t(ev) && ++n >= q) return true;
        return false;
      }, need);
    }
  }
}
