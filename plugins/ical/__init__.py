"""iCalendar export and feeds. Registers no hooks yet."""
