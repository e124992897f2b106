"""Google Calendar as a calendar source: events.list with sync tokens, mapped onto ``Instance`` objects
so the one implementation of the counting rules applies. Heavy Google libraries are imported only by
the modules that talk to Google, so runs without Google calendars never load them."""

from mentorledger.sources.google.source import GoogleSource

SOURCE = GoogleSource()
