"""Words with a fixed meaning across the tool (pure, dependency-free so hot paths stay light)."""

STATUSES = ("to-read", "reading", "read", "skimmed", "abandoned")
