"""IncoreX spot exchange (https://api.incorex.com/v1/{method})."""
