import { resolvePath, splitPath } from './document';
import { evaluatePredicate } from './reference-evaluator';
import { isAll, isAny, isNot, type MatchDocument, operatorOf, type Rule } from './rule';

/** One node of a rule with its outcome on one document. */
export interface Explanation {
  /** JSON pointer of the node in the rule. */
  readonly path: string;
  readonly matched: boolean;
  /** `all`, `any`, `not` or the predicate's operator. */
  readonly kind: string;
  readonly field?: string;
  /** What the document holds at the field (for predicates). */
  readonly values?: readonly unknown[];
  readonly expected?: unknown;
  readonly children?: readonly Explanation[];
}

export interface ExplainResult {
  readonly matched: boolean;
  /** The predicates that decided the outcome: those that failed when it did not match. */
  readonly decisive: readonly Explanation[];
  readonly tree: Explanation;
}

/**
 * Why a rule does or does not select a document, predicate by predicate: answers "why did (not)
 * guichet X receive this event?".
 */
export function explain(rule: Rule, document: MatchDocument): ExplainResult {
  const tree = explainNode(rule, document, '');
  return { matched: tree.matched, decisive: decisive(tree), tree };
}

function explainNode(rule: Rule, document: MatchDocument, path: string): Explanation {
  if (isAll(rule) || isAny(rule)) {
    const kind = isAll(rule) ? 'all' : 'any';
    const list = isAll(rule) ? rule.all : rule.any;
    const children = list.map((child, index) =>
      explainNode(child, document, `${path}/${kind}/${index}`),
    );
    const matched =
      kind === 'all'
        ? children.every((child) => child.matched)
        : children.some((child) => child.matched);
    return { path: path || '/', matched, kind, children };
  }
  if (isNot(rule)) {
    const child = explainNode(rule.not, document, `${path}/not`);
    return { path: path || '/', matched: !child.matched, kind: 'not', children: [child] };
  }
  const operator = operatorOf(rule);
  const values = resolvePath(document, splitPath(rule.field));
  return {
    path: path || '/',
    matched: evaluatePredicate(rule, values),
    kind: operator,
    field: rule.field,
    values,
    expected: (rule as unknown as Record<string, unknown>)[operator],
  };
}

/** Leaves whose outcome equals the root's along the decisive branches. */
function decisive(node: Explanation): Explanation[] {
  if (!node.children) return [node];
  if (node.kind === 'not') return decisive(node.children[0]);
  const wanted = node.matched;
  // all fails because of its failing children; any succeeds because of its succeeding ones.
  const relevant =
    (node.kind === 'all') === wanted
      ? node.children
      : node.children.filter((child) => child.matched === wanted);
  return relevant.flatMap(decisive);
}
