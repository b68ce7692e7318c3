"""Candidate units and their named features (the one path serving, training and tests take),
the fitted model's choice and calibrated confidence, and the short answer inside the unit."""
