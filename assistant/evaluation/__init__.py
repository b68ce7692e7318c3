"""Measuring and fitting: question sets (questions.py), running them (runner.py), metrics,
reports and baselines; and fitting the evidence model on data (train.py with training_data.py,
fitting.py and training_report.py)."""
