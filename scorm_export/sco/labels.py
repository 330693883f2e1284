"""The SCO's interface wording in each content language."""

from __future__ import annotations

from collections.abc import Mapping

# Keys used by the page template and, under "runtime", by sco.js. Wording follows the platform's.
LABELS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "skip": "Skip to main content",
        "module": "Module",
        "contents": "Contents",
        "introduction": "Introduction",
        "objectives": "Learning objectives",
        "estimated": "Estimated time: {minutes} minutes",
        "check_title": "Check your understanding",
        "check_answer": "Check answer",
        "hint": "Hint {number} of {total}",
        "points": "{points} points",
        "select_all": "Select every correct option.",
        "order_help": "Give each item its position, 1 being the first.",
        "your_answer": "Your answer",
        "true": "True",
        "false": "False",
        "choose": "Choose…",
        "position": "Position…",
        "correct_answer": "Correct answer",
        "accepted_answers": "Accepted answers",
        "correct_order": "Correct order",
        "between": "from {low} to {high}",
        "explanation": "Explanation",
        "pass_mark": "Pass mark: {mark}%",
        "attempts": "Attempts allowed: {attempts}",
        "unlimited": "Unlimited attempts",
        "submit": "Submit answers",
        "previous": "Previous",
        "next": "Next",
        "pages": "Pages",
        "quiz": "Quiz",
        "noscript": (
            "This page needs JavaScript to check answers, grade the quiz and record your "
            "progress. The lessons can be read below without it."
        ),
    },
    "es": {
        "skip": "Saltar al contenido principal",
        "module": "Módulo",
        "contents": "Contenido",
        "introduction": "Introducción",
        "objectives": "Objetivos de aprendizaje",
        "estimated": "Tiempo estimado: {minutes} minutos",
        "check_title": "Compruebe lo aprendido",
        "check_answer": "Comprobar la respuesta",
        "hint": "Pista {number} de {total}",
        "points": "{points} puntos",
        "select_all": "Seleccione todas las opciones correctas.",
        "order_help": "Indique la posición de cada elemento; el 1 es el primero.",
        "your_answer": "Su respuesta",
        "true": "Verdadero",
        "false": "Falso",
        "choose": "Elija…",
        "position": "Posición…",
        "correct_answer": "Respuesta correcta",
        "accepted_answers": "Respuestas aceptadas",
        "correct_order": "Orden correcto",
        "between": "de {low} a {high}",
        "explanation": "Explicación",
        "pass_mark": "Nota mínima para aprobar: {mark}%",
        "attempts": "Intentos permitidos: {attempts}",
        "unlimited": "Intentos ilimitados",
        "submit": "Enviar las respuestas",
        "previous": "Anterior",
        "next": "Siguiente",
        "pages": "Páginas",
        "quiz": "Cuestionario",
        "noscript": (
            "Esta página necesita JavaScript para comprobar respuestas, calificar el "
            "cuestionario y registrar su progreso. Las lecciones pueden leerse sin él."
        ),
    },
}

