/**
 * Security requirements as data (STYLE §4): each id has a behaviour sentence and a source. Tests
 * name the requirement they prove with `verifies(id, title)`; `requirements.test.ts` fails when a
 * requirement has no test or a test names an unknown id.
 */
export const REQUIREMENTS = {
  'surface:jcs': {
    behaviour: 'Canonical JSON matches every published RFC 8785 vector byte for byte.',
    source: 'DESIGN §4; RFC 8785',
  },
  'surface:digest-vectors': {
    behaviour:
      'Surface digests reproduce golden vectors computed by an independent implementation.',
    source: 'DESIGN §4',
  },
  'surface:duplicate-keys': {
    behaviour: 'A message with duplicate JSON keys from a server is rejected, never relayed.',
    source: 'DESIGN §1.2, §4',
  },
  'pin:tofu': {
    behaviour:
      'Under the discovery posture the first complete surface becomes the baseline, recorded.',
    source: 'DESIGN §5',
  },
  'pin:enforcing-pending': {
    behaviour:
      'Under the enforcing posture a new server is pending: no tools, no instructions, calls denied.',
    source: 'DESIGN §5',
  },
  'pin:drift-hold-lists': {
    behaviour: 'After drift the client keeps receiving only approved text (I1).',
    source: 'DESIGN §2 I1',
  },
  'pin:drift-deny-calls': {
    behaviour: 'After drift every call gets an isError tool result naming the review command (I2).',
    source: 'DESIGN §2 I2',
  },
  'pin:approve-observed': {
    behaviour: 'Approving the observed digest restores service.',
    source: 'DESIGN §2 I6',
  },
  'pin:approve-stale': {
    behaviour: 'Approving any digest other than the one observed now is refused and recorded.',
    source: 'DESIGN §2 I6',
  },
  'pin:quarantine': {
    behaviour: 'A quarantined server denies every call until approved.',
    source: 'DESIGN §5',
  },
  'pin:ratchet': {
    behaviour: 'No observation turns changed, pending or quarantined into verified (I5).',
    source: 'DESIGN §2 I5',
  },
  'pin:split-view': {
    behaviour: 'A server that shows different definitions to different clients is held.',
    source: 'DESIGN §1.1',
  },
  'pin:second-launch': {
    behaviour: 'A change on a later launch, including instructions and serverInfo, is held.',
    source: 'DESIGN §1.1',
  },
  'pin:every-call': {
    behaviour:
      'With recheck every-call, a silent change is caught before the next call is forwarded.',
    source: 'DESIGN §5',
  },
  'pin:periodic': {
    behaviour: 'A periodic re-probe catches a silent change while the client is idle.',
    source: 'DESIGN §5',
  },
  'pin:benign': {
    behaviour:
      'Order changes, page splits, an unchanged list_changed and capability-dependent lists are not drift.',
    source: 'DESIGN §1',
  },
  'gate:fail-closed': {
    behaviour: 'A store fault denies calls and lists instead of forwarding (I3).',
    source: 'DESIGN §2 I3',
  },
  'gate:agents-cannot-approve': {
    behaviour: 'Nothing reachable over MCP approves or unquarantines (I7).',
    source: 'DESIGN §2 I7',
  },
  'state:owner-only-no-secrets': {
    behaviour: 'State files are owner-only and hold no argument or environment secrets.',
    source: 'DESIGN §4, §13',
  },
  'relay:remote': {
    behaviour:
      'A remote Streamable HTTP or SSE server behind holdfast run behaves as direct and is pinned.',
    source: 'DESIGN §11',
  },
  'audit:merkle-vectors': {
    behaviour:
      'Inclusion and consistency proofs match every published RFC 6962/9162 vector, negatives included.',
    source: 'DESIGN §10; RFC 9162',
  },
  'audit:record-before-reply': {
    behaviour:
      'Every decision is durably recorded before a call is forwarded or refused, and every result before it reaches the client (I4).',
    source: 'DESIGN §2 I4, §10',
  },
  'audit:fail-closed': {
    behaviour:
      'When the audit log cannot be written, calls are refused and results withheld, never relayed unrecorded (I3).',
    source: 'DESIGN §2 I3, §10',
  },
  'audit:crash-durable': {
    behaviour:
      'A gateway killed with SIGKILL loses no entry of a delivered result, and the log still verifies.',
    source: 'DESIGN §10',
  },
  'audit:tamper-detected': {
    behaviour:
      'A flipped byte, a deleted, inserted or reordered entry, a truncation or a forged checkpoint fails verification at the first bad index.',
    source: 'DESIGN §10',
  },
  'audit:receipts-independent': {
    behaviour:
      "Receipts and checkpoints verify with Go's golang.org/x/mod/sumdb note and tlog, and tampered ones are rejected.",
    source: 'DESIGN §10',
  },
  'audit:no-inconsistent-checkpoints': {
    behaviour: 'The signer refuses to sign a tree that does not extend every checkpoint it signed.',
    source: 'DESIGN §10',
  },
  'audit:payloads-redactable': {
    behaviour:
      'Raw arguments and results are stored only when configured, apart from the log; deleting them keeps the log verifiable.',
    source: 'DESIGN §10',
  },
  'policy:deny': {
    behaviour:
      'A call whose arguments match a deny rule gets an isError tool result naming the reason, and is not forwarded.',
    source: 'DESIGN §6',
  },
  'policy:egress': {
    behaviour:
      'A denied host or CIDR anywhere in the arguments, nested or encoded (userinfo, IPv6, decimal IPs, percent-encoding), denies the call.',
    source: 'DESIGN §6',
  },
  'policy:sanitize': {
    behaviour:
      'sanitize redacts the matched argument values before forwarding; results are never rewritten.',
    source: 'DESIGN §6',
  },
  'policy:shadow': {
    behaviour:
      'Shadow mode forwards and records the verdict it would have given; pinning still holds.',
    source: 'DESIGN §6',
  },
  'policy:fail-closed-config': {
    behaviour:
      'A configuration that fails to load is reported all at once with field paths, and the gateway does not run without its rules.',
    source: 'DESIGN §6; issue 4',
  },
  'policy:operators': {
    behaviour: 'The rule operators and JSONPath selection agree with naive reference definitions.',
    source: 'DESIGN §6',
  },
  'holds:cli': {
    behaviour:
      'A pending_approval call waits until holdfast resolve approves it (then returns its real result) or denies it (never forwarded).',
    source: 'DESIGN §9',
  },
  'holds:expiry': {
    behaviour: 'A held call that nobody resolves is denied when its hold expires.',
    source: 'DESIGN §9',
  },
  'holds:callback': {
    behaviour:
      'An HMAC-signed callback resolves a hold; a replayed or wrongly signed callback is rejected and changes nothing.',
    source: 'DESIGN §9',
  },
  'holds:elicitation': {
    behaviour: "The client's user can resolve a hold in-band through MCP elicitation.",
    source: 'DESIGN §9',
  },
  'risk:first-contact': {
    behaviour:
      'A server whose definitions are poisoned is restricted on first contact: a blocked tool is hidden and denied, a quarantined one has every call held.',
    source: 'DESIGN §7',
  },
  'risk:ratchet': {
    behaviour:
      'A re-scan never relaxes a mode (not even under looser thresholds); only an audited human approval does.',
    source: 'DESIGN §7, I5',
  },
  'risk:new-items': {
    behaviour: 'A tool that appears on its own (a new client profile lists it) starts quarantined.',
    source: 'DESIGN §7',
  },
  'risk:instructions': {
    behaviour: 'Server instructions the risk engine does not allow never reach the client.',
    source: 'DESIGN §7, I1',
  },
  'risk:human-item': {
    behaviour:
      "A human can quarantine or block one tool; neither a re-scan nor re-approving the server releases it, only an approval naming the tool's digest.",
    source: 'DESIGN §7, I5, I6',
  },
  'behavior:output-injection': {
    behaviour:
      'A tool whose results turn into an injection while its definition is unchanged has those results withheld, with an audited anomaly.',
    source: 'DESIGN §8',
  },
  'behavior:output-schema': {
    behaviour: 'structuredContent that breaks the pinned outputSchema is withheld.',
    source: 'DESIGN §8',
  },
  'behavior:fail-closed': {
    behaviour: 'When a result check throws, the result is withheld, never passed through.',
    source: 'DESIGN §8, I3',
  },
  'behavior:profile-persists': {
    behaviour: 'A tool profile learned in one session is used by the next.',
    source: 'DESIGN §8',
  },
  'serve:aggregate': {
    behaviour:
      'One endpoint in front of several servers namespaces their tools (`server__tool`), pages with cursors holdfast mints, and routes each call to its own server.',
    source: 'DESIGN §11; issue 6',
  },
  'serve:isolated-drift': {
    behaviour:
      'A rug pull on one upstream behind a shared endpoint blocks that upstream only; the others keep serving.',
    source: 'DESIGN §5, I1, I2; issue 6',
  },
  'serve:auth': {
    behaviour:
      'Every MCP request needs a live agent key (or a valid OAuth token); anything else gets 401/403 and nothing reaches an upstream. Human tokens cannot use MCP.',
    source: 'DESIGN I7; issue 6',
  },
  'serve:session-isolation': {
    behaviour:
      "Concurrent clients never see each other's sessions, held calls or progress; a session id is useless to any other principal.",
    source: 'issue 6',
  },
  'serve:origin': {
    behaviour:
      'A request from a browser origin that is not allowed is refused before anything runs.',
    source: 'MCP 2025-11-25 transports; issue 6',
  },
  'console:roles': {
    behaviour:
      'Every console write is role-checked and CSRF-protected; a viewer cannot approve, quarantine or resolve.',
    source: 'DESIGN I5, I7; issue 6',
  },
  'console:audited': {
    behaviour: "Every console decision is in the audit log with the human's identity.",
    source: 'DESIGN I4, I5; issue 6',
  },
} as const satisfies Record<string, { behaviour: string; source: string }>;

/** A requirement id. */
export type RequirementId = keyof typeof REQUIREMENTS;

/** A test title that names the requirement it proves: `title [id]`. */
export function verifies(id: RequirementId, title: string): string {
  return `${title} [${id}]`;
}
