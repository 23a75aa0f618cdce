-- One request per call: MODE (body, form, query, header) from the environment; one in ten asks
-- for an unknown member, so 10% of answers are 409s.
local mode = os.getenv("MODE") or "body"
local counter = 0

request = function()
  counter = counter + 1
  local n = counter % 1000
  local email
  if counter % 10 == 0 then
    email = "nobody" .. n .. "@contoso.com"
  else
    email = "member" .. n .. "@contoso.com"
  end
  local cid = string.format("00000000-0000-0000-0000-%012d", counter % 1000000)
  if mode == "full" then
    -- Basic bench:bench-password-0123456789; half French, half English.
    local locale = (counter % 2 == 0) and "fr-FR" or "en-US"
    return wrk.format("POST", "/full", {["Content-Type"] = "application/json",
      ["Authorization"] = "Basic YmVuY2g6YmVuY2gtcGFzc3dvcmQtMDEyMzQ1Njc4OQ=="},
      '{"email":"' .. email .. '","locale":"' .. locale .. '","correlationId":"' .. cid .. '"}')
  elseif mode == "body" then
    return wrk.format("POST", "/body", {["Content-Type"] = "application/json"},
      '{"email":"' .. email .. '","correlationId":"' .. cid .. '"}')
  elseif mode == "form" then
    return wrk.format("POST", "/form", {["Content-Type"] = "application/x-www-form-urlencoded"},
      "email=" .. email:gsub("@", "%%40") .. "&correlationId=" .. cid)
  elseif mode == "query" then
    return wrk.format("GET", "/query?email=" .. email:gsub("@", "%%40") .. "&correlationId=" .. cid)
  else
    return wrk.format("GET", "/header", {["email"] = email, ["correlationId"] = cid})
  end
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.3f %.3f %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.requests))
end
