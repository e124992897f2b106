"""Reports: chair effort reports and mentor dossier summaries.

``chair_data`` and ``dossier_data`` compute every number once; the ``render_*`` modules only format.
"""
