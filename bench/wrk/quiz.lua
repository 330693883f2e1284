-- Quiz submissions as a signed-in browser (see session.lua): each POST carries the form's
-- fields (form=<url-encoded answers, version and language>), the session's CSRF token and a
-- submission key of its own, so every one is graded and recorded as a new attempt.
-- Arguments: path=/learn/<module>/quiz, form=..., run=<a word unique to this run>.
package.path = os.getenv("LMS_BENCH_WRK") .. "/?.lua;" .. package.path
local session = require("session")

local sent = 0

session.install(function()
  local options = session.options
  sent = sent + 1
  local token = string.format("%s-%d-%d", options.run, id, sent)
  local body = options.form .. "&csrf_token=" .. session.urlencode(session.csrf)
    .. "&submission_token=" .. token
  return wrk.format("POST", options.path, session.headers({
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }), body)
end)
