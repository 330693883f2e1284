// The copy of unsaved text kept on this device (localStorage), so a dropped connection or a
// closed tab loses nothing. Storage may be missing or refused; the editor works on without it.

function storage() {
  try {
    return window.localStorage;
  } catch (error) {
    return null;
  }
}

/** The copy kept under `key`: read() -> {text, revision, savedAt} or null, write(copy), clear(). */
export function localCopy(key) {
  return {
    read() {
      const store = storage();
      if (!store || !key) return null;
      try {
        const copy = JSON.parse(store.getItem(key) || "null");
        return copy && typeof copy.text === "string" ? copy : null;
      } catch (error) {
        return null;
      }
    },
    write(copy) {
      const store = storage();
      if (!store || !key) return;
      try {
        store.setItem(key, JSON.stringify(copy));
      } catch (error) {
        // Full or refused: the server copy still comes with the next save.
      }
    },
    clear() {
      const store = storage();
      if (!store || !key) return;
      try {
        store.removeItem(key);
      } catch (error) {
        // Nothing to do: a stale copy is offered back only when it differs from the draft.
      }
    },
  };
}
