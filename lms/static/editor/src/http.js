// JSON requests to the editor's endpoints, with the form's CSRF token.

/**
 * POST `body` as JSON; resolves to {status, data} with data the parsed answer (null when it is
 * not JSON). Rejects only when the request itself fails (no connection) or is aborted.
 */
export async function postJSON(url, body, { csrf, signal, keepalive = false }) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
    body: JSON.stringify(body),
    signal,
    keepalive,
  });
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    // An HTML error page or a sign-in page: the caller reports the status.
  }
  return { status: response.status, data };
}

/** The server's own words for a failed request, or a general sentence with the status. */
export function errorText(status, data, t) {
  if (data && typeof data.error === "string" && data.error) return data.error;
  return t("unexpectedAnswer", { status });
}
