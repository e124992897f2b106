"""Monthly e-mails (issue 11): each mentor's digest (``mentor``) and each mentee's request to confirm
their sessions (``mentee``), sent once per person and month (``deliveries``, ``send``)."""
