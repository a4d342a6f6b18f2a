"""Programs, cohorts, supervisor assignments, evaluation periods and minimum levels."""
