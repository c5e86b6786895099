#!/usr/bin/env python3
"""Golden vectors for the Holdfast surface digest (docs/surface-digest.md).

An implementation independent of src/surface: Python standard library only, its own RFC 8785
(JCS) serializer, checked first against the published cyberphone vectors in ../jcs/.

Run once from the repository root:  python3 test/vectors/surface/generate.py
It (re)writes test/vectors/surface/<name>.json. Never regenerate with the TypeScript code.
"""

import decimal
import hashlib
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
JCS_VECTORS = os.path.join(HERE, "..", "jcs")

# --- RFC 8785 ---------------------------------------------------------------------------------


def es_number(x):
    """ECMAScript Number::toString (RFC 8785 section 3.2.2.3), from Python's shortest repr."""
    if isinstance(x, bool):
        raise TypeError("bool is not a number")
    if isinstance(x, int):
        if abs(x) > 2**53:
            raise ValueError("integer beyond 2^53 is ambiguous as an IEEE-754 double: %r" % x)
        x = float(x)
    if math.isnan(x) or math.isinf(x):
        raise ValueError("NaN and Infinity are not JSON")
    if x == 0:
        return "0"  # also -0
    sign = "-" if x < 0 else ""
    # repr() is the shortest string that round-trips, as ECMAScript requires.
    _, digits, exponent = decimal.Decimal(repr(abs(x))).as_tuple()
    s = "".join(str(d) for d in digits)
    stripped = s.rstrip("0")
    exponent += len(s) - len(stripped)
    s = stripped.lstrip("0")
    k = len(s)
    n = exponent + k  # value = 0.s * 10^n
    if k <= n <= 21:
        out = s + "0" * (n - k)
    elif 0 < n <= 21:
        out = s[:n] + "." + s[n:]
    elif -6 < n <= 0:
        out = "0." + "0" * (-n) + s
    else:
        e = n - 1
        mantissa = s if k == 1 else s[0] + "." + s[1:]
        out = mantissa + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + out


SHORT_ESCAPES = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}


def es_string(s):
    """RFC 8785 section 3.2.2.2: ECMAScript JSON string escaping; lone surrogates are errors."""
    out = ['"']
    for ch in s:
        c = ord(ch)
        if 0xD800 <= c <= 0xDFFF:
            raise ValueError("lone surrogate")
        if c in SHORT_ESCAPES:
            out.append(SHORT_ESCAPES[c])
        elif c < 0x20:
            out.append("\\u%04x" % c)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def utf16_key(s):
    """Sort key: the string as UTF-16 code units (RFC 8785 section 3.2.3)."""
    return s.encode("utf-16-be")


