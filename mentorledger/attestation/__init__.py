"""Mentee attestation (issue 11): the rules (``rules``), the stored answers and links (``store``), the
sessions a mentee or a mentor sees (``sessions``) and the monthly request e-mail (``mail``)."""
