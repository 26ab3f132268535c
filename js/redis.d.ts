import type { CoordinationStore, CoordinationStatus, MemoryStore } from 'jitterbug';

/** The few methods of a node-redis client (`createClient()`, `createCluster()`) the store uses. */
export interface NodeRedisLike {
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** The few methods of an ioredis client (`new Redis()`, `new Redis.Cluster()`) the store uses. */
export interface IORedisLike {
  evalsha(sha1: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
}

export interface RedisStoreOptions {
  /** Put before every key (then `{key}`, the hash tag, then what it holds). Default `'jitterbug:'`. */
  prefix?: string;
  /** The longest a call waits on Redis, in ms, before it decides locally. Default 100. */
  timeout?: number;
  /**
   * While Redis cannot be reached: `true` (default) decides locally (this process's own
   * budget, no slots, idempotent runs unguarded); `false` refuses retries and idempotent runs.
   */
  failOpen?: boolean;
  /** Called once when Redis becomes unreachable (with the error) and once when it is back. */
  onStatusChange?: (status: CoordinationStatus) => void;
}

/**
 * A coordination store in Redis: every process whose client reaches the same server (or
 * cluster) shares its budgets, retry slots and idempotency keys. Each operation is one atomic
 * Lua script reading the server's clock; keys carry a hash tag and expire. Make the client
 * and the store once per process (outside a Lambda handler).
 */
export interface RedisStore extends CoordinationStore {
  readonly timeout: number;
  readonly failOpen: boolean;
}
export declare const RedisStore: {
  new (client: NodeRedisLike | IORedisLike, options?: RedisStoreOptions): RedisStore;
  readonly prototype: RedisStore;
};

export { MemoryStore };
