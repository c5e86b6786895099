/** Which member a resource URI belongs to; `ambiguous` when more than one could claim it. */
export type ResourceRoute =
  { kind: 'member'; member: string } | { kind: 'unknown' } | { kind: 'ambiguous' };

/** The two listings a resource is routed by. */
export type ResourceSection = 'resources' | 'resourceTemplates';

/** One listed resource URI or template, and the member that listed it. */
export interface ResourceEntry {
  member: string;
  /** A resource's `uri` or a template's `uriTemplate`. */
  key: string;
}

interface Template {
  member: string;
  /** The literal text before the template's first `{`. */
  prefix: string;
}

/**
 * Routes resource requests by URI on an aggregated endpoint, where URIs are not namespaced. A URI
 * goes to the member that listed it; failing that, to the member whose template's literal prefix
 * it starts with, the longest prefix winning. Two members claiming the same URI (or prefixes of the
 * same length) is refused rather than guessed: a read must not reach a server that did not offer it.
 */
export class ResourceRoutes {
  /** Listed URIs and exact template strings (completion refers to templates by them). */
  readonly #exact: Record<ResourceSection, Map<string, Set<string>>> = {
    resources: new Map(),
    resourceTemplates: new Map(),
  };
  #templates: Template[] = [];
  readonly #fresh: Record<ResourceSection, boolean> = {
    resources: false,
    resourceTemplates: false,
  };

  /** The sections not listed since the routes were last marked stale. */
  get staleSections(): ResourceSection[] {
    return (['resources', 'resourceTemplates'] as const).filter((s) => !this.#fresh[s]);
  }

  /** Replaces one section's entries with a complete new listing of every member. */
  replace(section: ResourceSection, entries: readonly ResourceEntry[]): void {
    const exact = new Map<string, Set<string>>();
    for (const { member, key } of entries) {
      const members = exact.get(key) ?? new Set<string>();
      members.add(member);
      exact.set(key, members);
    }
    this.#exact[section] = exact;
    if (section === 'resourceTemplates') {
      this.#templates = entries.map(({ member, key }) => ({ member, prefix: literalPrefix(key) }));
    }
    this.#fresh[section] = true;
  }

  /** A member's lists changed: route from the old entries only until they are listed again. */
  markStale(): void {
    this.#fresh.resources = false;
    this.#fresh.resourceTemplates = false;
  }

  /** Forgets a member that went away, so its URIs neither route nor make others ambiguous. */
  dropMember(member: string): void {
    for (const exact of Object.values(this.#exact)) {
      for (const [key, members] of exact) {
        members.delete(member);
        if (members.size === 0) exact.delete(key);
      }
    }
    this.#templates = this.#templates.filter((template) => template.member !== member);
  }

  /** The member `uri` belongs to. */
  route(uri: string): ResourceRoute {
    const listed = this.#exact.resources.get(uri) ?? this.#exact.resourceTemplates.get(uri);
    if (listed !== undefined) return toRoute(listed);
    let longest = -1;
    let claimants = new Set<string>();
    for (const { member, prefix } of this.#templates) {
      if (prefix.length < longest || !uri.startsWith(prefix)) continue;
      if (prefix.length > longest) {
        longest = prefix.length;
        claimants = new Set();
      }
      claimants.add(member);
    }
    return toRoute(claimants);
  }
}

function toRoute(members: ReadonlySet<string>): ResourceRoute {
  if (members.size > 1) return { kind: 'ambiguous' };
  const [member] = members;
  return member === undefined ? { kind: 'unknown' } : { kind: 'member', member };
}

/** RFC 6570: the text before the first expression is matched literally. */
function literalPrefix(template: string): string {
  const at = template.indexOf('{');
  return at === -1 ? template : template.slice(0, at);
}
