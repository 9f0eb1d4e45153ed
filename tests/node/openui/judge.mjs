// genui's independent OpenUI Lang judge: lang-core + @openuidev/thesys (MIT, from npm, test time only).
// One long-lived process: one JSON request per stdin line, one JSON answer per stdout line.
import readline from "node:readline";
import { createParser, createStreamingParser, mergeStatements, isASTNode } from "@openuidev/lang-core";
import { chatLibrary, reportLibrary, presentationLibrary } from "@openuidev/thesys";
import { wideLibrary } from "./wide-library.mjs";

const LIBRARIES = { chat: chatLibrary, report: reportLibrary, presentation: presentationLibrary, wide: wideLibrary };

function librarySchema(library) {
  if (typeof library === "string") {
    const lib = LIBRARIES[library];
    if (!lib) throw new Error(`unknown library ${library}`);
    return { schema: lib.toJSONSchema(), root: lib.root };
  }
  return { schema: library.schema ?? library, root: library.root };
}

// An element tree as genui's format-neutral nodes; runtime expressions stay tagged AST.
function plain(value) {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value !== "object") return value;
  if (value.type === "element" && typeof value.typeName === "string") {
    const props = {};
    for (const [key, prop] of Object.entries(value.props)) props[key] = plain(prop);
    return { component: value.typeName, props };
  }
  if (isASTNode(value)) return { $ast: value };
  const out = {};
  for (const [key, prop] of Object.entries(value)) out[key] = plain(prop);
  return out;
}

function describe(result) {
  return {
    errors: result.meta.errors.map((e) => ({ code: e.code, component: e.component, path: e.path, statementId: e.statementId, message: e.message, severity: e.severity })),
    unresolved: result.meta.unresolved,
    orphaned: result.meta.orphaned,
    incomplete: result.meta.incomplete,
    statementCount: result.meta.statementCount,
    hasRoot: result.root !== null,
    rootStatement: result.root?.statementId ?? null,
    root: result.root ? plain(result.root) : null,
  };
}

function handle(request) {
  switch (request.op) {
    case "validate": {
      const { schema, root } = librarySchema(request.library ?? "chat");
      const rootName = request.root ?? root;
      if (request.partial) return describe(createStreamingParser(schema, rootName).set(request.program));
      return describe(createParser(schema, rootName).parse(request.program));
    }
    case "stream": {
      // Feed chunks one by one; one result per chunk (what a renderer shows after each delta).
      const { schema, root } = librarySchema(request.library ?? "chat");
      const parser = createStreamingParser(schema, request.root ?? root);
      return { results: request.chunks.map((chunk) => describe(parser.push(chunk))) };
    }
    case "schema": {
      const lib = LIBRARIES[request.library];
      if (!lib) throw new Error(`unknown library ${request.library}`);
      const spec = lib.toSpec();
      return { root: lib.root ?? null, schema: lib.toJSONSchema(), components: spec.components, componentGroups: spec.componentGroups ?? null };
    }
    case "merge":
      return { program: mergeStatements(request.existing, request.patch, request.rootId ?? "root") };
    case "ping":
      return { pong: true };
    default:
      throw new Error(`unknown op ${request.op}`);
  }
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  let answer;
  try {
    answer = handle(JSON.parse(line));
  } catch (error) {
    answer = { error: String(error?.stack ?? error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
