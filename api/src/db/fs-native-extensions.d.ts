// The one function we use of fs-native-extensions (it ships no types of its own).
declare module "fs-native-extensions" {
  /** An exclusive (or `shared`) lock on the whole file; false when another open file holds one. */
  export function tryLock(fd: number, options?: { shared?: boolean }): boolean;
}
