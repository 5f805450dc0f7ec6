"""Human review of flagged cells and section-五 labels: a queue, the evidence, decisions kept apart."""
