-- Quiz submissions as a signed-in browser (see session.lua): each POST carries the form's
-- fields (form=<url-encoded answers, version and language>), the session's CSRF token and a
-- submission key of its own, so every one is graded and recorded as a new attempt.
-- Arguments: path=/learn/<module>/quiz, form=..., run=<a word unique to this run>.
package.path = os.getenv("LMS_BENCH_WRK") .. "/?.lua;" .. package.path
local session = require("session")

local sent = 0

session.install(function()
  sent = sent + 1
  return session.quiz_submission(session.options.path, sent)
end)
