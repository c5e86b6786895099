import { isJsonObject, SECTION_CAPABILITY, SECTION_METHOD } from '../../surface/snapshot.js';
import type { JsonObject, Section } from '../../surface/types.js';
import { SECTION_KEY } from '../../surface/types.js';
import { describeError } from '../describe-error.js';
import type { MemberLink } from './member-link.js';
import { toNamespacedName } from './names.js';

/** One item of an aggregated list, as the client sees it, and where it came from. */
export interface GatheredItem {
  member: string;
  /** The name, URI or URI template the member knows the item by. */
  key: string;
  /** The item as the member listed it, with only a tool's or prompt's `name` namespaced. */
  item: JsonObject;
}

/** Sections whose names are namespaced; resource URIs are relayed as they are. */
const NAMESPACED: ReadonlySet<Section> = new Set(['tools', 'prompts']);

/**
 * Lists one section from every live member that declares it, in member order. Each member's
 * GatewaySession answers from its approved snapshot in one page. A member that fails, or answers
 * with a cursor it should not have, is left out of this listing (logged): hiding items is safe,
 * truncating a member's list silently is not.
 */
export async function gatherSection(
  members: readonly MemberLink[],
  section: Section,
  params: JsonObject,
  log: (line: string) => void,
): Promise<GatheredItem[]> {
  const { method, field } = SECTION_METHOD[section];
  const asked = members.filter((member) => member.declares(SECTION_CAPABILITY[section]));
  const lists = await Promise.all(
    asked.map(async (member) => {
      try {
        return toItems(member.name, section, field, await member.request(method, params), log);
      } catch (error) {
        log(`${member.name}: ${method} failed, its items are left out: ${describeError(error)}`);
        return [];
      }
    }),
  );
  return lists.flat();
}

function toItems(
  member: string,
  section: Section,
  field: string,
  result: JsonObject,
  log: (line: string) => void,
): GatheredItem[] {
  const list = result[field];
  if (!Array.isArray(list) || result['nextCursor'] !== undefined) {
    log(`${member}: ${SECTION_METHOD[section].method} answered with no single full page; left out`);
    return [];
  }
  const keyField = SECTION_KEY[section];
  const items: GatheredItem[] = [];
  let skipped = 0;
  for (const item of list) {
    const key = isJsonObject(item) ? item[keyField] : undefined;
    if (!isJsonObject(item) || typeof key !== 'string') {
      skipped++;
      continue;
    }
    const shown = NAMESPACED.has(section) ? { ...item, name: toNamespacedName(member, key) } : item;
    items.push({ member, key, item: shown });
  }
  if (skipped > 0) log(`${member}: ${String(skipped)} malformed ${section} item(s) left out`);
  return items;
}
