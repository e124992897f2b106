"""Calendar sources: one folder per kind (``ics``, ``google``, ``m365``, ``caldav``), each implementing
the protocol in ``protocol``; ``registry`` maps a kind to its module. Nothing outside this package
and the configuration's union of calendar kinds names a source."""
