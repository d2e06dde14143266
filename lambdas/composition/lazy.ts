/**
 * Builds a value once and shares it, but only once it succeeded: a failed build (a missing variable,
 * a client that threw) is not cached, so the next call tries again and reports the real error instead
 * of a stale rejection on every invocation of a warm container.
 */
export function onceSucceeded<T>(build: () => T | Promise<T>): () => Promise<T> {
  let current: Promise<T> | undefined;
  return () => {
    current ??= Promise.resolve()
      .then(build)
      .catch((error: unknown) => {
        current = undefined;
        throw error;
      });
    return current;
  };
}
