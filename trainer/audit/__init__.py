"""The audit log: the append-only, hash-chained record of every state change, its checkpoints
and its verification. Every area records through ``audit.services.record``; the pages that
show the log live in ``trainer.reports``."""
