import { quoteExcerpt, textIssues, textProblem } from '@mosaic/sdk/schema';
import {
  getNullableType, getVariableValues, GraphQLError, isInputObjectType, isListType, isScalarType, Kind, TypeInfo,
  valueFromAST, visit, visitWithTypeInfo, type ArgumentNode, type DocumentNode, type GraphQLInputType,
  type GraphQLSchema, type OperationDefinitionNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { REQUEST_REFUSED } from '../errors.js';
import { stringCap } from '../string-caps.js';

const MAX_ISSUES = 5;

interface Issue {
  /** The field or directive the argument belongs to, e.g. `createCase`. */
  field: string;
  /** From the argument down, e.g. `["input", "identities", 0, "value"]`. */
  path: Array<string | number>;
  message: string;
  node: ArgumentNode;
}

/**
 * Every String and ID value of every argument, at any depth of input objects and lists, literal
 * or variable, plugin fields included, must pass the platform's text rule and its length cap
 * (string-caps.ts) — checked from the schema before any resolver runs, so a refused operation
 * writes nothing and no over-long value reaches the database, a log line or an error message.
 */
export function textArguments(): Plugin {
  // Subscriptions too: their arguments are checked before the stream starts.
  const check: NonNullable<Plugin['onExecute'] & Plugin['onSubscribe']> = ({ args, setResultAndStopExecution }) => {
    const issues = badArguments(args.schema, args.document, args.variableValues, args.operationName);
    if (issues.length === 0) return;
    const summary = issues.map((i) => `${i.field}(${i.path.join('.')}): ${i.message}`).join('; ');
    setResultAndStopExecution({
      errors: [new GraphQLError(`invalid input: ${summary}`, {
        nodes: issues.map((i) => i.node),
        extensions: { code: 'BAD_USER_INPUT', issues: issues.map(({ field, path, message }) => ({ field, path, message })), http: REQUEST_REFUSED },
      })],
    });
  };
  return { onExecute: check, onSubscribe: check };
}

/** An argument of the operation (or of a fragment it may spread), with what checking it needs. */
interface Site {
  node: ArgumentNode;
  type: GraphQLInputType;
  field: string;
  coordinate: string;
  name: string;
}

/** What one operation of a document needs checked: literals once, variable-fed arguments per request. */
interface Plan {
  literalIssues: Issue[];
  variableSites: Site[];
}

/**
 * Plans per schema and operation node (yoga hands the same parsed document for the same query
 * text), so a repeated operation is not walked again: only its variable-fed arguments are checked.
 */
const plans = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, Plan>>();

/** The problems of the operation's arguments; none when variables do not coerce (execute reports that). */
export function badArguments(
  schema: GraphQLSchema, document: DocumentNode, rawVariables: unknown, operationName?: string | null,
): Issue[] {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return [];
  let bySchema = plans.get(schema);
  if (!bySchema) plans.set(schema, (bySchema = new WeakMap()));
  let plan = bySchema.get(operation);
  if (!plan) bySchema.set(operation, (plan = planFor(schema, document, operation)));
  if (plan.variableSites.length === 0) return plan.literalIssues;

  const variables = variablesOrNull(schema, operation, rawVariables);
  if (!variables) return [];
  const issues = [...plan.literalIssues];
  for (const site of plan.variableSites) checkSite(site, variables, issues);
  return issues;
}

function planFor(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): Plan {
  const plan: Plan = { literalIssues: [], variableSites: [] };
  const typeInfo = new TypeInfo(schema);
  const visitor = visitWithTypeInfo(typeInfo, {
    Argument(node) {
      const arg = typeInfo.getArgument();
      const directive = typeInfo.getDirective();
      const owner = directive ?? typeInfo.getFieldDef();
      if (!arg || !owner) return;
      const ownerCoordinate = directive ? `@${owner.name}` : `${typeInfo.getParentType()?.name}.${owner.name}`;
      const site: Site = { node, type: arg.type, field: owner.name, coordinate: `${ownerCoordinate}(${arg.name}:)`, name: arg.name };
      if (usesVariables(node)) plan.variableSites.push(site);
      else checkSite(site, {}, plan.literalIssues);
    },
  });
  for (const definition of document.definitions) {
    if (definition === operation || definition.kind === Kind.FRAGMENT_DEFINITION) visit(definition, visitor);
  }
  return plan;
}

function usesVariables(node: ArgumentNode): boolean {
  let found = false;
  visit(node.value, { Variable: () => void (found = true) });
  return found;
}

function checkSite(site: Site, variables: Record<string, unknown>, issues: Issue[]): void {
  if (issues.length >= MAX_ISSUES) return;
  const value: unknown = valueFromAST(site.node.value, site.type, variables);
  const report = (path: Array<string | number>, message: string) => issues.length < MAX_ISSUES && issues.push({ field: site.field, path, message, node: site.node });
  checkValue(value, site.type, site.coordinate, site.name, [site.name], report);
}

/** The operation's variables coerced, or null when they do not coerce. */
function variablesOrNull(schema: GraphQLSchema, operation: OperationDefinitionNode, raw: unknown): Record<string, unknown> | null {
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], (raw ?? {}) as Record<string, unknown>, { maxErrors: 1 });
  return result.errors ? null : result.coerced;
}

function checkValue(
  value: unknown, type: GraphQLInputType, coordinate: string, name: string, path: Array<string | number>,
  report: (path: Array<string | number>, message: string) => unknown,
): void {
  if (value === null || value === undefined) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (Array.isArray(value)) value.forEach((item, i) => checkValue(item, nullable.ofType, coordinate, name, [...path, i], report));
    return;
  }
  if (isInputObjectType(nullable)) {
    for (const field of Object.values(nullable.getFields())) {
      const item = (value as Record<string, unknown>)[field.name];
      checkValue(item, field.type, `${nullable.name}.${field.name}`, field.name, [...path, field.name], report);
    }
    return;
  }
  if (!isScalarType(nullable)) return;
  if (typeof value === 'string') {
    const cap = stringCap(coordinate, name, nullable.name);
    if (value.length > cap) return void report(path, `is ${value.length} characters; the limit is ${cap}`);
    const problem = textProblem(value);
    if (problem !== null) report(path, problem);
    return;
  }
  // A JSON value (plugin config): every string and key in it follows the same text rule.
  for (const issue of textIssues(value)) report([...path, ...issue.path.map(pathPart)], issue.problem);
}

/** A key as a path part: escaped, so control characters show, and short, so nothing huge is echoed. */
const pathPart = (part: string | number): string | number => (typeof part === 'number' ? part : quoteExcerpt(part).replace(/^"|"(?= \(|$)/g, ''));
