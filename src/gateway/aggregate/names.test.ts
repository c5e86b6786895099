import { describe, expect, it } from 'vitest';

import { thrown } from '../../../test/support/thrown.js';
import { ConfigError } from '../../shared/errors.js';
import { parseNamespacedName, toNamespacedName, verifyMemberName } from './names.js';

describe('namespaced names', () => {
  it('splits at the first separator, so the item name may itself contain one', () => {
    expect(parseNamespacedName(toNamespacedName('notes', 'a__b'))).toEqual({
      member: 'notes',
      name: 'a__b',
    });
    expect(parseNamespacedName('notes___x')).toEqual({ member: 'notes', name: '_x' });
  });

  it.each(['x', '__x', 'notes__', ''])('finds no member in %j', (name) => {
    expect(parseNamespacedName(name)).toBeUndefined();
  });

  it.each(['a__b', 'a_', ''])('refuses the member name %j', (name) => {
    const error = thrown(() => verifyMemberName(name));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
  });

  it('accepts single underscores, dots and dashes', () => {
    expect(() => verifyMemberName('my_notes.v2-b')).not.toThrow();
  });
});
