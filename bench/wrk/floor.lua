-- A floor: the same request loop with nothing signed in (see session.lua for the output).
-- Arguments: path=/, method=GET or POST, form=<url-encoded body for POST>, expect=200.
package.path = os.getenv("LMS_BENCH_WRK") .. "/?.lua;" .. package.path
local session = require("session")

session.install(function()
  local options = session.options
  if options.method ~= "POST" then
    return wrk.format("GET", options.path, session.headers())
  end
  return session.post_form(options.path, options.form or "")
end)
