/**
 * Names whatever sets the process exit code during a test file. Jest's process object in a test
 * file shares the real exit code, so code that sets it (a library reporting an error it did not
 * throw) makes jest exit 1 after every test passed, with nothing printed: CI runs ended so.
 */
export function witnessExitCode(): void {
  const descriptor = findDescriptor(process, 'exitCode');
  if (!descriptor?.set || !descriptor.get) return;
  const { get, set } = descriptor;
  Object.defineProperty(process, 'exitCode', {
    configurable: true,
    enumerable: descriptor.enumerable,
    get,
    set(this: NodeJS.Process, code: number | string | undefined) {
      if (code !== undefined && code !== 0 && code !== '0')
        process.stderr.write(
          `process.exitCode set to ${String(code)} in ${expect.getState().testPath ?? 'a test file'}\n` +
            `${new Error('exit code set here').stack}\n`,
        );
      set.call(this, code);
    },
  });
}

function findDescriptor(target: object, key: string): PropertyDescriptor | undefined {
  for (let o: object | null = target; o; o = Object.getPrototypeOf(o) as object | null) {
    const found = Object.getOwnPropertyDescriptor(o, key);
    if (found) return found;
  }
  return undefined;
}
