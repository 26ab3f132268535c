// jitterbug/redis: a coordination store in Redis, so that every process of a fleet shares one
// retry budget, one set of retry slots and one set of idempotency keys. It takes a client the
// user already has: node-redis (`redis`) or `ioredis`, single node or cluster.
//
// Every operation is one Lua script: atomic on the server, reading the server's clock, with
// every key it touches declared (all of one budget's keys share a hash tag, so a cluster keeps
// them on one node), and every key it writes set to expire. Scripts run by SHA; after a restart
// or failover (NOSCRIPT) the script's text is sent once more.
import { createHash } from 'node:crypto';
import { MemoryStore } from 'jitterbug';

// A value that is not what jitterbug writes (another program's, another type, corrupted) reads
// as absent: a bucket as full, a slot as empty, an idempotency record as unclaimed.
const READ = `
local function text(key)
  local value = redis.pcall('GET', key)
  if type(value) == 'string' then return value end
  return nil
end
local function tokens(key, capacity)
  local n = tonumber(text(key) or '')
  if n == nil or n < 0 or n > capacity or n % 1 ~= 0 then return capacity end
  return n
end
local function record(key)
  local raw = text(key)
  if raw == nil then return nil end
  local ok, r = pcall(cjson.decode, raw)
  if not ok or type(r) ~= 'table' or type(r.o) ~= 'string' or type(r.f) ~= 'string' then return nil end
  if r.s == 'running' or (r.s == 'done' and type(r.r) == 'string') then return r end
  return nil
end
local now = redis.call('TIME')
`;

// Each reply starts with the server's TIME (seconds, microseconds): the store's clock.
const SCRIPTS = {
  // KEYS: bucket. ARGV: cost, capacity, ttl ms. Reply: tokens left, or -1 (cannot pay).
  take: `${READ}
local cost, capacity = tonumber(ARGV[1]), tonumber(ARGV[2])
local n = tokens(KEYS[1], capacity)
if n < cost then return {now[1], now[2], -1} end
redis.call('SET', KEYS[1], n - cost, 'PX', ARGV[3])
return {now[1], now[2], n - cost}`,
  // KEYS: bucket. ARGV: tokens, capacity, ttl ms. Reply: tokens now.
  give: `${READ}
local capacity = tonumber(ARGV[2])
local n = math.min(capacity, tokens(KEYS[1], capacity) + tonumber(ARGV[1]))
redis.call('SET', KEYS[1], n, 'PX', ARGV[3])
return {now[1], now[2], n}`,
  // KEYS: bucket. ARGV: capacity. Reply: tokens.
  tokens: `${READ}
return {now[1], now[2], tokens(KEYS[1], tonumber(ARGV[1]))}`,
  // KEYS: the candidate slots' counters, in order. ARGV: limit, ttl ms. Reply: the index of
  // the slot that admitted the retry, or -1 when all are full.
  reserveSlot: `${READ}
local limit = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local n = tonumber(text(key) or '')
  if n == nil or n < 0 or n % 1 ~= 0 then n = 0 end
  if n < limit then
    redis.call('SET', key, n + 1, 'PX', ARGV[2])
    return {now[1], now[2], i - 1}
  end
end
return {now[1], now[2], -1}`,
  // KEYS: record. ARGV: owner, fingerprint, lock ms. Reply: status (, result).
  claim: `${READ}
local r = record(KEYS[1])
if r == nil then
  redis.call('SET', KEYS[1], cjson.encode({s = 'running', o = ARGV[1], f = ARGV[2]}), 'PX', ARGV[3])
  return {now[1], now[2], 'claimed'}
end
if r.f ~= ARGV[2] then return {now[1], now[2], 'conflict'} end
if r.s == 'done' then return {now[1], now[2], 'done', r.r} end
return {now[1], now[2], 'running'}`,
  // KEYS: record. ARGV: owner, result, ttl ms. Reply: 1 if this owner's claim was completed.
  complete: `${READ}
local r = record(KEYS[1])
if r == nil or r.s ~= 'running' or r.o ~= ARGV[1] then return {now[1], now[2], 0} end
redis.call('SET', KEYS[1], cjson.encode({s = 'done', o = r.o, f = r.f, r = ARGV[2]}), 'PX', ARGV[3])
return {now[1], now[2], 1}`,
  // KEYS: record. ARGV: owner. Reply: 1 if this owner's claim was released.
  release: `${READ}
local r = record(KEYS[1])
if r == nil or r.s ~= 'running' or r.o ~= ARGV[1] then return {now[1], now[2], 0} end
redis.call('DEL', KEYS[1])
return {now[1], now[2], 1}`,
};

const SHAS = Object.fromEntries(Object.entries(SCRIPTS).map(([name, script]) => [name, createHash('sha1').update(script).digest('hex')]));

const isNoScript = (error) => typeof error?.message === 'string' && error.message.startsWith('NOSCRIPT');

/** Runs scripts on node-redis (`evalSha`/`eval` with keys and arguments) or ioredis (`evalsha`/`eval` with a key count). */
function scriptRunner(client) {
  if (typeof client?.evalSha === 'function' && typeof client.eval === 'function') {
    return async (name, keys, args, signal) => {
      const options = { keys, arguments: args.map(String) };
      // A command given up on is dropped from the client's offline queue, not run late.
      const to = signal !== undefined && typeof client.withAbortSignal === 'function' ? client.withAbortSignal(signal) : client;
      try {
        return await to.evalSha(SHAS[name], options);
      } catch (error) {
        if (!isNoScript(error)) throw error;
        return to.eval(SCRIPTS[name], options);
      }
    };
  }
  if (typeof client?.evalsha === 'function' && typeof client.eval === 'function') {
    return async (name, keys, args) => {
      try {
        return await client.evalsha(SHAS[name], keys.length, ...keys, ...args.map(String));
      } catch (error) {
        if (!isNoScript(error)) throw error;
        return client.eval(SCRIPTS[name], keys.length, ...keys, ...args.map(String));
      }
    };
  }
  return undefined;
}

