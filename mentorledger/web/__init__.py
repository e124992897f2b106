"""The web app: mentors see, correct and add to their own ledger (``mentorledger web``).

Server-rendered HTML (Jinja2) over the same core functions the command line and the reports use;
every route declares who may use it (``access``), and every form carries a CSRF token.
"""
