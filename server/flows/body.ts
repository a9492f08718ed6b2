/** A recorded body: the whole size, and at most FLOW_LIMITS.bodyBytes of its text. */
import { FLOW_LIMITS, type FlowBody } from '../contracts/flows';

export function capBody(text: string, mime: string, cap = FLOW_LIMITS.bodyBytes): FlowBody {
  const size = Buffer.byteLength(text);
  if (size <= cap) return { mime_type: mime, text, size, truncated: false };
  return { mime_type: mime, text: Buffer.from(text).subarray(0, cap).toString('utf8'), size, truncated: true };
}
