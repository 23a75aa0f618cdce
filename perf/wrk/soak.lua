-- Soak traffic for the loyalty example: validate-email (JSON body), member look-up (Url) and tier
-- count (QueryString); one request in ten is a business rejection (409).
local auth = os.getenv("SOAK_AUTH")
local counter = 0
local emails = {"emily@contoso.com", "jerome@contoso.com", "ana@contoso.com"}
local ids = {"10000001", "10000002", "10000003"}

request = function()
  counter = counter + 1
  local k = counter % 3 + 1
  local headers = {["Authorization"] = auth}
  if counter % 10 == 0 then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/validate-email", headers, '{"email":"nobody' .. counter .. '@contoso.com","locale":"fr"}')
  elseif counter % 3 == 0 then
    return wrk.format("GET", "/members/" .. ids[k], headers)
  elseif counter % 3 == 1 then
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", "/validate-email", headers, '{"email":"' .. emails[k] .. '","correlationId":"c' .. counter .. '"}')
  else
    return wrk.format("GET", "/members?tier=gold", headers)
  end
end

local unexpected = 0
response = function(status, headers, body)
  if status ~= 200 and status ~= 409 then unexpected = unexpected + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("SOAK %d %.1f %.3f %d %d %d\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, unexpected))
end
