/**
 * Family `concealment`: instructions to keep something from the user ("do not tell the user",
 * "without the user knowing", "silently forward…"). Weight 20–35; patterns in
 * concealment-phrases.ts. Describing what a tool does not do ("does not notify the user") is not
 * an instruction and does not match.
 */

import type { DefinitionRule } from '../rule.js';
import { proseStrings } from '../rule.js';
import { CONCEALMENT_SPECS } from './concealment-phrases.js';
import { compileSpecs, phraseHits } from './phrase-rule.js';

const PHRASES = compileSpecs(CONCEALMENT_SPECS);

/** The `concealment` family over a definition's prose. */
export const concealment: DefinitionRule = (input) => phraseHits(PHRASES, proseStrings(input));
