-- A day's mix as signed-in browsers (see session.lua): 85 % lesson views (any lesson of the
-- course), 10 % quiz submissions, 5 % course home with progress. With think_ms > 0 each
-- browser waits a random time (exponential, that mean) before each request, so the load is
-- a rate below the maximum rather than the maximum.
-- Arguments: lessons=<path,path,...>, quiz=<path>, form=<quiz fields>, home=<path>,
-- run=<a word unique to this run>, think_ms=0, expect is not used (each kind has its own).
package.path = os.getenv("LMS_BENCH_WRK") .. "/?.lua;" .. package.path
local session = require("session")

local lessons = nil
local sent = 0
local expected = nil

local function split(text)
  local items = {}
  for item in text:gmatch("[^,]+") do
    table.insert(items, item)
  end
  return items
end

session.install(function()
  local options = session.options
  lessons = lessons or split(options.lessons)
  sent = sent + 1
  local draw = math.random(100)
  if draw <= 85 then
    expected = 200
    return wrk.format("GET", lessons[math.random(#lessons)], session.headers())
  end
  if draw <= 95 then
    expected = 302
    return session.quiz_submission(options.quiz, sent)
  end
  expected = 200
  return wrk.format("GET", options.home, session.headers())
end)

-- Each kind of request has its own right status.
local check_status = response
response = function(status, headers, body)
  session.expected(expected)
  check_status(status, headers, body)
end

function delay()
  local mean = tonumber(session.options.think_ms or "0")
  if mean <= 0 then
    return 0
  end
  return math.floor(-mean * math.log(1 - math.random()))
end
