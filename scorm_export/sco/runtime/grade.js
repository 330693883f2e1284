/* Grading and SCORM response formats of the SCO: a port of lms/content/questions/*.py.
   The same rules as the platform's graders, checked against them on shared fixtures
   (tests/fixtures/grading_cases.json). Pure functions; also loads under Node for those tests. */
(function (root) {
  'use strict';

  // Python's str.isspace() characters: what `\s`, strip() and split() mean on the server.
  const WS = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
  const LEADING = new RegExp('^[' + WS + '¡¿"\'«»“”]+');
  const TRAILING = new RegExp('[' + WS + '.,;:!?¡¿"\'«»“”]+$');
  const SPACES = new RegExp('[' + WS + ']+');
  const STRIP = new RegExp('^[' + WS + ']+|[' + WS + ']+$', 'g');
  const NUMBER_NOISE = new RegExp('[' + WS + '%]', 'g');
  const NUMBER = /^-?\p{Nd}+(?:[.,]\p{Nd}+)?$/u;
  const INTEGER = /^[+-]?\p{Nd}+(?:_\p{Nd}+)*$/u;
  const DIGIT = /\p{Nd}/u;
  const EPSILON = 1e-9;

  const pyStrip = (text) => text.replace(STRIP, '');

  // A decimal digit of any script as ASCII: Unicode lays each script's digits out 0 to 9.
  function asciiDigits(text) {
    let out = '';
    for (const ch of text) {
      if (ch >= '0' && ch <= '9' || !DIGIT.test(ch)) { out += ch; continue; }
      let start = ch.codePointAt(0);
      while (DIGIT.test(String.fromCodePoint(start - 1))) start -= 1;
      out += String((ch.codePointAt(0) - start) % 10);
    }
    return out;
  }

  // Python's int(str(value)) for a JSON value, or null where Python raises ValueError.
  function pyInt(value) {
    if (typeof value === 'number') return Number.isInteger(value) ? value : null;
    if (typeof value !== 'string') return null;
    const text = pyStrip(value);
    return INTEGER.test(text) ? Number(asciiDigits(text).replace(/_/g, '')) : null;
  }

  // base.as_index: a response index within range, or null.
  function asIndex(value, size) {
    const index = typeof value === 'boolean' ? null : pyInt(value);
    return index !== null && index >= 0 && index < size ? index : null;
  }

  // A mark with a non-zero canonical combining class: canonical reordering moves it before
  // U+0345, the only mark of the highest class (240).
  const isCombining = (ch) => ch === '\u0345' || ('\u0345' + ch).normalize('NFD')[0] !== '\u0345';

  // str.casefold(), for the characters where lower(upper(c)) says otherwise.
  function casefold(text) {
    let out = '';
    for (const ch of text) {
      const code = ch.codePointAt(0);
      if (code === 0x131) out += ch;
      else if (code === 0x1E9E) out += 'ss';
      else if (code >= 0x13A0 && code <= 0x13FD || code >= 0xAB70 && code <= 0xABBF) out += ch.toUpperCase();
      else out += ch.toUpperCase().toLowerCase();
    }
    return out.replace(/ς/g, 'σ');
  }

  // text.loose: fold case, accents, spacing and surrounding punctuation.
  function loose(text) {
    let bare = '';
    for (const ch of text.normalize('NFKD')) if (!isCombining(ch)) bare += ch;
    bare = bare.replace(LEADING, '').replace(TRAILING, '');
    return casefold(bare).split(SPACES).filter(Boolean).join(' ');
  }

  // numeric.parse_learner_number: spaces and % ignored, comma or point as decimal mark.
  function parseLearnerNumber(text) {
    const cleaned = text.replace(NUMBER_NOISE, '');
    return NUMBER.test(cleaned) ? Number(asciiDigits(cleaned).replace(',', '.')) : null;
  }

  const isList = Array.isArray;

  function picked(q, response) {
    if (!isList(response)) return [];
    const found = new Set();
    for (const value of response) {
      const index = asIndex(value, q.correct.length);
      if (index !== null) found.add(index);
    }
    return [...found].sort((a, b) => a - b);
  }

  function textKey(q, text) {
    return q.exact ? pyStrip(text) : loose(text);
  }

  function countRight(wanted, response, size) {
    let right = 0;
    wanted.forEach((want, i) => {
      if (i < response.length && response[i] !== null && asIndex(response[i], size) === want) right += 1;
    });
    return right;
  }

  // Points earned on one question: the `grade` method of each Python question type.
  const GRADERS = {
    single(q, response) {
      const index = response === null || response === undefined ? null : asIndex(response, q.correct.length);
      return index !== null && q.correct[index] ? q.points : 0;
    },
    multiple(q, response) {
      const right = q.correct.filter(Boolean).length || 1;
      const share = q.points / right;
      let earned = 0;
      for (const i of picked(q, response)) earned += q.correct[i] ? share : -share;
      return Math.max(0, Math.min(q.points, earned));
    },
    truefalse(q, response) {
      return typeof response === 'boolean' && response === q.answer ? q.points : 0;
    },
    text(q, response) {
      if (typeof response !== 'string' || !pyStrip(response)) return 0;
      const key = textKey(q, response);
      return q.accepted.some((a) => textKey(q, a) === key) ? q.points : 0;
    },
    numeric(q, response) {
      const value = typeof response === 'string' ? parseLearnerNumber(response) : null;
      const right = value !== null && q.intervals.some(([low, high]) => low - EPSILON <= value && value <= high + EPSILON);
      return right ? q.points : 0;
    },
    matching(q, response) {
      if (!isList(response)) return 0;
      return q.key.length ? q.points * countRight(q.key, response, q.rights) / q.key.length : 0;
    },
    order(q, response) {
      if (!isList(response)) return 0;
      const size = q.positions.length;
      return size ? q.points * countRight(q.positions, response, size + 1) / size : 0;
    },
  };

  function grade(q, response) {
    return { score: GRADERS[q.type](q, response === undefined ? null : response), max: q.points };
  }

  // Question.is_answered.
  function isAnswered(q, response) {
    if (q.type === 'matching' || q.type === 'order') return isList(response) && response.some((r) => r !== null);
    return !(response === null || response === undefined || response === '' || (isList(response) && !response.length));
  }

  // round(value, digits) as Python does it: on the exact binary value, ties to even.
  function roundHalfEven(value, digits) {
    if (!Number.isFinite(value)) return value;
    const exact = Math.abs(value).toFixed(100);
    const cut = exact.indexOf('.') + 1 + digits;
    const rest = exact.slice(cut);
    let units = BigInt(exact.slice(0, cut).replace('.', ''));
    const tie = rest[0] === '5' && !/[1-9]/.test(rest.slice(1));
    if (rest[0] > '5' || rest[0] === '5' && !tie || tie && units % 2n === 1n) units += 1n;
    const rounded = Number(units) / 10 ** digits;
    return value < 0 ? -rounded : rounded;
  }

  // The quiz score as the platform computes it: a percentage with two decimals.
  function percent(score, total) {
    return total ? roundHalfEven(100 * score / total, 2) : 0;
  }

  // ---- SCORM interaction formats: lms/content/questions/interaction.py ----

  const FORMATS = {
    '1.2': { separator: ',', pair: '.', true: 't', false: 'f', textLimit: 255, integerDigits: null },
    '2004': { separator: '[,]', pair: '[.]', true: 'true', false: 'false', textLimit: 250, integerDigits: 5 },
  };

  const choiceId = (index) => (index < 26 ? String.fromCharCode(97 + index) : 'o' + (index + 1));

  // Positional notation of JavaScript's shortest round-trip digits (the digits Python's repr gives).
  function positional(text) {
    const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
    if (!match) return text;
    const digits = match[2] + (match[3] || '');
    const point = match[2].length + Number(match[4]);
    if (point <= 0) return match[1] + '0.' + '0'.repeat(-point) + digits;
    if (point >= digits.length) return match[1] + digits + '0'.repeat(point - digits.length);
    return match[1] + digits.slice(0, point) + '.' + digits.slice(point);
  }

  function decimalText(value, integerDigits) {
    if (!Number.isFinite(value)) return null;
    if (value === 0) return '0';
    const text = positional(String(value));
    const [integer, fraction = ''] = text.replace('-', '').split('.');
    if (fraction.length > 18 || (integerDigits !== null && integerDigits !== undefined && integer.length > integerDigits)) return null;
    return text;
  }

  // The longest prefix within `limit` UTF-16 units, never splitting a character.
  function utf16Prefix(text, limit) {
    let out = '';
    for (const ch of text) {
      if (out.length + ch.length > limit) break;
      out += ch;
    }
    return out;
  }

  function fillInText(text, fmt) {
    let out = text.replace(/[\r\n\u2028\u2029]+/g, ' ');
    if (fmt.separator !== ',') out = out.split(fmt.separator).join(',');
    return utf16Prefix(out.replace(/^\{+/, ''), fmt.textLimit);
  }

  // The learner's response as this question's interaction writes it; null when there is none.
  const RESPONSES = {
    single(q, response) {
      const index = response === null ? null : asIndex(response, q.correct.length);
      return index === null ? null : choiceId(index);
    },
    multiple(q, response, fmt) {
      const chosen = picked(q, response);
      return chosen.length ? chosen.map(choiceId).join(fmt.separator) : null;
    },
    truefalse(q, response, fmt) {
      return typeof response === 'boolean' ? (response ? fmt.true : fmt.false) : null;
    },
    text(q, response, fmt) {
      if (typeof response !== 'string' || !pyStrip(response)) return null;
      return fillInText(pyStrip(response), fmt) || null;
    },
    numeric(q, response, fmt) {
      const value = typeof response === 'string' ? parseLearnerNumber(response) : null;
      return value === null ? null : decimalText(value, fmt.integerDigits);
    },
    matching(q, response, fmt) {
      if (!isList(response)) return null;
      const pairs = [];
      response.slice(0, q.key.length).forEach((given, i) => {
        const right = given === null ? null : asIndex(given, q.rights);
        if (right !== null) pairs.push((i + 1) + fmt.pair + choiceId(right));
      });
      return pairs.join(fmt.separator) || null;
    },
    order(q, response, fmt) {
      if (!isList(response)) return null;
      const size = q.positions.length;
      const placed = [];
      response.slice(0, size).forEach((given, k) => {
        const position = given === null ? null : asIndex(given, size + 1);
        if (position) placed.push([position, k]);
      });
      placed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      return placed.map(([, k]) => choiceId(k)).join(fmt.separator) || null;
    },
  };

  function interactionResponse(q, response, version) {
    return RESPONSES[q.type](q, response === undefined ? null : response, FORMATS[version]);
  }

  // What an interaction of type `type` records for this response: {type, response}, the type
  // changed to fill-in when the response cannot be written as the question's own type. That
  // happens to a number beyond what a SCORM 2004 numeric response holds: Moodle refuses more
  // than 5 integer digits (scorm_13.js CMIDecimal; the standard's real(10,7), which scorm-again
  // checks, allows 10) and neither allows more than 18 decimals. Clamping or rounding it would
  // report an answer the learner did not give, so the number is written in full as text; its
  // grade (the result and the score) is computed from the answer itself and stays exact.
  function interactionRecord(q, type, response, version) {
    const written = interactionResponse(q, response, version);
    if (written !== null || q.type !== 'numeric' || typeof response !== 'string') return { type, response: written };
    const value = parseLearnerNumber(response);
    if (value === null) return { type, response: null };
    const text = decimalText(value, null);
    return { type: 'fill-in', response: fillInText(text === null ? pyStrip(response) : text, FORMATS[version]) };
  }

  const api = {
    grade, isAnswered, percent, roundHalfEven, loose, parseLearnerNumber, asIndex, strip: pyStrip,
    interactionResponse, interactionRecord, decimalText,
  };
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.ScoGrade = api;
})(this);
