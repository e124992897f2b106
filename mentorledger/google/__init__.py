"""Google Calendar as a calendar source: events.list with sync tokens, mapped onto ``Instance`` objects so
the one implementation of the counting rules applies. Heavy Google libraries are imported only by the
modules that talk to Google, so commands that never sync Google calendars never load them."""
