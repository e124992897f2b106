"""The roster from CSV exports: ``mentorledger import people`` and ``import relationships``.

``table`` reads an export and maps its header (the documented header map, or flags), ``titles`` turns
job titles into ranks, ``people`` and ``relationships`` make checked records of the rows (every problem
naming its line and column), ``merge`` matches them with the configuration's entries, and
``yamlfile`` writes the result into the configuration file in place (ruamel.yaml round trip).
"""
