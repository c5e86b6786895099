/**
 * What a definition rule sees and returns. A rule is a pure function of the definition's strings
 * (each with its JSON Pointer and role) and the scan context; it returns hits, which the scanner
 * turns into findings (evidence, caps, sorting). Facets say what a hit means for the combination
 * rule, which raises the score only when independent signals meet in one definition.
 */

import type { JsonObject } from '../surface/types.js';
import type { HiddenSpan } from '../surface/visible.js';
import type { AnalyzedText } from './text/analyzed.js';
import type { DefinitionKind, ScanContext } from './types.js';

/** Where a string sits in a definition, which decides the rules that read it. */
export type StringRole =
  /** A name or key (`name`, `uri`, a parameter name, `serverInfo.name`). */
  | 'name'
  /** Text a model reads: descriptions, titles, instructions, parameter descriptions. */
  | 'prose'
  /** Schema values: `default`, `examples`, `enum`, `const`. */
  | 'value'
  /** Machine fields: `$schema`, `type`, `format`, `mimeType`, `version`, icon sources. */
  | 'meta';

/** One string of a definition. */
export interface DefinitionString {
  /** JSON Pointer of the string (for a parameter name: of the parameter's schema). */
  readonly pointer: string;
  readonly role: StringRole;
  /** The string as written. */
  readonly original: string;
  /** Its folded view and tokens (computed on first use). */
  readonly text: AnalyzedText;
  /** Its hidden spans, surface/visible.ts (computed on first use). */
  readonly hidden: readonly HiddenSpan[];
}

/** What every rule is given. */
export interface RuleInput {
  readonly kind: DefinitionKind;
  readonly key: string;
  readonly definition: JsonObject;
  readonly ctx: ScanContext;
  readonly strings: readonly DefinitionString[];
}

/** What a hit means when combined with others (combination.ts). */
export type Facet =
  'directive' | 'override' | 'concealment' | 'secret' | 'sink' | 'cross-tool' | 'hidden';

/** A rule's raw finding; the scanner adds evidence from the span. */
export interface RuleHit {
  readonly ruleId: string;
  readonly weight: number;
  readonly message: string;
  readonly pointer: string;
  readonly span: { start: number; end: number };
  readonly facet?: Facet;
  /** Evidence to show instead of the span's text (already safe), e.g. a masked secret. */
  readonly evidence?: string;
}

/** A definition rule. */
export type DefinitionRule = (input: RuleInput) => RuleHit[];

/** Whether a schema value is one plain word (`"RANKED"`, `"en_US"`): no phrase or path fits in it. */
function isPlainWord(text: string): boolean {
  if (text.length > 40) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (!alnum && c !== 0x5f && c !== 0x2d) return false;
  }
  return true;
}

/**
 * The strings a model reads as text: descriptions, titles, instructions, and schema values
 * (`default`, `enum`, `examples`) other than single plain words.
 */
export function proseStrings(input: RuleInput): DefinitionString[] {
  return input.strings.filter(
    (s) => s.role === 'prose' || (s.role === 'value' && !isPlainWord(s.original)),
  );
}
