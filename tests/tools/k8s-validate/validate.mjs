#!/usr/bin/env node
// Validates rendered Kubernetes manifests (multi-document YAML on stdin, as `kubectl kustomize` prints them)
// against the Kubernetes API schemas, and prints the documents as one JSON array on stdout.
//
//   kubectl kustomize deploy/k8s/overlays/production | node tests/tools/k8s-validate/validate.mjs > rendered.json
//
// Each document must name an API type the schemas know (apiVersion and kind), match its schema (types,
// required fields, enums, formats), and carry no field the type does not declare (as the API server's strict
// field validation). Exit 0: all valid, the JSON is on stdout. Exit 1: every problem is on stderr, one a line.
// Exit 2: the input is not YAML, or holds no document.
import { parseAllDocuments } from "yaml";
import { findModel } from "./lib/models.mjs";
import { rootShape, unknownFields } from "./lib/fields.mjs";

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

function label(document, index) {
  const name = document?.metadata?.name ?? "(no name)";
  return `document ${index + 1} (${document?.kind ?? "no kind"} ${name})`;
}

function pointerToPath(pointer) {
  return pointer === "" ? "(root)" : pointer.slice(1).split("/").map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~")).join(".");
}

async function problemsOf(document, index) {
  const at = label(document, index);
  if (document === null || typeof document !== "object" || Array.isArray(document)) return [`${at}: not an object`];
  const found = await findModel(document.apiVersion, document.kind);
  if (found.unknown) return [`${at}: ${found.unknown}`];
  const problems = [];
  try {
    new found.model(document).validate();
  } catch (error) {
    for (const e of error.errors ?? [{ instancePath: "", message: error.message }]) {
      const detail = e.params?.allowedValues ? `${e.message}: ${e.params.allowedValues.join(", ")}` : e.message;
      problems.push(`${at}: ${pointerToPath(e.instancePath)}: ${detail}`);
    }
  }
  for (const field of unknownFields(document, rootShape(found.declaration, document.kind))) {
    problems.push(`${at}: unknown field "${field}"`);
  }
  return problems;
}

async function main() {
  const text = await readStdin();
  // YAML 1.1, as kubectl reads it (0440 is octal, yes/no are booleans).
  const parsed = parseAllDocuments(text, { version: "1.1" });
  const documents = [];
  for (const document of Array.isArray(parsed) ? parsed : [parsed]) {
    if (document.errors.length > 0) {
      for (const e of document.errors) console.error(`k8s-validate: not YAML: ${e.message}`);
      process.exit(2);
    }
    const value = document.toJS();
    if (value !== null && value !== undefined) documents.push(value);
  }
  if (documents.length === 0) {
    console.error("k8s-validate: no document on stdin");
    process.exit(2);
  }
  const problems = [];
  for (const [i, document] of documents.entries()) problems.push(...(await problemsOf(document, i)));
  if (problems.length > 0) {
    for (const problem of problems) console.error(`k8s-validate: ${problem}`);
    console.error(`k8s-validate: ${problems.length} problem(s) in ${documents.length} document(s)`);
    process.exit(1);
  }
  process.stdout.write(JSON.stringify(documents));
  process.stdout.write("\n");
}

await main();
