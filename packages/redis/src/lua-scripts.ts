import { createHash } from 'node:crypto';

/**
 * A Lua script the store runs with `EVALSHA` (and `EVAL` once when Redis answers `NOSCRIPT`, after
 * a restart or `SCRIPT FLUSH`). Each runs atomically on one key, so concurrent callers across a
 * fleet never interleave its read-modify-write.
 */
export interface LuaScript {
  readonly name: string;
  readonly source: string;
  readonly sha1: string;
}

function script(name: string, source: string): LuaScript {
  return { name, source, sha1: createHash('sha1').update(source).digest('hex') };
}

// Numbers travel as strings both ways: Redis truncates a Lua number reply to an integer, and
// budgets may hold fractions. Lua's tostring prints 14 significant digits, enough for epoch ms.

/** KEYS[1] bucket; ARGV cost, capacity. Tokens left, or false (nil) when fewer than cost. */
export const TAKE_TOKENS = script(
  'takeTokens',
  `local tokens = tonumber(redis.call('GET', KEYS[1]) or ARGV[2])
local cost = tonumber(ARGV[1])
if cost > tokens then return false end
tokens = tokens - cost
redis.call('SET', KEYS[1], tostring(tokens))
return tostring(tokens)`,
);

/** KEYS[1] bucket; ARGV amount, capacity. A full bucket is deleted: absent means full. */
export const REFILL_TOKENS = script(
  'refillTokens',
  `local capacity = tonumber(ARGV[2])
local tokens = math.min(capacity, tonumber(redis.call('GET', KEYS[1]) or ARGV[2]) + tonumber(ARGV[1]))
if tokens >= capacity then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], tostring(tokens)) end
return tostring(tokens)`,
);

/** KEYS[1] failure count; ARGV windowMs. Adds one failure and keeps the count windowMs longer: the count. */
export const COUNT_FAILURE = script(
  'countFailure',
  `local count = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return count`,
);

// A window is a hash {start, total, previous} on one key, so every window script touches one
// declared key; `previous` is the total the window before `start` ended with. `now` is Redis's
// clock (TIME), so every instance agrees on the window whatever its own clock.
const CURRENT_WINDOW = `local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local windowMs = tonumber(ARGV[1])
local start = now - (now % windowMs)
local stored = redis.call('HMGET', KEYS[1], 'start', 'total', 'previous')
local total = 0
local previous = 0
if tonumber(stored[1]) == start then
  total = tonumber(stored[2])
  previous = tonumber(stored[3]) or 0
elseif tonumber(stored[1]) == start - windowMs then
  previous = tonumber(stored[2])
end
`;

/**
 * KEYS[1] window; ARGV windowMs, amount, limit ('' for none), previousSeen ('' for none).
 * {start, total, previous}, or false when it does not fit.
 */
export const RESERVE = script(
  'reserve',
  `${CURRENT_WINDOW}local amount = tonumber(ARGV[2])
local unseen = 0
if ARGV[4] ~= nil and ARGV[4] ~= '' then unseen = math.max(0, previous - tonumber(ARGV[4])) end
if ARGV[3] ~= '' and total + unseen + amount > tonumber(ARGV[3]) then return false end
total = total + amount
redis.call('HSET', KEYS[1], 'start', tostring(start), 'total', tostring(total), 'previous', tostring(previous))
redis.call('PEXPIRE', KEYS[1], windowMs * 2)
return {tostring(start), tostring(total), tostring(previous)}`,
);

/**
 * KEYS[1] window; ARGV windowStart, reserved amount, actual, windowMs. Corrects the window's
 * total, or the total the previous window ended with once it has just rolled over; else a no-op.
 */
export const SETTLE = script(
  'settle',
  `local stored = redis.call('HMGET', KEYS[1], 'start', 'total', 'previous')
local change = tonumber(ARGV[3]) - tonumber(ARGV[2])
local start = tonumber(stored[1])
if start == tonumber(ARGV[1]) then
  redis.call('HSET', KEYS[1], 'total', tostring(math.max(0, tonumber(stored[2]) + change)))
  return 1
end
if start ~= nil and ARGV[4] ~= nil and start == tonumber(ARGV[1]) + tonumber(ARGV[4]) then
  redis.call('HSET', KEYS[1], 'previous', tostring(math.max(0, (tonumber(stored[3]) or 0) + change)))
  return 1
end
return 0`,
);

/** KEYS[1] window; ARGV windowMs. The current window's total. */
export const READ_WINDOW = script('readWindow', `${CURRENT_WINDOW}return tostring(total)`);
