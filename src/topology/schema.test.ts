/**
 * schema/topology.schema.json (what editors check a topology file against, through the
 * examples' `# yaml-language-server: $schema=…` line) agrees with the validator: it names the
 * same keys as the validator's tables, accepts every example the validator accepts, and rejects
 * what the validator rejects for its structure (unknown keys, wrong types). Values (addresses,
 * names, durations) are the validator's alone: the schema accepts those bad files.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { CHECK_KEYS, EVENT_KEYS } from "./parse-lesson.js";
import { DEFAULT_KEYS, END_KEYS, LINK_KEYS, NODE_KEYS, parseRoutelabYaml, TOP_KEYS } from "./parse-yaml.js";
import { faults } from "./test-util.js";
import { routingNames, routingSpecs } from "./protocols/index.js";

const ROOT = join(import.meta.dirname, "..", "..");
const EXAMPLES = join(ROOT, "examples");
const schema = JSON.parse(readFileSync(join(ROOT, "schema", "topology.schema.json"), "utf8"));
const validate = new Ajv2020({
  strict: true,
  allowUnionTypes: true,
  strictRequired: false,
  allErrors: true,
}).compile(schema);

type Json = Record<string, unknown>;
const defs = schema.$defs as Record<string, Json>;
const keysOf = (s: Json) => Object.keys(s.properties as Json).sort();
/** The object form of a `oneOf` (text or mapping). */
const mapForm = (s: Json) => (s.oneOf as Json[]).find((x) => x.type === "object")!;

function schemaErrors(text: string): string[] {
  return validate(YAML.parse(text))
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const yamlFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => join(dir, f));

