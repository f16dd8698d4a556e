import { drillJsonSchema } from '../../drill/jsonschema.js';

export async function schemaCommand(): Promise<number> {
  process.stdout.write(`${JSON.stringify(drillJsonSchema(), null, 2)}\n`);
  return 0;
}
