export interface Output {
  json: boolean;
  write(text: string): void;
}

/** A mistake in how the command was called: printed without a stack, exit code 2. */
export class UsageError extends Error {}

export function print(out: Output, data: unknown, human: () => string): void {
  out.write(out.json ? JSON.stringify(data, null, 2) : human());
}
