-- POST /rows/ to the bare DRF project (bench/baseline): one row a request.
package.path = package.path .. ";" .. (os.getenv("BENCH_DIR") or "bench") .. "/wrk/?.lua"
require "common"
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format(
    '{"title":"压测网情 %d-%d","body":"微信群流传某村道路塌陷的说法，需要核实。"}', tid or 0, counter)
  return wrk.format("POST", "/rows/", {
    ["Content-Type"] = "application/json",
    ["Host"] = "127.0.0.1",
  }, body)
end
