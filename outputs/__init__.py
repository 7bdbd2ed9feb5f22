"""Analyst outputs of the database (the HTML report and the exports); never imports Prefect or spaCy."""
