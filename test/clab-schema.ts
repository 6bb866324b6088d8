/**
 * @module test/clab-schema
 * containerlab's JSON Schema (test/fixtures/clab.schema.json, a copy, so no test needs anything
 * outside the repository) as a validator for exported `.clab.yml` text, with ajv. The schema is
 * draft-07 but describes brief link endpoints with draft 2020's `prefixItems`, which a draft-07
 * validator would skip: it is given its 2020 meaning (the draft-07 tuple form of `items`), so
 * endpoint strings are checked too. Non-strict, because the schema carries editor keywords
 * (`markdownDescription`) and a few keywords ajv's strict mode calls redundant.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import { parse } from "yaml";

export const CLAB_SCHEMA_PATH = join(import.meta.dirname, "fixtures", "clab.schema.json");

let validator: ValidateFunction | undefined;

function compiled(): ValidateFunction {
  if (validator) return validator;
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addKeyword({ keyword: "prefixItems", macro: (items: unknown) => ({ items }) });
  const v = ajv.compile(JSON.parse(readFileSync(CLAB_SCHEMA_PATH, "utf8")));
  validator = v;
  return v;
}

/** Schema faults of a containerlab topology file's text (`path: message`), empty when valid. */
export function clabSchemaErrors(yamlText: string): string[] {
  const v = compiled();
  if (v(parse(yamlText))) return [];
  return (v.errors ?? []).map((e) => `${e.instancePath || "/"}: ${e.message ?? "invalid"}`);
}
