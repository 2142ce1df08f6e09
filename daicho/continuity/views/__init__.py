"""Pages of the continuity area, one module per sub-area: backups (compliance, a system's backup,
the standard and schemes), ICT-BCP, drills, availability."""
