"""Partitions shared by the scrape assets."""

import dagster as dg

#: one partition per UTC day. ``end_offset=1`` makes today's partition exist, so the nightly live scrape
#: fills the day it runs on. Starts 2024-01-01 so archived captures from 2024 can be replayed into their day.
daily_partitions = dg.DailyPartitionsDefinition(start_date="2024-01-01", end_offset=1, timezone="UTC")
