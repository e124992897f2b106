"""CalDAV calendar collections (iCloud, Fastmail, Nextcloud, Radicale, SOGo) as a calendar source:
``sync-collection`` (RFC 6578) where the server offers it, else ETags of a time-range
``calendar-query``; each resource is read by the same ICS reader and counted by the same rules."""

from mentorledger.sources.caldav.source import CaldavSource

SOURCE = CaldavSource()
