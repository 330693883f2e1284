/* The LMS connection of the SCO: finds the SCORM 1.2 or 2004 API, names the data model elements
   of each version, and checks every call, so that a refused value is reported, never lost. */
(function (root) {
  'use strict';

  const CALLS = {
    '1.2': {
      api: 'API', start: 'LMSInitialize', get: 'LMSGetValue', set: 'LMSSetValue',
      commit: 'LMSCommit', finish: 'LMSFinish', error: 'LMSGetLastError', message: 'LMSGetErrorString',
    },
    '2004': {
      api: 'API_1484_11', start: 'Initialize', get: 'GetValue', set: 'SetValue',
      commit: 'Commit', finish: 'Terminate', error: 'GetLastError', message: 'GetErrorString',
    },
  };

  const ELEMENTS = {
    '1.2': {
      entry: 'cmi.core.entry', mode: 'cmi.core.lesson_mode', learner: 'cmi.core.student_id',
      status: 'cmi.core.lesson_status', location: 'cmi.core.lesson_location',
      exit: 'cmi.core.exit', sessionTime: 'cmi.core.session_time',
      raw: 'cmi.core.score.raw', min: 'cmi.core.score.min', max: 'cmi.core.score.max',
      suspendData: 'cmi.suspend_data', interactions: 'cmi.interactions',
      response: 'student_response', time: 'time',
    },
    '2004': {
      entry: 'cmi.entry', mode: 'cmi.mode', learner: 'cmi.learner_id',
      completion: 'cmi.completion_status', success: 'cmi.success_status', location: 'cmi.location',
      exit: 'cmi.exit', sessionTime: 'cmi.session_time',
      raw: 'cmi.score.raw', min: 'cmi.score.min', max: 'cmi.score.max', scaled: 'cmi.score.scaled',
      suspendData: 'cmi.suspend_data', interactions: 'cmi.interactions',
      response: 'learner_response', time: 'timestamp',
    },
  };

  // Limits of the strictest LMSs (SCORM 1.2's own; Moodle's for 2004).
  const LIMITS = { '1.2': { suspendData: 4096, location: 255 }, '2004': { suspendData: 64000, location: 1000 } };

  // Walks up the frames, then the opener's, as the SCORM discovery algorithm does. Frames of
  // another origin throw on access: they cannot hold our API anyway.
  function findIn(win, name) {
    for (let hops = 0; win && hops < 500; hops += 1) {
      try {
        if (win[name]) return win[name];
        if (!win.parent || win.parent === win) return null;
        win = win.parent;
      } catch (error) {
        return null;
      }
    }
    return null;
  }

  function findApi(name) {
    let api = findIn(root, name);
    try {
      if (!api && root.opener) api = findIn(root.opener, name);
    } catch (error) {
      api = null;
    }
    return api;
  }

  // Pads a number with zeros: 7 -> "07".
  const pad = (value, width) => String(value).padStart(width, '0');

  // Seconds as SCORM 1.2 (HHHH:MM:SS.SS) or 2004 (PT#H#M#S, at most two decimals) want them.
  function timespan(seconds, version) {
    const centis = Math.max(0, Math.round(seconds * 100));
    const hours = Math.floor(centis / 360000);
    const minutes = Math.floor(centis % 360000 / 6000);
    const rest = centis % 6000;
    const secs = Math.floor(rest / 100);
    const fraction = rest % 100;
    if (version === '1.2') {
      return pad(Math.min(hours, 9999), 2) + ':' + pad(minutes, 2) + ':' + pad(secs, 2) + (fraction ? '.' + pad(fraction, 2) : '');
    }
    const s = secs + (fraction ? '.' + pad(fraction, 2).replace(/0$/, '') : '');
    return 'PT' + (hours ? hours + 'H' : '') + (minutes ? minutes + 'M' : '') + (s !== '0' || !(hours || minutes) ? s + 'S' : '');
  }

  // A moment as SCORM 1.2 CMITime (local HH:MM:SS) or 2004 timestamp (UTC, two decimals: Moodle
  // refuses the three that toISOString gives).
  function moment(date, version) {
    if (version === '1.2') return pad(date.getHours(), 2) + ':' + pad(date.getMinutes(), 2) + ':' + pad(date.getSeconds(), 2);
    return date.toISOString().slice(0, 22) + 'Z';
  }

  class Connection {
    /* `onFailure({call, element, code, message})` hears of every refused call. */
    constructor(version, onFailure) {
      this.version = version;
      this.calls = CALLS[version];
      this.elements = ELEMENTS[version];
      this.limits = LIMITS[version];
      this.onFailure = onFailure;
      this.api = findApi(this.calls.api);
      this.started = false;
      this.finished = false;
    }

    get available() {
      return Boolean(this.api);
    }

    get active() {
      return this.started && !this.finished;
    }

    failure(call, element) {
      let code = '';
      let message = '';
      try {
        code = String(this.api[this.calls.error]());
        message = String(this.api[this.calls.message](code));
      } catch (error) {
        message = String(error);
      }
      this.onFailure({ call, element, code, message });
      return false;
    }

    invoke(call, ...args) {
      try {
        return this.api[this.calls[call]](...args);
      } catch (error) {
        return 'false';
      }
    }

    start() {
      if (!this.api) return false;
      this.started = String(this.invoke('start', '')) === 'true';
      return this.started || this.failure('start', '');
    }

    // A value, or `fallback` when the LMS has none: `tolerated` error codes mean "not set yet"
    // (2004 answers 403 for a value never initialised; Moodle answers "" with no error).
    get(element, fallback = '', tolerated = ['403']) {
      if (!this.active) return fallback;
      const value = this.invoke('get', element);
      const code = String(this.invoke('error'));
      if (code === '0') return value === null || value === undefined ? fallback : String(value);
      if (tolerated.includes(code)) return fallback;
      this.failure('get', element);
      return fallback;
    }

    set(element, value) {
      if (!this.active) return false;
      if (String(this.invoke('set', element, String(value))) === 'true') return true;
      return this.failure('set', element);
    }

    commit() {
      if (!this.active) return false;
      if (String(this.invoke('commit', '')) === 'true') return true;
      return this.failure('commit', '');
    }

    finish() {
      if (!this.active) return false;
      this.finished = true; // before the call: a second pagehide must not finish again
      if (String(this.invoke('finish', '')) === 'true') return true;
      return this.failure('finish', '');
    }
  }

  root.ScoApi = { Connection, timespan, moment };
})(this);
