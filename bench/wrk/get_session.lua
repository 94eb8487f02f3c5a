-- GET an HTML page (BENCH_PATH, {id} from BENCH_IDS) with a session cookie (BENCH_SESSION_FILE).
package.path = package.path .. ";" .. (os.getenv("BENCH_DIR") or "bench") .. "/wrk/?.lua"
require "common"
local sessions = read_lines(os.getenv("BENCH_SESSION_FILE"))
local ids = os.getenv("BENCH_IDS") and read_lines(os.getenv("BENCH_IDS")) or {"0"}
local path = os.getenv("BENCH_PATH")
request = function()
  local p = path:gsub("{id}", ids[math.random(#ids)])
  return wrk.format("GET", p, {["Cookie"] = "sessionid=" .. sessions[math.random(#sessions)], ["Host"] = "127.0.0.1"})
end
