"""Business continuity (3.1.1, 3.1.2, 3.3.3): classification schemes, the backup standard,
per-system backups and restore tests, ICT-BCP, drills with PDCA actions, outages.

A system's guideline classification (機密性/完全性/可用性 1–3) stays where the registry keeps it,
on the system: that is the one source of truth. A scheme that splits a guideline level (the 2024
revision's 3A/3B/3C, a local 2A/2B) stores only the refinement (`SystemClassification`), and a
refinement that no longer agrees with the system's guideline level is ignored.
"""

from daicho.continuity.models.availability import (  # noqa: F401
    Outage,
    ServiceProfile,
    ServiceUsage,
)
from daicho.continuity.models.backups import (  # noqa: F401
    FREQUENCY_HOURS,
    LOCATION_DISTANCE,
    BackupConfig,
    BackupMethod,
    BackupRule,
    BackupStandard,
    CopyLocation,
    Frequency,
    RestoreResult,
    RestoreTest,
)
from daicho.continuity.models.base import (  # noqa: F401
    SystemRecord,
)
from daicho.continuity.models.bcp import (  # noqa: F401
    BcpPlan,
    RecoveryPriority,
)
from daicho.continuity.models.classification import (  # noqa: F401
    Axis,
    ClassificationLevel,
    ClassificationScheme,
    SystemClassification,
)
from daicho.continuity.models.drills import (  # noqa: F401
    ACTION_TRANSITIONS,
    ActionStatus,
    Drill,
    DrillFinding,
    DrillKind,
    FindingQuerySet,
)
