/* The SCO at run time: one page of the module at a time, knowledge checks, the graded quiz, and
   everything the LMS must record (interactions, score, status, bookmark, suspend_data). */
(function () {
  'use strict';

  const data = JSON.parse(document.getElementById('sco-data').textContent);
  const G = window.ScoGrade;
  const R = window.ScoReview;
  const { Connection, timespan, moment } = window.ScoApi;
  const L = data.labels;
  const V = data.version;
  const $ = (selector, scope = document) => scope.querySelector(selector);
  const $$ = (selector, scope = document) => Array.from(scope.querySelectorAll(selector));
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (field, name) => (name in values ? values[name] : field));
  const shown = (value) => String(G.roundHalfEven(value, 2));
  // Milliseconds from a change to its commit: a choice is saved at once, typing when it pauses.
  const SAVE_DELAY = { change: 200, input: 1500 };

  const quiz = data.quiz;
  const checks = data.checks;
  const pages = data.pages.map((id) => document.getElementById(id));
  const quizSets = quiz.map((q) => document.getElementById('q-' + q.id));
  const checkSets = checks.map((q) => document.getElementById('q-' + q.id));

  // What suspend_data keeps, so a learner resumes where they stopped.
  const state = {
    seen: [], // pages opened
    used: 0, // quiz attempts submitted
    best: null, // best percentage so far
    last: null, // percentage of the last submission
    submitted: false, // the answers shown are a submitted attempt
    responses: quiz.map(() => null),
    interactions: quiz.map(() => -1), // cmi.interactions index of each question in this attempt
    checks: checks.map(() => null),
  };

  let current = 0;
  let nextInteraction = 0;
  let recording = false;
  let confirmSubmit = false;
  let saveTimer = null;
  let pendingReport = null; // the score or completion, until the LMS has taken it
  const dirty = new Set();
  const touched = new Map(); // question -> when the learner first worked on it in this attempt
  const startedAt = Date.now();
  const failures = []; // refused calls, newest last

  // ---- messages ----

  function notice(text) {
    const box = $('#sco-notice');
    box.textContent = text;
    box.hidden = false;
  }

  function alertSaveFailed(failure) {
    const box = $('#sco-alert');
    const error = failure.code ? failure.code + (failure.message ? ' (' + failure.message + ')' : '') : failure.message;
    $('p', box).textContent = fill(L.saveFailed, { error });
    box.hidden = false;
  }

  function onFailure(failure) {
    failures.push(failure);
    if (failure.call !== 'start' && failure.call !== 'get') alertSaveFailed(failure);
  }

  const conn = new Connection(V, onFailure);
  const E = conn.elements;

  // ---- reading and showing answers ----

  const isRight = (grade) => grade.score >= grade.max - 1e-9;

  function readResponse(fieldset, q) {
    const name = 'q-' + q.id;
    const checked = $$('input[name="' + name + '"]:checked', fieldset).map((input) => input.value);
    const selects = (size) => $$('tr[data-index]', fieldset)
      .sort((a, b) => a.dataset.index - b.dataset.index)
      .map((row) => {
        const value = $('select', row).value;
        return value ? G.asIndex(value, size) : null;
      });
    switch (q.type) {
      case 'single': return checked.length ? G.asIndex(checked[0], q.correct.length) : null;
      case 'multiple': return checked.map(Number).sort((a, b) => a - b);
      case 'truefalse': return checked.length ? checked[0] === 'true' : null;
      case 'text': return Array.from(G.strip($('input', fieldset).value)).slice(0, 500).join('');
      case 'numeric': return Array.from(G.strip($('input', fieldset).value)).slice(0, 50).join('');
      case 'matching': return selects(q.rights);
      default: return selects(q.positions.length + 1);
    }
  }

  function writeResponse(fieldset, q, response) {
    const name = 'q-' + q.id;
    if (q.type === 'text' || q.type === 'numeric') {
      $('input', fieldset).value = typeof response === 'string' ? response : '';
      return;
    }
    if (q.type === 'matching' || q.type === 'order') {
      $$('tr[data-index]', fieldset).forEach((row) => {
        const given = Array.isArray(response) ? response[Number(row.dataset.index)] : null;
        $('select', row).value = given === null || given === undefined ? '' : String(given);
      });
      return;
    }
    const wanted = q.type === 'multiple' ? (Array.isArray(response) ? response.map(String) : [])
      : [response === null || response === undefined ? '' : String(response)];
    $$('input[name="' + name + '"]', fieldset).forEach((input) => { input.checked = wanted.includes(input.value); });
  }

  // The review of one answer; `shows` (review.js) names the parts the learner may see now.
  function showOutcome(fieldset, q, response, shows = R.everything) {
    const grade = G.grade(q, response);
    const result = $('.result', fieldset);
    if (!G.isAnswered(q, response) && !state.submitted) {
      result.className = 'result';
      result.textContent = L.noAnswer;
      return;
    }
    const kind = isRight(grade) ? 'right' : grade.score > 0 ? 'partly' : 'wrong';
    const said = [];
    if (shows.correctness) said.push(L[kind]);
    if (shows.marks) said.push(fill(L.points, { score: shown(grade.score), max: shown(grade.max) }));
    result.className = shows.correctness ? 'result result-' + kind : 'result';
    result.textContent = said.join(' ');
    const chosen = Array.isArray(response) ? response.map(String) : [String(response)];
    $$('.options > li', fieldset).forEach((item) => {
      const feedback = $('.feedback', item);
      if (feedback) feedback.hidden = !shows.feedback || !chosen.includes(item.dataset.index);
    });
    const rightFeedback = $('.feedback-right', fieldset);
    if (rightFeedback) rightFeedback.hidden = !shows.feedback || !isRight(grade);
    $$('.key', fieldset).forEach((key) => { key.hidden = !shows.right_answer; });
    const explanation = $('.explanation', fieldset);
    if (explanation) explanation.hidden = !shows.explanation;
    fieldset.classList.add('reviewed');
    fieldset.classList.toggle('key-shown', shows.right_answer);
  }

  function clearOutcome(fieldset) {
    $$('.feedback, .key, .explanation', fieldset).forEach((element) => { element.hidden = true; });
    const result = $('.result', fieldset);
    result.className = 'result';
    result.textContent = '';
    fieldset.classList.remove('reviewed', 'key-shown');
  }

  // Options, pairs and items of `shuffle` questions in an order of their own for each learner.
  function shuffle(seed) {
    $$('[data-shuffle]').forEach((list) => {
      const question = list.closest('fieldset').dataset.question;
      let h = 2166136261; // FNV-1a of learner and question, then mulberry32
      for (const ch of seed + ':' + question) h = Math.imul(h ^ ch.codePointAt(0), 16777619);
      const random = () => {
        h = (h + 0x6D2B79F5) | 0;
        let t = Math.imul(h ^ (h >>> 15), 1 | h);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const items = Array.from(list.children);
      for (let i = items.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      items.forEach((item) => list.appendChild(item));
    });
  }

  // ---- suspend_data ----

  function serialize(withChecks) {
    const saved = {
      v: 1, s: state.seen, u: state.used, b: state.best, l: state.last, d: state.submitted ? 1 : 0,
      r: state.responses, i: state.interactions,
    };
    if (withChecks) saved.k = state.checks;
    return JSON.stringify(saved);
  }

  function restore(text) {
    let saved;
    try {
      saved = JSON.parse(text);
    } catch (error) {
      return;
    }
    if (!saved || saved.v !== 1) return;
    const list = (value, size) => (Array.isArray(value) && value.length === size ? value : null);
    state.seen = (Array.isArray(saved.s) ? saved.s : []).filter((i) => Number.isInteger(i) && i >= 0 && i < pages.length);
    state.used = Number.isInteger(saved.u) ? saved.u : 0;
    state.best = typeof saved.b === 'number' ? saved.b : null;
    state.last = typeof saved.l === 'number' ? saved.l : null;
    const responses = list(saved.r, quiz.length);
    const interactions = list(saved.i, quiz.length);
    if (responses && interactions) {
      state.responses = responses;
      state.interactions = interactions.map((n) => (Number.isInteger(n) ? n : -1));
      state.submitted = saved.d === 1;
    }
    state.checks = list(saved.k, checks.length) || state.checks;
  }

  // ---- recording ----

  function resultOf(grade) {
    if (isRight(grade)) return 'correct';
    if (grade.score <= 0) return V === '1.2' ? 'wrong' : 'incorrect';
    return G.decimalText(G.roundHalfEven(grade.score, 2), 4);
  }

  // The type last written for each question's interaction in this session; a 2004 interaction
  // written in an earlier session is asked for (SCORM 1.2 interactions are write-only).
  const writtenTypes = new Map();

  function typeWritten(index, at) {
    if (!writtenTypes.has(index)) writtenTypes.set(index, V === '2004' ? conn.get(at('type'), quiz[index].interaction.type) : quiz[index].interaction.type);
    return writtenTypes.get(index);
  }

  // The type, then the correct responses again: Moodle's runtime forgets them when the type is set.
  function writeType(index, at, type) {
    writtenTypes.set(index, type);
    let ok = conn.set(at('type'), type);
    quiz[index].interaction.patterns.forEach((pattern, j) => { ok = ok && conn.set(at('correct_responses.' + j + '.pattern'), pattern); });
    return ok;
  }

  function writeInteraction(index) {
    const q = quiz[index];
    const I = q.interaction;
    const response = state.responses[index];
    const record = G.interactionRecord(q, I.type, response, V);
    let n = state.interactions[index];
    let ok = true;
    const at = (name) => E.interactions + '.' + n + '.' + name;
    if (n < 0) {
      n = nextInteraction;
      // id first, then type: the type decides how every later value is checked.
      if (!conn.set(at('id'), q.id)) return false;
      nextInteraction += 1;
      state.interactions[index] = n;
      ok = writeType(index, at, record.type);
      if (ok && I.description) ok = conn.set(at('description'), I.description);
      if (ok && I.weighting) ok = conn.set(at('weighting'), I.weighting);
    } else if (q.type === 'numeric' && record.type !== typeWritten(index, at)) {
      ok = writeType(index, at, record.type);
    }
    if (record.response !== null) ok = conn.set(at(E.response), record.response) && ok;
    ok = conn.set(at('result'), resultOf(G.grade(q, response))) && ok;
    const since = touched.has(index) ? touched.get(index) : Date.now();
    ok = conn.set(at('latency'), timespan((Date.now() - since) / 1000, V)) && ok;
    return conn.set(at(E.time), moment(new Date(), V)) && ok;
  }

  function writeProgress() {
    let text = serialize(true);
    // Knowledge-check answers go first when space runs short: quiz answers must survive.
    if (text.length > conn.limits.suspendData) text = serialize(false);
    if (text.length > conn.limits.suspendData) {
      $('#sco-alert p').textContent = L.tooLong;
      $('#sco-alert').hidden = false;
      return false;
    }
    let ok = conn.set(E.suspendData, text);
    const bookmark = data.pages[current];
    if (bookmark.length <= conn.limits.location) ok = conn.set(E.location, bookmark) && ok;
    return ok;
  }

  // Writes what changed and commits; true when the LMS took all of it.
  function save(commit = true) {
    clearTimeout(saveTimer);
    saveTimer = null;
    const pending = Array.from(dirty);
    if (!recording) {
      dirty.clear();
      return true;
    }
    let ok = true;
    pending.forEach((index) => { ok = writeInteraction(index) && ok; });
    ok = writeProgress() && ok;
    if (pendingReport && pendingReport()) pendingReport = null;
    else if (pendingReport) ok = false;
    if (commit) ok = conn.commit() && ok;
    pending.forEach((index) => {
      const status = $('.save-state', quizSets[index]);
      if (status) status.textContent = ok ? L.answerSaved : L.answerNotSaved;
    });
    if (ok) {
      pending.forEach((index) => dirty.delete(index));
      $('#sco-alert').hidden = true;
    }
    return ok;
  }

  function saveSoon(delay = SAVE_DELAY.change) {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, delay);
  }

  const passed = () => state.best !== null && state.best >= data.passMark;
  const attemptsLeft = () => (data.maxAttempts ? Math.max(0, data.maxAttempts - state.used) : Infinity);
  // Where the learner stands for the quiz's review options, by the attempts this SCO keeps.
  const standing = () => ({ passed: passed(), attemptsLeft: attemptsLeft() === Infinity ? null : attemptsLeft() });
  const lessonsSeen = () => pages.slice(1, 1 + data.lessons).every((page, i) => state.seen.includes(i + 1));
  const moduleDone = () => (quiz.length ? state.used > 0 && (passed() || attemptsLeft() === 0) : lessonsSeen());

  // SCORM 2004 splits 1.2's one status in two, but Moodle grades ("Learning objects"), completes
  // ("All SCOs must return completion status") and closes attempts by completion_status alone:
  // a module is "completed" only once its quiz is passed, as 1.2 counts only "passed". A failed
  // module stays "incomplete" even with no attempt left; it then ends with exit "normal", so
  // Moodle gives nothing back on the next launch and the module starts afresh there.
  function reportScore() {
    const best = state.best;
    let ok = conn.set(E.raw, G.decimalText(best, 3)) && conn.set(E.min, '0') && conn.set(E.max, '100');
    if (V === '1.2') return conn.set(E.status, passed() ? 'passed' : 'failed') && ok;
    ok = conn.set(E.scaled, G.decimalText(G.roundHalfEven(best / 100, 4), 1)) && ok;
    ok = conn.set(E.success, passed() ? 'passed' : 'failed') && ok;
    return conn.set(E.completion, passed() ? 'completed' : 'incomplete') && ok;
  }

  function reportCompleted() {
    if (V === '1.2') return conn.set(E.status, 'completed');
    return conn.set(E.completion, 'completed') && conn.set(E.success, 'unknown');
  }

  // The session ends exactly once, when the learner leaves the page however they leave it.
  function finish() {
    if (!conn.active) return;
    if (recording) {
      save(false);
      conn.set(E.sessionTime, timespan((Date.now() - startedAt) / 1000, V));
      conn.set(E.exit, moduleDone() ? (V === '1.2' ? '' : 'normal') : 'suspend');
      conn.commit();
    }
    conn.finish();
  }

  // ---- pages ----

  function title(index) {
    return $('h1', pages[index]).textContent;
  }

  function show(index, target) {
    current = Math.max(0, Math.min(pages.length - 1, index));
    pages.forEach((page, i) => { page.hidden = i !== current; });
    $$('#toc a').forEach((link, i) => {
      if (i === current) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    });
    const previous = $('#page-previous');
    const next = $('#page-next');
    previous.hidden = current === 0;
    next.hidden = current === pages.length - 1;
    if (!previous.hidden) $('span', previous).textContent = L.previous + ': ' + title(current - 1);
    if (!next.hidden) $('span', next).textContent = L.next + ': ' + title(current + 1);
    $('#page-number').textContent = fill(L.page, { number: current + 1, total: pages.length });
    const first = !state.seen.includes(current);
    if (first) state.seen.push(current);
    if (recording) {
      if (first && !quiz.length && lessonsSeen()) pendingReport = reportCompleted;
      save();
    }
    if (target) {
      target.scrollIntoView();
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.focus({ preventScroll: true });
    }
  }

  function go(index) {
    show(index, $('h1', pages[Math.max(0, Math.min(pages.length - 1, index))]));
    window.scrollTo(0, 0);
  }

  function onLinkClick(event) {
    const link = event.target.closest('a[href^="#"]');
    if (!link) return;
    const target = document.getElementById(decodeURIComponent(link.getAttribute('href').slice(1)));
    const page = target && target.closest('.page');
    if (!page) return;
    event.preventDefault();
    if (target === page) go(pages.indexOf(page));
    else show(pages.indexOf(page), target);
    if (link.closest('#toc') && window.matchMedia('(max-width: 59.99rem)').matches) $('#toc').open = false;
  }

  // ---- knowledge checks ----

  function onCheck(event) {
    const button = event.target.closest('.check-button');
    if (!button) return;
    const index = checks.findIndex((q) => q.id === button.dataset.check);
    const response = readResponse(checkSets[index], checks[index]);
    clearOutcome(checkSets[index]);
    showOutcome(checkSets[index], checks[index], response);
    if (G.isAnswered(checks[index], response)) {
      state.checks[index] = response;
      saveSoon();
    }
  }

  // ---- the quiz ----

  function questionIndex(element) {
    const fieldset = element.closest('fieldset[data-question]');
    return fieldset ? quizSets.indexOf(fieldset) : -1;
  }

  function onQuizActivity(event) {
    const index = questionIndex(event.target);
    if (index < 0 || state.submitted) return;
    if (!touched.has(index)) touched.set(index, Date.now());
    if (event.type === 'focusin') return;
    state.responses[index] = readResponse(quizSets[index], quiz[index]);
    dirty.add(index);
    const status = $('.save-state', quizSets[index]);
    if (status && recording) status.textContent = '';
    saveSoon(SAVE_DELAY[event.type]);
  }

  function showResult(focus) {
    const panel = $('#quiz-result');
    const mark = data.passMark;
    const lastPassed = state.last !== null && state.last >= mark;
    $('.result-summary', panel).textContent = fill(lastPassed ? L.passed : L.failed, { percent: shown(state.last), mark });
    panel.className = 'result-panel ' + (lastPassed ? 'result-right' : 'result-wrong');
    const more = [];
    if (state.used > 1) more.push(fill(L.best, { percent: shown(state.best) }));
    const left = attemptsLeft();
    if (left === 0) more.push(L.noAttemptsLeft);
    else if (left !== Infinity) more.push(fill(L.attemptsLeft, { count: left }));
    $('.result-more', panel).textContent = more.join(' ');
    // The review as the quiz's options allow it now, and what a later moment will add.
    const now = standing();
    const shows = R.shown(data.review, now);
    const list = new Intl.ListFormat(data.lang, { type: 'conjunction' });
    const later = R.coming(data.review, now).map(([moment, parts]) => fill(L['later.' + moment], {
      parts: list.format(parts.map((part) => L['part.' + part])),
    }));
    $('.result-later', panel).textContent = later.join(' ');
    $('#quiz-retry').hidden = left === 0 || (conn.available && !recording);
    panel.hidden = false;
    $('#quiz-submit').hidden = true;
    quizSets.forEach((fieldset, i) => {
      fieldset.disabled = true;
      showOutcome(fieldset, quiz[i], state.responses[i], shows);
    });
    if (focus) panel.focus();
  }

  function submitQuiz(event) {
    event.preventDefault();
    if (state.submitted) return;
    quiz.forEach((q, i) => { state.responses[i] = readResponse(quizSets[i], q); });
    const unanswered = quiz.map((q, i) => (G.isAnswered(q, state.responses[i]) ? 0 : i + 1)).filter(Boolean);
    const warning = $('#quiz-unanswered');
    if (unanswered.length && !confirmSubmit) {
      warning.textContent = fill(L.unanswered, { numbers: unanswered.join(', ') });
      warning.hidden = false;
      confirmSubmit = true;
      return;
    }
    warning.hidden = true;
    confirmSubmit = false;
    // The platform's rule: points summed in question order, then a percentage with 2 decimals.
    let score = 0;
    let total = 0;
    quiz.forEach((q, i) => {
      const grade = G.grade(q, state.responses[i]);
      score += grade.score;
      total += grade.max;
    });
    state.last = G.percent(score, total);
    state.best = state.best === null ? state.last : Math.max(state.best, state.last);
    state.used += 1;
    state.submitted = true;
    quiz.forEach((q, i) => dirty.add(i)); // every question is reported, answered or not
    showResult(true);
    pendingReport = reportScore;
    save();
  }

  function retry() {
    state.submitted = false;
    state.responses = quiz.map(() => null);
    state.interactions = quiz.map(() => -1); // a new attempt adds its own interactions
    touched.clear();
    dirty.clear();
    $('#quiz-form').reset();
    quizSets.forEach((fieldset) => {
      fieldset.disabled = false;
      clearOutcome(fieldset);
      const status = $('.save-state', fieldset);
      if (status) status.textContent = '';
    });
    $('#quiz-result').hidden = true;
    $('#quiz-submit').hidden = false;
    save();
    $('legend', quizSets[0]).scrollIntoView();
    $('input, select', quizSets[0]).focus();
  }

  // ---- start ----

  function startSession() {
    if (!conn.available) {
      notice(L.notRecorded);
      return '';
    }
    if (!conn.start()) {
      const failure = failures[failures.length - 1] || {};
      notice(fill(L.startFailed, { error: [failure.code, failure.message].filter(Boolean).join(' ') }));
      return '';
    }
    const mode = conn.get(E.mode, 'normal');
    recording = mode !== 'review' && mode !== 'browse';
    if (!recording) notice(L.review);
    // SCORM 2004 keeps data only for a learner who resumes (and answers 403 otherwise); Moodle's
    // SCORM 1.2 reloads it whatever the entry, for a learner coming back to review.
    const resuming = V === '1.2' || conn.get(E.entry, '') === 'resume';
    if (resuming) restore(conn.get(E.suspendData, ''));
    nextInteraction = parseInt(conn.get(E.interactions + '._count', '0'), 10) || 0;
    // Interactions the LMS did not keep are written again as new ones.
    state.interactions = state.interactions.map((n) => (n < nextInteraction ? n : -1));
    if (recording) {
      const status = V === '1.2' ? conn.get(E.status, '') : conn.get(E.completion, '');
      const fresh = V === '1.2' ? ['', 'not attempted'].includes(status) : !['completed', 'incomplete'].includes(status);
      // "incomplete" from the start: Moodle would otherwise show "not attempted" until the end.
      if (fresh) conn.set(V === '1.2' ? E.status : E.completion, 'incomplete');
    }
    return resuming ? conn.get(E.location, '') : '';
  }

  function start() {
    document.documentElement.classList.add('js');
    $$('.check-button, #quiz-submit').forEach((button) => { button.hidden = false; });
    $('.pager').hidden = false;
    const bookmark = startSession();
    shuffle(conn.active ? conn.get(E.learner, '') : '');
    checks.forEach((q, i) => {
      if (state.checks[i] === null) return;
      writeResponse(checkSets[i], q, state.checks[i]);
      showOutcome(checkSets[i], q, state.checks[i]);
    });
    quiz.forEach((q, i) => writeResponse(quizSets[i], q, state.responses[i]));
    if (state.submitted) showResult(false);
    if (window.matchMedia('(max-width: 59.99rem)').matches) $('#toc').open = false;
    const index = data.pages.indexOf(bookmark);
    show(index < 0 ? 0 : index);

    document.addEventListener('click', onLinkClick);
    document.addEventListener('click', onCheck);
    $('#page-previous').addEventListener('click', () => go(current - 1));
    $('#page-next').addEventListener('click', () => go(current + 1));
    $('#sco-alert button').addEventListener('click', () => save());
    const form = $('#quiz-form');
    if (form) {
      ['change', 'input', 'focusin'].forEach((type) => form.addEventListener(type, onQuizActivity));
      form.addEventListener('submit', submitQuiz);
      $('#quiz-retry').addEventListener('click', retry);
    }
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'hidden' && conn.active) save();
    });
    window.addEventListener('pagehide', finish);
    window.addEventListener('pageshow', (event) => {
      if (event.persisted && conn.finished) notice(L.ended);
    });
    window.scoReady = true;
  }

  start();
})();