# Wording that sco.js shows; `{name}` fields are filled in the browser.
RUNTIME_LABELS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "notRecorded": (
            "Progress is not being recorded: this page was opened outside a learning "
            "platform. You can read the lessons and try the quiz, but nothing will be saved."
        ),
        "review": "Review mode: you can look through the module, but nothing you do is recorded.",
        "startFailed": (
            "The learning platform did not start this session ({error}). Your progress is not "
            "being recorded."
        ),
        "saveFailed": (
            "Your progress could not be saved: the learning platform answered {error}. Keep "
            "this window open and try again; if it keeps failing, tell your instructor."
        ),
        "saveAgain": "Try saving again",
        "saved": "Progress saved.",
        "tooLong": (
            "Your answers are too long to be saved by the learning platform. Shorten your "
            "written answers."
        ),
        "ended": "This session has ended. Open the activity again from the platform to continue.",
        "answerSaved": "Answer saved.",
        "answerNotSaved": "Answer not saved yet.",
        "right": "Correct.",
        "partly": "Partly correct.",
        "wrong": "Not correct.",
        "noAnswer": "No answer.",
        "points": "{score} of {max} points",
        "unanswered": (
            "You have not answered questions {numbers}. Unanswered questions score no points. "
            "Select Submit answers again to submit anyway."
        ),
        "passed": "You passed: your score is {percent}% (pass mark {mark}%).",
        "failed": "You did not pass: your score is {percent}% (pass mark {mark}%).",
        "best": "Your best score: {percent}%.",
        "attemptsLeft": "Attempts left: {count}.",
        "noAttemptsLeft": "You have used every attempt allowed for this quiz.",
        "retry": "Try the quiz again",
        "page": "Page {number} of {total}",
        "done": "You have finished this module.",
        # The parts of a review shown later, and when (keys: lms.content.review ITEMS, MOMENTS).
        "later.after_passing": "Once you pass this quiz, its review will also show {parts}.",
        "later.after_last_attempt": (
            "Once you have used every attempt, this quiz's review will also show {parts}."
        ),
        "later.after_passing_or_last_attempt": (
            "Once you pass this quiz or have used every attempt, its review will also show {parts}."
        ),
        "part.correctness": "whether each answer is right",
        "part.marks": "the points earned on each question",
        "part.feedback": "the feedback on your answers",
        "part.right_answer": "the right answers",
        "part.explanation": "the explanations",
    },
    "es": {
        "notRecorded": (
            "No se está registrando su progreso: esta página se abrió fuera de una plataforma "
            "de aprendizaje. Puede leer las lecciones y probar el cuestionario, pero no se "
            "guardará nada."
        ),
        "review": (
            "Modo revisión: puede recorrer el módulo, pero no se registra nada de lo que haga."
        ),
        "startFailed": (
            "La plataforma de aprendizaje no inició esta sesión ({error}). No se está "
            "registrando su progreso."
        ),
        "saveFailed": (
            "No se pudo guardar su progreso: la plataforma de aprendizaje respondió {error}. "
            "No cierre esta ventana e inténtelo de nuevo; si el problema continúa, avise a su "
            "docente."
        ),
        "saveAgain": "Intentar guardar de nuevo",
        "saved": "Progreso guardado.",
        "tooLong": (
            "Sus respuestas son demasiado largas para que la plataforma las guarde. Acorte "
            "sus respuestas escritas."
        ),
        "ended": (
            "Esta sesión terminó. Vuelva a abrir la actividad desde la plataforma para continuar."
        ),
        "answerSaved": "Respuesta guardada.",
        "answerNotSaved": "Respuesta aún no guardada.",
        "right": "Correcto.",
        "partly": "Parcialmente correcto.",
        "wrong": "No es correcto.",
        "noAnswer": "Sin respuesta.",
        "points": "{score} de {max} puntos",
        "unanswered": (
            "No respondió las preguntas {numbers}. Las preguntas sin respuesta no suman "
            "puntos. Seleccione Enviar las respuestas otra vez para enviar de todos modos."
        ),
        "passed": "Aprobó: su puntuación es {percent}% (nota mínima para aprobar: {mark}%).",
        "failed": "No aprobó: su puntuación es {percent}% (nota mínima para aprobar: {mark}%).",
        "best": "Su mejor puntuación: {percent}%.",
        "attemptsLeft": "Intentos restantes: {count}.",
        "noAttemptsLeft": "Usó todos los intentos permitidos para este cuestionario.",
        "retry": "Intentar el cuestionario de nuevo",
        "page": "Página {number} de {total}",
        "done": "Terminó este módulo.",
        "later.after_passing": (
            "Cuando apruebe este cuestionario, la revisión también mostrará {parts}."
        ),
        "later.after_last_attempt": (
            "Cuando haya usado todos los intentos, la revisión de este cuestionario también "
            "mostrará {parts}."
        ),
        "later.after_passing_or_last_attempt": (
            "Cuando apruebe este cuestionario o haya usado todos los intentos, la revisión "
            "también mostrará {parts}."
        ),
        "part.correctness": "si cada respuesta es correcta",
        "part.marks": "los puntos obtenidos en cada pregunta",
        "part.feedback": "la retroalimentación de sus respuestas",
        "part.right_answer": "las respuestas correctas",
        "part.explanation": "las explicaciones",
    },
}
