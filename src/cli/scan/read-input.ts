/**
 * Reads the text of a `holdfast scan` input file, or of stdin for `-`, refusing anything larger
 * than the message size limit before holding all of it.
 */
import { readFileSync, statSync } from 'node:fs';

import { ConfigError } from '../../shared/errors.js';

/**
 * The UTF-8 text of `file` (`-`: all of `stdin`), at most `maxBytes` bytes.
 * @throws ConfigError `CONFIG_UNREADABLE` when the file cannot be read or is larger than
 *   `maxBytes`; the message names the file and the reason, never its content.
 */
export async function readInputText(
  file: string,
  stdin: NodeJS.ReadableStream,
  maxBytes: number,
): Promise<string> {
  if (file === '-') return readStream(stdin, maxBytes);
  let text: string;
  try {
    if (statSync(file).size > maxBytes) throw tooLarge(file, maxBytes);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as { code?: unknown }).code;
    throw new ConfigError(
      'CONFIG_UNREADABLE',
      `cannot read ${file}: ${typeof code === 'string' ? code : 'unreadable'}`,
      [],
      { cause: error },
    );
  }
  return text;
}

async function readStream(stream: NodeJS.ReadableStream, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > maxBytes) throw tooLarge('stdin', maxBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(file: string, maxBytes: number): ConfigError {
  return new ConfigError(
    'CONFIG_UNREADABLE',
    `${file} is larger than ${maxBytes} bytes (limits.max_message_bytes)`,
  );
}
