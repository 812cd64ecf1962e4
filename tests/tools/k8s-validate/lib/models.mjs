// The kubernetes-models class for a document's apiVersion and kind: its JSON schema (compiled with ajv from the
// Kubernetes OpenAPI) and the TypeScript declaration its fields are read from.
import path from "node:path";
import { fileURLToPath } from "node:url";

const packageRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "node_modules", "kubernetes-models");

/** "apps/v1" → "apps/v1"; "v1" (the core group) → "v1". */
function modelDirectory(apiVersion) {
  const parts = apiVersion.split("/");
  if (parts.length === 1) return parts[0];
  if (parts.length === 2) return `${parts[0]}/${parts[1]}`;
  return null;
}

/** @returns {Promise<{ model: Function, declaration: string } | { unknown: string }>} */
export async function findModel(apiVersion, kind) {
  const directory = typeof apiVersion === "string" ? modelDirectory(apiVersion) : null;
  if (directory === null || typeof kind !== "string" || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    return { unknown: `no Kubernetes kind for apiVersion ${JSON.stringify(apiVersion)} and kind ${JSON.stringify(kind)}` };
  }
  let module;
  try {
    module = await import(`kubernetes-models/${directory}/${kind}`);
  } catch {
    return { unknown: `unknown kind: ${apiVersion} ${kind} is not a Kubernetes API type` };
  }
  const model = module[kind];
  // The classes of List and other helper types share the directory; only a real API object has both of these.
  if (typeof model !== "function" || model.apiVersion !== apiVersion || model.kind !== kind) {
    return { unknown: `unknown kind: ${apiVersion} ${kind} is not a Kubernetes API type` };
  }
  return { model, declaration: path.join(packageRoot, directory, `${kind}.d.ts`) };
}
