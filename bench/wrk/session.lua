-- A signed-in browser per connection, shared by the scenario scripts.
--
-- Every scenario runs with as many wrk threads as connections, so each thread's Lua state is
-- one connection: it signs in once as its own account (GET /login for the form's CSRF token and
-- the session cookie, then POST /login), keeps the cookie and the token, and from then on sends
-- what the scenario asks for. The session is also written to a file named after the account:
-- a later run finds it there and starts timing scenario requests at once, so sign-in requests
-- (and their latency) are only ever part of the untimed warm-up run.
--
-- Arguments (after `--`, as key=value): account=learner%d@example.org (%d: first + thread
-- number), first=0, password=..., sessions=DIR, expect=200, plus what the scenario reads.

local M = {}

M.options = {}
M.cookies = {}
M.csrf = nil

local threads = {}
local next_id = 0
local stage = "ready"
local email = nil
local unexpected = 0
local sign_ins = 0
local sign_in_requests = 0
local expect = 200
local session_file = nil

-- Chromium's header: pages are sent compressed, as to real browsers.
local ACCEPT_ENCODING = "gzip, deflate, br"

function M.setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local function urlencode(text)
  return (text:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end
M.urlencode = urlencode

local function cookie_header()
  local parts = {}
  for name, value in pairs(M.cookies) do
    table.insert(parts, name .. "=" .. value)
  end
  return table.concat(parts, "; ")
end

local function keep_cookies(headers)
  local set = headers["Set-Cookie"] or headers["set-cookie"]
  if set then
    local name, value = set:match("^%s*([^=;]+)=([^;]*)")
    if name then
      M.cookies[name] = value
    end
  end
end

local function save_session()
  local file = io.open(session_file, "w")
  if file then
    file:write(cookie_header(), "\n", M.csrf, "\n")
    file:close()
  end
end

local function load_session()
  local file = io.open(session_file, "r")
  if not file then
    return false
  end
  local cookies = file:read("*l")
  local csrf = file:read("*l")
  file:close()
  if not cookies or not csrf or csrf == "" then
    return false
  end
  for name, value in cookies:gmatch("([^=; ]+)=([^;]*)") do
    M.cookies[name] = value
  end
  M.csrf = csrf
  return true
end

function M.init(args)
  for _, arg in ipairs(args) do
    local key, value = arg:match("^([%w_]+)=(.*)$")
    if key then
      M.options[key] = value
    end
  end
  expect = tonumber(M.options.expect or "200")
  if M.options.account then
    email = string.format(M.options.account, tonumber(M.options.first or "0") + id)
    session_file = M.options.sessions .. "/" .. email
    stage = load_session() and "ready" or "form"
  end
  math.randomseed(1000 + id)
end

-- The status the next response must have (for scripts mixing kinds of request).
function M.expected(status)
  expect = status
end

-- The headers of a request from this browser (sign-in steps ask for plain text: the token is
-- read from the form).
function M.headers(extra, plain)
  local headers = {}
  if not plain then
    headers["Accept-Encoding"] = ACCEPT_ENCODING
  end
  local cookies = cookie_header()
  if cookies ~= "" then
    headers.Cookie = cookies
  end
  for name, value in pairs(extra or {}) do
    headers[name] = value
  end
  return headers
end

-- The request to send: a sign-in step, or `scenario()` once signed in.
function M.request(scenario)
  if stage == "form" then
    sign_in_requests = sign_in_requests + 1
    return wrk.format("GET", "/login", M.headers(nil, true))
  end
  if stage == "post" then
    sign_in_requests = sign_in_requests + 1
    local body = "email=" .. urlencode(email) .. "&password=" .. urlencode(M.options.password)
      .. "&csrf_token=" .. urlencode(M.csrf)
    return wrk.format("POST", "/login", M.headers({
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, true), body)
  end
  return scenario()
end

function M.response(status, headers, body)
  keep_cookies(headers)
  if stage == "form" then
    M.csrf = body:match('name="csrf_token" value="([^"]+)"')
    stage = M.csrf and "post" or "form"
  elseif stage == "post" then
    if status == 302 then
      sign_ins = sign_ins + 1
      save_session()
      stage = "ready"
    else
      stage = "form"
    end
  elseif status ~= expect then
    unexpected = unexpected + 1
  end
  -- Read by done() through thread:get, which only sees globals.
  _G.unexpected = unexpected
  _G.sign_ins = sign_ins
  _G.sign_in_requests = sign_in_requests
end

-- One JSON line the runner reads: wrk's totals, the latency percentiles (microseconds) and
-- the requests that were sign-in steps or answered with an unexpected status.
function M.done(summary, latency, requests)
  local unexpected_total, sign_ins_total, sign_in_requests_total = 0, 0, 0
  for _, thread in ipairs(threads) do
    unexpected_total = unexpected_total + (thread:get("unexpected") or 0)
    sign_ins_total = sign_ins_total + (thread:get("sign_ins") or 0)
    sign_in_requests_total = sign_in_requests_total + (thread:get("sign_in_requests") or 0)
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, '
      .. '"p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, "socket_errors": %d, '
      .. '"timeouts": %d, "status_errors": %d, "unexpected": %d, "sign_ins": %d, '
      .. '"sign_in_requests": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    errors.connect + errors.read + errors.write, errors.timeout, errors.status,
    unexpected_total, sign_ins_total, sign_in_requests_total
  ))
end

-- Makes `scenario` (a function returning the next request) the script's request function.
-- A quiz submission: the form's fields (form=...), the session's CSRF token and a submission
-- key of its own (run, this connection's id, its count `sent`), so that every one is graded
-- and recorded as a new attempt.
function M.quiz_submission(path, sent)
  local key = string.format("%s-%d-%d", M.options.run, id, sent)
  local body = M.options.form .. "&csrf_token=" .. urlencode(M.csrf)
    .. "&submission_token=" .. key
  return M.post_form(path, body)
end

-- A form POST from this browser (`extra`: more headers).
function M.post_form(path, body, extra)
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  for name, value in pairs(extra or {}) do
    headers[name] = value
  end
  return wrk.format("POST", path, M.headers(headers), body)
end

function M.install(scenario)
  setup = M.setup
  init = M.init
  request = function()
    return M.request(scenario)
  end
  response = M.response
  done = M.done
end

return M
