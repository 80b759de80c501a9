/** Request bodies: JSON only, bounded in size and depth, with only text both stores can keep. */
import type { Context } from 'hono';
import {
  BodyReadError,
  CLIENT_CLOSED_REQUEST,
  CLOSE_CONNECTION,
  readBoundedText,
} from '../read-bounded-body.ts';
import { jsonSyntaxProblem } from '../unparsed-body.ts';
import { unstorableText } from '../unstorable-text.ts';
import { ApiProblem } from './problem-response.ts';

/** Deeper than any admin request can be; guards what recurses over the body after this. */
const MAX_DEPTH = 16;

export async function readJsonBody(c: Context, maxBytes: number): Promise<unknown> {
  const type = c.req.header('content-type');
  if (type !== undefined && !/^application\/([\w.-]+\+)?json\s*(;|$)/i.test(type.trim())) {
    throw new ApiProblem(
      415,
      'request.unsupported_media_type',
      `the request body must be JSON (Content-Type: application/json), not '${type}'`,
    );
  }
  let text: string;
  try {
    text = await readBoundedText(c.req.raw, maxBytes, c.env);
  } catch (error) {
    if (!(error instanceof BodyReadError)) throw error;
    if (error.reason === 'aborted') {
      throw new ApiProblem(
        CLIENT_CLOSED_REQUEST,
        'request.aborted',
        'the client closed the connection before sending the whole request body; nothing was applied',
      );
    }
    throw new ApiProblem(
      413,
      'request.too_large',
      `the request body exceeds the ${maxBytes}-byte limit`,
      { headers: CLOSE_CONNECTION },
    );
  }
  if (text.trim() === '') {
    throw new ApiProblem(
      400,
      'request.malformed_json',
      'the request body is empty; send a JSON object',
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiProblem(
      400,
      'request.malformed_json',
      `the request body is not valid JSON: ${jsonSyntaxProblem(text)}`,
    );
  }
  checkBodyShape(body);
  return body;
}

/** Depth and storable text, for any body (the console builds its bodies from forms). */
export function checkBodyShape(body: unknown): void {
  const stack: [unknown, number][] = [[body, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    const problem = typeof value === 'string' ? unstorableText(value) : undefined;
    if (problem) throw new ApiProblem(400, 'request.invalid', `${problem} are not allowed`);
    if (value && typeof value === 'object') {
      if (depth >= MAX_DEPTH) {
        throw new ApiProblem(
          400,
          'request.invalid',
          `the body nests deeper than ${MAX_DEPTH} levels`,
        );
      }
      for (const [key, inner] of Object.entries(value)) {
        const inKey = unstorableText(key);
        if (inKey) throw new ApiProblem(400, 'request.invalid', `${inKey} are not allowed`);
        stack.push([inner, depth + 1]);
      }
    }
  }
}
