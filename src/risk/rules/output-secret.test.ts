import { describe, expect, it } from 'vitest';

import { OUTPUT_SECRET_RULE, scanOutputText } from '../index.js';
import { looksRandom } from './secret-value.js';

const secrets = (text: string) =>
  scanOutputText(text).filter((f) => f.ruleId === OUTPUT_SECRET_RULE);

// Synthetic, pattern-shaped values (not real credentials).
const GITHUB = `ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8`;

describe('output-secret', () => {
  const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34\n-----END RSA PRIVATE KEY-----';
  const SK = 'sk-proj-Ab3dE6gH9jK2mN5pQ8sT1vW4';
  const JWT =
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.Sfl3xKxwRJSMeKKF2QT4fwpMeJf36POk6yJV';

  describe('when the text holds credential shapes', () => {
    it.each([
      ['an AWS access key id', 'key: AKIAZ4X7QK2M9TW3PL8D', 'AKIA…(20 chars)'],
      ['a GitHub token', `token ${GITHUB} here`, 'ghp_A1…(40 chars)'],
      ['a PEM private key', PEM, `-----BEGIN RSA PRIVATE KEY-----…(${String(PEM.length)} chars)`],
      ['a Slack token', 'xoxb-2931847561-1029384756-Qm8vTr2LpX9sWz', 'xoxb-29…(41 chars)'],
      ['an sk- key', `OPENAI_API_KEY=${SK}`, `sk-proj…(${String(SK.length)} chars)`],
      ['a JWT', JWT, `eyJ…(${String(JWT.length)} chars)`],
      ['a password assignment', 'db_password = "Xk9#mQ2$vL7pR4wZ"', 'password = "…(16 chars)'],
    ])('finds %s and masks it', (_label, text, evidence) => {
      const found = secrets(text);
      expect(found).toHaveLength(1);
      expect(found[0]?.evidence).toBe(evidence);
    });

    it.each([
      ['AWS documentation keys', 'export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE'],
      ['prose about keys', 'Set your API key in the config and send it as a Bearer token.'],
      ['a UUID', 'Session id: 550e8400-e29b-41d4-a716-446655440000'],
      ['a placeholder', 'password: <your-password>'],
      ['a short pagination token', '"next_page_token": "CAUQAA"'],
      ['a word after sk-', 'risk-assessment-for-the-whole-quarter done'],
    ])('ignores %s', (_label, text) => {
      expect(secrets(text)).toEqual([]);
    });

    it('never shows the secret value in evidence', () => {
      const [f] = secrets(`x ${GITHUB}`);
      expect(f?.evidence).not.toContain('K1l2M3n4');
      expect(f?.span.end).toBe(2 + GITHUB.length);
    });

    it('judges randomness, not length alone', () => {
      expect(looksRandom('Xk9mQ2vL7pR4wZ')).toBe(true);
      expect(looksRandom('aaaaaaaaaaaaaaaa')).toBe(false);
      expect(looksRandom('1234567890123456')).toBe(false);
    });
  });
});
