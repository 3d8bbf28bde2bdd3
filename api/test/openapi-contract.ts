import { Ajv2020 } from "ajv/dist/2020.js";
import type { OpenApiDocument } from "../src/http/openapi-document";

type Operation = { responses?: Record<string, { content?: Record<string, unknown> }> };

export interface ContractChecker {
  /**
   * Holds one real answer of the app to the published contract (`/api/openapi.json`): its status must
   * be one the route documents, its media type too, and a JSON body must match the documented schema.
   * Requests to paths or methods the document does not know (an unknown path's 404) are not checked.
   * Throws an Error that shows the request, the answer and what did not match.
   */
  check(method: string, url: string, response: Response): Promise<void>;
}

export function createContractChecker(document: OpenApiDocument): ContractChecker {
  // The document is added whole, so a response schema's `$ref` to a component resolves as in the
  // document; it is not a JSON Schema itself, hence no strict mode and no meta-schema check.
  const ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
  ajv.addSchema(document, "openapi.json");
  const templates = Object.keys(document.paths ?? {}).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^/}]+\}/g, "[^/]+")}$`),
  }));

  return {
    async check(method, url, response) {
      const path = new URL(url, "http://localhost").pathname;
      const template = templates.find((candidate) => candidate.pattern.test(path))?.template;
      const verb = method.toLowerCase();
      const operation = template
        ? ((document.paths?.[template] as Record<string, Operation> | undefined)?.[verb] ?? undefined)
        : undefined;
      if (!template || !operation) return;
      const where = `${method} ${path} answered ${response.status}`;
      const text = await response.clone().text();
      const documented = operation.responses?.[String(response.status)];
      if (!documented) {
        throw new Error(`${where}, a status its documentation (${template}) does not list: ${text}`);
      }
      const mediaType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
      if (!documented.content) return;
      if (!(mediaType in documented.content)) {
        throw new Error(
          `${where} with ${mediaType || "no media type"}, which its documentation does not list`,
        );
      }
      if (mediaType !== "application/json") return;
      const pointer = [
        "paths",
        template,
        verb,
        "responses",
        String(response.status),
        "content",
        mediaType,
        "schema",
      ]
        .map((segment) => segment.replaceAll("~", "~0").replaceAll("/", "~1"))
        .join("/");
      const validate = ajv.getSchema(`openapi.json#/${pointer}`);
      if (!validate) throw new Error(`No schema at ${pointer}`);
      if (!validate(JSON.parse(text))) {
        throw new Error(
          `${where} with a body that does not match its documented schema: ${ajv.errorsText(validate.errors)}\n${text}`,
        );
      }
    },
  };
}
