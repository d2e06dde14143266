import { vi } from 'vitest';

/**
 * Captures the JSON lines written to stdout from now on (Powertools writes CloudWatch EMF through its
 * own Console on stdout, not through console.log). The returned array fills as lines are written;
 * `vi.restoreAllMocks()` stops the capture.
 */
export function captureStdoutJsonLines(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((l) => l.trim().startsWith('{')),
    );
    return true;
  });
  return lines;
}
