-- The realistic service: MODE (body, form, query, header) from the environment. Request i asks
-- for an unknown member when i % 10 == 0 (10% localized 409s), sends a first name when i is
-- odd and a last name when i % 3 ~= 0, and rotates four LCIDs (en, fr, de, es).
-- perf/real_mix.py builds the same mix for the instruction counts.
local mode = os.getenv("MODE") or "body"
local counter = 0
local lcids = {"1033", "1036", "1031", "3082"}

local function enc(s) return (s:gsub("@", "%%40")) end

request = function()
  counter = counter + 1
  local n = counter % 1000
  local email
  if counter % 10 == 0 then
    email = "nobody" .. n .. "@contoso.com"
  else
    email = "member" .. n .. "@contoso.com"
  end
  local first = (counter % 2 == 1) and "Emily" or nil
  local last = (counter % 3 ~= 0) and "Martin" or nil
  local lcid = lcids[(counter % 4) + 1]
  if mode == "body" then
    local b = '{"email":"' .. email .. '"'
    if first then b = b .. ',"firstName":"' .. first .. '"' end
    if last then b = b .. ',"lastName":"' .. last .. '"' end
    b = b .. ',"culture":"' .. lcid .. '"}'
    return wrk.format("POST", "/real/body", {["Content-Type"] = "application/json"}, b)
  end
  local q = "email=" .. enc(email)
  if first then q = q .. "&firstName=" .. first end
  if last then q = q .. "&lastName=" .. last end
  q = q .. "&culture=" .. lcid
  if mode == "form" then
    return wrk.format("POST", "/real/form", {["Content-Type"] = "application/x-www-form-urlencoded"}, q)
  elseif mode == "query" then
    return wrk.format("GET", "/real/query?" .. q)
  else
    local h = {["email"] = email, ["culture"] = lcid}
    if first then h["firstName"] = first end
    if last then h["lastName"] = last end
    return wrk.format("GET", "/real/header", h)
  end
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.3f %.3f %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.requests))
end
