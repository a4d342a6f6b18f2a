"""The trainee's competency record: the one owner of the competency ladder (not started →
in progress → knowledge demonstrated → competency verified), of what is still missing and why,
of the current signed rating of each competency, of whether a period rests on direct
observation, and of the minimum level in force. Rules are pure functions over loaded facts
(``rules``, ``records``); loaders fetch the facts in a fixed number of queries (``queries``,
``pages``); ``access`` says who may read or act on each kind of record."""
