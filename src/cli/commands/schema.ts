import { drillJsonSchema } from '../../drill/jsonschema.js';
import { modules } from '../modules.js';

export async function schemaCommand(): Promise<number> {
  process.stdout.write(`${JSON.stringify(drillJsonSchema(modules), null, 2)}\n`);
  return 0;
}
