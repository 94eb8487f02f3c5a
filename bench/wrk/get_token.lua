-- GET a path (BENCH_PATH, may contain {id} filled from BENCH_IDS) with a token (BENCH_TOKEN_FILE).
package.path = package.path .. ";" .. (os.getenv("BENCH_DIR") or "bench") .. "/wrk/?.lua"
require "common"
local tokens = read_lines(os.getenv("BENCH_TOKEN_FILE"))
local ids = os.getenv("BENCH_IDS") and read_lines(os.getenv("BENCH_IDS")) or {"0"}
local path = os.getenv("BENCH_PATH")
request = function()
  local p = path:gsub("{id}", ids[math.random(#ids)])
  return wrk.format("GET", p, {["Authorization"] = "Token " .. tokens[math.random(#tokens)], ["Host"] = "127.0.0.1"})
end
