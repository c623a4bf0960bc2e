import { Parser } from '@asyncapi/parser';

/** What the AsyncAPI parser reports as errors or warnings (its severity 0 and 1) about a document. */
export async function asyncApiProblems(document: object): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(JSON.stringify(document));
  return diagnostics.filter((diagnostic) => diagnostic.severity <= 1).map((diagnostic) => `${diagnostic.code} at ${diagnostic.path.join('.')}: ${diagnostic.message}`);
}
