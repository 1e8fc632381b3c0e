import type { z } from 'zod';
import { err, type Invalid, ok, type Result } from './result.js';

/** Validates input at a boundary; the failure names every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): Result<z.infer<S>, Invalid> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const issues = parsed.error.issues;
  const message = issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ');
  const field = issues[0]?.path.join('.');
  return err(field ? { code: 'invalid', message, field } : { code: 'invalid', message });
}
