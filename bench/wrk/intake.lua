-- POST /api/v1/reports/ as informants (token auth), each request a distinct report.
package.path = package.path .. ";" .. (os.getenv("BENCH_DIR") or "bench") .. "/wrk/?.lua"
require "common"
local tokens = read_lines((os.getenv("RESULTS") or "bench/results") .. "/informant_tokens.txt")
local counter = 0
init = function(args) math.randomseed(os.time() + (tid or 0) * 7919) end
request = function()
  counter = counter + 1
  local token = tokens[math.random(#tokens)]
  local body = string.format(
    '{"title":"压测网情 %d-%d-%d","body":"微信群流传某村道路塌陷的说法，需要核实。","category":"negative",'
    .. '"source_platform":"wechat_group","source_urls":["https://example.com/p/%d-%d"],"suggested_grade":"general"}',
    tid or 0, counter, math.random(1e9), tid or 0, counter)
  return wrk.format("POST", "/api/v1/reports/", {
    ["Authorization"] = "Token " .. token,
    ["Content-Type"] = "application/json",
    ["Host"] = "127.0.0.1",
  }, body)
end
