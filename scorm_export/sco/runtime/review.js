/* What the review of a quiz attempt shows, and from when: a port of lms/content/review.py.
   The same rule as the platform's, checked against it on shared fixtures
   (tests/fixtures/review_cases.json). Pure functions; also loads under Node for those tests.
   A standing is {passed, attemptsLeft}, attemptsLeft null when attempts are unlimited. */
(function (root) {
  'use strict';

  const ITEMS = ['correctness', 'marks', 'feedback', 'right_answer', 'explanation'];
  const MOMENTS = ['immediately', 'after_passing', 'after_last_attempt', 'after_passing_or_last_attempt', 'never'];

  const unlimited = (standing) => standing.attemptsLeft === null || standing.attemptsLeft === undefined
    || standing.attemptsLeft === Infinity;

  // review.reached: whether a learner at `standing` has reached `moment` (an unknown one never).
  function reached(moment, standing) {
    const outOfAttempts = !unlimited(standing) && standing.attemptsLeft === 0;
    switch (moment) {
      case 'immediately': return true;
      case 'after_passing': return standing.passed;
      case 'after_last_attempt': return outOfAttempts;
      case 'after_passing_or_last_attempt': return standing.passed || outOfAttempts;
      default: return false;
    }
  }

  // ReviewOptions.shown: item -> whether the learner sees it now.
  function shown(review, standing) {
    const out = {};
    ITEMS.forEach((item) => { out[item] = reached(review[item], standing); });
    return out;
  }

  // ReviewOptions.coming: [moment, [items]] for the parts hidden now that a later moment shows.
  function coming(review, standing) {
    const canPass = !standing.passed && standing.attemptsLeft !== 0;
    const later = new Map();
    ITEMS.forEach((item) => {
      let moment = review[item];
      if (!MOMENTS.includes(moment) || reached(moment, standing) || moment === 'never') return;
      if (moment === 'after_passing_or_last_attempt' && unlimited(standing)) moment = 'after_passing';
      if (moment === 'after_passing' && !canPass) return;
      if (moment === 'after_last_attempt' && unlimited(standing)) return;
      if (!later.has(moment)) later.set(moment, []);
      later.get(moment).push(item);
    });
    return MOMENTS.filter((moment) => later.has(moment)).map((moment) => [moment, later.get(moment)]);
  }

  // What knowledge checks show: every part, at once.
  const everything = Object.freeze(Object.fromEntries(ITEMS.map((item) => [item, true])));

  const api = { ITEMS, MOMENTS, reached, shown, coming, everything };
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.ScoReview = api;
})(this);
