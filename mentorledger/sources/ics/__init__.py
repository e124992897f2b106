"""ICS files and feeds (http, https, webcal) as a calendar source: conditional GET and a content hash
decide whether a feed changed; a changed one is parsed in full and read as a snapshot."""

from mentorledger.sources.ics.source import IcsSource

SOURCE = IcsSource()
