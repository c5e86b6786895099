/**
 * Family `broad-schema`: input schemas that accept anything. Low weights — many real tools take a
 * free-form command or no declared parameters: `open-schema` (2) for `type: object` without
 * `properties` (and without `additionalProperties: false`), `free-form-command` (4) for
 * `additionalProperties` allowed together with an unconstrained string parameter named like a
 * command (`command`, `script`, `code`, `sql`, `eval`…).
 */

import type { JsonObject, JsonValue } from '../../surface/types.js';
import type { DefinitionRule, RuleHit } from '../rule.js';
import { bareName, paramsOf } from './params.js';

const COMMAND_NAMES = new Set(
  'command cmd commands script code shell exec execute eval expression program query sql bash powershell python javascript js'.split(
    ' ',
  ),
);

function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

function isFreeString(schema: JsonObject): boolean {
  return (
    schema['type'] === 'string' &&
    schema['enum'] === undefined &&
    schema['pattern'] === undefined &&
    schema['const'] === undefined
  );
}

/** The `broad-schema` family (tools only). */
export const broadSchema: DefinitionRule = (input) => {
  if (input.kind !== 'tool') return [];
  const schema = asObject(input.definition['inputSchema']);
  if (schema === undefined) return [];
  const hits: RuleHit[] = [];
  const additional = schema['additionalProperties'];
  const closed = additional === false;
  if (schema['properties'] === undefined && !closed) {
    hits.push({
      ruleId: 'open-schema',
      weight: 2,
      message: 'input schema declares no parameters and accepts any',
      pointer: '/inputSchema',
      span: { start: 0, end: 0 },
    });
  }
  if (
    additional === true ||
    (asObject(additional) !== undefined && Object.keys(asObject(additional) ?? {}).length === 0)
  ) {
    const command = paramsOf('tool', input.definition).find(
      (p) => COMMAND_NAMES.has(bareName(p.folded)) && isFreeString(p.schema),
    );
    if (command !== undefined) {
      hits.push({
        ruleId: 'free-form-command',
        weight: 4,
        message: `accepts extra arguments and a free-form "${command.name}"`,
        pointer: command.namePointer,
        span: { start: 0, end: command.name.length },
      });
    }
  }
  return hits;
};
