"""The long jobs of the questionnaire and the SAQ, run by ``common.jobs``: their kind names
(``EvaluasiConfig.ready`` registers them)."""

QUESTIONNAIRE_IMPORT = "questionnaire_import"
ANSWERS_IMPORT = "answers_import"
EVIDENCE_CHECK = "evidence_check"
