/** The messages of an error and of its causes: drizzle wraps the database error in "Failed query". */
export function errorChain(error: unknown): string {
  const messages: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) messages.push(current.message);
  return messages.join(' <- ');
}

/** Resolves to the message chain of the rejection; fails when the promise resolves. */
export async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return errorChain(error);
  }
  throw new Error('expected the operation to be refused, but it succeeded');
}
