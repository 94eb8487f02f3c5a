-- GET /rows/ from the bare DRF project (bench/baseline): the newest 50 of a million rows.
package.path = package.path .. ";" .. (os.getenv("BENCH_DIR") or "bench") .. "/wrk/?.lua"
require "common"
request = function()
  return wrk.format("GET", "/rows/", {["Host"] = "127.0.0.1"})
end
