/** `authserver connect --args`: the tool call's arguments, a JSON object. */
import { z } from 'zod';

export const ToolArgs = z.record(z.string(), z.unknown(), { error: 'expected a JSON object, e.g. \'{"text": "hello"}\'' });
export type ToolArgs = z.infer<typeof ToolArgs>;
