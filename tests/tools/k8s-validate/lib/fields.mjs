// Unknown fields. The models' JSON schemas leave additionalProperties open, as the Kubernetes OpenAPI does, so a
// misspelt field would pass them; the API server (kubectl apply's strict field validation) rejects it. The
// fields of each type are read here from the TypeScript declarations generated from the same OpenAPI.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const nodeModules = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "node_modules");
const SCALAR = { kind: "scalar" };
const ANY = { kind: "any" };
const files = new Map();

function resolveModule(fromFile, specifier) {
  if (specifier.startsWith(".")) return path.resolve(path.dirname(fromFile), specifier.replace(/\.js$/, ".d.ts"));
  if (specifier === "@kubernetes-models/base") return null; // TypeMeta and Model: redeclared in every interface
  return path.join(nodeModules, `${specifier}.d.ts`);
}

function parse(file) {
  let parsed = files.get(file);
  if (parsed) return parsed;
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  parsed = { file, imports: new Map(), declarations: new Map(), exported: new Map() };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const target = resolveModule(file, statement.moduleSpecifier.text);
      for (const element of statement.importClause?.namedBindings?.elements ?? []) {
        const imported = (element.propertyName ?? element.name).text;
        parsed.imports.set(element.name.text, target === null ? null : { file: target, name: imported });
      }
    } else if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
      parsed.declarations.set(statement.name.text, statement);
    } else if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) {
        parsed.exported.set(element.name.text, (element.propertyName ?? element.name).text);
      }
    }
  }
  files.set(file, parsed);
  return parsed;
}

function declarationOf(file, name) {
  const parsed = parse(file);
  const local = parsed.declarations.get(name) ?? parsed.declarations.get(parsed.exported.get(name));
  if (local) return { file, declaration: local };
  const imported = parsed.imports.get(name);
  if (imported === null) return null;
  if (imported) return declarationOf(imported.file, imported.name);
  throw new Error(`${file}: cannot resolve type ${name}`);
}

function objectShape(file, members) {
  const properties = new Map();
  let index = null;
  for (const member of members) {
    if (ts.isPropertySignature(member)) {
      const name = ts.isStringLiteral(member.name) || ts.isIdentifier(member.name) ? member.name.text : null;
      if (name === null) throw new Error(`${file}: unsupported property name`);
      let shape;
      properties.set(name, () => (shape ??= shapeOf(file, member.type)));
    } else if (ts.isIndexSignatureDeclaration(member)) {
      index = member.type;
    }
  }
  if (properties.size === 0 && index !== null) {
    let shape;
    return { kind: "map", values: () => (shape ??= shapeOf(file, index)) };
  }
  return { kind: "object", properties };
}

function shapeOf(file, type) {
  if (type === undefined) return ANY;
  switch (type.kind) {
    case ts.SyntaxKind.StringKeyword:
    case ts.SyntaxKind.NumberKeyword:
    case ts.SyntaxKind.BooleanKeyword:
    case ts.SyntaxKind.LiteralType:
    case ts.SyntaxKind.IndexedAccessType:
      return SCALAR;
    case ts.SyntaxKind.AnyKeyword:
    case ts.SyntaxKind.UnknownKeyword:
    case ts.SyntaxKind.ObjectKeyword:
      return ANY;
    case ts.SyntaxKind.ArrayType:
      return { kind: "array", items: shapeOf(file, type.elementType) };
    case ts.SyntaxKind.UnionType: {
      const members = type.types.map((member) => shapeOf(file, member));
      return members.every((member) => member.kind === "scalar") ? SCALAR : ANY;
    }
    case ts.SyntaxKind.TypeLiteral:
      return objectShape(file, type.members);
    case ts.SyntaxKind.TypeReference: {
      const name = type.typeName.getText();
      if (name === "Array") return { kind: "array", items: shapeOf(file, type.typeArguments?.[0]) };
      const found = declarationOf(file, name);
      if (found === null) return ANY;
      if (ts.isInterfaceDeclaration(found.declaration)) return objectShape(found.file, found.declaration.members);
      return shapeOf(found.file, found.declaration.type);
    }
    default:
      throw new Error(`${file}: unsupported type ${ts.SyntaxKind[type.kind]} in ${type.getText()}`);
  }
}

const roots = new Map();

/** The shape of a kind's top-level object, from its declaration file (the interface named I<Kind>). */
export function rootShape(declarationFile, kind) {
  let shape = roots.get(declarationFile);
  if (!shape) {
    const found = declarationOf(declarationFile, `I${kind}`);
    if (!found || !ts.isInterfaceDeclaration(found.declaration)) throw new Error(`${declarationFile}: no interface I${kind}`);
    shape = objectShape(found.file, found.declaration.members);
    roots.set(declarationFile, shape);
  }
  return shape;
}

/** Every field of value that its shape does not declare, as JSON paths like spec.template.spec.containers[0].imagePullPolice. */
export function unknownFields(value, shape, at = "", found = []) {
  if (value === null || typeof value !== "object") return found;
  if (shape.kind === "array" && Array.isArray(value)) {
    value.forEach((item, i) => unknownFields(item, shape.items, `${at}[${i}]`, found));
  } else if (shape.kind === "map" && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value)) unknownFields(item, shape.values(), `${at}[${JSON.stringify(key)}]`, found);
  } else if (shape.kind === "object" && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value)) {
      const property = shape.properties.get(key);
      const where = at === "" ? key : `${at}.${key}`;
      if (property === undefined) found.push(where);
      else unknownFields(item, property(), where, found);
    }
  }
  return found;
}
