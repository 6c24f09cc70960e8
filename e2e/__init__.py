"""Browser tests of the user journeys, in Debian's Chromium."""