function describeClient(value) {
  if (value === null || typeof value !== 'object') return String(value);
  return `an object without evalSha/eval (node-redis) or evalsha/eval (ioredis) methods`;
}

const DEFAULT_PREFIX = 'jitterbug:';

/** A store in Redis, shared by every process whose client reaches the same server or cluster. */
export class RedisStore {
  #run;
  #prefix;
  /** ms to add to Date.now() for the server's clock (learned from every reply). */
  #offset = 0;

  /**
   * @param client a connected node-redis or ioredis client (or cluster client), made once per process.
   * @param {object} [options] prefix, timeout (ms), failOpen, onStatusChange (see redis.d.ts).
   */
  constructor(client, options = {}) {
    this.#run = scriptRunner(client);
    if (this.#run === undefined) {
      throw new TypeError(`\`client\` must be a node-redis or ioredis client, got ${describeClient(client)}`);
    }
    if (options === null || typeof options !== 'object') throw new TypeError(`Expected RedisStore options to be an object, got ${String(options)}`);
    for (const name in options) {
      if (!['prefix', 'timeout', 'failOpen', 'onStatusChange'].includes(name)) {
        throw new TypeError(`Unknown RedisStore option \`${name}\` (known: prefix, timeout, failOpen, onStatusChange)`);
      }
    }
    const { prefix = DEFAULT_PREFIX, timeout = 100, failOpen = true, onStatusChange } = options;
    if (typeof prefix !== 'string' || /[{}]/.test(prefix)) throw new TypeError(`\`prefix\` must be a string without braces (keys take a hash tag after it), got ${JSON.stringify(prefix)}`);
    if (typeof timeout !== 'number' || !(timeout >= 1 && timeout <= 2_147_483_647)) {
      throw new RangeError(`\`timeout\` must be a number of ms from 1 to 2147483647, got ${String(timeout)}`);
    }
    if (typeof failOpen !== 'boolean') throw new TypeError(`\`failOpen\` must be true or false, got ${String(failOpen)}`);
    if (onStatusChange !== undefined && typeof onStatusChange !== 'function') {
      throw new TypeError('`onStatusChange` must be a function');
    }
    this.#prefix = prefix;
    /** The longest a call waits on Redis, in ms, before it decides locally. */
    this.timeout = timeout;
    /** Whether calls decide locally while Redis is out of reach (else they refuse retries and idempotent runs). */
    this.failOpen = failOpen;
    this.onStatusChange = onStatusChange;
  }

  /** The Redis key for `what` of `key`: `{key}` is the hash tag, so one key's data stays on one node. */
  #key(key, what) {
    return `${this.#prefix}{${key}}:${what}`;
  }

  async #call(name, keys, args, signal) {
    const sent = Date.now();
    const reply = await this.#run(name, keys, args, signal);
    if (!Array.isArray(reply) || reply.length < 3) throw new Error(`Redis answered ${name} with ${String(reply)}`);
    // The server's clock at about the middle of the round trip.
    this.#offset = Number(reply[0]) * 1000 + Math.floor(Number(reply[1]) / 1000) - (sent + Date.now()) / 2;
    return reply;
  }

  /** The server's clock, estimated from the last reply (ms since the epoch). */
  clock() {
    return Date.now() + this.#offset;
  }

  // Each operation: see CoordinationStore in index.d.ts. `signal` aborts a command the caller
  // has given up on.
  async take(key, cost, capacity, ttl, signal) {
    return Number((await this.#call('take', [this.#key(key, 'budget')], [cost, capacity, ttl], signal))[2]);
  }

  async give(key, tokens, capacity, ttl, signal) {
    return Number((await this.#call('give', [this.#key(key, 'budget')], [tokens, capacity, ttl], signal))[2]);
  }

  async tokens(key, capacity, signal) {
    return Number((await this.#call('tokens', [this.#key(key, 'budget')], [capacity], signal))[2]);
  }

  async reserveSlot(key, first, count, limit, ttl, signal) {
    const keys = Array.from({ length: count }, (_, i) => this.#key(key, `slot:${first + i}`));
    return Number((await this.#call('reserveSlot', keys, [limit, ttl], signal))[2]);
  }

  async claim(key, owner, fingerprint, lockTtl, signal) {
    const reply = await this.#call('claim', [this.#key(key, 'once')], [owner, fingerprint, lockTtl], signal);
    return { status: String(reply[2]), result: reply[3] === undefined ? undefined : String(reply[3]) };
  }

  async complete(key, owner, result, ttl, signal) {
    return Number((await this.#call('complete', [this.#key(key, 'once')], [owner, result, ttl], signal))[2]) === 1;
  }

  async release(key, owner, signal) {
    return Number((await this.#call('release', [this.#key(key, 'once')], [owner], signal))[2]) === 1;
  }
}

// Re-exported so that one import gives both kinds of store.
export { MemoryStore };

// The build minifies class names; logs and `instanceof` checks by name should see this one.
Object.defineProperty(RedisStore, 'name', { value: 'RedisStore' });