def jcs(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return es_number(value)
    if isinstance(value, str):
        return es_string(value)
    if isinstance(value, list):
        return "[" + ",".join(jcs(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value.keys(), key=utf16_key)
        return "{" + ",".join(es_string(k) + ":" + jcs(value[k]) for k in keys) + "}"
    raise TypeError("not JSON: %r" % (value,))


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def self_test():
    """Check this JCS against the published RFC 8785 vectors before trusting it."""
    names = sorted(os.listdir(os.path.join(JCS_VECTORS, "input")))
    for name in names:
        with open(os.path.join(JCS_VECTORS, "input", name), encoding="utf-8") as f:
            value = json.load(f, object_pairs_hook=no_duplicates)
        with open(os.path.join(JCS_VECTORS, "output", name), "rb") as f:
            expected = f.read()
        got = jcs(value).encode("utf-8")
        if got != expected:
            sys.exit("JCS self-test failed on %s:\n%r\n%r" % (name, got, expected))
    for x, want in [(1e21, "1e+21"), (1e20, "100000000000000000000"), (1e-7, "1e-7"),
                    (1e-6, "0.000001"), (-0.0, "0"), (0.1, "0.1"), (5e-324, "5e-324"),
                    (123.456, "123.456"), (-1.5e300, "-1.5e+300"), (2**53, "9007199254740992")]:
        if es_number(x) != want:
            sys.exit("number self-test failed: %r -> %s, want %s" % (x, es_number(x), want))
    return len(names)


# --- surface digest (docs/surface-digest.md) --------------------------------------------------

SECTIONS = ["tools", "prompts", "resources", "resourceTemplates"]
SECTION_KEY = {"tools": "name", "prompts": "name", "resources": "uri", "resourceTemplates": "uriTemplate"}


def digest(value):
    return "sha256:" + hashlib.sha256(jcs(value).encode("utf-8")).hexdigest()


def surface_digests(surface):
    out = {"server": digest(surface["server"]), "launch": digest(surface["launch"])}
    for section in SECTIONS:
        items = surface[section]
        for key, item in items.items():
            if item.get(SECTION_KEY[section]) != key:
                raise ValueError("%s item %r is not keyed by its %s" % (section, key, SECTION_KEY[section]))
        out[section] = {key: digest(item) for key, item in items.items()}
    commitment = {"version": 1, "server": out["server"], "launch": out["launch"]}
    for section in SECTIONS:
        commitment[section] = out[section]
    return {"surface": digest(commitment), **out}


def profile_digest(protocol_version, client_capabilities):
    return digest({"protocolVersion": protocol_version, "capabilities": client_capabilities})


# --- the vectors ------------------------------------------------------------------------------

SERVER = {"serverInfo": {"name": "example-server", "version": "1.0.0"}, "capabilities": {"tools": {}}}
LAUNCH_STDIO = {
    "transport": "stdio",
    "command": "npx",
    "args": ["-y", "@example/server@1.2.3"],
    "envNames": ["EXAMPLE_API_KEY"],
    "package": {"name": "@example/server", "version": "1.2.3", "integrity": "sha512-AAAA"},
}
LAUNCH_HTTP = {"transport": "streamable-http", "url": "https://mcp.example.com/mcp"}


def surface(server=SERVER, launch=LAUNCH_STDIO, tools=(), prompts=(), resources=(), templates=()):
    def keyed(section, items):
        return {item[SECTION_KEY[section]]: item for item in items}

    return {
        "server": server,
        "launch": launch,
        "tools": keyed("tools", tools),
        "prompts": keyed("prompts", prompts),
        "resources": keyed("resources", resources),
        "resourceTemplates": keyed("resourceTemplates", templates),
    }


READ_FILE = {
    "name": "read_file",
    "description": "Read a file from disk.",
    "inputSchema": {
        "type": "object",
        "properties": {"path": {"type": "string"}},
        "required": ["path"],
    },
    "annotations": {"readOnlyHint": True},
}


def many_tools():
    tools = []
    for i in range(12):
        tools.append({
            "name": "tool_%02d" % i,
            "title": "Tool %d" % i,
            "description": "Does thing number %d." % i,
            "inputSchema": {"type": "object", "properties": {"n": {"type": "integer", "minimum": i}}},
        })
    return tools


def reorder(tool):
    """The same tool with its fields (and nested fields) in reverse order."""
    if isinstance(tool, dict):
        return {k: reorder(tool[k]) for k in reversed(list(tool.keys()))}
    if isinstance(tool, list):
        return [reorder(v) for v in tool]
    return tool


VECTORS = {
    "empty": (
        "A server that advertises nothing: every section is empty.",
        surface(server={"serverInfo": {"name": "empty", "version": "0.0.1"}, "capabilities": {}}),
    ),
    "one-tool": (
        "One tool; the worked example of docs/surface-digest.md.",
        surface(tools=[READ_FILE]),
    ),
    "unicode-escapes-numbers": (
        "Non-ASCII text, characters JCS must escape, keys that sort differently by UTF-16 code unit "
        "than by code point, and numbers whose ECMAScript form differs from their source form.",
        surface(
            server={
                "serverInfo": {"name": "ünïcödé", "version": "2.0.0", "title": "Ünïcödé 😂"},
                "capabilities": {"tools": {"listChanged": True}, "logging": {}},
                "instructions": "Line one\nLine two\t\"quoted\" \\ back\u0001slash \u007f del \u2028 sep",
            },
            tools=[
                {
                    "name": "\ue000-private-use",
                    "description": "Sorts after the astral tool in UTF-16 order.",
                    "inputSchema": {"type": "object"},
                },
                {
                    "name": "😂-astral",
                    "description": "Sorts before U+E000 in UTF-16 order.",
                    "inputSchema": {"type": "object"},
                },
                {
                    "name": "numbers",
                    "description": "Numbers: 1e21 -> 1e+21, -0 -> 0, 1e-7 -> 1e-7.",
                    "inputSchema": {
                        "type": "object",
                        "properties": {
                            "a": {"type": "number", "default": 1e21},
                            "b": {"type": "number", "default": -0.0},
                            "c": {"type": "number", "default": 0.1},
                            "d": {"type": "number", "default": 1e-7},
                            "e": {"type": "number", "default": 4.5},
                            "f": {"type": "number", "default": 0.002},
                            "g": {"type": "number", "default": 333333333.3333333},
                            "h": {"type": "integer", "default": -9007199254740991},
                            "i": {"type": "number", "default": 1e20},
                            "j": {"type": "number", "default": 0.000001},
                        },
                    },
                    "_meta": {"é": 1, "e": 2, "E": 3, "10": 4, "9": 5},
                },
            ],
        ),
    ),
    "many-tools-order-a": (
        "Twelve tools in ascending order. Same digests as many-tools-order-b.",
        surface(tools=many_tools()),
    ),
    "many-tools-order-b": (
        "The tools of many-tools-order-a in reverse order, every object's fields reversed too. "
        "Same digests as many-tools-order-a.",
        surface(tools=[reorder(t) for t in reversed(many_tools())]),
    ),
    "all-sections": (
        "Tools, prompts with arguments, resources and resource templates from a remote server.",
        surface(
            server={
                "serverInfo": {"name": "everything", "version": "3.1.4"},
                "capabilities": {"tools": {}, "prompts": {"listChanged": True}, "resources": {"subscribe": True}},
                "instructions": "Use the tools responsibly.",
            },
            launch=LAUNCH_HTTP,
            tools=[
                READ_FILE,
                {
                    "name": "add",
                    "title": "Add",
                    "description": "Adds two numbers.",
                    "inputSchema": {
                        "type": "object",
                        "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
                        "required": ["a", "b"],
                    },
                    "outputSchema": {"type": "object", "properties": {"sum": {"type": "number"}}},
                    "icons": [{"src": "https://example.com/add.png", "mimeType": "image/png"}],
                },
            ],
            prompts=[
                {
                    "name": "summarize",
                    "description": "Summarize a text.",
                    "arguments": [{"name": "text", "required": True}, {"name": "style"}],
                }
            ],
            resources=[
                {"uri": "file:///etc/motd", "name": "motd", "mimeType": "text/plain", "size": 120},
                {"uri": "https://example.com/a?b=c&d=%20", "name": "web"},
            ],
            templates=[{"uriTemplate": "file:///{path}", "name": "file", "description": "Any file."}],
        ),
    ),
    "proto-keys": (
        "Keys that are special in JavaScript (__proto__, constructor) must be plain data.",
        surface(
            tools=[
                {
                    "name": "__proto__",
                    "description": "A tool named __proto__.",
                    "inputSchema": {"type": "object", "properties": {"__proto__": {"type": "string"}}},
                },
                {"name": "constructor", "inputSchema": {"type": "object"}},
            ],
            prompts=[{"name": "toString"}],
        ),
    ),
}

PROFILES = [
    ("2025-06-18", {}),
    ("2025-06-18", {"roots": {"listChanged": True}, "sampling": {}}),
    ("2025-11-25", {"elicitation": {"form": {}}, "roots": {"listChanged": True}}),
]


def main():
    checked = self_test()
    print("JCS self-test passed on %d published vectors" % checked)
    for name, (description, surf) in VECTORS.items():
        doc = {"description": description, "surface": surf, "expected": surface_digests(surf)}
        path = os.path.join(HERE, name + ".json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        print("%-28s %s" % (name, doc["expected"]["surface"]))
    a = surface_digests(VECTORS["many-tools-order-a"][1])
    b = surface_digests(VECTORS["many-tools-order-b"][1])
    assert a == b, "order must not matter"
    profiles = {
        "description": "Client profile digests: sha256 of JCS({protocolVersion, capabilities}).",
        "profiles": [
            {"protocolVersion": v, "clientCapabilities": c, "expected": profile_digest(v, c)} for v, c in PROFILES
        ],
    }
    with open(os.path.join(HERE, "profiles.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(profiles, ensure_ascii=False, indent=2) + "\n")
    if "--explain" in sys.argv:
        surf = VECTORS["one-tool"][1]
        d = surface_digests(surf)
        print("server canonical:", jcs(surf["server"]))
        print("launch canonical:", jcs(surf["launch"]))
        print("tool canonical:", jcs(READ_FILE))
        commitment = {"version": 1, "server": d["server"], "launch": d["launch"]}
        for section in SECTIONS:
            commitment[section] = d[section]
        print("commitment canonical:", jcs(commitment))
        print(json.dumps(d, indent=2))
        print("profile:", jcs({"protocolVersion": PROFILES[1][0], "capabilities": PROFILES[1][1]}))


if __name__ == "__main__":
    main()
