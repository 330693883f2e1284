-- One page, again and again, as a signed-in browser (see session.lua).
-- Arguments: path=/learn/..., method=GET or POST, form=<url-encoded fields> (POST; the
-- session's CSRF token is added), ajax=1 to send it as the page's script does.
package.path = os.getenv("LMS_BENCH_WRK") .. "/?.lua;" .. package.path
local session = require("session")

session.install(function()
  local options = session.options
  if options.method ~= "POST" then
    return wrk.format("GET", options.path, session.headers())
  end
  local extra = {}
  if options.ajax == "1" then
    extra["X-Requested-With"] = "XMLHttpRequest"
  end
  local body = (options.form or "") .. "&csrf_token=" .. session.urlencode(session.csrf)
  return session.post_form(options.path, body, extra)
end)