describe("the topology JSON Schema", () => {
  it("names the keys of the validator's tables, at every level", () => {
    const sorted = (k: readonly string[]) => [...k].sort();
    expect(keysOf(schema)).toEqual(sorted(TOP_KEYS));
    expect(keysOf(defs.defaults!)).toEqual(sorted(DEFAULT_KEYS));
    expect(keysOf(defs.node!)).toEqual(sorted(NODE_KEYS));
    expect(keysOf(defs.link!)).toEqual(sorted(LINK_KEYS));
    expect(keysOf(mapForm(defs.endpoint!))).toEqual(sorted(END_KEYS));
    for (const p of routingSpecs())
      expect(keysOf(defs[p.settingsKey]!), `$defs.${p.settingsKey}`).toEqual(sorted(p.settingsKeys));
    expect(sorted((defs.routing as { enum: string[] }).enum)).toEqual(sorted(routingNames()));
    expect(keysOf(defs.event!)).toEqual(sorted(EVENT_KEYS));
    expect(keysOf(mapForm(defs.check!))).toEqual(sorted(CHECK_KEYS));
  });

  const good = [...yamlFiles(EXAMPLES), ...yamlFiles(join(EXAMPLES, "lessons"))];
  it("finds the examples", () => expect(good.length).toBeGreaterThanOrEqual(6));
  for (const file of good) {
    const rel = file.slice(EXAMPLES.length + 1);
    it(`${rel}: the validator and the schema accept it, and it names the schema`, () => {
      const text = readFileSync(file, "utf8");
      expect(() => parseRoutelabYaml(text, rel)).not.toThrow();
      expect(schemaErrors(text)).toEqual([]);
      const depth = rel.split("/").length - 1;
      expect(text.split("\n")[0]).toBe(
        `# yaml-language-server: $schema=${"../".repeat(depth + 1)}schema/topology.schema.json`,
      );
    });
  }

  // examples/bad: the validator refuses all; the schema those of a wrong structure.
  const STRUCTURAL = new Set([
    "unknown-key.yaml",
    "wrong-type.yaml",
    "bad-split-horizon.yaml",
    "bad-rip-version.yaml",
  ]);
  // Not YAML the schema could see: a syntax error, and a mapping with a key twice.
  const NOT_JSON = new Set(["yaml-syntax.yaml", "duplicate-node.yaml"]);
  for (const f of readdirSync(join(EXAMPLES, "bad")).filter((x) => x.endsWith(".yaml"))) {
    if (NOT_JSON.has(f)) continue;
    it(`bad/${f}: ${STRUCTURAL.has(f) ? "both refuse it" : "a value only the validator checks"}`, () => {
      const text = readFileSync(join(EXAMPLES, "bad", f), "utf8");
      expect(faults(() => parseRoutelabYaml(text, f)).length).toBeGreaterThan(0);
      expect(schemaErrors(text).length > 0).toBe(STRUCTURAL.has(f));
    });
  }

  const base = `
name: lab
defaults: {delay: 1ms, routing: rip, pool: {range: 10.0.0.0/16, length: 30}, rip: {triggered: {min: 1s, max: 5s}}}
nodes:
  vm1: {position: {x: 1, y: 2}, static: [{dest: 10.9.0.0/16, via: 10.0.0.2}]}
  vm2:
links:
  - endpoints: [{node: vm1, address: 10.0.0.1/30}, vm2]
events:
  - {at: 10s, link: [vm1, vm2], state: down}
checks:
  - {check: vm1 reaches vm2, at: 5s}
`;
  it("accepts the fixture every mutation below starts from", () => {
    expect(() => parseRoutelabYaml(base, "base.yaml")).not.toThrow();
    expect(schemaErrors(base)).toEqual([]);
  });

  /** [what, from, to]: one edit of `base` that the validator refuses for its structure. */
  const mutations: [string, string, string][] = [
    ["unknown top-level key", "name: lab", "name: lab\nnmae: x"],
    ["unknown defaults key", "delay: 1ms,", "dealy: 1ms,"],
    ["unknown pool key", "length: 30}", "len: 30}"],
    ["unknown triggered key", "max: 5s}", "most: 5s}"],
    ["unknown rip key", "rip: {triggered", "rip: {updates: 30s, triggered"],
    ["unknown node key", "vm1: {position", "vm1: {colour: red, position"],
    ["unknown position key", "y: 2}", "z: 2}"],
    ["unknown static key", "via: 10.0.0.2}", "gateway: 10.0.0.2}"],
    ["unknown link key", "  - endpoints: [{", "  - mtu: 1500\n    endpoints: [{"],
    ["unknown endpoint key", "address: 10.0.0.1/30}", "addr: 10.0.0.1/30}"],
    ["unknown event key", "state: down}", "state: down, when: now}"],
    ["unknown check key", "at: 5s}", "at: 5s, why: x}"],
    [
      "nodes as a list",
      "  vm1: {position: {x: 1, y: 2}, static: [{dest: 10.9.0.0/16, via: 10.0.0.2}]}\n  vm2:",
      "  - vm1\n  - vm2",
    ],
    [
      "links as a mapping",
      "  - endpoints: [{node: vm1, address: 10.0.0.1/30}, vm2]",
      "  a: {endpoints: [vm1, vm2]}",
    ],
    ["a delay as a list", "delay: 1ms", "delay: [1ms]"],
    ["a position as text", "position: {x: 1, y: 2}", "position: here"],
    ["a position of three numbers", "position: {x: 1, y: 2}", "position: [1, 2, 3]"],
    ["one endpoint", "address: 10.0.0.1/30}, vm2]", "address: 10.0.0.1/30}]"],
    ["an unknown node kind", "vm1: {position", "vm1: {kind: switch, position"],
    [
      "a link without endpoints",
      "  - endpoints: [{node: vm1, address: 10.0.0.1/30}, vm2]",
      "  - subnet: 10.0.0.0/30",
    ],
    ["silent as text", "state: down}", "state: down, silent: yes}"],
    ["an event with a link and a node", "state: down}", "node: vm1, state: down}"],
    ["an event without at", "{at: 10s, link", "{link"],
    ["unknown routing", "routing: rip", "routing: isis"],
    ["a pool length of 32", "length: 30", "length: 32"],
    ["a static route without via", "{dest: 10.9.0.0/16, via: 10.0.0.2}", "{dest: 10.9.0.0/16}"],
  ];
  for (const [what, from, to] of mutations)
    it(`refuses ${what}, as the validator does`, () => {
      expect(base).toContain(from);
      const text = base.replace(from, to);
      expect(faults(() => parseRoutelabYaml(text, "m.yaml")).length).toBeGreaterThan(0);
      expect(schemaErrors(text)).not.toEqual([]);
    });
});
