"""Prose: hand-written lines of skills targets that contradict the spec — found, then fixed.

:mod:`~routecfg.prose.vocab` turns a spec into the words a toolkit's prose uses (tier names,
Task models, a tier's other names, gate titles and roles, config keys);
:mod:`~routecfg.prose.claims` reads claims out of Markdown with those words (tables through
:mod:`~routecfg.prose.tables`; the records they pass are :mod:`~routecfg.prose.records`);
:mod:`~routecfg.prose.lint` judges each claim against the spec;
:mod:`~routecfg.prose.fix` rewrites the claims whose right text is unambiguous.
Text in, records out: nothing here reads or writes a file.
"""
