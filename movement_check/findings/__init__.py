"""What a physiotherapist reads and sees of a result: confidence, findings first, metric tables, figures."""
